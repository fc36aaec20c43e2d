"""IAM and account-level identity checks (root, users, keys, password policy, policies, trust)."""
