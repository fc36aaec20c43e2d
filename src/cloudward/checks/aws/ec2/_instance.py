"""What EC2 instance checks share."""

GONE_STATES = ("shutting-down", "terminated")
"""Instance states in which a check no longer applies: the instance is going or gone."""
