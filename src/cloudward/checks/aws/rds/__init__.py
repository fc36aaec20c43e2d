"""RDS checks."""
