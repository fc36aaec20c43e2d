"""Providers turn a cloud (live APIs, exports, IaC files) into the same Resources."""
