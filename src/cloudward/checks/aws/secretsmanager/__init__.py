"""Secrets Manager checks: secrets (their metadata only, never their values)."""
