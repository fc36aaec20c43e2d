"""Sources: local trees with AWS's layout, S3 prefixes on the lab (real HTTP), and LookupEvents pages."""

from __future__ import annotations

import functools
import gzip
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from botocore.stub import Stubber

from cloudward.detect.ingest import ingest
from cloudward.detect.sources import (
    DIGEST_REASON,
    NOT_A_LOG_REASON,
    FileReadError,
    LocalSource,
    LookupEventsSource,
    S3Source,
    SourceError,
    TimeWindow,
    open_source,
    parse_time_bound,
)
from cloudward.detect.store import EventStore
from cloudward.lab import LAB_CREDENTIALS
from cloudward.providers.aws.clients import Boto3Clients
from tests.detect.test_ingest import event_ids, record, store_table, write_log

NOW = datetime(2026, 11, 10, 12, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-01", datetime(2026, 11, 1, tzinfo=UTC)),
        ("2026-11-01T10:00:00Z", datetime(2026, 11, 1, 10, tzinfo=UTC)),
        ("2026-11-01T10:00:00", datetime(2026, 11, 1, 10, tzinfo=UTC)),
        ("2026-11-01T12:00:00+02:00", datetime(2026, 11, 1, 10, tzinfo=UTC)),
        ("90d", NOW - timedelta(days=90)),
        ("12h", NOW - timedelta(hours=12)),
        (" 30m ", NOW - timedelta(minutes=30)),
        ("2w", NOW - timedelta(weeks=2)),
    ],
)
def test_time_bounds(text: str, expected: datetime) -> None:
    assert parse_time_bound(text, NOW) == expected


def test_an_unreadable_time_bound_is_a_clear_error() -> None:
    with pytest.raises(SourceError, match="ISO date"):
        parse_time_bound("last tuesday", NOW)
    with pytest.raises(SourceError, match="before --until"):
        TimeWindow(NOW, NOW - timedelta(days=1))


def test_windows() -> None:
    day = TimeWindow(datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 2, tzinfo=UTC))
    assert TimeWindow().covers(day) and not day.covers(TimeWindow())
    assert day.intersect(TimeWindow(until=datetime(2026, 11, 1, 6, tzinfo=UTC))) == TimeWindow(
        day.since, datetime(2026, 11, 1, 6, tzinfo=UTC)
    )
    assert day.intersect(TimeWindow(since=datetime(2026, 11, 2, tzinfo=UTC))) is None
    assert day.may_hold_days(date(2026, 10, 31), date(2026, 10, 31))  # a day's delivery margin
    assert not day.may_hold_days(date(2026, 10, 1), date(2026, 10, 30))
    assert day.may_hold_days(date(2026, 11, 3), date(2026, 11, 3))
    assert not day.may_hold_days(date(2026, 11, 4), date(2026, 12, 31))


def _tree(root: Path) -> None:
    trail = root / "AWSLogs/123456789012/CloudTrail"
    for region, days in (("us-east-1", (1, 2, 3, 20)), ("eu-west-1", (2,))):
        for day in days:
            write_log(trail / f"{region}/2026/11/{day:02d}/log-{day}.json.gz", [record(day)])
    write_log(root / "AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2026/11/02/digest.json.gz", [])
    (trail / "us-east-1/2026/notes.txt").write_text("x")
    (root / ".hidden").mkdir()
    write_log(root / ".hidden/secret.json.gz", [record(99)])
    write_log(root / "store/events/part.json", [record(98)])
    write_log(root / "other/events.jsonl", [record(97)])  # any tree, any layout


def test_a_local_tree_in_order_with_reasons_for_what_is_skipped(tmp_path: Path) -> None:
    _tree(tmp_path)
    files = list(LocalSource(tmp_path, exclude=tmp_path / "store").files(TimeWindow()))
    names = [str(Path(file.key).relative_to(tmp_path)) for file in files]
    assert names == [
        "AWSLogs/123456789012/CloudTrail/eu-west-1/2026/11/02/log-2.json.gz",
        "AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/01/log-1.json.gz",
        "AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/02/log-2.json.gz",
        "AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/03/log-3.json.gz",
        "AWSLogs/123456789012/CloudTrail/us-east-1/2026/11/20/log-20.json.gz",
        "AWSLogs/123456789012/CloudTrail/us-east-1/2026/notes.txt",
        "AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2026/11/02/digest.json.gz",
        "other/events.jsonl",
    ]
    reasons = {Path(file.key).name: file.skip_reason for file in files if file.skip_reason}
    assert reasons == {"notes.txt": NOT_A_LOG_REASON, "digest.json.gz": DIGEST_REASON}
    first = files[1]
    stat = Path(first.key).stat()
    assert (first.version, first.size) == (f"{stat.st_size}:{stat.st_mtime_ns}", stat.st_size)
    assert b"".join(LocalSource(tmp_path).read(first)) == Path(first.key).read_bytes()


def test_a_window_prunes_day_directories_with_a_days_margin(tmp_path: Path) -> None:
    _tree(tmp_path)
    window = TimeWindow(datetime(2026, 11, 2, 12, tzinfo=UTC), datetime(2026, 11, 3, tzinfo=UTC))
    names = [Path(file.key).name for file in LocalSource(tmp_path).files(window)]
    assert "log-20.json.gz" not in names
    assert {"log-1.json.gz", "log-2.json.gz", "log-3.json.gz", "events.jsonl"} <= set(names)


def test_a_single_file_and_a_missing_path(tmp_path: Path) -> None:
    path = write_log(tmp_path / "any-name.txt", [record(1)])
    (file,) = LocalSource(path).files(TimeWindow())
    assert file.key == str(path) and file.skip_reason is None  # named explicitly: read whatever its name
    with pytest.raises(SourceError, match="cannot read"):
        list(LocalSource(tmp_path / "missing").files(TimeWindow()))
    path.unlink()
    with pytest.raises(FileReadError):
        list(LocalSource(path).read(file))


def test_open_source_needs_credentials_for_aws_sources(tmp_path: Path) -> None:
    assert isinstance(open_source(str(tmp_path)), LocalSource)
    with pytest.raises(SourceError, match="credentials"):
        open_source("s3://bucket/prefix")
    with pytest.raises(SourceError, match="credentials"):
        open_source("lookup-events:us-east-1")
    with pytest.raises(SourceError, match="not an S3 URL"):
        S3Source("s3:/bucket", Boto3Clients)


# --- S3 on the lab ---------------------------------------------------------------------------------------------

BUCKET = "cloudward-test-trail-logs"
PREFIX = "AWSLogs/123456789012/CloudTrail/us-east-1"


@pytest.fixture(scope="module")
def trail_bucket(lab_endpoint: str) -> Iterator[dict[str, list[dict[str, Any]]]]:
    """A bucket of CloudTrail logs in the lab, removed afterwards (other tests see the lab as seeded)."""
    writer = Boto3Clients(endpoint_url=lab_endpoint, credentials=LAB_CREDENTIALS, read_only=False)
    s3 = writer.client("s3", "us-east-1")
    s3.create_bucket(Bucket=BUCKET)
    content = {
        f"{PREFIX}/2026/11/01/a.json.gz": [record(1), record(2)],
        f"{PREFIX}/2026/11/02/b.json.gz": [record(3)],
        f"{PREFIX}/2026/11/15/c.json.gz": [record(4)],
    }
    for key, records in content.items():
        s3.put_object(Bucket=BUCKET, Key=key, Body=gzip.compress(orjson.dumps({"Records": records})))
    s3.put_object(
        Bucket=BUCKET, Key="AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2026/11/01/d.json.gz", Body=b"{}"
    )
    s3.put_object(Bucket=BUCKET, Key=f"{PREFIX}/", Body=b"")  # a directory marker
    try:
        yield content
    finally:
        for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", []):
            s3.delete_object(Bucket=BUCKET, Key=item["Key"])
        s3.delete_bucket(Bucket=BUCKET)


def _lab(lab_endpoint: str) -> functools.partial[Boto3Clients]:
    return functools.partial(Boto3Clients, endpoint_url=lab_endpoint, credentials=LAB_CREDENTIALS, region="us-east-1")


def test_s3_objects_by_key_and_etag(lab_endpoint: str, trail_bucket: dict[str, list[dict[str, Any]]]) -> None:
    source = S3Source(f"s3://{BUCKET}/AWSLogs/", _lab(lab_endpoint))
    files = list(source.files(TimeWindow()))
    assert [file.key for file in files if not file.skip_reason] == [f"s3://{BUCKET}/{key}" for key in trail_bucket]
    assert [file.skip_reason for file in files if file.skip_reason] == [DIGEST_REASON]
    first = next(file for file in files if not file.skip_reason)
    assert first.version and first.size
    body = gzip.decompress(b"".join(source.read(first)))
    assert orjson.loads(body)["Records"] == trail_bucket[f"{PREFIX}/2026/11/01/a.json.gz"]
    changed = type(first)(first.key, "0" * 32, first.size, location=first.location)
    with pytest.raises(FileReadError, match="cannot read"):  # the object changed since it was listed
        list(source.read(changed))


def test_s3_listing_with_a_window_reads_only_the_days_it_needs(
    lab_endpoint: str, trail_bucket: dict[str, list[dict[str, Any]]]
) -> None:
    clients = Boto3Clients(endpoint_url=lab_endpoint, credentials=LAB_CREDENTIALS, region="us-east-1")
    prefixes: list[str] = []
    clients.add_call_hook(lambda service, region, operation, params: prefixes.append(params.get("Prefix", "")))
    source = S3Source(f"s3://{BUCKET}/AWSLogs/", lambda: clients)
    window = TimeWindow(datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 2, tzinfo=UTC))
    keys = [file.location for file in source.files(window) if not file.skip_reason]
    assert keys == [f"{PREFIX}/2026/11/01/a.json.gz", f"{PREFIX}/2026/11/02/b.json.gz"]
    assert f"{PREFIX}/2026/11/15/" not in prefixes and f"{PREFIX}/2026/11/02/" in prefixes


def test_s3_ingestion_with_two_workers_is_incremental(
    lab_endpoint: str, trail_bucket: dict[str, list[dict[str, Any]]], tmp_path: Path
) -> None:
    store = EventStore(tmp_path / "store")
    source = S3Source(f"s3://{BUCKET}/AWSLogs/", _lab(lab_endpoint))
    report = ingest([source], store, workers=2)
    assert (report.files_ingested, report.events, len(report.skipped), report.failed) == (3, 4, 1, [])
    assert event_ids(store) == sorted(record(n)["eventID"] for n in (1, 2, 3, 4))
    assert set(store_table(store)["sourceFile"].to_pylist()) == {f"s3://{BUCKET}/{key}" for key in trail_bucket}
    again = ingest([source], store, workers=2)
    assert (again.files_ingested, again.files_unchanged) == (0, 3)


def test_a_missing_bucket_is_a_clear_error(lab_endpoint: str) -> None:
    with pytest.raises(SourceError, match="NoSuchBucket"):
        list(S3Source("s3://cloudward-no-such-bucket/x", _lab(lab_endpoint)).files(TimeWindow()))


# --- LookupEvents ------------------------------------------------------------------------------------------------
# moto 5.2 does not implement LookupEvents (HTTP 500), so the API is played by botocore's Stubber on a real
# client: it checks every request against CloudTrail's API model and answers with the pages given.


def test_lookup_events_days_end_before_the_settle_time() -> None:
    source = LookupEventsSource(lambda: Boto3Clients(region="us-east-1"), ["us-east-1", "eu-west-1"], now=NOW)
    files = list(source.files(TimeWindow(since=datetime(2026, 11, 9, 6, tzinfo=UTC))))
    assert [file.key for file in files] == [
        "lookup-events://us-east-1/2026-11-09",
        "lookup-events://us-east-1/2026-11-10",
        "lookup-events://eu-west-1/2026-11-09",
        "lookup-events://eu-west-1/2026-11-10",
    ]
    assert files[0].bounds == TimeWindow(datetime(2026, 11, 9, 6, tzinfo=UTC), datetime(2026, 11, 10, tzinfo=UTC))
    assert files[1].bounds == TimeWindow(datetime(2026, 11, 10, tzinfo=UTC), NOW - timedelta(minutes=15))
    assert all(file.content == "records" and file.location in ("us-east-1", "eu-west-1") for file in files)
    everything = list(
        LookupEventsSource(lambda: Boto3Clients(region="us-east-1"), ["us-east-1"], now=NOW).files(TimeWindow())
    )
    assert len(everything) == 91 and everything[0].bounds is not None
    assert everything[0].bounds.since == NOW - timedelta(days=90)


def _page(records: list[dict[str, Any]], token: str | None) -> dict[str, Any]:
    page: dict[str, Any] = {
        "Events": [{"EventId": str(r.get("eventID")), "CloudTrailEvent": orjson.dumps(r).decode()} for r in records]
    }
    if token:
        page["NextToken"] = token
    return page


def test_lookup_events_pages_into_the_store_and_the_rest_of_the_day_later(tmp_path: Path) -> None:
    clients = Boto3Clients(region="us-east-1", credentials=LAB_CREDENTIALS)
    client = clients.client("cloudtrail", "us-east-1")
    day = datetime(2026, 11, 10, tzinfo=UTC)
    first = [record(n, day + timedelta(hours=n)) for n in range(3)]
    later = [record(10, day + timedelta(hours=12, minutes=20))]
    store = EventStore(tmp_path / "store")
    with Stubber(client) as stub:
        bounds = {"StartTime": day, "EndTime": datetime(2026, 11, 10, 12, 15, tzinfo=UTC)}
        stub.add_response("lookup_events", _page(first[:2], "t1"), {**bounds, "MaxResults": 50})
        stub.add_response(
            "lookup_events",
            _page([*first[2:], {"not": "a record"}], None),
            {**bounds, "MaxResults": 50, "NextToken": "t1"},
        )
        source = LookupEventsSource(lambda: clients, ["us-east-1"], now=NOW)
        report = ingest([source], store, since=day, workers=1)
        stub.assert_no_pending_responses()
    assert (report.events, report.rejected, report.failed) == (3, 1, [])
    assert set(store_table(store)["sourceFile"].to_pylist()) == {"lookup-events://us-east-1/2026-11-10"}
    raws = store_table(store)["raw"].to_pylist()
    assert sorted(orjson.loads(raw)["eventID"] for raw in raws) == sorted(r["eventID"] for r in first)

    with Stubber(client) as stub:  # half an hour later: only the rest of the day is asked for
        bounds = {
            "StartTime": datetime(2026, 11, 10, 12, 15, tzinfo=UTC),
            "EndTime": datetime(2026, 11, 10, 12, 45, tzinfo=UTC),
        }
        stub.add_response("lookup_events", _page(later, None), {**bounds, "MaxResults": 50})
        source = LookupEventsSource(lambda: clients, ["us-east-1"], now=NOW + timedelta(minutes=30))
        again = ingest([source], store, since=day, workers=1)
        stub.assert_no_pending_responses()
    assert again.events == 1 and store.count() == 4


def test_lookup_events_errors_fail_the_day_not_the_run(tmp_path: Path) -> None:
    clients = Boto3Clients(region="us-east-1", credentials=LAB_CREDENTIALS, max_attempts=1)
    client = clients.client("cloudtrail", "us-east-1")
    with Stubber(client) as stub:
        stub.add_client_error("lookup_events", "ThrottlingException", "Rate exceeded")
        source = LookupEventsSource(lambda: clients, ["us-east-1"], now=NOW)
        report = ingest([source], EventStore(tmp_path / "store"), since=NOW - timedelta(hours=2), workers=1)
    assert [(outcome.key, outcome.reason) for outcome in report.failed] == [
        ("lookup-events://us-east-1/2026-11-10", "LookupEvents failed: ThrottlingException: Rate exceeded")
    ]
