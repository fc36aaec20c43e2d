"""Tests of the findings package: the mutelist."""
