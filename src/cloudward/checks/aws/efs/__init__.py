"""EFS checks: file systems."""
