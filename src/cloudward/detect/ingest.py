"""CloudTrail records into the event store: fast decoding, worker processes, nothing lost.

Decoding (one file at a time, in bounded memory):

* bytes are gunzipped as a stream when they start with the gzip magic (every member; a truncated stream
  is an error), in chunks of a few megabytes;
* the format is recognised from the content: ``{"Records": [...]}`` and bare arrays are split into
  records chunk by chunk (a cut is accepted only where the prefix parses as whole records), JSON Lines
  line by line; a saved ``lookup-events`` answer (``{"Events": [...]}``), a single record and EventBridge
  envelopes (``detail``) are read too; a digest file is skipped;
* each record is decoded by msgspec into a Struct holding only the fields the schema types, its JSON
  objects kept as raw text, and the columns are built directly as Arrow arrays. A record msgspec cannot
  type (a number where CloudTrail writes a string) goes through the reference conversion
  (:func:`cloudward.detect.rows.record_row`), so the table equals ``records_to_table`` either way.

JSON columns hold the value's JSON text in compact form: the delivered text where it is already compact
and unescaped (CloudTrail's own files), else re-encoded like the reference (orjson). Numbers are kept as
delivered. ``raw`` is the record's text as delivered.

A record that is not an object, misses ``eventID``/``eventTime``/``eventName``/``eventSource`` (or has an
unreadable ``eventTime``) is *rejected*: written with its reason to ``STORE/rejected/*.jsonl``. A file that
cannot be read or decoded as a whole (truncated gzip, invalid JSON) is *failed*: none of its records are
stored and it is not marked ingested, so the next run retries it. A file's rows are committed all at
once: small files are buffered until they are complete, and a file larger than one batch is written to
parts of its own, which are deleted if it fails.

Work is spread over worker processes (``spawn``); each writes its own parts and reports *units* (parts,
rejected records and the files they hold) to the parent, which commits them to the manifest.
"""

# ruff: noqa: N815 - the decoding Structs' fields carry CloudTrail's own names
from __future__ import annotations

import base64
import contextlib
import dataclasses
import gc
import importlib
import itertools
import multiprocessing
import os
import pickle
import queue
import re
import secrets
import signal
import time
import traceback
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import accumulate
from operator import attrgetter
from pathlib import Path
from typing import IO, Any, Literal

import msgspec
import orjson
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from cloudward.core.errors import CloudwardError
from cloudward.detect.rows import parse_event_time, record_row
from cloudward.detect.schema import EVENT_SCHEMA, JSON_COLUMNS, USER_IDENTITY
from cloudward.detect.sources import DIGEST_REASON, FileReadError, Source, SourceError, SourceFile, TimeWindow
from cloudward.detect.store import (
    PARQUET_OPTIONS,
    EventStore,
    FileEntry,
    PartEntry,
    StoreWriter,
    Unit,
    fsync_file,
    uncovered,
    window_entry,
)

try:  # ISA-L inflates gzip about 3.5 times faster than zlib; optional (pip install isal)
    _INFLATE: Any = importlib.import_module("isal.isal_zlib")
except ImportError:
    _INFLATE = zlib
GUNZIP = _INFLATE.__name__
"""The inflate implementation in use (``isal.isal_zlib`` or ``zlib``)."""

DECOMPRESSED_CHUNK = 8 << 20
BATCH_ROWS = 50_000
BATCH_BYTES = 256 << 20  # keeps a batch's string offsets well inside int32
PART_ROWS = 500_000
SEGMENT_ROWS = 10_000  # records decoded to Python objects before they become Arrow arrays
REQUIRED = ("eventID", "eventTime", "eventName", "eventSource")

# ---------------------------------------------------------------------------------------------------
# Decoding structs: only what the schema types; everything else is skipped by msgspec.


class _Attributes(msgspec.Struct, gc=False):
    mfaAuthenticated: str | None = None
    creationDate: str | None = None


class _SessionIssuer(msgspec.Struct, gc=False):
    type: str | None = None
    principalId: str | None = None
    arn: str | None = None
    accountId: str | None = None
    userName: str | None = None


class _SessionContext(msgspec.Struct, gc=False):
    attributes: _Attributes | None = None
    sessionIssuer: _SessionIssuer | None = None
    sourceIdentity: str | None = None


class _UserIdentity(msgspec.Struct, gc=False):
    type: str | None = None
    principalId: str | None = None
    arn: str | None = None
    accountId: str | None = None
    accessKeyId: str | None = None
    userName: str | None = None
    invokedBy: str | None = None
    sessionContext: _SessionContext | None = None


_NO_RAW = msgspec.Raw()


class _Record(msgspec.Struct, gc=False):
    eventID: str | None = None
    eventTime: str | None = None
    eventVersion: str | None = None
    eventSource: str | None = None
    eventName: str | None = None
    awsRegion: str | None = None
    sourceIPAddress: str | None = None
    userAgent: str | None = None
    errorCode: str | None = None
    errorMessage: str | None = None
    eventType: str | None = None
    eventCategory: str | None = None
    readOnly: bool | None = None
    managementEvent: bool | None = None
    recipientAccountId: str | None = None
    sharedEventID: str | None = None
    vpcEndpointId: str | None = None
    userIdentity: _UserIdentity | None = None
    requestParameters: msgspec.Raw = _NO_RAW
    responseElements: msgspec.Raw = _NO_RAW
    additionalEventData: msgspec.Raw = _NO_RAW
    resources: msgspec.Raw = _NO_RAW
    serviceEventDetails: msgspec.Raw = _NO_RAW
    tlsDetails: msgspec.Raw = _NO_RAW
    detail: msgspec.Raw = _NO_RAW  # an EventBridge envelope carries the record here


class _LookupEvent(msgspec.Struct, gc=False):
    CloudTrailEvent: str | None = None


class _Envelope(msgspec.Struct, gc=False):
    Records: list[msgspec.Raw] | None = None
    Events: list[_LookupEvent] | None = None
    digestStartTime: Any = None
    eventID: Any = None
    eventName: Any = None


class _Object(msgspec.Struct, gc=False):
    """Any JSON object (used to test whether a line is one)."""


STRUCT_TYPES: dict[str, type[msgspec.Struct]] = {
    "userIdentity": _UserIdentity,
    "userIdentity.sessionContext": _SessionContext,
    "userIdentity.sessionContext.attributes": _Attributes,
    "userIdentity.sessionContext.sessionIssuer": _SessionIssuer,
}
"""The decoding Struct of each STRUCT column of the schema (a test checks they have the same fields)."""

_RECORD = msgspec.json.Decoder(_Record)
_RAWS = msgspec.json.Decoder(list[msgspec.Raw])
_ENVELOPE = msgspec.json.Decoder(_Envelope)
_OBJECT = msgspec.json.Decoder(_Object)
_ANY = msgspec.json.Decoder()

_TIMESTAMP = pa.timestamp("us", tz="UTC")
_STRING_COLUMNS = [
    f.name for f in EVENT_SCHEMA if f.type == pa.string() and f.name not in (*JSON_COLUMNS, "raw", "sourceFile")
]
_CLOUDTRAIL_TIME = r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\dZ$"
_NOT_COMPACT = r"[\s\\]"
_RECORDS_HEAD = re.compile(rb'\A\s*\{\s*"Records"\s*:\s*\[')
_ARRAY_HEAD = re.compile(rb"\A\s*\[")
_BOUNDARY = re.compile(rb"\}\s*,\s*\{")
_NON_SPACE = re.compile(rb"\S")


class _FileError(Exception):
    """The file as a whole cannot be decoded."""


class _NoEventsError(Exception):
    """The file holds no events by design (a digest file)."""


# ---------------------------------------------------------------------------------------------------
# Bytes to records.


def _decompress(chunks: Iterator[bytes], size: int | None = None) -> Iterator[bytes]:
    """The bytes, gunzipped when they start with the gzip magic, in chunks of about ``size``."""
    size = size or DECOMPRESSED_CHUNK
    first = next(chunks, b"")
    pieces: list[bytes] = []
    have = 0
    if first[:2] != b"\x1f\x8b":
        data: bytes | None = first
        while data is not None:
            pieces.append(data)
            have += len(data)
            if have >= size:
                yield b"".join(pieces)
                pieces, have = [], 0
            data = next(chunks, None)
        if pieces:
            yield b"".join(pieces)
        return
    decompressor = _INFLATE.decompressobj(31)
    data = first
    while data is not None:
        while True:
            if decompressor.eof:
                if not data.strip(b"\0"):
                    break  # nothing, or zero padding, after the last member
                decompressor = _INFLATE.decompressobj(31)  # another gzip member
            try:
                piece = decompressor.decompress(data, size)
            except (zlib.error, _INFLATE.error) as exc:
                raise _FileError(f"corrupt gzip data: {exc}") from None
            if piece:
                pieces.append(piece)
                have += len(piece)
                if have >= size:
                    yield b"".join(pieces)
                    pieces, have = [], 0
            data = decompressor.unused_data if decompressor.eof else decompressor.unconsumed_tail
            if not data and (decompressor.eof or len(piece) < size):
                break  # input used up (when the output was capped, ask again: more may be pending)
        data = next(chunks, None)
    if not decompressor.eof:
        raise _FileError("truncated gzip: the data ends before the end of the compressed stream")
    if pieces:
        yield b"".join(pieces)


def _split(chunks: Iterator[bytes], jsonl: bool) -> Iterator[tuple[list[Any], int]]:
    """Records (raw JSON texts) in lists, with the bytes each list came from."""
    first = b""
    for chunk in chunks:
        first += chunk
        if _NON_SPACE.search(first):
            break
    if not _NON_SPACE.search(first):
        raise _FileError("empty file: no JSON in it")
    if jsonl:
        yield from _lines(first, chunks)
        return
    second = next(chunks, None)
    if second is None and first.lstrip()[:1] == b"{" and not _is_jsonl(first):
        yield from _whole(first)  # the whole file is in memory: one pass, no copy
        return
    rest = chunks if second is None else itertools.chain((second,), chunks)
    head = _RECORDS_HEAD.match(first)
    if head:
        yield from _array(first[head.end() :], rest, envelope=True)
        return
    head = _ARRAY_HEAD.match(first)
    if head:
        yield from _array(first[head.end() :], rest, envelope=False)
        return
    if first.lstrip()[:1] == b"{":
        while b"\n" not in first:
            more = next(rest, None)
            if more is None:
                break
            first += more
        if _is_jsonl(first):
            yield from _lines(first, rest)
        else:
            yield from _whole(first + b"".join(rest))
        return
    raise _FileError(f"not JSON: the file starts with {first.lstrip()[:16]!r}")


def _is_jsonl(text: bytes) -> bool:
    """JSON Lines: the first line is a whole JSON object and more follows it."""
    line, _, rest = text.partition(b"\n")
    return bool(_NON_SPACE.search(rest)) and _is_object(line)


def _is_object(text: bytes) -> bool:
    try:
        _OBJECT.decode(text)
    except msgspec.DecodeError:
        return False
    return True


def _lines(pending: bytes, chunks: Iterator[bytes]) -> Iterator[tuple[list[Any], int]]:
    for chunk in chunks:
        pending += chunk
        cut = pending.rfind(b"\n") + 1
        if cut:
            yield [stripped for line in pending[:cut].split(b"\n") if (stripped := line.strip())], cut
            pending = pending[cut:]
    if _NON_SPACE.search(pending):
        yield [stripped for line in pending.split(b"\n") if (stripped := line.strip())], len(pending)


def _candidates(buffer: bytes) -> list[int]:
    """Positions of closing braces that may end a top-level record, most likely first."""
    preferred: list[int] = []
    other: list[int] = []
    end = len(buffer)
    while len(preferred) < 2 and len(other) < 64:
        position = buffer.rfind(b"},{", 0, end)
        if position < 0:
            break
        (preferred if buffer.startswith(b'"eventVersion"', position + 3) else other).append(position)
        end = position
    if preferred or other:
        return preferred + other[:4]
    start = max(0, len(buffer) - (1 << 18))
    return [match.start() for match in _BOUNDARY.finditer(buffer, start)][::-1][:6]


def _array(pending: bytes, chunks: Iterator[bytes], envelope: bool) -> Iterator[tuple[list[Any], int]]:
    """The elements of a JSON array read chunk by chunk (``pending`` starts after its ``[``).

    A prefix is cut off where ``[`` + prefix + ``]`` parses as an array: only a cut between two
    top-level elements can (one inside an element leaves a bracket or a string open).
    """
    for chunk in chunks:
        pending += chunk
        for position in _candidates(pending):
            try:
                raws = _RAWS.decode(b"[" + pending[: position + 1] + b"]")
            except msgspec.DecodeError:
                continue
            yield raws, position + 1
            rest = pending[position + 1 :]
            pending = rest[rest.index(b",") + 1 :]
            break
    tail = (b'{"Records":[' if envelope else b"[") + pending
    try:
        records = (_ENVELOPE.decode(tail).Records or []) if envelope else _RAWS.decode(tail)
    except msgspec.ValidationError as exc:
        raise _FileError(f"not CloudTrail: {exc}") from None
    except msgspec.DecodeError as exc:
        raise _FileError(f"invalid JSON: {exc}") from None
    yield records, len(pending)


def _whole(data: bytes) -> Iterator[tuple[list[Any], int]]:
    """A file read as one JSON value: an envelope with other keys first, Events, a digest, one record."""
    try:
        envelope = _ENVELOPE.decode(data)
    except msgspec.ValidationError as exc:
        raise _FileError(f"not CloudTrail: {exc}") from None
    except msgspec.DecodeError as exc:
        raise _FileError(f"invalid JSON: {exc}") from None
    if envelope.Records is not None:
        yield envelope.Records, len(data)
    elif envelope.Events is not None:
        texts = [event.CloudTrailEvent.encode() if event.CloudTrailEvent else b"null" for event in envelope.Events]
        yield texts, len(data)
    elif envelope.digestStartTime is not None:
        raise _NoEventsError(DIGEST_REASON)
    elif envelope.eventID is not None or envelope.eventName is not None:
        yield [data.strip()], len(data)
    else:
        raise _FileError("not CloudTrail: a JSON object without a Records array")


def _record_lists(records: Iterator[bytes], size: int = 2048) -> Iterator[tuple[list[Any], int]]:
    batch: list[Any] = []
    have = 0
    for record in records:
        batch.append(record)
        have += len(record)
        if len(batch) >= size:
            yield batch, have
            batch, have = [], 0
    if batch:
        yield batch, have


# ---------------------------------------------------------------------------------------------------
# Records to Arrow.


def _binary(values: Sequence[Any]) -> pa.Array:
    """Byte strings (bytes or msgspec.Raw) as one binary array, without a Python object per value."""
    offsets = pa.array(list(accumulate(map(len, values), initial=0)), pa.int32())
    return pa.Array.from_buffers(pa.binary(), len(values), [None, offsets.buffers()[1], pa.py_buffer(b"".join(values))])


def _compact(text: bytes) -> bytes:
    """A JSON value's text as the reference writes it: escapes normalised by re-encoding, else just compacted."""
    if b"\\" in text:
        with contextlib.suppress(TypeError, msgspec.DecodeError):
            return orjson.dumps(_ANY.decode(text))
    return msgspec.json.format(text, indent=-1)


def _json_column(values: list[Any]) -> pa.Array:
    binary = _binary(values)
    text = binary.view(pa.string())
    absent = pc.or_(pc.equal(pc.binary_length(binary), 0), pc.equal(text, "null"))
    if pc.any(absent).as_py():
        text = pc.if_else(absent, pa.scalar(None, pa.string()), text)
    flagged = pc.match_substring_regex(text, _NOT_COMPACT)
    if pc.any(flagged).as_py():
        positions = pc.indices_nonzero(pc.fill_null(flagged, False)).to_pylist()
        python = text.to_pylist()
        for position in positions:
            python[position] = _compact(bytes(values[position])).decode()
        text = pa.array(python, pa.string())
    return text


def _struct_column(items: list[Any], type_: pa.StructType, name: str) -> pa.Array:
    missing = [item is None for item in items]
    mask = None
    if True in missing:
        mask = pa.array(missing, pa.bool_())
        empty = STRUCT_TYPES[name]()
        items = [empty if item is None else item for item in items]
    children = []
    for child in type_:
        values = list(map(attrgetter(child.name), items))
        if isinstance(child.type, pa.StructType):
            children.append(_struct_column(values, child.type, f"{name}.{child.name}"))
        else:
            children.append(pa.array(values, pa.string()))
    return pa.StructArray.from_arrays(children, fields=list(type_), mask=mask)


def _event_times(texts: list[Any]) -> tuple[pa.Array, list[int]]:
    """eventTime texts as timestamps, read exactly as ``rows.parse_event_time`` does, and the unreadable ones."""
    array = pa.array(texts, pa.string())
    if pc.all(pc.match_substring_regex(array, _CLOUDTRAIL_TIME)).as_py():
        with contextlib.suppress(pa.ArrowInvalid):
            return array.cast(_TIMESTAMP), []
    parsed = [parse_event_time(text) for text in texts]
    return pa.array(parsed, _TIMESTAMP), [i for i, value in enumerate(parsed) if value is None]


def _valid_utf8(value: Any) -> bool:
    try:
        bytes(value).decode()
    except UnicodeDecodeError:
        return False
    return True


def _rejected_line(source: str, reason: str, raw: Any) -> bytes:
    data = bytes(raw)
    line: dict[str, Any] = {"source": source, "reason": reason}
    try:
        line["record"] = data.decode()
    except UnicodeDecodeError:
        line["record_base64"] = base64.b64encode(data).decode()
    return orjson.dumps(line)


class _FileStats:
    """Counts and rejected records of the file being decoded."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.events = 0
        self.rejected = 0
        self.filtered = 0
        self.stored = 0
        self.bytes = 0
        self.reasons: Counter[str] = Counter()
        self._lines: list[bytes] = []

    def reject(self, raw: Any, reason: str) -> None:
        self.rejected += 1
        self.reasons[reason.split(":", maxsplit=1)[0]] += 1
        self._lines.append(_rejected_line(self.key, reason, raw))

    def drain(self) -> list[bytes]:
        lines, self._lines = self._lines, []
        return lines

    def summary(self) -> str:
        if not self.rejected:
            return ""
        detail = ", ".join(f"{reason} ({count})" for reason, count in self.reasons.most_common())
        return f"{self.rejected} record(s) rejected: {detail}"


class _Builder:
    """Accumulates one file's records and turns them into tables of EVENT_SCHEMA, in input order."""

    def __init__(self, source_file: str, stats: _FileStats) -> None:
        self.source_file = source_file
        self.stats = stats
        self.rows = 0
        self.bytes = 0
        self._recs: list[_Record] = []
        self._raws: list[Any] = []
        self._slow_rows: list[dict[str, Any]] = []
        self._segments: list[pa.Table] = []

    def add(self, raws: Iterable[Any], size: int) -> None:
        decode = _RECORD.decode
        accepted = 0
        for raw in raws:
            try:
                rec = decode(raw)
            except msgspec.ValidationError:
                accepted += self._slow(raw)
                continue
            except msgspec.DecodeError as exc:
                self.stats.reject(raw, f"invalid JSON: {exc}")
                continue
            except UnicodeDecodeError:
                self.stats.reject(raw, "not valid UTF-8")
                continue
            if not (rec.eventID and rec.eventTime and rec.eventName and rec.eventSource):
                if rec.detail:
                    self.add((rec.detail,), 0)
                else:
                    missing = [name for name in REQUIRED if not getattr(rec, name)]
                    self.stats.reject(raw, f"missing {', '.join(missing)}")
                continue
            if self._slow_rows:
                self._close_slow()
            self._recs.append(rec)
            self._raws.append(raw)
            accepted += 1
        self.rows += accepted
        self.bytes += size
        if len(self._recs) >= SEGMENT_ROWS:
            self._close_fast()  # to Arrow now: the Python objects of a whole batch would take far more memory

    def _slow(self, raw: Any) -> bool:
        """A record msgspec could not type: checked and converted by the reference conversion."""
        data = bytes(raw)
        try:
            record = orjson.loads(data)
        except orjson.JSONDecodeError:
            try:
                record = _ANY.decode(data)
            except msgspec.DecodeError as exc:
                self.stats.reject(data, f"invalid JSON: {exc}")
                return False
        if not isinstance(record, dict):
            self.stats.reject(data, f"not a JSON object: {type(record).__name__}")
            return False
        if isinstance(record.get("detail"), dict) and "detail-type" in record:
            try:
                return self._slow(orjson.dumps(record["detail"]))
            except TypeError as exc:
                self.stats.reject(data, f"cannot convert: {exc}")
            return False
        missing = [name for name in REQUIRED if not (isinstance(record.get(name), str) and record[name])]
        if missing:
            self.stats.reject(data, f"missing {', '.join(missing)} (or not a text)")
            return False
        if parse_event_time(record["eventTime"]) is None:
            self.stats.reject(data, f"eventTime is not a timestamp: {record['eventTime']!r}")
            return False
        try:
            row = record_row(record, self.source_file, raw=data.decode())
        except (TypeError, ValueError) as exc:
            self.stats.reject(data, f"cannot convert: {exc}")
            return False
        if self._recs:
            self._close_fast()
        self._slow_rows.append(row)
        return True

    def _close_slow(self) -> None:
        self._segments.append(pa.Table.from_pylist(self._slow_rows, schema=EVENT_SCHEMA))
        self._slow_rows = []

    def _close_fast(self) -> None:
        table = self._fast_table(self._recs, self._raws)
        if table is not None:
            self._segments.append(table)
        self._recs, self._raws = [], []

    def _fast_table(self, recs: list[_Record], raws: list[Any]) -> pa.Table | None:
        times, bad_times = _event_times([rec.eventTime for rec in recs])
        raw = _binary(raws)
        bad = {position: f"eventTime is not a timestamp: {recs[position].eventTime!r}" for position in bad_times}
        try:
            raw_text = raw.cast(pa.string())
        except pa.ArrowInvalid:
            bad.update({i: "not valid UTF-8" for i, value in enumerate(raws) if not _valid_utf8(value)})
        if bad:
            for position, reason in bad.items():
                self.stats.reject(raws[position], reason)
            keep = [i for i in range(len(recs)) if i not in bad]
            self.rows -= len(bad)
            if not keep:
                return None
            return self._fast_table([recs[i] for i in keep], [raws[i] for i in keep])
        columns: dict[str, pa.Array] = {
            name: pa.array(list(map(attrgetter(name), recs)), pa.string()) for name in _STRING_COLUMNS
        }
        columns["eventTime"] = times
        columns["readOnly"] = pa.array([rec.readOnly for rec in recs], pa.bool_())
        columns["managementEvent"] = pa.array([rec.managementEvent for rec in recs], pa.bool_())
        columns["userIdentity"] = _struct_column([rec.userIdentity for rec in recs], USER_IDENTITY, "userIdentity")
        for name in JSON_COLUMNS:
            columns[name] = _json_column(list(map(attrgetter(name), recs)))
        columns["raw"] = raw_text
        columns["sourceFile"] = pa.repeat(pa.scalar(self.source_file, pa.string()), len(recs))
        return pa.Table.from_arrays([columns[name] for name in EVENT_SCHEMA.names], schema=EVENT_SCHEMA)

    def take(self) -> pa.Table | None:
        """The records added so far as one table (None when there are none); the builder starts over."""
        if self._recs:
            self._close_fast()
        if self._slow_rows:
            self._close_slow()
        segments, self._segments = self._segments, []
        self.rows = self.bytes = 0
        if not segments:
            return None
        return segments[0] if len(segments) == 1 else pa.concat_tables(segments)


def records_table(raws: Iterable[bytes], source_file: str = "memory") -> tuple[pa.Table, list[bytes]]:
    """Raw record texts as a table of EVENT_SCHEMA (the fast path), and the rejected records' lines.

    The whole-file machinery is :func:`ingest`; this is the decoding step on its own.
    """
    stats = _FileStats(source_file)
    builder = _Builder(source_file, stats)
    builder.add(list(raws), 0)
    table = builder.take()
    return (table if table is not None else EVENT_SCHEMA.empty_table()), stats.drain()


def _in_window(times: pa.ChunkedArray, window: TimeWindow) -> pa.ChunkedArray:
    inside = pc.is_valid(times)
    if window.since is not None:
        inside = pc.and_(inside, pc.greater_equal(times, pa.scalar(window.since, _TIMESTAMP)))
    if window.until is not None:
        inside = pc.and_(inside, pc.less(times, pa.scalar(window.until, _TIMESTAMP)))
    return inside


def _true(mask: pa.ChunkedArray) -> int:
    return int(pc.sum(mask).as_py() or 0)


@dataclass(frozen=True, slots=True)
class _Task:
    number: int
    source: int
    file: SourceFile
    window: TimeWindow
    exclude: tuple[TimeWindow, ...]


def _filtered(table: pa.Table, task: _Task, stats: _FileStats) -> pa.Table:
    """The rows inside the task's window and not already stored; the rest is counted."""
    if task.window.unbounded and not task.exclude:
        return table
    times = table["eventTime"]
    inside = _in_window(times, task.window)
    kept = _true(inside)
    stats.filtered += table.num_rows - kept
    keep = inside
    for window in task.exclude:
        keep = pc.and_(keep, pc.invert(_in_window(times, window)))
    stats.stored += kept - _true(keep)
    return table.filter(keep)


def _decode(chunks: Iterator[bytes], task: _Task, stats: _FileStats, batch_rows: int) -> Iterator[pa.Table]:
    """The file's records as tables of at most about ``batch_rows`` rows (filtered by the task's window)."""
    file = task.file
    if file.content == "records":
        pieces = _record_lists(chunks)
    else:
        jsonl = file.key.lower().endswith((".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz"))
        pieces = _split(_decompress(chunks), jsonl)
    builder = _Builder(file.key, stats)
    for raws, size in pieces:
        step = min(batch_rows, SEGMENT_ROWS)
        for start in range(0, len(raws), step):
            builder.add(raws[start : start + step], size * min(step, len(raws) - start) // len(raws))
            if builder.rows >= batch_rows or builder.bytes >= BATCH_BYTES:
                yield from _ready(builder, task, stats)
        del raws  # the next chunk is decoded without this one's buffers
    yield from _ready(builder, task, stats)


def _ready(builder: _Builder, task: _Task, stats: _FileStats) -> Iterator[pa.Table]:
    table = builder.take()
    if table is not None:
        table = _filtered(table, task, stats)
        if table.num_rows:
            stats.events += table.num_rows
            yield table


# ---------------------------------------------------------------------------------------------------
# Workers: files to committed units.


@dataclass(frozen=True, slots=True)
class FileOutcome:
    """What happened to one file that did not simply go in: failed, skipped, or with rejected records."""

    key: str
    status: Literal["ingested", "failed", "skipped"]
    reason: str = ""
    events: int = 0
    rejected: int = 0
    filtered: int = 0


Message = tuple[Any, ...]
AfterPart = Callable[[list[Path]], None]


class _UnitWriter:
    """Parts and rejected records of one unit, under temporary names until :meth:`finish`."""

    def __init__(self, store: Path, unit_id: str, part_rows: int) -> None:
        self.store = store
        self.id = unit_id
        self.part_rows = part_rows
        self.files: list[FileEntry] = []
        self.rows = 0
        self._closed: list[tuple[Path, int]] = []
        self._writer: pq.ParquetWriter | None = None
        self._current: Path | None = None
        self._current_rows = 0
        self._rejected: IO[bytes] | None = None
        self._rejected_path = store / "rejected" / f"{unit_id}.jsonl.tmp"
        self._rejected_rows = 0

    def write(self, table: pa.Table, row_group_rows: int) -> None:
        """Append rows; a part is closed once it holds ``part_rows`` rows."""
        while table.num_rows:
            if self._writer is None:
                self._current = self.store / "events" / f"part-{self.id}-{len(self._closed):03d}.parquet.tmp"
                self._writer = pq.ParquetWriter(self._current, EVENT_SCHEMA, **PARQUET_OPTIONS)
            room = self.part_rows - self._current_rows
            piece, table = table.slice(0, room), table.slice(room)
            self._writer.write_table(piece, row_group_size=row_group_rows)
            self._current_rows += piece.num_rows
            self.rows += piece.num_rows
            if self._current_rows >= self.part_rows:
                self._close_part()

    def _close_part(self) -> None:
        assert self._writer is not None and self._current is not None
        self._writer.close()
        fsync_file(self._current)
        self._closed.append((self._current, self._current_rows))
        self._writer, self._current, self._current_rows = None, None, 0

    def reject(self, lines: list[bytes]) -> None:
        if not lines:
            return
        if self._rejected is None:
            self._rejected = open(self._rejected_path, "wb")  # noqa: SIM115 - closed in finish/abort
        self._rejected.write(b"".join(line + b"\n" for line in lines))
        self._rejected_rows += len(lines)

    def finish(self, after_part: AfterPart | None) -> Unit:
        """Rename everything into place and describe the unit (the parent commits it)."""
        if self._writer is not None:
            self._close_part()
        parts: list[PartEntry] = []
        final_paths: list[Path] = []
        for tmp, rows in self._closed:
            final = tmp.with_suffix("")
            tmp.replace(final)
            final_paths.append(final)
            parts.append(PartEntry(final.relative_to(self.store).as_posix(), rows))
        self._closed = []
        rejected = None
        if self._rejected is not None:
            self._rejected.flush()
            os.fsync(self._rejected.fileno())
            self._rejected.close()
            self._rejected = None
            final = self._rejected_path.with_suffix("")
            self._rejected_path.replace(final)
            final_paths.append(final)
            rejected = PartEntry(final.relative_to(self.store).as_posix(), self._rejected_rows)
        if after_part is not None and final_paths:
            after_part(final_paths)
        return Unit(self.id, parts, list(self.files), rejected)

    def abort(self) -> None:
        """Close and delete whatever this unit wrote."""
        with contextlib.suppress(Exception):
            if self._writer is not None:
                self._writer.close()
        if self._rejected is not None:
            self._rejected.close()
        for path in [p for p, _ in self._closed] + [self._current, self._rejected_path]:
            if path is not None:
                path.unlink(missing_ok=True)
        self._writer, self._rejected, self._closed = None, None, []


@dataclass(frozen=True, slots=True)
class _WorkerConfig:
    """What every worker of a run shares (pickled to each worker process)."""

    store: Path
    run_id: str
    sources: Sequence[Source]
    batch_rows: int
    part_rows: int
    after_part: AfterPart | None


class _Worker:
    """Decodes files and writes units; the same code runs in-process (one worker) or in a child process."""

    def __init__(self, number: int, config: _WorkerConfig, emit: Callable[[Message], None]) -> None:
        self.number = number
        self.store = config.store
        self.run_id = config.run_id
        self.sources = config.sources
        self.emit = emit
        self.batch_rows = config.batch_rows
        self.part_rows = config.part_rows
        self.after_part = config.after_part
        self._units = 0
        self._shared: _UnitWriter | None = None
        self._buffer: list[pa.Table] = []
        self._buffered = 0

    def _unit(self) -> _UnitWriter:
        self._units += 1
        return _UnitWriter(self.store, f"{self.run_id}-w{self.number}-{self._units:04d}", self.part_rows)

    def _counted(self, chunks: Iterator[bytes], stats: _FileStats) -> Iterator[bytes]:
        for chunk in chunks:
            stats.bytes += len(chunk)
            self.emit(("progress", 0, len(chunk)))
            yield chunk

    def process(self, task: _Task) -> None:
        """Decode one file; its rows join this worker's open unit, or a unit of its own if it is large."""
        file = task.file
        stats = _FileStats(file.key)
        own: list[_UnitWriter] = []
        pending: list[pa.Table] = []
        collecting = gc.isenabled()
        gc.disable()  # millions of short-lived objects and no cycles: the collector would only slow decoding
        try:
            self._decode_into(task, stats, own, pending)
        except _NoEventsError as skipped:
            self._failed(task, own, FileOutcome(file.key, "skipped", str(skipped)))
            return
        except (FileReadError, _FileError) as exc:
            self._failed(task, own, FileOutcome(file.key, "failed", str(exc)))
            return
        except Exception as exc:
            self._failed(task, own, FileOutcome(file.key, "failed", f"internal error: {type(exc).__name__}: {exc}"))
            return
        finally:
            if collecting:
                gc.enable()
        whole = file.bounds is None and stats.filtered == 0
        entry = FileEntry(
            file.key,
            file.version,
            stats.events,
            stats.rejected,
            stats.filtered,
            None if whole else [window_entry(task.window)],
        )
        outcome = FileOutcome(file.key, "ingested", stats.summary(), stats.events, stats.rejected, stats.filtered)
        self.emit(("file", task.number, outcome))
        if own:
            own[0].reject(stats.drain())
            own[0].files.append(entry)
            self.emit(("unit", own[0].finish(self.after_part)))
            return
        if self._shared is None:
            self._shared = self._unit()
        self._shared.files.append(entry)
        self._shared.reject(stats.drain())
        self._buffer.extend(pending)
        self._buffered += sum(table.num_rows for table in pending)
        if self._buffered >= self.batch_rows:
            self._flush()
        if self._shared.rows >= self.part_rows:
            self._commit_shared()

    def _decode_into(self, task: _Task, stats: _FileStats, own: list[_UnitWriter], pending: list[pa.Table]) -> None:
        """Decode the file into ``pending`` tables, switching to a unit of its own (``own``) past one batch."""
        pending_rows = 0
        chunks = self._counted(iter(self.sources[task.source].read(task.file)), stats)
        for table in _decode(chunks, task, stats, self.batch_rows):
            rows = table.num_rows
            if not own and pending_rows + rows > self.batch_rows:
                own.append(self._unit())
                for earlier in pending:
                    own[0].write(earlier, self.batch_rows)
                pending.clear()
            if own:
                own[0].write(table, self.batch_rows)
                own[0].reject(stats.drain())
            else:
                pending.append(table)
                pending_rows += rows
            del table  # not kept alive while the next batch is decoded
            self.emit(("progress", rows, 0))

    def _failed(self, task: _Task, own: list[_UnitWriter], outcome: FileOutcome) -> None:
        for unit in own:
            unit.abort()
        self.emit(("file", task.number, outcome))

    def _flush(self) -> None:
        if self._buffer and self._shared is not None:
            table = pa.concat_tables(self._buffer) if len(self._buffer) > 1 else self._buffer[0]
            self._shared.write(table, self.batch_rows)
        self._buffer, self._buffered = [], 0

    def _commit_shared(self) -> None:
        self._flush()
        if self._shared is not None:
            unit, self._shared = self._shared, None
            self.emit(("unit", unit.finish(self.after_part)))

    def finish(self) -> None:
        """Commit the open unit (end of the run)."""
        self._commit_shared()

    def abort(self) -> None:
        """Delete the open unit's files (the run stops)."""
        if self._shared is not None:
            self._shared.abort()
            self._shared = None
        self._buffer, self._buffered = [], 0


def _worker_main(number: int, tasks: Any, results: Any, config: _WorkerConfig) -> None:
    """A worker process: tasks until None, then commit the open unit."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what Ctrl-C does
    worker = _Worker(number, config, lambda message: results.put((number, *message)))
    try:
        while (task := tasks.get()) is not None:
            worker.process(task)
        worker.finish()
    except BaseException:
        worker.abort()
        results.put((number, "fatal", traceback.format_exc(limit=8)))
    finally:
        results.put((number, "exit"))


# ---------------------------------------------------------------------------------------------------
# The run.


class IngestInterruptedError(CloudwardError):
    """The run stopped before its end (a worker failed); what was committed stays, the rest is retried."""

    def __init__(self, message: str, report: IngestReport) -> None:
        super().__init__(message)
        self.report = report


@dataclass(frozen=True, slots=True)
class IngestProgress:
    """Where a run is (passed to the progress callback)."""

    files_found: int
    files_done: int
    events: int
    bytes_read: int
    listing_done: bool
    seconds: float


@dataclass
class IngestReport:
    """What a run did.

    Attributes:
        workers: processes used.
        files_found: files the sources listed.
        files_ingested: files committed to the store in this run.
        files_unchanged: files the store already held (same version, same time range).
        events: rows added to the store.
        rejected: records written to ``rejected/`` with their reason.
        filtered: records left out because they were outside ``--since/--until``.
        bytes_read: bytes read from the sources (compressed).
        parts: Parquet parts committed.
        seconds: wall time.
        failed: files that could not be read or decoded (not marked ingested: retried next run).
        skipped: files that hold no events (digests, other files in the tree).
        with_rejections: ingested files some of whose records were rejected.
        interrupted: why the run stopped early, if it did.
    """

    workers: int
    files_found: int = 0
    files_ingested: int = 0
    files_unchanged: int = 0
    events: int = 0
    rejected: int = 0
    filtered: int = 0
    bytes_read: int = 0
    parts: int = 0
    seconds: float = 0.0
    failed: list[FileOutcome] = field(default_factory=list)
    skipped: list[FileOutcome] = field(default_factory=list)
    with_rejections: list[FileOutcome] = field(default_factory=list)
    interrupted: str | None = None

    @property
    def events_per_second(self) -> float:
        """Rows added per second of wall time."""
        return self.events / self.seconds if self.seconds > 0 else 0.0


class _AbortError(Exception):
    """A worker failed: stop listing files."""


class _Run:
    """The parent's side: dispatch tasks, commit units, keep the report and the progress."""

    def __init__(
        self,
        store: EventStore,
        writer: StoreWriter,
        report: IngestReport,
        progress: Callable[[IngestProgress], None] | None,
    ) -> None:
        self.store = store
        self.writer = writer
        self.report = report
        self.progress = progress
        self.started = time.perf_counter()
        self.files_done = 0
        self.events_seen = 0
        self.listing_done = False
        self.inflight: dict[int, SourceFile] = {}
        self.done: dict[str, FileOutcome] = {}
        self.fatal: str | None = None
        self._last_progress = 0.0

    def tick(self, force: bool = False) -> None:
        now = time.perf_counter()
        if self.progress is not None and (force or now - self._last_progress >= 0.1):
            self._last_progress = now
            self.progress(
                IngestProgress(
                    self.report.files_found,
                    self.files_done,
                    self.events_seen,
                    self.report.bytes_read,
                    self.listing_done,
                    now - self.started,
                )
            )

    def handle(self, message: Message) -> None:
        kind = message[1]
        if kind == "progress":
            self.events_seen += message[2]
            self.report.bytes_read += message[3]
        elif kind == "file":
            self.inflight.pop(message[2], None)
            outcome: FileOutcome = message[3]
            self.files_done += 1
            if outcome.status == "failed":
                self.report.failed.append(outcome)
            elif outcome.status == "skipped":
                self.report.skipped.append(outcome)
            else:
                self.done[outcome.key] = outcome
        elif kind == "unit":
            self.commit(message[2])
        elif kind == "fatal":
            self.fatal = self.fatal or message[2]
        self.tick()

    def commit(self, unit: Unit) -> None:
        self.writer.commit(unit)
        self.report.parts += len(unit.parts)
        for entry in unit.files:
            self.report.files_ingested += 1
            self.report.events += entry.events
            self.report.rejected += entry.rejected
            self.report.filtered += entry.filtered
            outcome = self.done.pop(entry.key, None)
            if outcome is not None and outcome.rejected:
                self.report.with_rejections.append(outcome)

    def unfinished(self, why: str) -> None:
        """Files that were given to a worker but not committed: reported failed (retried next run)."""
        for file in self.inflight.values():
            self.report.failed.append(FileOutcome(file.key, "failed", f"not processed: {why}"))
        for outcome in self.done.values():
            self.report.failed.append(FileOutcome(outcome.key, "failed", f"not committed: {why}"))
        self.inflight.clear()
        self.done.clear()


class _InlinePool:
    """One worker, in this process."""

    def __init__(self, run: _Run, config: _WorkerConfig) -> None:
        self.run = run
        self.worker = _Worker(0, config, lambda message: run.handle((0, *message)))
        self.broken = False

    def submit(self, task: _Task) -> None:
        self.run.inflight[task.number] = task.file
        try:
            self.worker.process(task)
        except BaseException:
            self.broken = True
            self.worker.abort()
            self.run.fatal = traceback.format_exc(limit=8)
            raise _AbortError from None

    def close(self) -> None:
        if self.broken:
            return
        try:
            self.worker.finish()
        except BaseException:
            self.worker.abort()
            self.run.fatal = traceback.format_exc(limit=8)

    def terminate(self) -> None:
        self.worker.abort()


class _ProcessPool:
    """Worker processes fed from one task queue; messages come back on one result queue."""

    def __init__(self, run: _Run, count: int, config: _WorkerConfig) -> None:
        self.run = run
        context = multiprocessing.get_context("spawn")
        self.tasks: Any = context.Queue()
        self.results: Any = context.Queue()
        self.processes = [
            context.Process(target=_worker_main, args=(n, self.tasks, self.results, config), daemon=True)
            for n in range(count)
        ]
        try:
            for process in self.processes:
                process.start()
        except (pickle.PicklingError, AttributeError, TypeError) as exc:
            self.terminate()
            raise CloudwardError(
                f"cannot start worker processes: {exc} (sources and after_part must be picklable; or use one worker)"
            ) from None
        self.exited: set[int] = set()
        self.limit = 2 * count

    def submit(self, task: _Task) -> None:
        while len(self.run.inflight) >= self.limit and not self.run.fatal:
            self._pump(0.2)
        if self.run.fatal:
            raise _AbortError
        self.run.inflight[task.number] = task.file
        self.tasks.put(task)
        self._pump(0)

    def _pump(self, timeout: float) -> None:
        try:
            message = self.results.get(timeout=timeout) if timeout else self.results.get_nowait()
        except queue.Empty:
            self._check_alive()
            return
        self._dispatch(message)

    def _dispatch(self, message: Message) -> None:
        if message[1] == "exit":
            self.exited.add(message[0])
        else:
            self.run.handle(message)

    def _check_alive(self) -> None:
        for number, process in enumerate(self.processes):
            if number not in self.exited and not process.is_alive():
                with contextlib.suppress(queue.Empty):
                    while True:  # its last messages may still be in the pipe
                        self._dispatch(self.results.get(timeout=0.5))
                if number not in self.exited:
                    self.exited.add(number)
                    self.run.fatal = self.run.fatal or f"worker {number} exited with code {process.exitcode}"

    def close(self) -> None:
        for _ in self.processes:
            self.tasks.put(None)
        while len(self.exited) < len(self.processes):
            self._pump(0.2)
        for process in self.processes:
            process.join(timeout=10)

    def terminate(self) -> None:
        for process in self.processes:
            if process.is_alive():
                process.terminate()
        for process in self.processes:
            if process.pid is not None:
                process.join(timeout=10)


def _dispatch(
    sources: Sequence[Source],
    window: TimeWindow,
    store_prefix: str,
    writer: StoreWriter,
    run: _Run,
    submit: Callable[[_Task], None],
) -> None:
    """List every source's files and hand those the store lacks to the workers."""
    number = 0
    seen: set[str] = set()
    for index, source in enumerate(sources):
        for listed in source.files(window):
            file = listed
            if file.key.startswith(store_prefix) or file.key in seen:
                continue  # the store itself inside the tree being read, or a file named twice
            seen.add(file.key)
            run.report.files_found += 1
            if file.skip_reason is not None:
                run.report.skipped.append(FileOutcome(file.key, "skipped", file.skip_reason))
                run.files_done += 1
                continue
            plan = writer.plan(file, window)
            if plan is None:
                run.report.files_unchanged += 1
                run.files_done += 1
                run.tick()
                continue
            if plan[1] and file.bounds is not None:  # read only the part not stored yet (LookupEvents)
                rest = uncovered(window.intersect(file.bounds) or file.bounds, plan[1])
                file = dataclasses.replace(file, bounds=rest or file.bounds)
            effective = window if file.bounds is None else window.intersect(file.bounds)
            assert effective is not None
            number += 1
            submit(_Task(number, index, file, effective, plan[1]))
            run.tick()
    run.listing_done = True


def ingest(
    sources: Sequence[Source],
    store: EventStore,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    workers: int = 2,
    progress: Callable[[IngestProgress], None] | None = None,
    batch_rows: int = BATCH_ROWS,
    part_rows: int = PART_ROWS,
    after_part: AfterPart | None = None,
) -> IngestReport:
    """Ingest every new or changed file of the sources into the store.

    Args:
        sources: where to read (see :mod:`cloudward.detect.sources`); picklable.
        store: the event store to add to.
        since: keep events at or after this time (aware).
        until: keep events before this time (aware).
        workers: decoding processes; 1 decodes in this process.
        progress: called about ten times a second with an :class:`IngestProgress`.
        batch_rows: rows per Arrow batch and Parquet row group.
        part_rows: rows after which a worker closes its part and commits it.
        after_part: called in the worker with the paths of a unit's files once they are in place and
            before the unit is committed (tests use it to interrupt a run at the worst moment).

    Returns:
        The report of the run.

    Raises:
        IngestInterruptedError: a worker failed; committed units stay, the rest is retried by the next run.
        SourceError: a source cannot be listed (what was committed before stays).
        StoreError: the store is locked by another run or cannot be written.
    """
    window = TimeWindow(since, until)
    report = IngestReport(workers=max(1, workers))
    run_id = f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"
    store_prefix = str(store.path.absolute()) + os.sep
    with store.writer() as writer:
        run = _Run(store, writer, report, progress)
        config = _WorkerConfig(store.path.absolute(), run_id, list(sources), batch_rows, part_rows, after_part)
        pools: list[_InlinePool | _ProcessPool] = []  # started with the first file to read

        def submit(task: _Task) -> None:
            if not pools:
                pools.append(_InlinePool(run, config) if workers <= 1 else _ProcessPool(run, workers, config))
            pools[0].submit(task)

        try:
            try:
                _dispatch(sources, window, store_prefix, writer, run, submit)
            except _AbortError:
                pass
            except SourceError:
                for pool in pools:
                    pool.close()  # commit what the workers finished, then report the source
                raise
            for pool in pools:
                pool.close()
        except BaseException:
            for pool in pools:
                pool.terminate()
            raise
        report.seconds = time.perf_counter() - run.started
        run.tick(force=True)
        if run.fatal:
            report.interrupted = run.fatal
            run.unfinished("the run stopped early")
            raise IngestInterruptedError(f"ingestion stopped: {run.fatal.strip().splitlines()[-1]}", report)
    return report
