"""Sigma field names as SQL over the event store's ``events`` columns.

A Sigma rule names CloudTrail fields with dotted paths (``eventName``, ``userIdentity.arn``,
``requestParameters.bucketName``, ``additionalEventData.MFAUsed``). Each becomes a SQL expression
that yields the field's value as CloudTrail wrote it, as text:

* a top-level column is read by name (``eventTime`` in CloudTrail's own ``2026-11-01T10:00:00Z``
  spelling, ``readOnly`` as ``true``/``false``);
* ``userIdentity.x.y`` is a member of the ``userIdentity`` STRUCT when the schema has that member;
* ``requestParameters.a.b`` (and the other JSON columns) is a JSON path into that column;
* anything else (``userIdentity.sessionContext.webIdFederationData``, ``apiVersion``, ``status``) is a
  JSON path into ``raw``, the record as delivered.

Values are compared as text, so a JSON ``true`` reads ``true`` and a JSON ``42`` reads ``42``, exactly
as a rule author writes them (``publiclyAccessible: 'true'``). A path that ends on an object or an array
reads that object's JSON text, so ``requestParameters|contains: 'Suspended'`` searches the whole
object. JSON ``null`` and a missing field both read as SQL NULL. :attr:`FieldSql.exists` (``|exists``)
tells them apart where the store keeps the difference: inside the JSON columns, for whole JSON columns
(CloudTrail writes ``"responseElements": null``) and for fields read from ``raw``. A top-level scalar or
a ``userIdentity`` member exists when it has a value: the store's columns hold SQL NULL for both an
absent field and an explicit null (CloudTrail omits such fields rather than writing null).

Arrays are not traversed in the middle of a path: a path reaches object members only, as in the
flattened key/value form every Sigma backend for CloudTrail uses.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from cloudward.detect.schema import EVENT_SCHEMA, JSON_COLUMNS, STRUCT_COLUMN

RAW_COLUMN = "raw"
TIME_COLUMN = "eventTime"

_COLUMN_TYPES: dict[str, pa.DataType] = {field.name: field.type for field in EVENT_SCHEMA}
_BOOLEAN_COLUMNS = frozenset(name for name, type_ in _COLUMN_TYPES.items() if pa.types.is_boolean(type_))


def quote_identifier(name: str) -> str:
    """A SQL identifier in double quotes (inner quotes doubled)."""
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    """A SQL string literal in single quotes (inner quotes doubled; DuckDB keeps backslashes)."""
    return "'" + text.replace("'", "''") + "'"


def json_path(segments: tuple[str, ...]) -> str:
    """A JSON path (``$."a"."b"``) whose every key is quoted, so dots and spaces in keys are safe."""
    return "$" + "".join('."' + segment.replace("\\", "\\\\").replace('"', '\\"') + '"' for segment in segments)


@dataclass(frozen=True)
class FieldSql:
    """How one Sigma field reads in SQL.

    Attributes:
        name: the Sigma field name.
        text: SQL expression: the field's value as text, NULL when absent or JSON null.
        exists: SQL boolean expression: the field is present in the record (even when its value is null).
        columns: the event-store columns ``text`` and ``timestamp`` read (a ``userIdentity`` member as
            its dotted path, ``userIdentity.arn``, so that only that member is read).
        exists_columns: the event-store columns ``exists`` reads.
        timestamp: SQL expression of the value as a TIMESTAMP (for ``|hour`` and the other time parts).
    """

    name: str
    text: str
    exists: str
    columns: frozenset[str]
    exists_columns: frozenset[str]
    timestamp: str


def _raw_field(name: str, segments: tuple[str, ...]) -> FieldSql:
    path = quote_literal(json_path(segments))
    text = f"json_extract_string({RAW_COLUMN}, {path})"
    return FieldSql(
        name=name,
        text=text,
        exists=f"COALESCE(json_exists({RAW_COLUMN}, {path}), false)",
        columns=frozenset({RAW_COLUMN}),
        exists_columns=frozenset({RAW_COLUMN}),
        timestamp=f"TRY_CAST({text} AS TIMESTAMP)",
    )


def _key_guard(column: str, key: str) -> str | None:
    """SQL true wherever the JSON column can hold the key: its text contains ``"key"``; None if that cannot tell.

    The JSON columns hold compact JSON whose only escapes are those of orjson (quote, backslash, control
    characters; see :mod:`cloudward.detect.decode`), so a key free of those is spelled as itself wherever it
    occurs. ``raw`` holds the record as delivered, escapes and all, and gets no guard.
    """
    if not key or any(char in '"\\' or char < " " for char in key):
        return None
    quoted_key = '"' + key + '"'
    return f"contains({column}, {quote_literal(quoted_key)})"


def _struct_leaf(type_: pa.DataType, segments: tuple[str, ...]) -> bool:
    """Whether ``segments`` names a text leaf of the nested STRUCT type."""
    for segment in segments:
        if not isinstance(type_, pa.StructType) or type_.get_field_index(segment) < 0:
            return False
        type_ = type_.field(segment).type
    return not isinstance(type_, pa.StructType)


def resolve_field(name: str) -> FieldSql:
    """The SQL of a Sigma field name (see the module docstring for the mapping)."""
    segments = tuple(name.split("."))
    head = segments[0]
    # Whole JSON columns are matched by their JSON text as stored (compact, as CloudTrail's object).
    if len(segments) == 1 and head in JSON_COLUMNS:
        column = quote_identifier(head)
        exists = f"COALESCE(json_exists({RAW_COLUMN}, {quote_literal(json_path(segments))}), false)"
        return FieldSql(name, column, exists, frozenset({head}), frozenset({RAW_COLUMN}), "CAST(NULL AS TIMESTAMP)")
    if len(segments) == 1 and head in _COLUMN_TYPES and head not in (RAW_COLUMN, "sourceFile", STRUCT_COLUMN):
        column = quote_identifier(head)
        if head == TIME_COLUMN:
            timestamp = f"({column} AT TIME ZONE 'UTC')"
            text = f"strftime({timestamp}, '%Y-%m-%dT%H:%M:%SZ')"
        elif head in _BOOLEAN_COLUMNS:
            text = f"CAST({column} AS VARCHAR)"
            timestamp = "CAST(NULL AS TIMESTAMP)"
        else:
            text = column
            timestamp = f"TRY_CAST({column} AS TIMESTAMP)"
        return FieldSql(name, text, f"{column} IS NOT NULL", frozenset({head}), frozenset({head}), timestamp)
    if head in JSON_COLUMNS and len(segments) > 1:
        column = quote_identifier(head)
        path = quote_literal(json_path(segments[1:]))
        text = f"json_extract_string({column}, {path})"
        exists = f"COALESCE(json_exists({column}, {path}), false)"
        guard = _key_guard(column, segments[-1])
        if guard is not None:  # the JSON is parsed only where the key's text occurs
            text, exists = f"(CASE WHEN {guard} THEN {text} END)", f"(CASE WHEN {guard} THEN {exists} ELSE false END)"
        return FieldSql(
            name=name,
            text=text,
            exists=exists,
            columns=frozenset({head}),
            exists_columns=frozenset({head}),
            timestamp=f"TRY_CAST({text} AS TIMESTAMP)",
        )
    if head == STRUCT_COLUMN and len(segments) > 1 and _struct_leaf(_COLUMN_TYPES[STRUCT_COLUMN], segments[1:]):
        text = ".".join(quote_identifier(segment) for segment in segments)
        return FieldSql(
            name,
            text,
            f"{text} IS NOT NULL",
            frozenset({name}),
            frozenset({name}),
            f"TRY_CAST({text} AS TIMESTAMP)",
        )
    return _raw_field(name, segments)
