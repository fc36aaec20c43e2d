"""CloudTrail log bytes into Arrow tables of EVENT_SCHEMA: fast, bounded in memory, equal to the reference.

Bytes to records (one file at a time):

* bytes are gunzipped as a stream when they start with the gzip magic (every member; a truncated stream
  is an error), in chunks of a few megabytes, and checked to be UTF-8 as they pass;
* the format is recognised from the content: ``{"Records": [...]}`` and bare arrays are split into
  records chunk by chunk (a cut is accepted only where the prefix parses as whole records), JSON Lines
  line by line; a saved ``lookup-events`` answer (``{"Events": [...]}``), a single record and EventBridge
  envelopes (``detail``) are read too; a digest file is skipped.

Records to rows: each record is decoded by msgspec into a Struct holding only the fields the schema types,
its JSON objects kept as raw text. A record msgspec cannot type (a number where CloudTrail writes a
string) goes through the reference conversion (:func:`cloudward.detect.rows.record_row`). Every check that
can reject a record (required fields, a readable ``eventTime``, UTF-8) and the time-window filter are
made record by record as the file is read, so a file's counts are final when its last record is read.
Accepted records then wait, with those of other files, until a segment of :data:`SEGMENT_ROWS` is
converted to Arrow columns at once: a small file costs a few list appends, not a table of its own, and
a segment is small enough for its Python objects to stay in the CPU caches while they are converted.

JSON columns hold the value's JSON text in compact form: the delivered text where it is already compact
and unescaped (CloudTrail's own files), else re-encoded like the reference (orjson). Numbers are kept as
delivered. ``raw`` is the record's text as delivered. The result equals ``records_to_table`` either way.

A record that is not an object, misses ``eventID``/``eventTime``/``eventName``/``eventSource``, has an
unreadable ``eventTime`` or is not UTF-8 is *rejected* (kept with its reason); a file that cannot be read
as a whole raises :class:`FileDecodeError`.
"""

# ruff: noqa: N815 - the decoding Structs' fields carry CloudTrail's own names
from __future__ import annotations

import base64
import codecs
import contextlib
import importlib
import itertools
import re
import zlib
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate, chain, repeat
from operator import attrgetter
from typing import Any

import msgspec
import orjson
import pyarrow as pa
import pyarrow.compute as pc
from msgspec.structs import astuple

from cloudward.detect.rows import parse_event_time, record_row
from cloudward.detect.schema import EVENT_SCHEMA, JSON_COLUMNS, USER_IDENTITY
from cloudward.detect.sources import DIGEST_REASON, SourceFile, TimeWindow

try:  # ISA-L inflates gzip about 3.5 times faster than zlib; optional (pip install isal)
    _INFLATE: Any = importlib.import_module("isal.isal_zlib")
except ImportError:
    _INFLATE = zlib
GUNZIP = _INFLATE.__name__
"""The inflate implementation in use (``isal.isal_zlib`` or ``zlib``)."""

DECOMPRESSED_CHUNK = 8 << 20
SEGMENT_ROWS = 4096  # records converted to Arrow at once: amortises per-call costs, stays in the CPU caches
SEGMENT_BYTES = 64 << 20  # keeps a segment's string offsets far inside int32
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
    userIdentity: msgspec.Raw = _NO_RAW  # decoded once per distinct text (a few principals make most calls)
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
_FIELD = {name: position for position, name in enumerate(_Record.__struct_fields__)}
_IDENTITY = msgspec.json.Decoder(_UserIdentity | None)
_RAWS = msgspec.json.Decoder(list[msgspec.Raw])
_ENVELOPE = msgspec.json.Decoder(_Envelope)
_OBJECT = msgspec.json.Decoder(_Object)
_ANY = msgspec.json.Decoder()

_TIMESTAMP = pa.timestamp("us", tz="UTC")
_STRING_COLUMNS = [
    f.name for f in EVENT_SCHEMA if f.type == pa.string() and f.name not in (*JSON_COLUMNS, "raw", "sourceFile")
]
# eventTime as CloudTrail writes it: Arrow's cast reads these exactly as rows.parse_event_time does
_CLOUDTRAIL_TIME = re.compile(
    r"[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]Z", re.ASCII
)
_NOT_COMPACT = r"[\s\\]"
_NOT_COMPACT_BYTES = (b" ", b"\\", b"\n", b"\r", b"\t")  # JSON's whitespace, and escapes
_RECORDS_HEAD = re.compile(rb'\A\s*\{\s*"Records"\s*:\s*\[')
_ARRAY_HEAD = re.compile(rb"\A\s*\[")
_BOUNDARY = re.compile(rb"\}\s*,\s*\{")
_NON_SPACE = re.compile(rb"\S")


class FileDecodeError(Exception):
    """The file as a whole cannot be decoded (truncated gzip, invalid JSON, not CloudTrail)."""


class NoEventsError(Exception):
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
                raise FileDecodeError(f"corrupt gzip data: {exc}") from None
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
        raise FileDecodeError("truncated gzip: the data ends before the end of the compressed stream")
    if pieces:
        yield b"".join(pieces)


class Utf8Check:
    """Whether all the bytes that went through :meth:`watch` are UTF-8 (then so is every record cut from them).

    ``valid`` is final for a record once the record has been cut: its bytes have all gone through.
    """

    def __init__(self, valid: bool = True) -> None:
        self.valid = valid
        self._decoder: codecs.IncrementalDecoder | None = None

    def watch(self, chunks: Iterable[bytes]) -> Iterator[bytes]:
        """The chunks, unchanged, checked as they pass."""
        for chunk in chunks:
            if self.valid and (self._decoder is not None or not chunk.isascii()):
                self._check(chunk, final=False)
            yield chunk
        if self.valid and self._decoder is not None:
            self._check(b"", final=True)

    def _check(self, chunk: bytes, final: bool) -> None:
        if self._decoder is None:
            self._decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            self._decoder.decode(chunk, final)
        except UnicodeDecodeError:
            self.valid = False


def record_texts(chunks: Iterator[bytes], file: SourceFile, utf8: Utf8Check) -> Iterator[tuple[list[Any], int]]:
    """A file's records (raw JSON texts) in lists, with the bytes each list came from.

    Raises:
        FileDecodeError: the file cannot be decoded.
        NoEventsError: the file is a digest.
    """
    if file.content == "records":
        utf8.valid = False  # records one by one (LookupEvents): each is checked on its own
        return _record_lists(chunks)
    jsonl = file.key.lower().endswith((".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz"))
    return _split(utf8.watch(_decompress(chunks)), jsonl)


def _split(chunks: Iterator[bytes], jsonl: bool) -> Iterator[tuple[list[Any], int]]:
    """Records (raw JSON texts) in lists, with the bytes each list came from."""
    first = b""
    for chunk in chunks:
        first += chunk
        if _NON_SPACE.search(first):
            break
    if not _NON_SPACE.search(first):
        raise FileDecodeError("empty file: no JSON in it")
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
    raise FileDecodeError(f"not JSON: the file starts with {first.lstrip()[:16]!r}")


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
        raise FileDecodeError(f"not CloudTrail: {exc}") from None
    except msgspec.DecodeError as exc:
        raise FileDecodeError(f"invalid JSON: {exc}") from None
    yield records, len(pending)


def _whole(data: bytes) -> Iterator[tuple[list[Any], int]]:
    """A file read as one JSON value: an envelope with other keys first, Events, a digest, one record."""
    try:
        envelope = _ENVELOPE.decode(data)
    except msgspec.ValidationError as exc:
        raise FileDecodeError(f"not CloudTrail: {exc}") from None
    except msgspec.DecodeError as exc:
        raise FileDecodeError(f"invalid JSON: {exc}") from None
    if envelope.Records is not None:
        yield envelope.Records, len(data)
    elif envelope.Events is not None:
        texts = [event.CloudTrailEvent.encode() if event.CloudTrailEvent else b"null" for event in envelope.Events]
        yield texts, len(data)
    elif envelope.digestStartTime is not None:
        raise NoEventsError(DIGEST_REASON)
    elif envelope.eventID is not None or envelope.eventName is not None:
        yield [data.strip()], len(data)
    else:
        raise FileDecodeError("not CloudTrail: a JSON object without a Records array")


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
# Checks made record by record.

_DAYS: dict[str, bool] = {}


def _day_is_valid(day: str) -> bool:
    """Whether ``YYYY-MM-DD`` is a real date (remembered: a log holds few distinct days)."""
    try:
        date.fromisoformat(day)
        valid = True
    except ValueError:
        valid = False
    if len(_DAYS) >= 100_000:
        _DAYS.clear()
    _DAYS[day] = valid
    return valid


_UNSEEN = object()
_UNTYPED = object()  # a userIdentity msgspec cannot type: the record takes the reference conversion
_IDENTITIES: dict[bytes, Any] = {}


def _decode_identity(text: bytes) -> Any:
    """A userIdentity's text decoded (remembered), or _UNTYPED."""
    identity: object
    try:
        identity = _IDENTITY.decode(text)
    except (msgspec.DecodeError, UnicodeDecodeError):  # ValidationError is a DecodeError
        identity = _UNTYPED
    if len(_IDENTITIES) >= 20_000:
        _IDENTITIES.clear()
    _IDENTITIES[text] = identity
    return identity


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


class FileStats:
    """Counts and rejected records of the file being decoded.

    Attributes:
        key: the file's identity (written with each rejected record).
        events: records accepted (after the time-window filter).
        rejected: records rejected.
        filtered: records outside the time window.
        bytes: bytes read from the source.
    """

    def __init__(self, key: str) -> None:
        self.key = key
        self.events = 0
        self.rejected = 0
        self.filtered = 0
        self.bytes = 0
        self._reasons: Counter[str] | None = None  # made on the first rejection: most files have none
        self._lines: list[bytes] = []

    def reject(self, raw: Any, reason: str) -> None:
        """Keep a rejected record with its reason."""
        self.rejected += 1
        if self._reasons is None:
            self._reasons = Counter()
        self._reasons[reason.split(":", maxsplit=1)[0]] += 1
        self._lines.append(_rejected_line(self.key, reason, raw))

    def drain(self) -> list[bytes]:
        """The rejected records' lines kept since the last call."""
        lines, self._lines = self._lines, []
        return lines

    def summary(self) -> str:
        """The rejections in a sentence (empty when there are none)."""
        if self._reasons is None:
            return ""
        detail = ", ".join(f"{reason} ({count})" for reason, count in self._reasons.most_common())
        return f"{self.rejected} record(s) rejected: {detail}"


def _second_text(moment: datetime | None, open_value: str | None) -> str | None:
    """A bound as CloudTrail's eventTime text, rounded up to the second (``open_value`` when past the end)."""
    if moment is None:
        return None
    moment = moment.astimezone(UTC)
    if moment.microsecond:
        try:
            moment = moment.replace(microsecond=0) + timedelta(seconds=1)
        except OverflowError:
            return open_value
    return f"{moment.year:04d}-{moment:%m-%dT%H:%M:%S}Z"


class _Range:
    """``since <= eventTime < until``, for eventTime as text (CloudTrail's form) or as a datetime."""

    def __init__(self, window: TimeWindow) -> None:
        self.since, self.until = window.since, window.until
        # Texts of CloudTrail's fixed form sort as their times do, and whole seconds compare with a bound
        # exactly as with the bound rounded up to the second.
        self.since_text = _second_text(window.since, "~")  # "~" sorts after every time: nothing is inside
        self.until_text = _second_text(window.until, None)

    def holds_text(self, text: str) -> bool:
        return (self.since_text is None or text >= self.since_text) and (
            self.until_text is None or text < self.until_text
        )

    def holds(self, moment: datetime) -> bool:
        return (self.since is None or moment >= self.since) and (self.until is None or moment < self.until)


class TimeFilter:
    """Which records to keep: those inside the window and outside the ranges the store already holds."""

    def __init__(self, window: TimeWindow, exclude: Sequence[TimeWindow] = ()) -> None:
        self._window = _Range(window)
        self._exclude = [_Range(each) for each in exclude]

    def keeps(self, text: str, moment: datetime | None, stats: FileStats) -> bool:
        """Whether to keep a record (``moment`` None: ``text`` has CloudTrail's form); counts what it leaves out."""
        if moment is None:
            if not self._window.holds_text(text):
                stats.filtered += 1
                return False
            return not any(each.holds_text(text) for each in self._exclude)
        if not self._window.holds(moment):
            stats.filtered += 1
            return False
        return not any(each.holds(moment) for each in self._exclude)


# ---------------------------------------------------------------------------------------------------
# Records waiting for Arrow, and their conversion.


class Pending:
    """Accepted records not converted yet, in order: fast Structs (with their raw text) and reference rows.

    Records of several files can wait together; ``runs`` says which file each stretch of rows came from.
    """

    __slots__ = ("_sealed", "bytes", "identities", "odd_times", "raws", "records", "runs", "slow")

    def __init__(self) -> None:
        self.records: list[Any] = []
        self.raws: list[Any] = []
        self.identities: list[Any] = []  # each fast record's userIdentity (shared objects), None for others
        self.runs: list[tuple[str, int]] = []
        self.slow = 0  # reference rows (dicts) among the records
        self.odd_times = 0  # fast records whose eventTime is not in CloudTrail's exact form
        self.bytes = 0
        self._sealed = 0

    def __len__(self) -> int:
        return len(self.records)

    def seal(self, key: str) -> None:
        """The rows added since the last call came from ``key``."""
        count = len(self.records) - self._sealed
        if count:
            if self.runs and self.runs[-1][0] is key:
                self.runs[-1] = (key, self.runs[-1][1] + count)
            else:
                self.runs.append((key, count))
            self._sealed = len(self.records)

    def extend(self, other: Pending) -> None:
        """Append another buffer's (sealed) records, which it no longer holds."""
        self.records += other.records
        self.raws += other.raws
        self.identities += other.identities
        self.runs += other.runs
        self.slow += other.slow
        self.odd_times += other.odd_times
        self.bytes += other.bytes
        self._sealed = len(self.records)
        other.clear()

    def clear(self) -> None:
        """Forget every record."""
        self.records, self.raws, self.identities, self.runs = [], [], [], []
        self.slow = self.odd_times = self.bytes = self._sealed = 0

    def take(self) -> pa.Table | None:
        """The sealed records as one table of EVENT_SCHEMA (None when there are none); the buffer is cleared."""
        if not self.records:
            self.clear()
            return None
        keys = list(chain.from_iterable(repeat(key, count) for key, count in self.runs))
        if len(keys) != len(self.records):
            raise AssertionError("records were added without being sealed to their file")
        if not self.slow:
            table = _fast_table(self.records, self.raws, self.identities, keys, self.odd_times > 0)
        else:
            table = _mixed_table(self.records, self.raws, self.identities, keys, self.odd_times > 0)
        self.clear()
        return table


def _mixed_table(
    records: list[Any], raws: list[Any], identities: list[Any], keys: list[str], odd_times: bool
) -> pa.Table:
    """Fast Structs and reference rows (dicts) as one table, in their order."""
    tables = []
    start = 0
    for slow, group in itertools.groupby(range(len(records)), key=lambda i: isinstance(records[i], dict)):
        end = start + sum(1 for _ in group)
        if slow:
            tables.append(pa.Table.from_pylist(records[start:end], schema=EVENT_SCHEMA))
        else:
            slices = (records[start:end], raws[start:end], identities[start:end], keys[start:end])
            tables.append(_fast_table(*slices, odd_times))
        start = end
    return pa.concat_tables(tables)


def _binary(values: Sequence[Any], data: bytes | None = None) -> pa.Array:
    """Byte strings (bytes or msgspec.Raw) as one binary array (``data``: the values joined, if at hand)."""
    offsets = array("i", accumulate(map(len, values), initial=0))
    data = b"".join(values) if data is None else data
    return pa.Array.from_buffers(pa.binary(), len(values), [None, pa.py_buffer(offsets), pa.py_buffer(data)])


def _compact(text: bytes) -> bytes:
    """A JSON value's text as the reference writes it: escapes normalised by re-encoding, else just compacted."""
    if b"\\" in text:
        with contextlib.suppress(TypeError, msgspec.DecodeError):
            return orjson.dumps(_ANY.decode(text))
    return msgspec.json.format(text, indent=-1)


def _json_column(values: Sequence[Any]) -> pa.Array:
    data = b"".join(values)
    binary = _binary(values, data)
    text = binary.view(pa.string())  # pieces of records already checked to be UTF-8
    absent = pc.or_(pc.equal(pc.binary_length(binary), 0), pc.equal(text, "null"))
    if pc.any(absent).as_py():
        text = pc.if_else(absent, pa.scalar(None, pa.string()), text)
    if not any(byte in data for byte in _NOT_COMPACT_BYTES):  # one fast scan of the column's bytes
        return text
    flagged = pc.fill_null(pc.match_substring_regex(text, _NOT_COMPACT), False)
    positions = pc.indices_nonzero(flagged).to_pylist()
    if not positions:
        return text
    compacted = pa.array([_compact(bytes(values[position])).decode() for position in positions], pa.string())
    return pc.replace_with_mask(text, flagged, compacted)


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


def _identity_column(identities: list[Any]) -> pa.Array:
    """The userIdentity column: each distinct object converted once, then repeated."""
    ids = list(map(id, identities))
    distinct = dict(zip(ids, identities, strict=True))
    if len(distinct) == len(ids):
        return _struct_column(identities, USER_IDENTITY, "userIdentity")
    position = dict(zip(distinct, range(len(distinct)), strict=False))
    column = _struct_column(list(distinct.values()), USER_IDENTITY, "userIdentity")
    return column.take(pa.array(list(map(position.__getitem__, ids)), pa.int32()))


def _fast_table(
    records: list[Any], raws: list[Any], identities: list[Any], keys: list[str], odd_times: bool
) -> pa.Table:
    """Checked fast-path records as a table (nothing is rejected here: every check was made when they were added)."""
    fields = list(zip(*map(astuple, records), strict=True))  # one pass over the records: fields as columns
    columns: dict[str, pa.Array] = {name: pa.array(fields[_FIELD[name]], pa.string()) for name in _STRING_COLUMNS}
    times = fields[_FIELD["eventTime"]]
    if odd_times:
        columns["eventTime"] = pa.array([parse_event_time(text) for text in times], _TIMESTAMP)
    else:
        columns["eventTime"] = pa.array(times, pa.string()).cast(_TIMESTAMP)
    columns["readOnly"] = pa.array(fields[_FIELD["readOnly"]], pa.bool_())
    columns["managementEvent"] = pa.array(fields[_FIELD["managementEvent"]], pa.bool_())
    columns["userIdentity"] = _identity_column(identities)
    for name in JSON_COLUMNS:
        columns[name] = _json_column(fields[_FIELD[name]])
    columns["raw"] = _binary(raws).cast(pa.string())
    columns["sourceFile"] = pa.array(keys, pa.string())
    return pa.Table.from_arrays([columns[name] for name in EVENT_SCHEMA.names], schema=EVENT_SCHEMA)


class FileRecords:
    """One file's records: each checked, filtered and added to ``pending`` as it is read.

    Args:
        key: the file (its ``sourceFile``).
        stats: where counts and rejected records go.
        keep: the time filter, None to keep every record.
        utf8: whether the file's bytes are known to be UTF-8 (else each record is checked).
    """

    def __init__(self, key: str, stats: FileStats, keep: TimeFilter | None, utf8: Utf8Check) -> None:
        self.key = key
        self.stats = stats
        self.keep = keep
        self.utf8 = utf8
        self.pending = Pending()

    def add(self, raws: Iterable[Any], size: int) -> None:
        """Check, filter and keep records (raw JSON texts) that came from ``size`` bytes."""
        self._add(raws)
        self.pending.bytes += size
        self.pending.seal(self.key)

    def _add(self, raws: Iterable[Any]) -> None:
        decode = _RECORD.decode
        stats = self.stats
        keep = self.keep
        check_utf8 = not self.utf8.valid
        canonical = _CLOUDTRAIL_TIME.fullmatch
        records, texts, identities = self.pending.records, self.pending.raws, self.pending.identities
        accepted = odd = 0
        for raw in raws:
            try:
                rec = decode(raw)
            except msgspec.ValidationError:
                self._slow(raw)
                continue
            except msgspec.DecodeError as exc:  # msgspec >= 0.23 reports bad UTF-8 this way too
                stats.reject(raw, "not valid UTF-8" if not _valid_utf8(raw) else f"invalid JSON: {exc}")
                continue
            except UnicodeDecodeError:
                stats.reject(raw, "not valid UTF-8")
                continue
            identity = None
            if rec.userIdentity:
                key = bytes(rec.userIdentity)
                identity = _IDENTITIES.get(key, _UNSEEN)
                if identity is _UNSEEN:
                    identity = _decode_identity(key)
                if identity is _UNTYPED:
                    self._slow(raw)
                    continue
            text = rec.eventTime
            if not (rec.eventID and text and rec.eventName and rec.eventSource):
                self._incomplete(rec, raw)
                continue
            if check_utf8 and not _valid_utf8(raw):
                stats.reject(raw, "not valid UTF-8")
                continue
            moment = None
            if not (canonical(text) and (_DAYS.get(text[:10]) or _day_is_valid(text[:10]))):
                moment = parse_event_time(text)  # not CloudTrail's form: read as the reference does
                if moment is None:
                    stats.reject(raw, f"eventTime is not a timestamp: {text!r}")
                    continue
                odd += 1
            if keep is not None and not keep.keeps(text, moment, stats):
                continue
            records.append(rec)
            texts.append(raw)
            identities.append(identity)
            accepted += 1
        self.pending.odd_times += odd
        stats.events += accepted

    def _incomplete(self, rec: _Record, raw: Any) -> None:
        """A record without a required field: an EventBridge envelope is opened, anything else rejected."""
        if rec.detail:
            self._add((rec.detail,))
        else:
            missing = [name for name in REQUIRED if not getattr(rec, name)]
            self.stats.reject(raw, f"missing {', '.join(missing)}")

    def _slow(self, raw: Any) -> None:
        """A record msgspec could not type: checked and converted by the reference conversion."""
        data = bytes(raw)
        stats = self.stats
        if not _valid_utf8(data):
            stats.reject(data, "not valid UTF-8")
            return
        try:
            record = orjson.loads(data)
        except orjson.JSONDecodeError:
            try:
                record = _ANY.decode(data)
            except msgspec.DecodeError as exc:
                stats.reject(data, f"invalid JSON: {exc}")
                return
        if not isinstance(record, dict):
            stats.reject(data, f"not a JSON object: {type(record).__name__}")
            return
        if isinstance(record.get("detail"), dict) and "detail-type" in record:
            try:
                self._slow(orjson.dumps(record["detail"]))
            except TypeError as exc:
                stats.reject(data, f"cannot convert: {exc}")
            return
        missing = [name for name in REQUIRED if not (isinstance(record.get(name), str) and record[name])]
        if missing:
            stats.reject(data, f"missing {', '.join(missing)} (or not a text)")
            return
        moment = parse_event_time(record["eventTime"])
        if moment is None:
            stats.reject(data, f"eventTime is not a timestamp: {record['eventTime']!r}")
            return
        try:
            row = record_row(record, self.key, raw=data.decode())
        except (TypeError, ValueError) as exc:
            stats.reject(data, f"cannot convert: {exc}")
            return
        if self.keep is not None and not self.keep.keeps(record["eventTime"], moment, stats):
            return
        self.pending.records.append(row)
        self.pending.raws.append(None)
        self.pending.identities.append(None)
        self.pending.slow += 1
        stats.events += 1


def records_table(raws: Iterable[bytes], source_file: str = "memory") -> tuple[pa.Table, list[bytes]]:
    """Raw record texts as a table of EVENT_SCHEMA (the fast path), and the rejected records' lines.

    The whole-file machinery is :func:`cloudward.detect.ingest.ingest`; this is the decoding step on its own.
    """
    stats = FileStats(source_file)
    records = FileRecords(source_file, stats, None, Utf8Check(valid=False))
    records.add(list(raws), 0)
    table = records.pending.take()
    return (table if table is not None else EVENT_SCHEMA.empty_table()), stats.drain()
