"""The event store: the events view, the manifest as the only truth, orphans, the lock, read-only SQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from cloudward.cli.events import app as events_app
from cloudward.detect.ingest import ingest
from cloudward.detect.schema import EVENT_SCHEMA
from cloudward.detect.sources import LocalSource, TimeWindow
from cloudward.detect.store import EventStore, StoreError, is_covered, uncovered
from tests.detect.test_ingest import BASE, record, write_log

runner = CliRunner()


def _filled(tmp_path: Path) -> EventStore:
    write_log(tmp_path / "logs/a.json.gz", [record(n) for n in range(3)])
    write_log(tmp_path / "logs/b.json.gz", [record(10, eventName="ListBuckets", errorCode="AccessDenied")])
    store = EventStore(tmp_path / "store")
    ingest([LocalSource(tmp_path / "logs")], store, workers=1)
    return store


def _columns(connection: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    return [(row[0], row[1]) for row in connection.execute("DESCRIBE events").fetchall()]


def test_an_empty_store_has_an_events_view_with_the_schemas_columns(tmp_path: Path) -> None:
    empty = EventStore(tmp_path / "nothing")
    assert (empty.count(), empty.time_range()) == (0, None)
    with empty.connect() as connection:
        columns = _columns(connection)
        assert [name for name, _ in columns] == EVENT_SCHEMA.names
        assert connection.execute("SELECT count(*) FROM events").fetchone() == (0,)
        assert connection.execute("SELECT userIdentity.sessionContext.sessionIssuer.arn FROM events").fetchall() == []
    with _filled(tmp_path).connect() as connection:
        assert _columns(connection) == columns  # the same types as over real parts


def test_count_time_range_and_struct_access(tmp_path: Path) -> None:
    store = _filled(tmp_path)
    assert store.count() == 4
    assert store.time_range() == (BASE, datetime(2026, 11, 1, 10, 0, 10, tzinfo=UTC))
    with store.connect() as connection:
        rows = connection.execute(
            "SELECT userIdentity.sessionContext.sessionIssuer.userName, requestParameters->>'$.bucketName' "
            "FROM events WHERE errorCode = 'AccessDenied'"
        ).fetchall()
    assert rows == [("ci", "acme-data")]


def test_orphans_are_ignored_by_readers_and_removed_by_the_next_writer(tmp_path: Path) -> None:
    store = _filled(tmp_path)
    orphan = store.events_dir / "part-crashed-w0-0001-000.parquet"
    orphan.write_bytes((store.part_paths()[0]).read_bytes())  # a complete part no manifest names
    (store.events_dir / "part-crashed-w1-0001-000.parquet.tmp").write_bytes(b"half written")
    (store.rejected_dir / "crashed.jsonl").write_text("{}\n")
    assert store.count() == 4
    with store.connect() as connection:
        assert connection.execute("SELECT count(*) FROM events").fetchone() == (4,)
    with store.writer() as writer:
        removed = {path.name for path in writer.remove_orphans()}
        assert removed == set()  # already removed when the writer opened
    assert sorted(path.name for path in store.events_dir.iterdir()) == sorted(p.name for p in store.part_paths())
    assert list(store.rejected_dir.iterdir()) == []


def test_one_writer_at_a_time(tmp_path: Path) -> None:
    store = EventStore(tmp_path / "store")
    with store.writer(), pytest.raises(StoreError, match="another ingestion"), store.writer():
        pass
    with store.writer():
        pass  # released


def test_a_corrupt_manifest_is_a_clear_error(tmp_path: Path) -> None:
    store = _filled(tmp_path)
    store.manifest_path.write_text("{not json")
    with pytest.raises(StoreError, match="not a cloudward event store manifest"):
        store.count()
    store.manifest_path.write_text(json.dumps({"format": 99, "units": []}))
    with pytest.raises(StoreError, match="format 99"):
        store.connect()


def test_read_only_connections_read_the_store_and_nothing_else(tmp_path: Path) -> None:
    store = _filled(tmp_path)
    (tmp_path / "secret.csv").write_text("a\n1\n")
    with store.connect(read_only=True) as connection:
        assert connection.execute("SELECT count(*) FROM events").fetchone() == (4,)
        for statement in (
            f"COPY (SELECT 1) TO '{tmp_path / 'out.csv'}'",
            f"SELECT * FROM read_csv('{tmp_path / 'secret.csv'}')",
            f"COPY (SELECT 1 AS a) TO '{store.part_paths()[0]}' (FORMAT parquet)",
            "SET enable_external_access = true",
        ):
            with pytest.raises(duckdb.Error):
                connection.execute(statement)
    assert not (tmp_path / "out.csv").exists() and store.count() == 4


def test_coverage_arithmetic() -> None:
    def day(d: int) -> datetime:
        return datetime(2026, 11, d, tzinfo=UTC)

    assert is_covered(TimeWindow(day(2), day(3)), [TimeWindow(day(1), day(2)), TimeWindow(day(2), day(4))])
    assert not is_covered(TimeWindow(day(1), day(5)), [TimeWindow(day(1), day(2)), TimeWindow(day(3), day(5))])
    assert is_covered(TimeWindow(), [TimeWindow(until=day(2)), TimeWindow(since=day(1))])
    assert not is_covered(TimeWindow(), [TimeWindow(since=day(1))])
    assert uncovered(TimeWindow(day(1), day(10)), [TimeWindow(day(1), day(3)), TimeWindow(day(8), day(12))]) == (
        TimeWindow(day(3), day(8))
    )
    assert uncovered(TimeWindow(since=day(1)), [TimeWindow(day(1), day(3))]) == TimeWindow(since=day(3))


def test_cli_sql_formats_and_errors(tmp_path: Path) -> None:
    store = _filled(tmp_path)
    query = "SELECT eventName, count(*) AS n FROM events GROUP BY 1 ORDER BY 1"
    table = runner.invoke(events_app, ["sql", query, "--store", str(store.path)])
    assert table.exit_code == 0, table.output
    assert "GetObject" in table.output and "ListBuckets" in table.output and "2 row(s)" in table.output
    as_json = runner.invoke(events_app, ["sql", query, "--store", str(store.path), "--format", "json"])
    assert json.loads(as_json.output) == [{"eventName": "GetObject", "n": 3}, {"eventName": "ListBuckets", "n": 1}]
    as_csv = runner.invoke(
        events_app,
        [
            "sql",
            "SELECT eventTime, userIdentity.type AS t FROM events LIMIT 1",
            "--store",
            str(store.path),
            "-f",
            "csv",
        ],
    )
    assert as_csv.output.splitlines() == ["eventTime,t", "2026-11-01T10:00:00Z,AssumedRole"]
    bad = runner.invoke(events_app, ["sql", "SELEC nonsense", "--store", str(store.path)])
    assert bad.exit_code == 2 and "SQL" in bad.output
    write = runner.invoke(events_app, ["sql", f"COPY (SELECT 1) TO '{tmp_path / 'x.csv'}'", "--store", str(store.path)])
    assert write.exit_code == 2 and not (tmp_path / "x.csv").exists()
    info = runner.invoke(events_app, ["info", "--store", str(store.path)])
    assert info.exit_code == 0 and "2026-11-01T10:00:00Z" in info.output and "files ingested" in info.output
