"""Process-wide memory settings."""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

_M_ARENA_MAX = -8  # glibc mallopt parameter


def limit_malloc_arenas(arenas: int = 2) -> bool:
    """Cap glibc's per-thread heap arenas (what MALLOC_ARENA_MAX does), before threads start.

    glibc gives each thread that contends for the heap an arena of its own and rarely returns their
    memory, so a scan's thread pool inflates peak RSS by tens of MB under CPU contention. Best effort:
    returns False where there is no glibc (macOS, musl) and changes nothing.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.mallopt(_M_ARENA_MAX, arenas))
    except (OSError, AttributeError):
        return False
