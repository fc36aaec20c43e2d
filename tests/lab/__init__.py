"""Tests of the built-in lab: the seeded emulated account."""
