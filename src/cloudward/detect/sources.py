"""Where CloudTrail records come from: local files and trees, S3 prefixes, and the LookupEvents API.

A source enumerates *files*: units of input with a stable identity (``key``) and a ``version`` that
changes when the content does, so that ingestion can be incremental. A local file's version is its size
and modification time, an S3 object's its ETag; a LookupEvents "file" is one region and one day, whose
``bounds`` say which part of that day can be read now.

Sources only enumerate and read bytes; decoding is :mod:`cloudward.detect.ingest`'s job. Sources are
picklable, so that worker processes can read the files they are given: an S3 or LookupEvents source
therefore takes a *callable* that makes a client factory (``functools.partial(Boto3Clients, ...)``), not
a client factory itself.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal, Protocol

from cloudward.core.errors import CloudwardError
from cloudward.providers.aws.clients import ClientFactory

ClientsMaker = Callable[[], ClientFactory]
"""A picklable callable returning a client factory, e.g. ``functools.partial(Boto3Clients, profile=...)``."""

READ_CHUNK = 1 << 20
DIGEST_DIRECTORY = "CloudTrail-Digest"
DIGEST_REASON = "CloudTrail digest file (an integrity proof for log files; it holds no events)"
NOT_A_LOG_REASON = "not a log file by its name (expected .json, .jsonl or .ndjson, optionally .gz, or .gz)"
LOOKUP_EVENTS_RETENTION = timedelta(days=90)

_LOG_NAME = re.compile(r"\.(?:(?:json|jsonl|ndjson)(?:\.gz)?|gz)$", re.IGNORECASE)
_REGION = re.compile(r"^[a-z]{2}(?:-[a-z]+)+-\d+$")
_YEAR, _MONTH, _DAY = re.compile(r"^\d{4}$"), re.compile(r"^\d{2}$"), re.compile(r"^\d{2}$")
_RELATIVE = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$", re.IGNORECASE)
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


class SourceError(CloudwardError):
    """A source cannot be used at all: a missing path, a malformed URL, an unreadable bucket."""


class FileReadError(Exception):
    """One file could not be read (the ingester reports it as failed and retries it on the next run)."""


def parse_time_bound(text: str, now: datetime | None = None) -> datetime:
    """A ``--since``/``--until`` value as an aware UTC datetime.

    Accepts an ISO 8601 date or date-time (a naive value is UTC; ``Z`` is allowed) or a duration back
    from ``now``: ``90d``, ``12h``, ``30m``, ``2w``, ``45s``.

    Raises:
        SourceError: the text is neither.
    """
    relative = _RELATIVE.match(text)
    if relative:
        amount, unit = int(relative.group(1)), relative.group(2).lower()
        return (now or datetime.now(UTC)) - timedelta(**{_UNITS[unit]: amount})
    try:
        parsed = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise SourceError(
            f"cannot read {text!r} as a time: use an ISO date or time (2026-11-01, 2026-11-01T10:00:00Z) "
            "or a duration back from now (90d, 12h, 30m)"
        ) from None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """Which events to ingest: ``since <= eventTime < until``; ``None`` leaves that side open."""

    since: datetime | None = None
    until: datetime | None = None

    def __post_init__(self) -> None:
        for value in (self.since, self.until):
            if value is not None and value.tzinfo is None:
                raise ValueError("TimeWindow bounds must be timezone-aware")
        if self.since is not None and self.until is not None and self.since >= self.until:
            raise SourceError(f"--since ({self.since:%Y-%m-%dT%H:%M:%SZ}) must be before --until")

    @property
    def unbounded(self) -> bool:
        """True when the window lets every event through."""
        return self.since is None and self.until is None

    def intersect(self, other: TimeWindow) -> TimeWindow | None:
        """The part of both windows, or None when they do not overlap."""
        since = max((t for t in (self.since, other.since) if t is not None), default=None)
        until = min((t for t in (self.until, other.until) if t is not None), default=None)
        if since is not None and until is not None and since >= until:
            return None
        return TimeWindow(since, until)

    def covers(self, other: TimeWindow) -> bool:
        """True when every instant of ``other`` is inside this window."""
        starts_before = self.since is None or (other.since is not None and self.since <= other.since)
        ends_after = self.until is None or (other.until is not None and other.until <= self.until)
        return starts_before and ends_after

    def may_hold_days(self, first: date, last: date) -> bool:
        """Whether log files filed under the days ``first..last`` can hold events of this window.

        CloudTrail files a log file under the day it was delivered, up to about 15 minutes after its
        events, so one day of margin is kept on both sides.
        """
        margin = timedelta(days=1)
        if self.since is not None and last < self.since.date() - margin:
            return False
        return not (self.until is not None and first > self.until.date() + margin)


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One unit of input with a stable identity.

    Attributes:
        key: the identity, also written to the ``sourceFile`` column: an absolute path, an
            ``s3://bucket/key`` URL, or ``lookup-events://REGION/DAY``.
        version: changes when the content does (size and mtime, ETag); empty for LookupEvents days.
        size: bytes, when known before reading.
        skip_reason: set when the file is known not to hold events (a digest file, a README).
        bounds: for LookupEvents days, the part of the day that can be read now.
        content: ``file`` (bytes of a log file) or ``records`` (each chunk one record's JSON).
        location: where to read it: a path, an S3 key, or a region.
    """

    key: str
    version: str
    size: int | None = None
    skip_reason: str | None = None
    bounds: TimeWindow | None = None
    content: Literal["file", "records"] = "file"
    location: str = ""


class Source(Protocol):
    """Enumerates files and reads them; picklable (worker processes read the files they are given)."""

    def describe(self) -> str:
        """The source as the user named it."""

    def files(self, window: TimeWindow) -> Iterator[SourceFile]:
        """Every file that may hold events of the window, in a stable order (skipped ones included)."""

    def read(self, file: SourceFile) -> Iterator[bytes]:
        """The file's bytes in chunks (or, for ``content == "records"``, one record's JSON per chunk).

        Raises:
            FileReadError: the file cannot be read (it is reported and retried on the next run).
        """


def _date_span(parts: Sequence[str]) -> tuple[date, date] | None:
    """The days a path ``.../<region>/YYYY[/MM[/DD]]`` (AWS's CloudTrail layout) can hold, if it is one."""
    for start in range(len(parts) - 1, 0, -1):
        if _REGION.match(parts[start - 1]) and _YEAR.match(parts[start]):
            tail = parts[start:]
            break
    else:
        return None
    if len(tail) > 3 or not all(_MONTH.match(p) for p in tail[1:]):
        return None
    try:
        year = int(tail[0])
        if len(tail) == 1:
            return date(year, 1, 1), date(year, 12, 31)
        month = int(tail[1])
        first = date(year, month, 1)
        last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        if len(tail) == 2:
            return first, last
        day = date(year, month, int(tail[2]))
    except ValueError:
        return None
    return day, day


def _skip_reason(parts: Sequence[str], name: str) -> str | None:
    if DIGEST_DIRECTORY in parts:
        return DIGEST_REASON
    if not _LOG_NAME.search(name):
        return NOT_A_LOG_REASON
    return None


class LocalSource:
    """A local log file, or a directory tree of them (AWS's ``AWSLogs/...`` layout or any other).

    Hidden files and directories (names starting with ``.``) are not read; ``exclude`` names a
    directory to leave out (the event store itself, when it lives inside the tree).
    """

    def __init__(self, path: Path, exclude: Path | None = None) -> None:
        self.path = path.absolute()
        self.exclude = exclude.absolute() if exclude is not None else None

    def describe(self) -> str:
        """The path as given."""
        return str(self.path)

    def files(self, window: TimeWindow) -> Iterator[SourceFile]:
        """The file itself, or every file under the directory, in sorted order."""
        try:
            stat = self.path.stat()
        except OSError as exc:
            raise SourceError(f"cannot read {self.path}: {exc.strerror or exc}") from None
        if not self.path.is_dir():
            version = f"{stat.st_size}:{stat.st_mtime_ns}"
            yield SourceFile(str(self.path), version, stat.st_size, location=str(self.path))
            return
        yield from self._walk(self.path, (), window)

    def _walk(self, directory: Path, parts: tuple[str, ...], window: TimeWindow) -> Iterator[SourceFile]:
        try:
            entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
        except OSError as exc:
            raise SourceError(f"cannot list {directory}: {exc.strerror or exc}") from None
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            if entry.is_dir():
                if self.exclude is not None and path == self.exclude:
                    continue
                sub = (*parts, entry.name)
                span = _date_span(sub) if not window.unbounded else None
                if span is None or window.may_hold_days(*span):
                    yield from self._walk(path, sub, window)
            elif entry.is_file():
                span = _date_span(parts) if not window.unbounded else None
                if span is not None and not window.may_hold_days(*span):
                    continue
                stat = entry.stat()
                yield SourceFile(
                    str(path),
                    f"{stat.st_size}:{stat.st_mtime_ns}",
                    stat.st_size,
                    skip_reason=_skip_reason(parts, entry.name),
                    location=str(path),
                )

    def read(self, file: SourceFile) -> Iterator[bytes]:
        """The file's bytes, a megabyte at a time."""
        try:
            with open(file.location, "rb") as handle:
                while chunk := handle.read(READ_CHUNK):
                    yield chunk
        except OSError as exc:
            raise FileReadError(f"cannot read: {exc.strerror or exc}") from None


def _client_error(exc: Exception) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        error = response.get("Error", {})
        return f"{error.get('Code', 'Error')}: {error.get('Message', '')}".rstrip(": ")
    return f"{type(exc).__name__}: {exc}"


class _ClientCache:
    """A client factory made on first use in each process (not pickled)."""

    def __init__(self, clients: ClientsMaker) -> None:
        self.clients = clients
        self._factory: ClientFactory | None = None

    def client(self, service: str, region: str | None = None) -> Any:
        if self._factory is None:
            self._factory = self.clients()
        return self._factory.client(service, region or self._factory.home_region)

    def __getstate__(self) -> dict[str, Any]:
        return {"clients": self.clients, "_factory": None}


class S3Source:
    """Objects under ``s3://bucket/prefix``, identified by key and ETag.

    With ``--since/--until`` the listing walks the ``<region>/YYYY/MM/DD/`` levels with a delimiter and
    lists only the days that may hold events of the window.
    """

    def __init__(self, url: str, clients: ClientsMaker) -> None:
        match = re.match(r"^s3://([^/]+)/?(.*)$", url)
        if not match:
            raise SourceError(f"not an S3 URL: {url!r} (expected s3://bucket/prefix)")
        self.url = url
        self.bucket, self.prefix = match.group(1), match.group(2)
        self._clients = _ClientCache(clients)

    def describe(self) -> str:
        """The URL as given."""
        return self.url

    def files(self, window: TimeWindow) -> Iterator[SourceFile]:
        """Every object under the prefix (directory markers left out), in key order."""
        s3 = self._clients.client("s3")
        try:
            if window.unbounded:
                yield from self._list(s3, self.prefix, None, window)
            else:
                yield from self._list(s3, self.prefix, "/", window)
        except SourceError:
            raise
        except Exception as exc:
            raise SourceError(f"cannot list {self.url}: {_client_error(exc)}") from None

    def _list(self, s3: Any, prefix: str, delimiter: str | None, window: TimeWindow) -> Iterator[SourceFile]:
        kwargs: dict[str, Any] = {"Bucket": self.bucket, "Prefix": prefix}
        if delimiter:
            kwargs["Delimiter"] = delimiter
        subdirectories: list[str] = []
        for page in s3.get_paginator("list_objects_v2").paginate(**kwargs):
            subdirectories.extend(p["Prefix"] for p in page.get("CommonPrefixes", ()))
            for item in page.get("Contents", ()):
                key = item["Key"]
                if key.endswith("/"):
                    continue
                parts = key.split("/")
                span = _date_span(parts[:-1]) if not window.unbounded else None
                if span is not None and not window.may_hold_days(*span):
                    continue
                yield SourceFile(
                    f"s3://{self.bucket}/{key}",
                    str(item.get("ETag", "")).strip('"'),
                    int(item.get("Size", 0)),
                    skip_reason=_skip_reason(parts[:-1], parts[-1]),
                    location=key,
                )
        for sub in subdirectories:
            span = _date_span(sub.rstrip("/").split("/"))
            if span is None or window.may_hold_days(*span):
                yield from self._list(s3, sub, delimiter, window)

    def read(self, file: SourceFile) -> Iterator[bytes]:
        """The object's bytes, streamed; refused if its ETag changed since it was listed."""
        try:
            kwargs: dict[str, Any] = {"Bucket": self.bucket, "Key": file.location}
            if file.version:
                kwargs["IfMatch"] = f'"{file.version}"'
            body = self._clients.client("s3").get_object(**kwargs)["Body"]
            try:
                while chunk := body.read(READ_CHUNK):
                    yield chunk
            finally:
                body.close()
        except FileReadError:
            raise
        except Exception as exc:
            raise FileReadError(f"cannot read: {_client_error(exc)}") from None


def _day_start(moment: datetime) -> datetime:
    return datetime.combine(moment.date(), time(), tzinfo=UTC)


@dataclass
class LookupEventsSource:
    """CloudTrail's LookupEvents API (management events of the last 90 days), one "file" per region and day.

    A day is read only up to ``now - settle`` (CloudTrail can take minutes to make an event visible);
    the part read is recorded, so a later run reads only the rest of that day.
    """

    clients: ClientsMaker
    regions: Sequence[str] = ()
    now: datetime | None = None
    settle: timedelta = timedelta(minutes=15)
    _cache: _ClientCache = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._cache = _ClientCache(self.clients)

    def describe(self) -> str:
        """``lookup-events`` and its regions."""
        return "lookup-events" + (f":{','.join(self.regions)}" if self.regions else "")

    def files(self, window: TimeWindow) -> Iterator[SourceFile]:
        """One file per region and day from 90 days ago (or ``since``) to ``now - settle`` (or ``until``)."""
        now = self.now or datetime.now(UTC)
        readable = TimeWindow(now - LOOKUP_EVENTS_RETENTION, now - self.settle).intersect(window)
        if readable is None:
            return
        assert readable.since is not None and readable.until is not None
        regions = list(self.regions)
        if not regions:
            if self._cache._factory is None:
                self._cache._factory = self.clients()
            regions = [self._cache._factory.home_region]
        for region in regions:
            day = _day_start(readable.since)
            while day < readable.until:
                whole = TimeWindow(day, day + timedelta(days=1))
                bounds = whole.intersect(readable)
                assert bounds is not None
                yield SourceFile(
                    f"lookup-events://{region}/{day:%Y-%m-%d}",
                    "",
                    None,
                    bounds=bounds,
                    content="records",
                    location=region,
                )
                day += timedelta(days=1)

    def read(self, file: SourceFile) -> Iterator[bytes]:
        """Each event's ``CloudTrailEvent`` (the record's JSON as CloudTrail delivers it), page by page."""
        assert file.bounds is not None
        try:
            client = self._cache.client("cloudtrail", file.location)
            pages = client.get_paginator("lookup_events").paginate(
                StartTime=file.bounds.since, EndTime=file.bounds.until, PaginationConfig={"PageSize": 50}
            )
            for page in pages:
                for event in page.get("Events", ()):
                    text = event.get("CloudTrailEvent")
                    yield text.encode() if isinstance(text, str) else b"null"
        except Exception as exc:
            raise FileReadError(f"LookupEvents failed: {_client_error(exc)}") from None


def open_source(spec: str, clients: ClientsMaker | None = None, exclude: Path | None = None) -> Source:
    """A source from a command-line argument: ``s3://bucket/prefix``, ``lookup-events[:REGION,...]``, or a path.

    Raises:
        SourceError: an S3 or LookupEvents source without a client factory.
    """
    if spec.startswith("s3://"):
        if clients is None:
            raise SourceError("reading s3:// needs AWS credentials (a client factory)")
        return S3Source(spec, clients)
    if spec == "lookup-events" or spec.startswith("lookup-events:"):
        if clients is None:
            raise SourceError("reading LookupEvents needs AWS credentials (a client factory)")
        regions = [r.strip() for r in spec.partition(":")[2].split(",") if r.strip()]
        return LookupEventsSource(clients, regions)
    return LocalSource(Path(spec), exclude=exclude)
