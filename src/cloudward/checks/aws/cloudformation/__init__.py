"""CloudFormation checks."""
