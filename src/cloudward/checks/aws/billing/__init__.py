"""Billing checks: spend alerts (AWS Budgets, CloudWatch billing alarms)."""
