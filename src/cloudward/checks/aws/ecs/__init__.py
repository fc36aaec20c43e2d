"""ECS checks."""
