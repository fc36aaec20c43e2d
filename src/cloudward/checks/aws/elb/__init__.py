"""Elastic Load Balancing (v2) checks."""
