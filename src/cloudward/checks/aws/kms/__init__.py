"""KMS checks."""
