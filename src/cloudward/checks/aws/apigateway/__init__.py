"""API Gateway checks."""
