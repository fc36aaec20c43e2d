"""CloudTrail records (parsed JSON objects) as rows of the event store's schema.

This is the reference conversion: simple and obviously right. The ingester may decode faster, but it
must produce the same table for the same records (a test compares them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import orjson
import pyarrow as pa

from cloudward.detect.schema import EVENT_SCHEMA, JSON_COLUMNS, USER_IDENTITY

_SCALARS = tuple(
    field.name
    for field in EVENT_SCHEMA
    if field.name
    not in (*JSON_COLUMNS, "userIdentity", "raw", "sourceFile", "eventTime", "readOnly", "managementEvent")
)


def parse_event_time(value: object) -> datetime | None:
    """CloudTrail's ``eventTime`` (``2026-11-01T10:00:00Z``) as an aware UTC datetime, or None."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _text(value: object) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else orjson.dumps(value).decode()


def _flag(value: object) -> bool | None:
    """CloudTrail writes readOnly as a boolean, and in some older records as "true"/"false"."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


def _conform(value: object, type_: pa.DataType) -> Any:
    """A JSON value shaped for an Arrow type: structs keep their known members, leaves become text."""
    if value is None:
        return None
    if isinstance(type_, pa.StructType):
        if not isinstance(value, Mapping):
            return None
        return {
            type_.field(i).name: _conform(value.get(type_.field(i).name), type_.field(i).type)
            for i in range(type_.num_fields)
        }
    return _text(value)


def record_row(record: Mapping[str, Any], source_file: str, raw: str | None = None) -> dict[str, Any]:
    """One record as a row dict of EVENT_SCHEMA (raw: the record's text as delivered, if known)."""
    row: dict[str, Any] = {name: _text(record.get(name)) for name in _SCALARS}
    row["eventTime"] = parse_event_time(record.get("eventTime"))
    row["readOnly"] = _flag(record.get("readOnly"))
    row["managementEvent"] = _flag(record.get("managementEvent"))
    row["userIdentity"] = _conform(record.get("userIdentity"), USER_IDENTITY)
    for name in JSON_COLUMNS:
        value = record.get(name)
        row[name] = None if value is None else orjson.dumps(value).decode()
    row["raw"] = raw if raw is not None else orjson.dumps(record).decode()
    row["sourceFile"] = source_file
    return row


def records_to_table(records: Iterable[Mapping[str, Any]], source_file: str = "memory") -> pa.Table:
    """Records as an Arrow table of EVENT_SCHEMA."""
    return pa.Table.from_pylist([record_row(record, source_file) for record in records], schema=EVENT_SCHEMA)
