"""Benchmark: `cloudward detect` over a generated CloudTrail corpus, and pysigma-backend-sqlite on the same corpus.

Measured in one run, on the same ``.json.gz`` files (the lab company's activity from
``cloudward lab events`` with every attack scenario injected; cached under ``bench/out/``):

* end to end: ``cloudward detect CORPUS --sigma SIGMAHQ --workers 2`` in a subprocess (ingest into a
  fresh event store, built-in rules, SigmaHQ's 57 AWS rules, baselines, outside-account grants,
  incidents, alerts written): wall time, events/s, and the peak RSS of the whole process tree (the
  decoding workers included), sampled from /proc;
* the rule pass alone over the already ingested store (built-in and SigmaHQ rules, in-process), three
  times: events/s of the best and of the median pass;
* the peer: pysigma-backend-sqlite's SQL for the same SigmaHQ rules over the same files, read with
  orjson and loaded into sqlite3 (one TEXT COLLATE NOCASE column per field the rules use, as that
  backend expects), timed as load and query.

Usage: ``python bench/detect.py [--days 28] [--events-per-day 75000] [--skip-peer]``
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from cloudward.detect.pipeline import events_connection, load_rule_set
from cloudward.detect.sigma import run_rules
from cloudward.detect.store import EventStore
from cloudward.lab.events import generate

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
SIGMA_AWS = ROOT.parent / "shared" / "data" / "sigma-aws"
SAMPLE_SECONDS = 0.1


def corpus(days: int, events_per_day: int) -> Path:
    """The generated corpus for these parameters (made once, then reused)."""
    path = OUT / f"detect-corpus-{days}d-{events_per_day}"
    if not (path / "manifest.json").exists():
        print(f"generating {days} days x {events_per_day:,} events/day into {path} ...", flush=True)
        summary = generate(path, days=days, events_per_day=events_per_day, seed=7, overwrite=True)
        print(f"  {summary.events:,} events in {summary.files:,} files, {summary.seconds:.0f} s", flush=True)
    return path


def _tree_rss_kb(root: int) -> int:
    """Resident memory of a process and all its descendants, in KiB (0 for processes that are gone)."""
    total, pending = 0, [root]
    while pending:
        pid = pending.pop()
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            resident = re.search(r"VmRSS:\s+(\d+)", status)
            total += int(resident.group(1)) if resident else 0
            for task in Path(f"/proc/{pid}/task").iterdir():
                pending.extend(int(child) for child in (task / "children").read_text().split())
        except OSError:
            continue
    return total


def end_to_end(corpus_dir: Path, workdir: Path) -> dict[str, Any]:
    """`cloudward detect` over the corpus into a fresh store: wall time and peak tree RSS."""
    command = [
        str(Path(sys.executable).parent / "cloudward"),
        "detect",
        str(corpus_dir / "AWSLogs"),
        "--store",
        str(workdir / "store"),
        "--sigma",
        str(SIGMA_AWS),
        "--workers",
        "2",
        "--output",
        str(workdir / "alerts.jsonl"),
        "--no-progress",
    ]
    log = workdir / "detect.log"
    started = time.monotonic()
    with log.open("wb") as output:  # a file, not a pipe: a full pipe would stall the child
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
        peak = 0
        while process.poll() is None:
            peak = max(peak, _tree_rss_kb(process.pid))
            time.sleep(SAMPLE_SECONDS)
    wall = time.monotonic() - started
    if process.returncode not in (0, 1):
        print(log.read_text(errors="replace")[-3000:], file=sys.stderr)
        raise RuntimeError(f"cloudward detect exited {process.returncode}")
    store = EventStore(workdir / "store")
    events = store.count()
    alerts = sum(1 for _ in (workdir / "alerts.jsonl").open())
    return {
        "events": events,
        "wall_s": round(wall, 1),
        "events_per_s": round(events / wall),
        "peak_rss_mb": round(peak / 1024),
        "alerts": alerts,
    }


def rule_pass(store_path: Path, repeats: int = 3) -> dict[str, Any]:
    """Every built-in and SigmaHQ rule over the already ingested store, ``repeats`` times (best and median).

    This machine is shared and its speed varies from minute to minute, so one pass alone can be 30% slow.
    """
    store = EventStore(store_path)
    rule_set = load_rule_set([SIGMA_AWS])
    connection = events_connection(store.part_paths(), scratch=store_path / "tmp")
    events = store.count()
    times = []
    alerts = 0
    for _ in range(repeats):
        started = time.perf_counter()
        alerts = len(run_rules(connection, rule_set))
        times.append(time.perf_counter() - started)
    rules = len(rule_set.detections) + len(rule_set.correlations)
    best, median = min(times), statistics.median(times)
    return {
        "events": events,
        "rules": rules,
        "seconds": [round(seconds, 2) for seconds in times],
        "events_per_s": round(events / best),
        "median_events_per_s": round(events / median),
        "alerts": alerts,
    }


def _records(corpus_dir: Path) -> Iterator[dict[str, Any]]:
    for path in sorted((corpus_dir / "AWSLogs").rglob("*.json.gz")):
        with gzip.open(path, "rb") as handle:
            yield from orjson.loads(handle.read())["Records"]


def _flat(record: dict[str, Any], field: str) -> str | None:
    value: Any = record
    for part in field.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


def _regexp(pattern: str, value: str | None) -> bool:
    return value is not None and re.search(pattern, value) is not None


def _fields(detection: Any) -> Iterator[str]:
    """Every field a pySigma detection (or nested detection) names."""
    for item in detection.detection_items:
        if hasattr(item, "detection_items"):
            yield from _fields(item)
        else:
            if item.field:
                yield item.field
            # a |fieldref value names a second field the row must carry
            yield from (value.field for value in item.value if hasattr(value, "field"))


def peer(corpus_dir: Path, workdir: Path) -> dict[str, Any]:
    """pysigma-backend-sqlite: SigmaHQ's rules as SQL over the corpus loaded into sqlite3."""
    from sigma.backends.sqlite.sqlite import sqliteBackend
    from sigma.collection import SigmaCollection
    from sigma.rule import SigmaRule

    backend = sqliteBackend()  # type: ignore[no-untyped-call]
    queries: dict[str, str] = {}
    fields = {"eventID"}
    for path in sorted(SIGMA_AWS.glob("*.yml")):
        collection = SigmaCollection.from_yaml(path.read_text())
        for rule, query in zip(collection.rules, backend.convert(collection), strict=False):
            queries[str(rule.id)] = str(query)
            if isinstance(rule, SigmaRule):
                for detection in rule.detection.detections.values():
                    fields.update(_fields(detection))
    database = sqlite3.connect(workdir / "peer.sqlite")
    database.create_function("REGEXP", 2, _regexp)
    fields_in_order = sorted(fields)
    columns = ", ".join(f'"{field}" TEXT COLLATE NOCASE' for field in fields_in_order)
    database.execute(f"CREATE TABLE logs ({columns})")
    insert = f"INSERT INTO logs VALUES ({', '.join('?' for _ in fields_in_order)})"
    started = time.perf_counter()
    batch: list[tuple[str | None, ...]] = []
    events = 0
    for record in _records(corpus_dir):
        batch.append(tuple(_flat(record, field) for field in fields_in_order))
        if len(batch) >= 50_000:
            database.executemany(insert, batch)
            events += len(batch)
            batch.clear()
    database.executemany(insert, batch)
    events += len(batch)
    database.commit()
    loaded = time.perf_counter()
    matches = 0
    failed: list[str] = []
    for rule_id, query in queries.items():
        try:
            matches += len(database.execute(query.replace("<TABLE_NAME>", "logs")).fetchall())
        except sqlite3.Error as exc:
            failed.append(f"{rule_id}: {exc}")
    done = time.perf_counter()
    database.close()
    return {
        "events": events,
        "rules": len(queries),
        "load_s": round(loaded - started, 1),
        "query_s": round(done - loaded, 2),
        "end_to_end_events_per_s": round(events / (done - started)),
        "query_events_per_s": round(events / (done - loaded)),
        "matches": matches,
        "rules_failed": failed,
    }


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--events-per-day", type=int, default=75_000)
    parser.add_argument("--skip-peer", action="store_true")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    corpus_dir = corpus(args.days, args.events_per_day)
    results: dict[str, Any] = {"corpus": str(corpus_dir)}
    with tempfile.TemporaryDirectory(prefix="cloudward-detect-bench-") as tmp:
        workdir = Path(tmp)
        results["cloudward_end_to_end"] = end_to_end(corpus_dir, workdir)
        print(f"cloudward end to end: {results['cloudward_end_to_end']}", flush=True)
        results["cloudward_rule_pass"] = rule_pass(workdir / "store")
        print(f"cloudward rule pass:  {results['cloudward_rule_pass']}", flush=True)
        if not args.skip_peer:
            results["pysigma_sqlite"] = peer(corpus_dir, workdir)
            print(f"pysigma-backend-sqlite: {results['pysigma_sqlite']}", flush=True)
    (OUT / "detect.json").write_text(json.dumps(results, indent=2))
    print(f"cpu count {os.cpu_count()}; results in {OUT / 'detect.json'}")


if __name__ == "__main__":
    main()
