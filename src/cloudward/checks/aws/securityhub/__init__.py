"""Security Hub checks."""
