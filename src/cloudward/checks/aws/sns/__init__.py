"""SNS checks."""
