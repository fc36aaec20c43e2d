"""Attribute values: plain JSON data, or an explicit Unknown when the collector could not read it.

An attribute that could not be read is never ``None``: it is ``Unknown(reason=...)``, naming the failed
API call. Reading an Unknown through :meth:`Resource.supplement` raises :class:`UnknownAttributeError`,
which the check runner turns into an ERROR result, never a PASS.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import orjson

UNKNOWN_KEY = "__unknown__"


@dataclass(frozen=True, slots=True)
class Unknown:
    """A value the collector could not read, with the reason (error code and the permission needed)."""

    reason: str


class UnknownAttributeError(LookupError):
    """Raised when a check reads an attribute that is Unknown or was not collected."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name} unknown: {reason}")
        self.name = name
        self.reason = reason


def _default(value: Any) -> Any:
    if isinstance(value, Unknown):
        return {UNKNOWN_KEY: value.reason}
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, set | frozenset | tuple):
        return sorted(value, key=str)
    raise TypeError(f"cannot encode {type(value).__name__} in an attribute")


def dumps(value: Any) -> bytes:
    """Encode attribute data as JSON; Unknowns become ``{"__unknown__": reason}``, datetimes ISO 8601."""
    return orjson.dumps(value, default=_default, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATACLASS)


def _revive(value: Any) -> Any:
    if isinstance(value, dict):
        if len(value) == 1 and UNKNOWN_KEY in value:
            return Unknown(str(value[UNKNOWN_KEY]))
        return {key: _revive(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_revive(item) for item in value]
    return value


def loads(data: bytes | str) -> Any:
    """Decode what :func:`dumps` wrote, turning the Unknown markers back into :class:`Unknown`."""
    value = orjson.loads(data)
    has_marker = UNKNOWN_KEY in data if isinstance(data, str) else UNKNOWN_KEY.encode() in data
    return _revive(value) if has_marker else value  # most rows hold no Unknown: skip the walk


def normalize(value: Any) -> Any:
    """Return the JSON form of API data (datetimes as ISO strings), as a snapshot would give it back.

    Live scans and re-checks of a snapshot see exactly the same values, so they give identical findings.
    """
    return loads(dumps(value))


def parse_time(value: str | datetime | date) -> datetime:
    """Parse an ISO 8601 timestamp as found in API data and credential reports (always timezone-aware)."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day)
    else:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed
