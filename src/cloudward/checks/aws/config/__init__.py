"""AWS Config checks."""
