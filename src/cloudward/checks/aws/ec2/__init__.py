"""EC2 checks: security groups, instances and EBS."""
