"""S3 checks."""
