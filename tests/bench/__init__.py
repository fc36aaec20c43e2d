"""Tests of the benchmark helpers (the generated IAM account)."""
