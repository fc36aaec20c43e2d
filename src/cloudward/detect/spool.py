"""The spool: alerts waiting on disk for a sink, so that a sink that is down never loses one.

:class:`cloudward.detect.dispatch.Dispatcher` appends new alerts to a sink's spool (append + fsync)
before it tries any delivery, and records each delivered batch with :meth:`Spool.commit`.

Layout (``SPOOL_DIR/<sink-slug>.jsonl``): a header line ``{"cloudward_spool": 1, "id": ..., "sink": ...}``
then one ``{"alert": {...}}`` per line (the Alert serialised by :func:`alert_to_dict`, so a later run can
rebuild it and re-send it to any sink). ``<slug>.offset`` holds ``{"id", "offset"}``: the byte offset up
to which the spool with that header id was delivered, written atomically (temp file, fsync,
``os.replace``); an offset for another id is ignored, so everything is delivered again rather than
anything skipped. A fully delivered spool is deleted (offset file first); a large delivered prefix is
dropped by rewriting the rest atomically under a new id.

Crash safety: an alert leaves the spool only after the sink accepted it, so a crash can repeat a
delivery (at-least-once; consumers de-duplicate on the alert uid) but never lose one. A line torn by a
crash during an append, or otherwise unreadable, is moved to ``<slug>.rejected`` and counted, never
silently dropped. A lock file per spool (``flock``) serialises concurrent runs.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import orjson

from cloudward.checks.model import Severity
from cloudward.detect.alert import Alert, PostureLink
from cloudward.detect.sinks import fsync_directory

SPOOL_FORMAT = 1
COMPACT_BYTES = 1 << 20
"""A partly delivered spool whose delivered prefix exceeds this (and half the file) is rewritten."""


def alert_to_dict(alert: Alert) -> dict[str, Any]:
    """An Alert as plain JSON data (datetimes as ISO 8601 strings); :func:`alert_from_dict` inverts it."""
    return {
        "rule_id": alert.rule_id,
        "title": alert.title,
        "severity": alert.severity.value,
        "techniques": list(alert.techniques),
        "tactics": list(alert.tactics),
        "principal": alert.principal,
        "account_id": alert.account_id,
        "region": alert.region,
        "first_seen": alert.first_seen.isoformat(),
        "last_seen": alert.last_seen.isoformat(),
        "event_ids": list(alert.event_ids),
        "description": alert.description,
        "source": alert.source,
        "resources": list(alert.resources),
        "posture": [
            {"check_id": p.check_id, "resource_arn": p.resource_arn, "status": p.status, "reason": p.reason}
            for p in alert.posture
        ],
        "timeline": list(alert.timeline),
    }


def alert_from_dict(data: dict[str, Any]) -> Alert:
    """Rebuild an Alert written by :func:`alert_to_dict` (raises KeyError/ValueError/TypeError if malformed)."""
    return Alert(
        rule_id=str(data["rule_id"]),
        title=str(data["title"]),
        severity=Severity(data["severity"]),
        techniques=tuple(str(item) for item in data["techniques"]),
        tactics=tuple(str(item) for item in data["tactics"]),
        principal=str(data["principal"]),
        account_id=str(data["account_id"]),
        region=str(data["region"]),
        first_seen=datetime.fromisoformat(data["first_seen"]),
        last_seen=datetime.fromisoformat(data["last_seen"]),
        event_ids=tuple(str(item) for item in data["event_ids"]),
        description=str(data["description"]),
        source=str(data["source"]),
        resources=tuple(str(item) for item in data.get("resources", ())),
        posture=tuple(PostureLink(**link) for link in data.get("posture", ())),
        timeline=tuple(str(item) for item in data.get("timeline", ())),
    )


def spool_slug(sink_name: str) -> str:
    """A file-name-safe, collision-free stem for a sink's spool."""
    readable = re.sub(r"[^A-Za-z0-9._-]+", "_", sink_name).strip("_")[:60]
    return f"{readable}-{hashlib.sha256(sink_name.encode()).hexdigest()[:12]}"


@dataclass(frozen=True)
class SpoolEntry:
    """One spooled alert and the byte offset just past its line."""

    alert: Alert
    end: int


class Spool:
    """One sink's spool file. Use as a context manager: it holds an exclusive lock while open."""

    def __init__(self, directory: Path, sink_name: str) -> None:
        """The spool of ``sink_name`` in ``directory`` (created if missing)."""
        self.directory = directory
        self.sink_name = sink_name
        stem = spool_slug(sink_name)
        self.path = directory / f"{stem}.jsonl"
        self.offset_path = directory / f"{stem}.offset"
        self.rejected_path = directory / f"{stem}.rejected"
        self._lock_path = directory / f"{stem}.lock"
        self._lock: IO[bytes] | None = None

    def __enter__(self) -> Spool:
        """Create the directory and take the lock (waits for another run using the same spool)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        lock = self._lock_path.open("ab")
        try:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        except OSError:
            lock.close()
            raise
        self._lock = lock
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        """Release the lock (the lock file stays: deleting it would race with a waiting run)."""
        if self._lock is not None:
            fcntl.flock(self._lock.fileno(), fcntl.LOCK_UN)
            self._lock.close()
            self._lock = None

    def _header(self) -> tuple[str | None, int]:
        """The spool id and the offset just past the header line (None, 0 when there is no valid header)."""
        try:
            with self.path.open("rb") as spool:
                line = spool.readline()
        except FileNotFoundError:
            return None, 0
        if not line.endswith(b"\n"):
            return None, 0
        try:
            header = orjson.loads(line)
        except orjson.JSONDecodeError:
            return None, 0
        if not isinstance(header, dict) or header.get("cloudward_spool") != SPOOL_FORMAT:
            return None, 0
        return str(header.get("id")), len(line)

    def _header_line(self) -> bytes:
        header = {"cloudward_spool": SPOOL_FORMAT, "id": uuid.uuid4().hex, "sink": self.sink_name}
        return orjson.dumps(header) + b"\n"

    def _end_torn_line(self, spool: IO[bytes]) -> None:
        """Terminate a last line torn by a crash (``spool`` is open for appending); reading rejects it."""
        with self.path.open("rb") as reader:
            reader.seek(-1, os.SEEK_END)
            if reader.read(1) != b"\n":
                spool.write(b"\n")

    def append(self, alerts: Sequence[Alert]) -> None:
        """Append the alerts and fsync; a new spool gets a header (a fresh id) first."""
        if not alerts:
            return
        lines = b"".join(orjson.dumps({"alert": alert_to_dict(alert)}) + b"\n" for alert in alerts)
        created = not self.path.exists()
        with self.path.open("ab") as spool:
            if spool.tell() == 0:
                spool.write(self._header_line())
            else:
                self._end_torn_line(spool)
            spool.write(lines)
            spool.flush()
            os.fsync(spool.fileno())
        if created:
            fsync_directory(self.directory)

    def _rewrite(self, body: bytes) -> None:
        """Replace the spool atomically by a fresh header (new id: old offsets no longer apply) and ``body``."""
        temporary = self.path.with_suffix(".jsonl.tmp")
        with temporary.open("wb") as spool:
            spool.write(self._header_line() + body)
            spool.flush()
            os.fsync(spool.fileno())
        os.replace(temporary, self.path)
        fsync_directory(self.directory)
        self.offset_path.unlink(missing_ok=True)

    def _delivered_offset(self, spool_id: str | None, header_end: int) -> int:
        try:
            saved = orjson.loads(self.offset_path.read_bytes())
        except (FileNotFoundError, orjson.JSONDecodeError):
            return header_end
        if not isinstance(saved, dict) or spool_id is None or saved.get("id") != spool_id:
            return header_end
        offset = saved.get("offset")
        return offset if isinstance(offset, int) and offset >= header_end else header_end

    def _scan(self) -> tuple[list[SpoolEntry], list[bytes], list[bytes]]:
        """The undelivered entries, the unreadable lines, and the raw lines of the entries."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return [], [], []
        spool_id, header_end = self._header()
        position = self._delivered_offset(spool_id, header_end)  # 0 without a valid header: every line counts
        entries: list[SpoolEntry] = []
        rejected: list[bytes] = []
        valid: list[bytes] = []
        for line in data[position:].splitlines(keepends=True):
            position += len(line)
            try:
                alert = alert_from_dict(orjson.loads(line)["alert"])
            except (orjson.JSONDecodeError, KeyError, ValueError, TypeError):
                rejected.append(line)
                continue
            entries.append(SpoolEntry(alert, position))
            valid.append(line)
        return entries, rejected, valid

    def pending(self) -> tuple[list[SpoolEntry], int]:
        """The undelivered alerts in order, and how many unreadable lines were moved to ``.rejected``.

        Unreadable lines (torn by a crash, damaged, or a damaged header) are appended to ``.rejected``
        (fsynced) and the spool is rewritten without them and without its delivered prefix. A spool with
        nothing left to deliver is deleted.
        """
        if not self.path.exists():
            return [], 0
        if self.path.stat().st_size:
            with self.path.open("ab") as spool:
                self._end_torn_line(spool)
        entries, rejected, valid = self._scan()
        if rejected:
            with self.rejected_path.open("ab") as out:
                out.write(b"".join(rejected))
                out.flush()
                os.fsync(out.fileno())
        if not entries:
            self.commit(self.path.stat().st_size)  # nothing undelivered: delete the spool
        elif rejected or self._header()[0] is None:
            self._rewrite(b"".join(valid))
            entries, _, _ = self._scan()
        return entries, len(rejected)

    def commit(self, offset: int) -> None:
        """Record that everything before byte ``offset`` was delivered; delete the spool when all was."""
        spool_id, _ = self._header()
        size = self.path.stat().st_size if self.path.exists() else 0
        if offset >= size:
            # Offset file first: a crash in between leaves the spool to be delivered again, never skipped.
            self.offset_path.unlink(missing_ok=True)
            self.path.unlink(missing_ok=True)
            fsync_directory(self.directory)
            return
        temporary = self.offset_path.with_suffix(".offset.tmp")
        with temporary.open("wb") as out:
            out.write(orjson.dumps({"id": spool_id, "offset": offset}))
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, self.offset_path)
        fsync_directory(self.directory)

    def compact(self) -> None:
        """Drop a large delivered prefix by rewriting the rest (call when no entry offsets are in use)."""
        spool_id, header_end = self._header()
        if spool_id is None or not self.path.exists():
            return
        offset, size = self._delivered_offset(spool_id, header_end), self.path.stat().st_size
        if offset > COMPACT_BYTES and offset > size // 2:
            with self.path.open("rb") as spool:
                spool.seek(offset)
                self._rewrite(spool.read())
