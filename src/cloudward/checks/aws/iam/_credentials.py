"""Reading IAM credential report rows (CSV strings) for the user and key checks; not a check."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cloudward.inventory import Resource, UnknownAttributeError
from cloudward.inventory.attrs import parse_time

REPORT = "CredentialReport"
KEY_SLOTS = (1, 2)
NOT_A_DATE = frozenset({"n/a", "no_information", "not_supported", ""})


def report_row(resource: Resource) -> dict[str, Any]:
    """The resource's credential report row.

    Raises:
        UnknownAttributeError: the report is unreadable, was not collected, or has no row for this
            principal (for example a user created after the report was generated).
    """
    row = resource.supplement(REPORT)
    if row is None:
        raise UnknownAttributeError(
            REPORT, f"no credential report row for {resource.arn} (created after the report was generated?)"
        )
    if not isinstance(row, dict):
        raise UnknownAttributeError(REPORT, f"unexpected credential report row: {type(row).__name__}")
    return row


def column(row: dict[str, Any], name: str) -> str:
    """One column of a row as a string, raising :class:`UnknownAttributeError` if it is missing."""
    value = row.get(name)
    if value is None:
        raise UnknownAttributeError(REPORT, f"the credential report row has no {name!r} column")
    return str(value).strip()


def flag(row: dict[str, Any], name: str) -> bool:
    """A boolean column ("true"/"false", case-insensitive); any other value is not true."""
    return column(row, name).lower() == "true"


def date_column(row: dict[str, Any], name: str) -> datetime | None:
    """A date column: the timestamp, or None for "N/A", "no_information" and "not_supported"."""
    value = column(row, name)
    if value.lower() in NOT_A_DATE:
        return None
    try:
        return parse_time(value)
    except ValueError:
        raise UnknownAttributeError(REPORT, f"{name}={value!r} is not a date") from None


@dataclass(frozen=True, slots=True)
class ActiveKey:
    """An active access key slot of a credential report row, with its creation (last rotated) date."""

    slot: int
    created: datetime

    @property
    def label(self) -> str:
        """The report's column prefix for this key, e.g. ``access_key_2``."""
        return f"access_key_{self.slot}"


def active_keys(row: dict[str, Any]) -> list[ActiveKey]:
    """The row's active access keys with their creation (last rotated) dates.

    Raises:
        UnknownAttributeError: an active key has no readable last_rotated date.
    """
    keys: list[ActiveKey] = []
    for slot in KEY_SLOTS:
        prefix = f"access_key_{slot}"
        if not flag(row, f"{prefix}_active"):
            continue
        created = date_column(row, f"{prefix}_last_rotated")
        if created is None:
            raise UnknownAttributeError(REPORT, f"{prefix} is active but {prefix}_last_rotated is N/A")
        keys.append(ActiveKey(slot, created))
    return keys


def last_used(row: dict[str, Any], key: ActiveKey) -> datetime | None:
    """When the key last signed a request, or None when the report says "N/A" or "no_information"."""
    return date_column(row, f"{key.label}_last_used_date")


def age(delta: timedelta, limit: timedelta) -> str:
    """An age in whole days for reasons; just past the limit, the remainder too ("90 days, 0:00:01")."""
    days = delta.days
    unit = "day" if days == 1 else "days"
    if days == limit.days and delta > limit:
        return f"{days} {unit}, {delta - timedelta(days=days)}"
    return f"{days} {unit}"


def day(value: datetime) -> str:
    """The calendar date of a timestamp (as the report records it, normally UTC), for reasons."""
    return value.date().isoformat()
