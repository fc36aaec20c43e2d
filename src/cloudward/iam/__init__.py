"""IAM policy language: statements, principals and conditions; later the policy evaluator."""
