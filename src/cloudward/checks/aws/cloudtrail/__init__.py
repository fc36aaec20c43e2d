"""CloudTrail checks."""
