"""Tests of the detection layer."""
