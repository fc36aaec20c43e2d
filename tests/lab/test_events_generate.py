"""`cloudward.lab.events.generate`: the AWS delivery layout, labels, manifest, and byte-identical reruns."""

from __future__ import annotations

import gzip
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cloudward.core.errors import CloudwardError
from cloudward.lab import LAB_ACCOUNT_ID
from cloudward.lab.events import SCENARIOS, GenerationSummary, generate, iter_records

DAYS = 2
PER_DAY = 3_000
START = datetime(2026, 10, 5, tzinfo=UTC)
FILE = re.compile(
    r"AWSLogs/(?P<account>\d{12})/CloudTrail/(?P<region>[a-z]{2}-[a-z]+-\d)/(?P<y>\d{4})/(?P<m>\d\d)/(?P<d>\d\d)/"
    r"(?P=account)_CloudTrail_(?P=region)_(?P<stamp>\d{8}T\d{4}Z)_[A-Za-z0-9]{16}\.json\.gz"
)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, GenerationSummary]:
    out = tmp_path_factory.mktemp("events")
    return out, generate(out, days=DAYS, events_per_day=PER_DAY, seed=11)


def _files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_same_seed_writes_byte_identical_output(generated: tuple[Path, GenerationSummary], tmp_path: Path) -> None:
    out, _summary = generated
    again = generate(tmp_path / "again", days=DAYS, events_per_day=PER_DAY, seed=11)
    assert _files(out) == _files(again.out_dir)


def test_another_seed_writes_other_activity(tmp_path: Path) -> None:
    first = [r["eventID"] for r, _ in iter_records(days=1, events_per_day=500, seed=1, scenarios=[])]
    second = [r["eventID"] for r, _ in iter_records(days=1, events_per_day=500, seed=2, scenarios=[])]
    assert first and second and set(first).isdisjoint(second)


def test_files_follow_the_cloudtrail_delivery_layout(generated: tuple[Path, GenerationSummary]) -> None:
    out, summary = generated
    logs = sorted(out.rglob("*.json.gz"))
    assert len(logs) == summary.files > 0
    total = 0
    for path in logs:
        match = FILE.fullmatch(str(path.relative_to(out)))
        assert match, path
        assert match["account"] == LAB_ACCOUNT_ID
        delivered = datetime.strptime(match["stamp"], "%Y%m%dT%H%MZ").replace(tzinfo=UTC)
        assert (match["y"], match["m"], match["d"]) == (f"{delivered:%Y}", f"{delivered:%m}", f"{delivered:%d}")
        document = json.loads(gzip.decompress(path.read_bytes()))
        assert list(document) == ["Records"]
        records = document["Records"]
        assert records, path
        times = [datetime.strptime(r["eventTime"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC) for r in records]
        # one region per file, about five minutes of events (a late one may join), delivered after the last
        assert {r["awsRegion"] for r in records} == {match["region"]}
        assert max(times) - min(times) < timedelta(minutes=6)
        assert times == sorted(times)
        assert max(times) < delivered + timedelta(minutes=1) <= max(times) + timedelta(minutes=20)
        total += len(records)
    assert total == summary.events


def test_labels_and_manifest_describe_the_output(generated: tuple[Path, GenerationSummary]) -> None:
    out, summary = generated
    labels = [json.loads(line) for line in (out / "labels.jsonl").read_text().splitlines()]
    assert len(labels) == summary.labelled_events > 0
    assert set(labels[0]) == {"eventID", "scenario", "techniques", "phase", "key"}
    event_ids = {
        r["eventID"]
        for path in out.rglob("*.json.gz")
        for r in json.loads(gzip.decompress(path.read_bytes()))["Records"]
    }
    assert {label["eventID"] for label in labels} <= event_ids
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 11
    assert manifest["days"] == DAYS
    assert manifest["events"] == summary.events
    assert manifest["files"] == summary.files
    assert manifest["labelled_events"] == len(labels)
    assert manifest["start"] == "2026-10-05T00:00:00Z"
    assert manifest["end"] == "2026-10-07T00:00:00Z"
    assert set(manifest["scenarios"]) == set(SCENARIOS)
    for name, entry in manifest["scenarios"].items():
        assert entry["events"] == sum(1 for label in labels if label["scenario"] == name)
        assert entry["techniques"] == list(SCENARIOS[name].techniques)
    assert manifest["regions"] == sorted({p.parts[-5] for p in out.rglob("*.json.gz")})


def test_files_hold_what_iter_records_yields(generated: tuple[Path, GenerationSummary]) -> None:
    out, _summary = generated
    written = sorted(
        (r["eventTime"], r["eventID"])
        for path in out.rglob("*.json.gz")
        for r in json.loads(gzip.decompress(path.read_bytes()))["Records"]
    )
    yielded = sorted(
        (r["eventTime"], r["eventID"]) for r, _ in iter_records(days=DAYS, events_per_day=PER_DAY, seed=11)
    )
    assert written == yielded


def test_refuses_to_mix_with_earlier_output_unless_asked(
    generated: tuple[Path, GenerationSummary], tmp_path: Path
) -> None:
    out = tmp_path / "run"
    generate(out, days=1, events_per_day=300, scenarios=[])
    with pytest.raises(CloudwardError, match="already holds generated events"):
        generate(out, days=1, events_per_day=300, scenarios=[])
    (out / "notes.txt").write_text("keep me")
    summary = generate(out, days=1, events_per_day=300, scenarios=["root_console_login"], overwrite=True)
    assert summary.scenario_counts["root_console_login"] > 0
    assert (out / "notes.txt").read_text() == "keep me"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"scenarios": ["no_such_attack"]}, "unknown attack scenario"),
        ({"days": 0}, "days must be at least 1"),
        ({"events_per_day": 10}, "events_per_day must be at least 100"),
        ({"compresslevel": 9}, "compresslevel"),
        ({"compression": "brotli"}, "compression"),
    ],
)
def test_bad_arguments_are_user_errors_and_write_nothing(
    tmp_path: Path, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(CloudwardError, match=message):
        generate(tmp_path / "out", **kwargs)  # type: ignore[arg-type]
    assert not (tmp_path / "out").exists()


def test_zlib_and_isal_write_the_same_records(tmp_path: Path) -> None:
    pytest.importorskip("isal")
    zlib_run = generate(tmp_path / "zlib", days=1, events_per_day=400, compression="zlib", scenarios=[])
    isal_run = generate(tmp_path / "isal", days=1, events_per_day=400, compression="isal", scenarios=[])
    zlib_files = _files(zlib_run.out_dir)
    isal_files = _files(isal_run.out_dir)
    assert zlib_files.keys() == isal_files.keys()
    for name, data in zlib_files.items():
        if name.endswith(".json.gz"):
            assert gzip.decompress(data) == gzip.decompress(isal_files[name])
