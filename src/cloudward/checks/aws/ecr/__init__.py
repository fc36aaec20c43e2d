"""ECR checks."""
