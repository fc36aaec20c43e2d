"""Time for the generator: whole UTC seconds since the epoch, and CloudTrail's ``eventTime`` text.

Everything inside the generator counts time as an ``int`` of seconds since 1970-01-01T00:00:00Z
(CloudTrail's ``eventTime`` has one-second resolution). :class:`Clock` turns such a second into
``YYYY-MM-DDTHH:MM:SSZ`` with two table look-ups, because it runs once per generated record.
"""

from __future__ import annotations

from datetime import UTC, datetime

DAY = 86_400
HOUR = 3_600
MINUTE = 60

_HMS = tuple(f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}Z" for s in range(DAY))


def to_epoch(moment: datetime) -> int:
    """Whole seconds since the epoch of a tz-aware datetime (a naive one is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


def from_epoch(second: int) -> datetime:
    """The tz-aware UTC datetime of an epoch second."""
    return datetime.fromtimestamp(second, UTC)


class Clock:
    """Formats epoch seconds as CloudTrail does (``2026-10-05T14:03:27Z``), caching each day's date."""

    __slots__ = ("_days",)

    def __init__(self) -> None:
        self._days: dict[int, str] = {}

    def iso(self, second: int) -> str:
        """``YYYY-MM-DDTHH:MM:SSZ`` for an epoch second."""
        day, rest = divmod(second, DAY)
        prefix = self._days.get(day)
        if prefix is None:
            prefix = from_epoch(day * DAY).strftime("%Y-%m-%dT")
            self._days[day] = prefix
        return prefix + _HMS[rest]

    def stamp(self, second: int) -> str:
        """The ``YYYYMMDDTHHMMZ`` stamp CloudTrail puts in a log file's name."""
        return from_epoch(second).strftime("%Y%m%dT%H%MZ")

    def day_path(self, second: int) -> str:
        """The ``YYYY/MM/DD`` folder of a log file delivered at that second."""
        return from_epoch(second).strftime("%Y/%m/%d")
