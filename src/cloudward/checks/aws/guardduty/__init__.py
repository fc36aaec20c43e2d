"""GuardDuty checks."""
