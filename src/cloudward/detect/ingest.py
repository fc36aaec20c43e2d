"""CloudTrail records into the event store: worker processes, batched writes, nothing lost.

Decoding is :mod:`cloudward.detect.decode`'s job; this module runs it over many files and commits the
result. Work is spread over worker processes (``spawn``); each writes its own parts and reports *units*
(parts, rejected records and the files they hold) to the parent, which commits them to the manifest.

A worker reads one file at a time. Every check that can reject a record, and the time-window filter, is
made while the file is read, so its counts are final when it ends. Then:

* a file that fails (unreadable, truncated gzip, invalid JSON) contributes nothing: its records are
  dropped, it is reported failed and not marked ingested, so the next run retries it;
* a small file's accepted records join the records of the files before it; they become Arrow columns a
  segment of several thousand rows at a time, and are written a batch (one row group) at a time to the
  worker's open unit, which lists the file. Many small files (CloudTrail writes one per region every five
  minutes) thus cost little more than one big file of the same records;
* a file larger than one batch is written to a unit of its own, deleted if it fails later on.

A unit is committed (its files renamed into place, then named by the manifest) when it holds
``part_rows`` rows and at the end of the run, so a file is marked ingested only once its rows are in a
committed part; a run interrupted at any moment leaves a consistent store.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import multiprocessing
import os
import pickle
import queue
import secrets
import signal
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Literal

import pyarrow as pa
import pyarrow.parquet as pq

from cloudward.core.errors import CloudwardError
from cloudward.detect.decode import (
    SEGMENT_BYTES,
    SEGMENT_ROWS,
    FileDecodeError,
    FileRecords,
    FileStats,
    NoEventsError,
    Pending,
    TimeFilter,
    Utf8Check,
    record_texts,
)
from cloudward.detect.schema import EVENT_SCHEMA
from cloudward.detect.sources import FileReadError, Source, SourceError, SourceFile, TimeWindow
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

BATCH_ROWS = 50_000
BATCH_BYTES = 256 << 20  # a batch's memory, at most (about)
PART_ROWS = 500_000
PROGRESS_SECONDS = 0.1  # a worker reports progress within a file at most this often
CHUNK_FILES = 64  # files sent to a worker process at once, when the workers are busy
CHUNK_BYTES = 8 << 20  # (compressed) bytes sent at once; a file of unknown size counts as this much


@dataclass(frozen=True, slots=True)
class _Task:
    number: int
    source: int
    file: SourceFile
    window: TimeWindow
    exclude: tuple[TimeWindow, ...]


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


class _Tables:
    """Arrow tables waiting to be written together (a batch: one row group)."""

    def __init__(self) -> None:
        self.tables: list[pa.Table] = []
        self.rows = 0
        self.bytes = 0

    def add(self, table: pa.Table) -> None:
        self.tables.append(table)
        self.rows += table.num_rows
        self.bytes += table.nbytes

    def take(self) -> pa.Table | None:
        """All of them as one table (None when there are none); the list starts over."""
        tables = self.tables
        self.tables, self.rows, self.bytes = [], 0, 0
        if not tables:
            return None
        return tables[0] if len(tables) == 1 else pa.concat_tables(tables)


class _Worker:
    """Decodes files and writes units; the same code runs in-process (one worker) or in a child process.

    Accepted records of small files wait in ``_pending`` (Python objects, less than a segment), then in
    ``_batch`` (Arrow, less than a batch), then in the open shared unit (Parquet, less than a part); the
    files they came from are listed by that unit.
    """

    def __init__(self, number: int, config: _WorkerConfig, emit: Callable[[Message], None]) -> None:
        self.number = number
        self.store = config.store
        self.run_id = config.run_id
        self.sources = config.sources
        self.emit = emit
        self.batch_rows = config.batch_rows
        self.part_rows = config.part_rows
        self.after_part = config.after_part
        self.segment_rows = max(1, min(SEGMENT_ROWS, config.batch_rows))
        self._units = 0
        self._shared: _UnitWriter | None = None
        self._pending = Pending()
        self._batch = _Tables()
        self._outcomes: list[tuple[int, FileOutcome]] = []  # not reported yet
        self._events = 0  # progress not reported yet
        self._bytes = 0
        self._file_events = 0  # events of the current file already counted in _events
        self._reported = time.monotonic()

    def _unit(self) -> _UnitWriter:
        self._units += 1
        return _UnitWriter(self.store, f"{self.run_id}-w{self.number}-{self._units:04d}", self.part_rows)

    def _progress(self, events: int, nbytes: int) -> None:
        self._events += events
        self._bytes += nbytes
        now = time.monotonic()
        if now - self._reported >= PROGRESS_SECONDS:
            self._reported = now
            self.emit(("progress", self._events, self._bytes))
            self._events = self._bytes = 0

    def _counted(self, chunks: Iterator[bytes], stats: FileStats) -> Iterator[bytes]:
        for chunk in chunks:
            stats.bytes += len(chunk)
            self._progress(0, len(chunk))
            yield chunk

    def _file_done(self, task: _Task, outcome: FileOutcome, events: int) -> None:
        """Note a file's outcome (reported with the next unit, or at the end of the chunk)."""
        self._outcomes.append((task.number, outcome))
        self._events += events - self._file_events

    def _report(self, chunk_done: bool) -> None:
        """Report the files done since the last report, and the progress not reported yet."""
        if self._outcomes or chunk_done:
            self.emit(("files", self._outcomes, self._events, self._bytes, chunk_done))
            self._outcomes, self._events, self._bytes = [], 0, 0
            self._reported = time.monotonic()

    def _commit(self, unit: _UnitWriter) -> None:
        self._report(chunk_done=False)  # the parent learns of a unit's files before the unit
        self.emit(("unit", unit.finish(self.after_part)))

    def process_chunk(self, tasks: Sequence[_Task]) -> None:
        """Decode files one after the other, then report them."""
        for task in tasks:
            self.process(task)
        self._report(chunk_done=True)

    def process(self, task: _Task) -> None:
        """Decode one file; its rows join this worker's open unit, or a unit of its own if it is large."""
        file = task.file
        stats = FileStats(file.key)
        keep = None if task.window.unbounded and not task.exclude else TimeFilter(task.window, task.exclude)
        records = FileRecords(file.key, stats, keep, Utf8Check())
        mine = _Tables()  # this file's converted rows, held back until it ends (unless it has a unit of its own)
        own: list[_UnitWriter] = []
        self._file_events = 0
        collecting = gc.isenabled()
        gc.disable()  # millions of short-lived objects and no cycles: the collector would only slow decoding
        try:
            try:
                self._read(task, records, mine, own)
            except NoEventsError as skipped:
                self._failed(task, own, FileOutcome(file.key, "skipped", str(skipped)))
                return
            except (FileReadError, FileDecodeError) as exc:
                self._failed(task, own, FileOutcome(file.key, "failed", str(exc)))
                return
            except Exception as exc:
                reason = f"internal error: {type(exc).__name__}: {exc}"
                self._failed(task, own, FileOutcome(file.key, "failed", reason))
                return
            self._accept(task, records, mine, own)
        finally:
            if collecting:
                gc.enable()

    def _read(self, task: _Task, records: FileRecords, mine: _Tables, own: list[_UnitWriter]) -> None:
        """Read the file into ``records`` and ``mine``, switching to a unit of its own (``own``) past one batch."""
        step = self.segment_rows
        chunks = self._counted(iter(self.sources[task.source].read(task.file)), records.stats)
        for raws, size in record_texts(chunks, task.file, records.utf8):
            if len(raws) <= step:
                records.add(raws, size)
                if len(records.pending) >= step or records.pending.bytes >= SEGMENT_BYTES:
                    self._segment(records, mine, own)
                continue
            for start in range(0, len(raws), step):
                piece = raws[start : start + step]
                records.add(piece, size * len(piece) // len(raws))
                if len(records.pending) >= step or records.pending.bytes >= SEGMENT_BYTES:
                    self._segment(records, mine, own)
            del raws, piece  # the next chunk is decoded without this one's buffers
        if own:
            self._segment(records, mine, own, last=True)

    def _segment(self, records: FileRecords, mine: _Tables, own: list[_UnitWriter], last: bool = False) -> None:
        """Convert the file's pending records; write them to its own unit once it has one."""
        table = records.pending.take()
        if table is not None:
            mine.add(table)
            self._file_events += table.num_rows
            self._progress(table.num_rows, 0)
        if not own and (mine.rows > self.batch_rows or mine.bytes > BATCH_BYTES):
            own.append(self._unit())
        if own and (last or mine.rows >= self.batch_rows or mine.bytes >= BATCH_BYTES):
            batch = mine.take()
            if batch is not None:
                own[0].write(batch, self.batch_rows)
            own[0].reject(records.stats.drain())

    def _accept(self, task: _Task, records: FileRecords, mine: _Tables, own: list[_UnitWriter]) -> None:
        """A file read to its end: report it, and commit its unit or add it to the shared one."""
        file, stats = task.file, records.stats
        whole = file.bounds is None and stats.filtered == 0
        coverage = None if whole else [window_entry(task.window)]
        entry = FileEntry(file.key, file.version, stats.events, stats.rejected, stats.filtered, coverage)
        outcome = FileOutcome(file.key, "ingested", stats.summary(), stats.events, stats.rejected, stats.filtered)
        self._file_done(task, outcome, stats.events)
        if own:
            own[0].reject(stats.drain())
            own[0].files.append(entry)
            self._commit(own[0])
            return
        if self._shared is None:
            self._shared = self._unit()
        self._shared.files.append(entry)
        self._shared.reject(stats.drain())
        if mine.tables:  # a file of more than a segment: what waits from earlier files goes first
            self._convert()
            for table in mine.tables:
                self._batch.add(table)
        self._pending.extend(records.pending)
        if len(self._pending) >= self.segment_rows or self._pending.bytes >= SEGMENT_BYTES:
            self._convert()
        if self._batch.rows >= self.batch_rows or self._batch.bytes >= BATCH_BYTES:
            self._flush()
        if self._shared.rows >= self.part_rows:
            self._commit_shared()

    def _failed(self, task: _Task, own: list[_UnitWriter], outcome: FileOutcome) -> None:
        for unit in own:
            unit.abort()
        self._file_done(task, outcome, self._file_events)

    def _convert(self) -> None:
        table = self._pending.take()
        if table is not None:
            self._batch.add(table)

    def _flush(self) -> None:
        self._convert()
        table = self._batch.take()
        if table is not None and self._shared is not None:
            self._shared.write(table, self.batch_rows)

    def _commit_shared(self) -> None:
        self._flush()
        if self._shared is not None:
            unit, self._shared = self._shared, None
            self._commit(unit)

    def finish(self) -> None:
        """Commit the open unit (end of the run)."""
        self._commit_shared()
        self._report(chunk_done=False)

    def abort(self) -> None:
        """Delete the open unit's files (the run stops); report the files done (none of them is committed)."""
        with contextlib.suppress(Exception):
            self._report(chunk_done=False)
        if self._shared is not None:
            self._shared.abort()
            self._shared = None
        self._pending.clear()
        self._batch = _Tables()


def _worker_main(number: int, tasks: Any, results: Any, config: _WorkerConfig) -> None:
    """A worker process: tasks until None, then commit the open unit."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what Ctrl-C does
    worker = _Worker(number, config, lambda message: results.put((number, *message)))
    try:
        while (chunk := tasks.get()) is not None:
            worker.process_chunk(chunk)
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
        elif kind == "files":
            outcomes: list[tuple[int, FileOutcome]] = message[2]
            for number, outcome in outcomes:
                self.inflight.pop(number, None)
                if outcome.status == "failed":
                    self.report.failed.append(outcome)
                elif outcome.status == "skipped":
                    self.report.skipped.append(outcome)
                else:
                    self.done[outcome.key] = outcome
            self.files_done += len(outcomes)
            self.events_seen += message[3]
            self.report.bytes_read += message[4]
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
            self.worker.process_chunk((task,))
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
        self.limit = 2 * count  # chunks sent and not finished, at most
        self.busy = 0  # chunks sent and not finished
        self.chunk: list[_Task] = []
        self.chunk_bytes = 0

    def submit(self, task: _Task) -> None:
        """Add a file to the open chunk; send it when a worker may be idle, or when it is full.

        While the workers are busy, files gather into chunks: one message for many small files. At most
        two chunks per worker are out at once.
        """
        self.run.inflight[task.number] = task.file
        self.chunk.append(task)
        self.chunk_bytes += CHUNK_BYTES if task.file.size is None else task.file.size
        self._drain()
        full = len(self.chunk) >= CHUNK_FILES or self.chunk_bytes >= CHUNK_BYTES
        while full and self.busy >= self.limit and not self.run.fatal:
            self._pump(0.2)
        if self.run.fatal:
            raise _AbortError
        if full or self.busy < len(self.processes):  # full, or a worker may have nothing to do
            self._send()

    def _send(self) -> None:
        if self.chunk:
            self.tasks.put(self.chunk)
            self.busy += 1
            self.chunk, self.chunk_bytes = [], 0

    def _drain(self) -> None:
        """Handle the messages already there, without waiting."""
        with contextlib.suppress(queue.Empty):
            while True:
                self._dispatch(self.results.get_nowait())

    def _pump(self, timeout: float) -> None:
        try:
            message = self.results.get(timeout=timeout)
        except queue.Empty:
            self._check_alive()
            return
        self._dispatch(message)

    def _dispatch(self, message: Message) -> None:
        if message[1] == "exit":
            self.exited.add(message[0])
            return
        if message[1] == "files" and message[5]:
            self.busy -= 1
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
        if not self.run.fatal:
            self._send()
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
