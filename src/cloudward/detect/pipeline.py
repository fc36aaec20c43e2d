"""`cloudward detect` end to end: ingest, rules, baselines, incidents, posture links.

Ingestion is incremental, and so is detection: by default the rules and baselines see the events this
run added to the store (a re-run over the same tree adds nothing and alerts on nothing); ``rescan``
evaluates every event in the store instead (the baselines still learn each event only once: what they
have already seen is not news).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from cloudward.detect.alert import Alert
from cloudward.detect.baselines import run_baselines
from cloudward.detect.grants import run_outside_grants
from cloudward.detect.incidents import correlate
from cloudward.detect.ingest import IngestProgress, IngestReport, ingest
from cloudward.detect.posture import PostureIndex, link_alerts
from cloudward.detect.schema import EVENT_SCHEMA
from cloudward.detect.sigma import RuleError, RuleSet, load_rules, run_rules
from cloudward.detect.sources import Source
from cloudward.detect.store import EventStore

BUILTIN_RULES = Path(__file__).parent / "rules"
BASELINE_STATE = "baselines.duckdb"
# DuckDB's working memory for rules and baselines; big intermediate results spill to its temp directory
MEMORY_LIMIT = "600MB"


@dataclass
class DetectionRun:
    """What a detection run did and found.

    Attributes:
        ingest: the ingestion report (None when nothing was ingested, e.g. a rescan without sources).
        events: events evaluated.
        alerts: every alert (rules, baselines, incidents), ordered by time.
        rule_errors: rule files or rules that could not be used, with why.
        rules: detection and correlation rules run.
        seconds: wall time per phase.
    """

    ingest: IngestReport | None
    events: int
    alerts: list[Alert]
    rule_errors: list[RuleError]
    rules: int
    seconds: dict[str, float] = field(default_factory=dict)


def _sql_list(paths: Sequence[Path]) -> str:
    return "[" + ", ".join("'" + str(path.absolute()).replace("'", "''") + "'" for path in paths) + "]"


def events_connection(
    parts: Sequence[Path],
    since: datetime | None = None,
    until: datetime | None = None,
    scratch: Path | None = None,
) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection whose ``events`` view holds these parts' events within [since, until).

    Its memory is capped at MEMORY_LIMIT; with ``scratch``, larger intermediate results spill there.
    """
    config: dict[str, str | bool | int | float | list[str]] = {"memory_limit": MEMORY_LIMIT}
    if scratch is not None:
        config["temp_directory"] = str(scratch)
    connection = duckdb.connect(config=config)
    if not parts:
        connection.from_arrow(EVENT_SCHEMA.empty_table()).create_view("events")
        return connection
    bounds = []
    if since is not None:
        bounds.append("eventTime >= $since")
    if until is not None:
        bounds.append("eventTime < $until")
    where = f" WHERE {' AND '.join(bounds)}" if bounds else ""
    scan = f"SELECT * FROM read_parquet({_sql_list(parts)}){where}"
    if not bounds:
        connection.execute(f"CREATE VIEW events AS {scan}")
        return connection
    # a view cannot hold parameters: materialise the window (it is what every rule reads anyway)
    params = {name: value for name, value in (("since", since), ("until", until)) if value is not None}
    connection.execute(f"CREATE TABLE events AS {scan}", params)
    return connection


def load_rule_set(sigma_paths: Sequence[Path], builtin: bool = True) -> RuleSet:
    """The built-in rules and the user's Sigma rules, as one set that runs in one pass over the events."""
    rules = load_rules([BUILTIN_RULES], source="builtin") if builtin else load_rules([], source="builtin")
    return rules + load_rules(list(sigma_paths), source="sigma") if sigma_paths else rules


def detect(
    store: EventStore,
    sources: Sequence[Source],
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    sigma_paths: Sequence[Path] = (),
    builtin: bool = True,
    baselines: bool = True,
    snapshot: Path | None = None,
    rescan: bool = False,
    workers: int = 2,
    progress: Callable[[IngestProgress], None] | None = None,
) -> DetectionRun:
    """Ingest the sources into the store, then run every detector over the new (or all) events."""
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    before = set(store.part_paths())
    report = ingest(sources, store, since=since, until=until, workers=workers, progress=progress) if sources else None
    seconds["ingest"] = time.perf_counter() - started
    parts = store.part_paths() if rescan else [path for path in store.part_paths() if path not in before]
    connection = events_connection(parts, since, until, scratch=store.path / "tmp")
    counted = connection.execute("SELECT count(*) FROM events").fetchone()
    events = int(counted[0]) if counted else 0

    mark = time.perf_counter()
    rule_set = load_rule_set(sigma_paths, builtin)
    alerts: list[Alert] = run_rules(connection, rule_set)
    if builtin:
        alerts.extend(run_outside_grants(connection))
    seconds["rules"] = time.perf_counter() - mark

    mark = time.perf_counter()
    if baselines:
        alerts.extend(run_baselines(connection, store.path / BASELINE_STATE))
    seconds["baselines"] = time.perf_counter() - mark
    if snapshot is not None:
        alerts = link_alerts(alerts, PostureIndex.from_snapshot(snapshot))
    alerts.extend(correlate(alerts))
    alerts.sort(key=lambda alert: (alert.first_seen, alert.rule_id, alert.principal))
    connection.close()
    seconds["total"] = time.perf_counter() - started
    rules = len(rule_set.detections) + len(rule_set.correlations)
    return DetectionRun(report, events, alerts, list(rule_set.errors), rules, seconds)
