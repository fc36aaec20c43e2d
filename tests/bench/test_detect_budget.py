"""``bench/detect_budget.py`` at a tiny scale: every stage sees the same events, and part two runs."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from cloudward.detect.ingest import ingest
from cloudward.detect.sources import LocalSource
from cloudward.detect.store import EventStore
from cloudward.lab.events import generate

BENCH = Path(__file__).resolve().parents[2] / "bench"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import detect_budget  # noqa: E402


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("budget-corpus")
    generate(path, days=1, events_per_day=2_000, seed=5, overwrite=True)
    return path


def test_every_decoding_stage_reads_every_event_of_the_files(corpus: Path) -> None:
    blobs = [path.read_bytes() for path in sorted((corpus / "AWSLogs").rglob("*.json.gz"))]
    events = detect_budget._split(blobs)
    assert events > 1_000
    assert detect_budget._rule_fields(blobs) == events
    assert detect_budget._arrow_rows(blobs) == events
    assert detect_budget._parquet(blobs) == events

    rows = detect_budget.decoding(corpus, files=10_000)
    assert [row["stage"] for row in rows] == [name for name, _ in detect_budget.STAGES]
    assert all(row["events"] == events and row["us_per_event"] > 0 for row in rows)


def test_the_rule_pass_figures_come_from_the_store(corpus: Path, tmp_path: Path) -> None:
    store = EventStore(tmp_path / "store")
    ingest([LocalSource(corpus / "AWSLogs")], store, workers=1)
    figures = detect_budget.rule_pass(tmp_path / "store", tmp_path / "baselines.duckdb")
    assert figures["events"] == store.count() > 1_000
    assert all(figures[name] > 0 for name in ("read_floor_s", "listing_floor_s", "rule_pass_s", "baselines_s"))
