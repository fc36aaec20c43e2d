"""VPC checks: flow logs and default security groups."""
