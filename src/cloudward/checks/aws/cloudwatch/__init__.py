"""CloudWatch checks: the CIS monitoring controls (metric filters and alarms on CloudTrail events)."""
