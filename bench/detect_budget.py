"""Benchmark: where `cloudward detect`'s time goes, stage by stage, against issue 4's speed targets.

The targets, on this machine (2 cores), for a corpus of about 2 million events:

* end to end (ingest, every rule, baselines) at 300,000 events/s with 2 processes: a budget of
  2 cores / 300,000 = 6.7 microseconds of CPU per event, for everything;
* a rule pass over the already ingested store at 1,000,000 events/s: 1 microsecond of wall time per event.

Part one, decoding, on one core over the first ``--files`` files of the corpus (read into memory
first, so the disk is not measured). Each stage includes the ones before it:

1. gunzip (the inflate cloudward uses: ISA-L when installed, else zlib);
2. split into records (cloudward's ``record_texts``: each record's text, kept for the ``raw`` column);
3. the issue's reference point: msgspec decoding only the fields the rules read;
4. cloudward's decoding into Arrow tables of the store's schema (every column, every check);
5. and written to Parquet with the store's options.

Part two, the rule pass over the whole corpus ingested into a store (``--store``, else ingested here
with 2 workers), timed twice each:

* the floor of reading: one query reading every column any rule reads;
* the floor of listing: every eventID grouped by principal and hour, in time order, into Python lists
  (what an alert of a rule that matches every record must carry, by the issue's alert contract);
* the rule pass itself (built-in and SigmaHQ rules) and the baselines.

Usage: ``python bench/detect_budget.py [--files 3000] [--store PATH]``
"""

from __future__ import annotations

import argparse
import importlib
import io
import json
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import msgspec
import pyarrow as pa
import pyarrow.parquet as pq

from cloudward.detect.baselines import run_baselines
from cloudward.detect.decode import GUNZIP, SEGMENT_ROWS, FileRecords, FileStats, Pending, Utf8Check, record_texts
from cloudward.detect.ingest import BATCH_ROWS, ingest
from cloudward.detect.pipeline import events_connection, load_rule_set
from cloudward.detect.sigma import run_rules
from cloudward.detect.sources import LocalSource, SourceFile
from cloudward.detect.store import PARQUET_OPTIONS, EventStore
from detect import OUT, SIGMA_AWS, corpus

END_TO_END_TARGET = 300_000
RULE_PASS_TARGET = 1_000_000
CORES = 2


class _Issuer(msgspec.Struct):
    type: str | None = None


class _Context(msgspec.Struct):
    sessionIssuer: _Issuer | None = None  # noqa: N815 - CloudTrail's name


class _Identity(msgspec.Struct):
    type: str | None = None
    arn: str | None = None
    userName: str | None = None  # noqa: N815
    invokedBy: str | None = None  # noqa: N815
    sessionContext: _Context | None = None  # noqa: N815


class _RuleFields(msgspec.Struct):
    """The fields the built-in and SigmaHQ rules read (JSON objects kept as raw text)."""

    eventName: str | None = None  # noqa: N815
    eventSource: str | None = None  # noqa: N815
    eventType: str | None = None  # noqa: N815
    errorCode: str | None = None  # noqa: N815
    errorMessage: str | None = None  # noqa: N815
    sourceIPAddress: str | None = None  # noqa: N815
    userAgent: str | None = None  # noqa: N815
    userIdentity: _Identity | None = None  # noqa: N815
    requestParameters: msgspec.Raw = msgspec.Raw()  # noqa: N815
    responseElements: msgspec.Raw = msgspec.Raw()  # noqa: N815
    additionalEventData: msgspec.Raw = msgspec.Raw()  # noqa: N815


_RULE_FIELDS = msgspec.json.Decoder(_RuleFields)


def _records(data: bytes) -> Iterator[list[Any]]:
    file = SourceFile("memory.json.gz", "")
    for raws, _size in record_texts(iter((data,)), file, Utf8Check()):
        yield raws


def _gunzip(files: list[bytes]) -> int:
    inflate: Any = importlib.import_module(GUNZIP)
    return sum(len(inflate.decompress(data, 31)) for data in files)


def _split(files: list[bytes]) -> int:
    return sum(len(raws) for data in files for raws in _records(data))


def _rule_fields(files: list[bytes]) -> int:
    decode = _RULE_FIELDS.decode
    return sum(len([decode(raw) for raw in raws]) for data in files for raws in _records(data))


def _arrow(files: list[bytes]) -> list[pa.Table]:
    """As ingest does it: the records of successive files wait together, converted a segment at a time."""
    tables = []
    pending = Pending()
    for data in files:
        records = FileRecords("memory", FileStats("memory"), None, Utf8Check())
        for raws in _records(data):
            records.add(raws, 0)
        pending.extend(records.pending)
        if len(pending) >= SEGMENT_ROWS:
            tables.append(pending.take())
    tables.append(pending.take())
    return [table for table in tables if table is not None]


def _parquet(files: list[bytes]) -> int:
    table = pa.concat_tables(_arrow(files))
    with pq.ParquetWriter(io.BytesIO(), table.schema, **PARQUET_OPTIONS) as writer:
        writer.write_table(table, row_group_size=BATCH_ROWS)
    return int(table.num_rows)


def _arrow_rows(files: list[bytes]) -> int:
    return sum(int(table.num_rows) for table in _arrow(files))


STAGES: list[tuple[str, Callable[[list[bytes]], int]]] = [
    ("gunzip", _gunzip),
    ("+ split into records", _split),
    ("+ msgspec, only the fields rules read", _rule_fields),
    ("+ cloudward's decoding into Arrow", _arrow_rows),
    ("+ Parquet", _parquet),
]


def decoding(corpus_dir: Path, files: int) -> list[dict[str, Any]]:
    """Part one: each decoding stage's CPU time per event on one core."""
    paths = sorted((corpus_dir / "AWSLogs").rglob("*.json.gz"))[:files]
    blobs = [path.read_bytes() for path in paths]
    events = _split(blobs)
    rows = []
    for name, stage in STAGES:
        seconds = min(_cpu(stage, blobs) for _ in range(3))
        rows.append({"stage": name, "events": events, "us_per_event": round(seconds / events * 1e6, 2)})
    return rows


def _cpu(stage: Callable[[list[bytes]], int], blobs: list[bytes]) -> float:
    started = time.process_time()
    stage(blobs)
    return time.process_time() - started


def _wall(work: Callable[[], object], repeats: int = 2) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def rule_pass(store_path: Path, state: Path) -> dict[str, Any]:
    """Part two: the floors of the rule pass, the rule pass itself and the baselines (wall seconds).

    Args:
        store_path: the event store.
        state: where the baselines' state goes (deleted before each run, so each starts from nothing).
    """
    store = EventStore(store_path)
    rule_set = load_rule_set([SIGMA_AWS])
    connection = events_connection(store.part_paths(), scratch=store_path / "tmp")
    columns: set[str] = set()
    for rule in rule_set.detections:
        columns |= {column for column in rule.columns if column != "raw"}
    read = ", ".join(
        "max(length(CAST({} AS VARCHAR)))".format(".".join(f'"{part}"' for part in column.split(".")))
        for column in sorted(columns | {"eventID", "eventTime", "awsRegion", "recipientAccountId"})
    )
    listing = (
        'SELECT "userIdentity".arn, date_trunc(\'hour\', "eventTime"), '
        'list("eventID" ORDER BY "eventTime", "eventID") AS ids FROM events GROUP BY ALL'
    )
    figures = {
        "events": store.count(),
        "read_floor_s": _wall(lambda: connection.execute(f"SELECT {read} FROM events").fetchall()),
        "listing_floor_s": _wall(lambda: connection.sql(listing).to_arrow_table().column("ids").to_pylist()),
        "rule_pass_s": _wall(lambda: run_rules(connection, rule_set)),
        "baselines_s": _wall(lambda: run_baselines(connection, _fresh(state))),
    }
    return {name: round(value, 2) if isinstance(value, float) else value for name, value in figures.items()}


def _fresh(path: Path) -> Path:
    path.unlink(missing_ok=True)
    return path


def _report(stages: list[dict[str, Any]], rules: dict[str, Any]) -> None:
    budget = CORES / END_TO_END_TARGET * 1e6
    print(f"\nDecoding, one core (budget end to end: {budget:.1f} us of CPU per event for everything)")
    for row in stages:
        share = row["us_per_event"] / budget
        print(f"  {row['stage']:<40} {row['us_per_event']:>6.2f} us/event  {share:>5.0%} of the budget")
    events = rules["events"]
    target, whole = events / RULE_PASS_TARGET, events / END_TO_END_TARGET
    print(f"\nRule pass over {events:,} events (target {target:.2f} s; end-to-end budget {whole:.2f} s)")
    for name in ("read_floor_s", "listing_floor_s", "rule_pass_s", "baselines_s"):
        print(f"  {name:<40} {rules[name]:>6.2f} s  ({events / max(rules[name], 1e-9):>11,.0f} events/s)")


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--events-per-day", type=int, default=75_000)
    parser.add_argument("--files", type=int, default=3000, help="files decoded in part one")
    parser.add_argument("--store", type=Path, help="an event store holding the corpus (else ingested here)")
    args = parser.parse_args()
    corpus_dir = corpus(args.days, args.events_per_day)
    stages = decoding(corpus_dir, args.files)
    with tempfile.TemporaryDirectory(prefix="cloudward-detect-budget-") as tmp:
        store_path = args.store
        if store_path is None:
            store_path = Path(tmp) / "store"
            ingest([LocalSource(corpus_dir / "AWSLogs")], EventStore(store_path), workers=CORES)
        rules = rule_pass(store_path, Path(tmp) / "baselines.duckdb")
    _report(stages, rules)
    (OUT / "detect_budget.json").write_text(json.dumps({"decoding": stages, "rule_pass": rules}, indent=2))
    print(f"\nresults in {OUT / 'detect_budget.json'}")


if __name__ == "__main__":
    main()
