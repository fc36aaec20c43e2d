"""The malloc arena cap is applied on Linux and is harmless elsewhere."""

from __future__ import annotations

import sys

from cloudward.core.memory import limit_malloc_arenas


def test_limit_malloc_arenas_reports_whether_it_applied() -> None:
    applied = limit_malloc_arenas(2)
    assert applied is sys.platform.startswith("linux")
