"""The event store: Parquet parts of EVENT_SCHEMA under a manifest, queried with DuckDB.

Layout of ``STORE/``::

    manifest.json            the committed state (replaced atomically)
    events/part-*.parquet    events, zstd; only parts the manifest lists are part of the store
    rejected/*.jsonl         records that could not be stored, one JSON object per line with its reason
    .lock                    held while an ingestion writes

The manifest lists *units*: what one worker committed at once, i.e. its part files (with row counts),
its rejected-records file, and the files it ingested (identity, version, counts, and which time range of
each file the store holds). A unit's files are renamed into place before the manifest names them, so a
run interrupted at any moment leaves the previous manifest intact; files it left behind are orphans,
ignored by readers and removed by the next writer.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import duckdb
import msgspec
import orjson
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from cloudward.core.errors import CloudwardError
from cloudward.detect.schema import EVENT_SCHEMA
from cloudward.detect.sources import SourceFile, TimeWindow

MANIFEST_FORMAT = 1
PARQUET_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    # dictionaries only where values repeat; raw, eventID and the JSON columns are nearly unique
    "use_dictionary": [
        "eventVersion",
        "eventSource",
        "eventName",
        "awsRegion",
        "sourceIPAddress",
        "userAgent",
        "errorCode",
        "eventType",
        "eventCategory",
        "recipientAccountId",
        "vpcEndpointId",
        "sourceFile",
        *(
            f"userIdentity.{name}"
            for name in ("type", "principalId", "arn", "accountId", "accessKeyId", "userName", "invokedBy")
        ),
        "userIdentity.sessionContext.sessionIssuer.arn",
        "userIdentity.sessionContext.sessionIssuer.userName",
    ],
    "write_statistics": ["eventTime", "eventName", "eventSource", "awsRegion", "recipientAccountId"],
}


class StoreError(CloudwardError):
    """The event store cannot be used: a corrupt manifest, another writer, an unreadable directory."""


class PartEntry(msgspec.Struct, frozen=True):
    """A file of the store (a Parquet part or a rejected-records file), relative to the store, and its rows."""

    path: str
    rows: int


class FileEntry(msgspec.Struct, frozen=True):
    """One ingested input file.

    Attributes:
        key: the file's identity (path, ``s3://`` URL, ``lookup-events://`` day).
        version: its version when read (size and mtime, ETag).
        events: rows it added to the store.
        rejected: records written to ``rejected/``.
        filtered: records left out because they were outside ``--since/--until``.
        coverage: the time ranges of the file the store holds, as ``[since, until]`` ISO strings (None
            for an open side); None when the store holds all of the file.
    """

    key: str
    version: str
    events: int
    rejected: int = 0
    filtered: int = 0
    coverage: list[tuple[str | None, str | None]] | None = None

    def windows(self) -> list[TimeWindow] | None:
        """The coverage as time windows (None: the whole file)."""
        if self.coverage is None:
            return None
        return [TimeWindow(_parse(since), _parse(until)) for since, until in self.coverage]


class Unit(msgspec.Struct, frozen=True):
    """What one worker committed at once."""

    id: str
    parts: list[PartEntry]
    files: list[FileEntry]
    rejected: PartEntry | None = None


class Manifest(msgspec.Struct):
    """The store's committed state."""

    format: int = MANIFEST_FORMAT
    units: list[Unit] = msgspec.field(default_factory=list)

    def parts(self) -> list[PartEntry]:
        """Every committed Parquet part, in commit order."""
        return [part for unit in self.units for part in unit.parts]

    def rows(self) -> int:
        """Events in the store."""
        return sum(part.rows for part in self.parts())


def _parse(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat()


def window_entry(window: TimeWindow) -> tuple[str | None, str | None]:
    """A time window as a manifest coverage entry."""
    return (_iso(window.since), _iso(window.until))


_EARLIEST = datetime.min.replace(tzinfo=UTC)
_LATEST = datetime.max.replace(tzinfo=UTC)


def uncovered(window: TimeWindow, covered: Sequence[TimeWindow]) -> TimeWindow | None:
    """The smallest window holding every part of ``window`` outside ``covered`` (None: all of it is covered).

    Coverage is trimmed from both ends only, so the result may still hold covered islands; rows in them
    are excluded when read.
    """
    low, high = window.since or _EARLIEST, window.until or _LATEST
    pieces = [(piece.since or _EARLIEST, piece.until or _LATEST) for piece in covered]
    moved = True
    while moved and low < high:
        moved = False
        for start, end in pieces:
            if start <= low < end:
                low, moved = end, True
            if start < high <= end:
                high, moved = start, True
    if low >= high:
        return None
    return TimeWindow(None if low == _EARLIEST else low, None if high == _LATEST else high)


def is_covered(window: TimeWindow, covered: Sequence[TimeWindow]) -> bool:
    """True when the union of ``covered`` contains all of ``window``."""
    return uncovered(window, covered) is None


def _fsync_directory(path: Path) -> None:
    with contextlib.suppress(OSError):
        descriptor = os.open(path, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def fsync_file(path: Path) -> None:
    """Flush a written file to disk before it is renamed into place."""
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


class EventStore:
    """A directory of Parquet parts under a manifest; ``connect()`` gives DuckDB with an ``events`` view."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    @property
    def events_dir(self) -> Path:
        """Where the Parquet parts are."""
        return self.path / "events"

    @property
    def rejected_dir(self) -> Path:
        """Where rejected records are (JSON Lines: source, reason, record)."""
        return self.path / "rejected"

    @property
    def manifest_path(self) -> Path:
        """The committed state."""
        return self.path / "manifest.json"

    def read_manifest(self) -> Manifest:
        """The committed state (empty when nothing was ever ingested).

        Raises:
            StoreError: the manifest exists but cannot be read.
        """
        try:
            data = self.manifest_path.read_bytes()
        except FileNotFoundError:
            return Manifest()
        except OSError as exc:
            raise StoreError(f"cannot read {self.manifest_path}: {exc.strerror or exc}") from None
        try:
            manifest = msgspec.json.decode(data, type=Manifest)
        except msgspec.DecodeError as exc:
            raise StoreError(f"{self.manifest_path} is not a cloudward event store manifest: {exc}") from None
        if manifest.format != MANIFEST_FORMAT:
            raise StoreError(
                f"{self.manifest_path} has format {manifest.format}; this cloudward reads {MANIFEST_FORMAT}"
            )
        return manifest

    def part_paths(self) -> list[Path]:
        """Absolute paths of the committed parts."""
        return [self.path / part.path for part in self.read_manifest().parts()]

    def connect(self, read_only: bool = False) -> duckdb.DuckDBPyConnection:
        """An in-memory DuckDB connection with a view ``events`` over the committed parts.

        Args:
            read_only: lock the connection down for ad-hoc SQL: it can read the parts and nothing
                else on disk (no COPY TO, no other files, no ATTACH), and cannot undo that setting.
        """
        parts = [str(path.absolute()) for path in self.part_paths()]
        connection = duckdb.connect()
        if parts:
            connection.execute(f"CREATE VIEW events AS SELECT * FROM read_parquet({_sql_list(parts)})")
        else:
            connection.from_arrow(EVENT_SCHEMA.empty_table()).create_view("events")
        if read_only:
            if parts:
                connection.execute(f"SET allowed_paths = {_sql_list(parts)}")
            connection.execute("SET enable_external_access = false")
            connection.execute("SET lock_configuration = true")
        return connection

    def count(self) -> int:
        """Events in the store (from the manifest's row counts)."""
        return self.read_manifest().rows()

    def time_range(self) -> tuple[datetime, datetime] | None:
        """The earliest and latest eventTime in the store, or None when it is empty."""
        if not self.count():
            return None
        with contextlib.closing(self.connect()) as connection:
            row = connection.execute("SELECT min(eventTime), max(eventTime) FROM events").fetchone()
        if row is None or row[0] is None:
            return None
        return row[0].astimezone(UTC), row[1].astimezone(UTC)

    @contextlib.contextmanager
    def writer(self) -> Iterator[StoreWriter]:
        """Exclusive write access: takes the lock, removes orphans of interrupted runs, commits units.

        Raises:
            StoreError: another ingestion holds the lock, or the directory cannot be created.
        """
        try:
            self.events_dir.mkdir(parents=True, exist_ok=True)
            self.rejected_dir.mkdir(parents=True, exist_ok=True)
            handle = open(self.path / ".lock", "a+b")  # noqa: SIM115 - held for the whole context
        except OSError as exc:
            raise StoreError(f"cannot create the event store at {self.path}: {exc.strerror or exc}") from None
        try:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise StoreError(f"another ingestion is writing to {self.path}; wait for it to finish") from None
            writer = StoreWriter(self, handle)
            writer.remove_orphans()
            yield writer
        finally:
            handle.close()


def _sql_list(values: Sequence[str]) -> str:
    return "[" + ", ".join("'" + value.replace("'", "''") + "'" for value in values) + "]"


class StoreWriter:
    """The writing side of a store, valid while :meth:`EventStore.writer` holds the lock."""

    def __init__(self, store: EventStore, lock: IO[bytes]) -> None:
        self.store = store
        self._lock = lock
        self.manifest = store.read_manifest()
        self._index: dict[str, list[FileEntry]] = {}
        for unit in self.manifest.units:
            for entry in unit.files:
                self._index.setdefault(entry.key, []).append(entry)

    def remove_orphans(self) -> list[Path]:
        """Delete parts and rejected files the manifest does not list (left by an interrupted run)."""
        listed = {part.path for unit in self.manifest.units for part in unit.parts}
        listed |= {unit.rejected.path for unit in self.manifest.units if unit.rejected is not None}
        removed = []
        for directory in (self.store.events_dir, self.store.rejected_dir):
            for path in directory.iterdir():
                if path.relative_to(self.store.path).as_posix() not in listed:
                    path.unlink(missing_ok=True)
                    removed.append(path)
        return removed

    def plan(self, file: SourceFile, window: TimeWindow) -> tuple[bool, tuple[TimeWindow, ...]] | None:
        """What to do with a file: None when the store already holds what the window asks for, else
        ``(replace, exclude)``: whether it replaces an older version, and the time ranges already stored."""
        wanted = window if file.bounds is None else window.intersect(file.bounds)
        entries = self._index.get(file.key)
        if wanted is None:
            return None
        if not entries:
            return False, ()
        if any(entry.version != file.version for entry in entries):
            return True, ()
        covered: list[TimeWindow] = []
        for entry in entries:
            windows = entry.windows()
            if windows is None:
                return None
            covered.extend(windows)
        if is_covered(wanted, covered):
            return None
        return False, tuple(covered)

    def commit(self, unit: Unit) -> None:
        """Add a unit (its files already in place) to the manifest, atomically.

        A file that replaces an older version of itself takes that version's rows out of the store: the
        parts holding them are rewritten without them, under new names, in the same manifest update.
        """
        replaced = {
            entry.key
            for entry in unit.files
            if any(old.version != entry.version for old in self._index.get(entry.key, ()))
        }
        obsolete: list[Path] = []
        units = list(self.manifest.units)
        if replaced:
            units, obsolete = self._without(units, replaced)
        self.manifest = Manifest(units=[*units, unit])
        self._write_manifest()
        for path in obsolete:
            path.unlink(missing_ok=True)
        for key in replaced:
            self._index.pop(key, None)
        for entry in unit.files:
            self._index.setdefault(entry.key, []).append(entry)

    def _without(self, units: list[Unit], keys: set[str]) -> tuple[list[Unit], list[Path]]:
        """The units with the rows, rejected records and entries of ``keys`` removed (rewritten parts)."""
        kept: list[Unit] = []
        obsolete: list[Path] = []
        for unit in units:
            if not any(entry.key in keys for entry in unit.files):
                kept.append(unit)
                continue
            files = [entry for entry in unit.files if entry.key not in keys]
            parts: list[PartEntry] = []
            for number, part in enumerate(unit.parts):
                path = self.store.path / part.path
                obsolete.append(path)
                table = pq.read_table(path, schema=EVENT_SCHEMA)
                table = table.filter(pc.invert(pc.is_in(table["sourceFile"], value_set=pa.array(sorted(keys)))))
                if table.num_rows:
                    new = self.store.events_dir / f"part-{unit.id}-r{os.urandom(4).hex()}-{number:03d}.parquet"
                    write_part(new, table)
                    parts.append(PartEntry(new.relative_to(self.store.path).as_posix(), table.num_rows))
            rejected = unit.rejected
            if rejected is not None:
                old = self.store.path / rejected.path
                obsolete.append(old)
                lines = [line for line in old.read_bytes().splitlines() if orjson.loads(line).get("source") not in keys]
                rejected = None
                if lines:
                    new = self.store.rejected_dir / f"{unit.id}-r{os.urandom(4).hex()}.jsonl"
                    tmp = new.with_name(new.name + ".tmp")
                    tmp.write_bytes(b"\n".join(lines) + b"\n")
                    fsync_file(tmp)
                    tmp.replace(new)
                    rejected = PartEntry(new.relative_to(self.store.path).as_posix(), len(lines))
            if files:
                kept.append(Unit(unit.id, parts, files, rejected))
        return kept, obsolete

    def _write_manifest(self) -> None:
        tmp = self.store.manifest_path.with_name("manifest.json.tmp")
        with open(tmp, "wb") as handle:
            handle.write(msgspec.json.format(msgspec.json.encode(self.manifest), indent=1))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.store.manifest_path)
        _fsync_directory(self.store.path)


def write_part(path: Path, table: pa.Table) -> None:
    """Write a whole table as a part: under a temporary name, flushed, then renamed into place."""
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(table, tmp, **PARQUET_OPTIONS)
    fsync_file(tmp)
    tmp.replace(path)
