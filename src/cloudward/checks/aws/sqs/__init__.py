"""SQS checks."""
