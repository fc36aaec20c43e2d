"""Ingestion: every input format, the reference conversion's table, bad input, incremental runs, interruptions."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cloudward.cli.events import app as events_app
from cloudward.core.errors import CloudwardError
from cloudward.detect import decode as decode_module
from cloudward.detect import ingest as ingest_module
from cloudward.detect import sources as sources_module
from cloudward.detect.decode import STRUCT_TYPES, FileStats, TimeFilter, Utf8Check, records_table
from cloudward.detect.ingest import IngestInterruptedError, IngestProgress, ingest
from cloudward.detect.rows import records_to_table
from cloudward.detect.schema import EVENT_SCHEMA
from cloudward.detect.sources import DIGEST_REASON, LocalSource, TimeWindow
from cloudward.detect.store import EventStore

BASE = datetime(2026, 11, 1, 10, 0, tzinfo=UTC)


def record(number: int, when: datetime | None = None, **overrides: Any) -> dict[str, Any]:
    """A CloudTrail record shaped like the real ones (assumed role, S3 data event)."""
    moment = when or BASE + timedelta(seconds=number)
    value: dict[str, Any] = {
        "eventVersion": "1.09",
        "userIdentity": {
            "type": "AssumedRole",
            "principalId": f"AROAEXAMPLE:session-{number}",
            "arn": f"arn:aws:sts::123456789012:assumed-role/ci/session-{number}",
            "accountId": "123456789012",
            "accessKeyId": f"ASIAEXAMPLE{number:08d}",
            "sessionContext": {
                "sessionIssuer": {
                    "type": "Role",
                    "principalId": "AROAEXAMPLE",
                    "arn": "arn:aws:iam::123456789012:role/ci",
                    "accountId": "123456789012",
                    "userName": "ci",
                },
                "webIdFederationData": {},
                "attributes": {"creationDate": "2026-11-01T09:00:00Z", "mfaAuthenticated": "false"},
            },
        },
        "eventTime": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "eventSource": "s3.amazonaws.com",
        "eventName": "GetObject",
        "awsRegion": "us-east-1",
        "sourceIPAddress": "198.51.100.7",
        "userAgent": "aws-cli/2.15.30 Python/3.11.8 Linux/6.1",
        "requestParameters": {"bucketName": "acme-data", "key": f"exports/{number}.csv"},
        "responseElements": None,
        "additionalEventData": {"bytesTransferredIn": 0.0, "bytesTransferredOut": 538.0},
        "requestID": f"REQ{number:012d}",
        "eventID": f"00000000-0000-4000-8000-{number:012d}",
        "readOnly": True,
        "resources": [
            {"type": "AWS::S3::Object", "ARN": f"arn:aws:s3:::acme-data/exports/{number}.csv"},
            {"accountId": "123456789012", "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::acme-data"},
        ],
        "eventType": "AwsApiCall",
        "managementEvent": False,
        "recipientAccountId": "123456789012",
        "eventCategory": "Data",
        "tlsDetails": {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256"},
    }
    value.update(overrides)
    return value


def write_log(path: Path, records: list[Any], compress: bool = True) -> Path:
    """A CloudTrail log file as AWS delivers it: ``{"Records": [...]}``, compact, gzipped."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = orjson.dumps({"Records": records})
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


def aws_path(root: Path, day: datetime, name: str) -> Path:
    return root / "AWSLogs/123456789012/CloudTrail/us-east-1" / day.strftime("%Y/%m/%d") / name


def store_table(store: EventStore, source: str | None = None) -> pa.Table:
    """The store's rows (from the parts the manifest lists), in eventID order."""
    parts = [pq.read_table(path, schema=EVENT_SCHEMA) for path in store.part_paths()]
    table = pa.concat_tables(parts) if parts else EVENT_SCHEMA.empty_table()
    if source is not None:
        table = table.filter(pc.equal(table["sourceFile"], source))
    return table.sort_by("eventID")


def event_ids(store: EventStore) -> list[str]:
    with store.connect() as connection:
        return [row[0] for row in connection.execute("SELECT eventID FROM events ORDER BY eventID").fetchall()]


def sorted_reference(records: list[dict[str, Any]], source: str) -> pa.Table:
    return records_to_table(records, source).sort_by("eventID")


# --- the reference conversion ------------------------------------------------------------------------------------


def test_decoding_structs_have_the_schema_fields() -> None:
    for path, struct in STRUCT_TYPES.items():
        type_ = EVENT_SCHEMA.field(path.split(".")[0]).type
        for name in path.split(".")[1:]:
            type_ = type_.field(name).type
        assert struct.__struct_fields__ == tuple(type_.field(i).name for i in range(type_.num_fields))


ODD_RECORDS = [
    record(1),
    record(2, userIdentity=None, responseElements={"x": None}, resources=None),
    record(3, userIdentity={"type": "Root", "arn": "arn:aws:iam::123456789012:root"}),
    record(4, userIdentity={"type": "IAMUser", "sessionContext": {"attributes": {"mfaAuthenticated": "true"}}}),
    record(5, readOnly="true", managementEvent="FALSE"),  # older records write booleans as text
    record(6, errorCode=403, errorMessage={"nested": ["object"]}),  # types the fast path cannot hold
    record(7, userIdentity={"type": "AWSService", "invokedBy": "ec2.amazonaws.com", "sessionContext": "odd"}),
    record(8, requestParameters={"policy": '{"Version": "2012-10-17"}', "description": "two  spaces\tand tab"}),
    record(9, requestParameters={"name": "caf\u00e9 \u2603", "quote": 'a "quoted" \\ word', "ctl": "\x01\x7f"}),
    record(10, serviceEventDetails={"a": [1, 2.5, -3e-7, True, None, {}]}, vpcEndpointId="vpce-1", sharedEventID="s"),
    record(11, additionalEventData={"big": 2**63 - 1, "neg": -(2**63)}),
    record(12, eventTime="2026-11-01T10:00:12.25Z"),  # not CloudTrail's form: read as the reference reads it
    record(13, eventTime="2026-11-01T11:00:13+01:00"),
    record(14, userIdentity=record(1)["userIdentity"]),  # the same principal again: converted once
    record(15, userIdentity={"type": "IAMUser", "userName": 7}),  # a type msgspec cannot hold
]


def test_fast_path_equals_the_reference_conversion() -> None:
    raws = [orjson.dumps(each) for each in ODD_RECORDS]
    table, rejected = records_table(raws, "memory")
    assert rejected == []
    assert table.equals(records_to_table(ODD_RECORDS, "memory"))


def test_ingested_store_equals_the_reference_conversion(tmp_path: Path) -> None:
    path = write_log(tmp_path / "logs/a.json.gz", ODD_RECORDS)
    store = EventStore(tmp_path / "store")
    report = ingest([LocalSource(tmp_path / "logs")], store, workers=1)
    assert (report.files_ingested, report.events, report.failed) == (1, len(ODD_RECORDS), [])
    assert store_table(store).equals(sorted_reference(ODD_RECORDS, str(path)))


JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=8,
)
OPTIONAL_FIELDS = [
    "eventVersion",
    "awsRegion",
    "sourceIPAddress",
    "userAgent",
    "errorCode",
    "errorMessage",
    "readOnly",
    "managementEvent",
    "userIdentity",
    "requestParameters",
    "responseElements",
    "additionalEventData",
    "resources",
    "serviceEventDetails",
    "tlsDetails",
    "somethingNew",
]
IDENTITY = st.fixed_dictionaries(
    {},
    optional={
        "type": st.sampled_from(["IAMUser", "AssumedRole", "Root"]) | JSON_SCALARS,
        "arn": st.text(max_size=20),
        "accessKeyId": st.text(max_size=20) | JSON_VALUES,
        "sessionContext": st.fixed_dictionaries(
            {},
            optional={
                "attributes": st.dictionaries(st.sampled_from(["mfaAuthenticated", "creationDate"]), JSON_VALUES),
                "sessionIssuer": st.dictionaries(st.sampled_from(["type", "arn", "userName"]), JSON_SCALARS),
                "sourceIdentity": JSON_SCALARS,
            },
        )
        | JSON_SCALARS,
    },
)


@st.composite
def cloudtrail_records(draw: st.DrawFn) -> dict[str, Any]:
    number = draw(st.integers(min_value=0, max_value=10**6))
    value: dict[str, Any] = {
        "eventID": draw(st.text(min_size=1, max_size=36)),
        "eventTime": (BASE + timedelta(seconds=number)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "eventName": draw(st.text(min_size=1, max_size=20)),
        "eventSource": draw(st.sampled_from(["s3.amazonaws.com", "iam.amazonaws.com", "sts.amazonaws.com"])),
    }
    for name in draw(st.lists(st.sampled_from(OPTIONAL_FIELDS), unique=True)):
        value[name] = draw(IDENTITY if name == "userIdentity" else JSON_VALUES)
    return value


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(cloudtrail_records(), min_size=1, max_size=8))
def test_fast_path_equals_the_reference_on_generated_records(records: list[dict[str, Any]]) -> None:
    table, rejected = records_table([orjson.dumps(each) for each in records], "generated")
    assert rejected == []
    assert table.equals(records_to_table(records, "generated"))


# --- formats -----------------------------------------------------------------------------------------------------


def _formats(records: list[dict[str, Any]]) -> Iterator[tuple[str, bytes]]:
    envelope = orjson.dumps({"Records": records})
    lines = b"\n".join(orjson.dumps(each) for each in records) + b"\n"
    yield "envelope.json", envelope
    yield "envelope.json.gz", gzip.compress(envelope)
    yield "multi-member.json.gz", gzip.compress(envelope[:100]) + gzip.compress(envelope[100:])
    yield "pretty.json", json.dumps({"Records": records}, indent=2).encode()
    yield "python-separators.json", json.dumps({"Records": records}).encode()  # ", " and ": ", \\u escapes
    yield "keys-first.json", orjson.dumps({"Version": 1, "Records": records})
    yield "bare-array.json", orjson.dumps(records)
    yield "lines.jsonl", lines
    yield "lines.jsonl.gz", gzip.compress(lines)
    yield "lines-detected.json", lines.replace(b"\n", b"\r\n")
    yield (
        "eventbridge.json",
        b"\n".join(
            orjson.dumps({"version": "0", "detail-type": "AWS API Call via CloudTrail", "detail": each})
            for each in records
        ),
    )
    yield "lookup-events-output.json", orjson.dumps({"Events": [{"CloudTrailEvent": json.dumps(r)} for r in records]})


@pytest.mark.parametrize("chunk", [None, 700], ids=["whole", "streamed"])
def test_every_format_gives_the_same_table(tmp_path: Path, chunk: int | None, monkeypatch: pytest.MonkeyPatch) -> None:
    if chunk:  # small chunks: the splitter cuts arrays and lines across chunk boundaries
        monkeypatch.setattr(decode_module, "DECOMPRESSED_CHUNK", chunk)
        monkeypatch.setattr(sources_module, "READ_CHUNK", chunk // 2)
    records = [record(n) for n in range(12)]
    records[4]["requestParameters"] = {"text": 'caf\u00e9, with spaces: and "quotes"', "list": [{"a": 1}, {"b": 2}]}
    records[7] = {"Zfirst": 1, **records[7]}  # a record whose first key is not eventVersion
    for name, data in _formats(records):
        (tmp_path / "in" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "in" / name).write_bytes(data)
    store = EventStore(tmp_path / "store")
    report = ingest([LocalSource(tmp_path / "in")], store, workers=1)
    formats = list(_formats(records))
    assert report.failed == [] and report.rejected == 0
    assert (report.files_ingested, report.events) == (len(formats), len(records) * len(formats))
    for name, _ in formats:
        path = str(tmp_path / "in" / name)
        got = store_table(store, path)
        assert got.drop_columns(["raw"]).equals(sorted_reference(records, path).drop_columns(["raw"])), name
        raws = got["raw"].to_pylist()
        assert sorted(orjson.dumps(orjson.loads(raw)) for raw in raws) == sorted(map(orjson.dumps, records)), name


def test_raw_is_the_record_as_delivered(tmp_path: Path) -> None:
    records = [record(1), record(2)]
    text = json.dumps({"Records": records}, indent=1).encode()
    (tmp_path / "pretty.json").write_bytes(text)
    store = EventStore(tmp_path / "store")
    ingest([LocalSource(tmp_path / "pretty.json")], store, workers=1)
    with store.connect() as connection:
        raws = [row[0] for row in connection.execute("SELECT raw FROM events ORDER BY eventID").fetchall()]
    assert all(raw.encode() in text and "\n" in raw for raw in raws)
    assert [json.loads(raw) for raw in raws] == records


# --- bad input ---------------------------------------------------------------------------------------------------


def test_bad_files_are_reported_the_rest_is_ingested_and_nothing_is_lost(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    good = write_log(aws_path(logs, BASE, "good.json.gz"), [record(n) for n in range(5)])
    truncated = aws_path(logs, BASE, "truncated.json.gz")
    truncated.write_bytes(gzip.compress(orjson.dumps({"Records": [record(n) for n in range(10, 30)]}))[:-40])
    invalid = aws_path(logs, BASE, "invalid.json")
    invalid.write_bytes(b'{"Records": [' + orjson.dumps(record(40)) + b", {oops}]}")
    empty = aws_path(logs, BASE, "empty.json")
    empty.write_bytes(b"")
    not_cloudtrail = aws_path(logs, BASE, "other.json")
    not_cloudtrail.write_bytes(b'{"hello": "world"}')
    mixed = write_log(
        aws_path(logs, BASE, "mixed.json.gz"),
        [
            record(50),
            "not an object",
            {k: v for k, v in record(51).items() if k != "eventTime"},
            record(52, eventID=""),
            record(53, eventTime="yesterday"),
            record(54, eventTime="2026-02-30T00:00:00Z"),
            record(55),
        ],
    )
    lines = aws_path(logs, BASE, "lines.jsonl")
    lines.write_bytes(orjson.dumps(record(60)) + b"\n{broken\n" + orjson.dumps(record(61)) + b"\n")
    utf8 = aws_path(logs, BASE, "latin1.json")
    utf8.write_bytes(b'{"Records": [' + orjson.dumps(record(70)).replace(b"GetObject", b"Get\xe9Object") + b"]}")
    digest = logs / "AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2026/11/01/digest.json.gz"
    digest.parent.mkdir(parents=True)
    digest.write_bytes(gzip.compress(b'{"awsAccountId": "123456789012", "digestStartTime": "2026-11-01T09:00:00Z"}'))
    stray_digest = aws_path(logs, BASE, "looks-like-a-log.json")
    stray_digest.write_bytes(b'{"digestStartTime": "2026-11-01T09:00:00Z", "logFiles": []}')
    readme = logs / "README.txt"
    readme.write_text("not a log")

    store = EventStore(tmp_path / "store")
    report = ingest([LocalSource(logs)], store, workers=1)

    failed = {Path(outcome.key).name: outcome.reason for outcome in report.failed}
    assert set(failed) == {"truncated.json.gz", "invalid.json", "empty.json", "other.json"}
    assert "truncated gzip" in failed["truncated.json.gz"]
    assert "invalid JSON" in failed["invalid.json"]
    assert "not CloudTrail" in failed["other.json"]
    skipped = {Path(outcome.key).name: outcome.reason for outcome in report.skipped}
    assert skipped == {
        "digest.json.gz": DIGEST_REASON,
        "looks-like-a-log.json": DIGEST_REASON,
        "README.txt": skipped["README.txt"],
    }
    assert event_ids(store) == sorted(record(n)["eventID"] for n in (0, 1, 2, 3, 4, 50, 55, 60, 61))
    assert report.rejected == 7
    rejected = [
        orjson.loads(line)
        for path in sorted(store.rejected_dir.glob("*.jsonl"))
        for line in path.read_bytes().splitlines()
    ]
    reasons = {(Path(line["source"]).name, line["reason"].split(":")[0]) for line in rejected}
    assert reasons == {
        ("mixed.json.gz", "not a JSON object"),
        ("mixed.json.gz", "missing eventTime"),
        ("mixed.json.gz", "missing eventID"),
        ("mixed.json.gz", "eventTime is not a timestamp"),
        ("lines.jsonl", "invalid JSON"),
        ("latin1.json", "not valid UTF-8"),
    }
    assert sum(1 for line in rejected if "eventTime is not a timestamp" in line["reason"]) == 2
    assert any(line.get("record") == "{broken" for line in rejected)
    assert any("record_base64" in line for line in rejected)  # invalid UTF-8 kept byte for byte
    assert {Path(o.key).name for o in report.with_rejections} == {"mixed.json.gz", "lines.jsonl", "latin1.json"}

    manifest = store.read_manifest()
    ingested = {entry.key for unit in manifest.units for entry in unit.files}
    assert str(good) in ingested and str(mixed) in ingested and str(truncated) not in ingested

    again = ingest([LocalSource(logs)], store, workers=1)  # failed files are retried, the rest is not reread
    assert {Path(outcome.key).name for outcome in again.failed} == set(failed)
    assert (again.files_ingested, again.events, again.files_unchanged) == (0, 0, 4)


def test_a_large_file_that_fails_midway_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file bigger than a batch goes to parts of its own; they are deleted when it fails later on."""
    monkeypatch.setattr(decode_module, "DECOMPRESSED_CHUNK", 64 << 10)
    data = gzip.compress(orjson.dumps({"Records": [record(n) for n in range(3000)]}))
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs/big-truncated.json.gz").write_bytes(data[: len(data) - 200])
    write_log(tmp_path / "logs/small.json.gz", [record(n) for n in range(5000, 5010)])
    store = EventStore(tmp_path / "store")
    report = ingest([LocalSource(tmp_path / "logs")], store, workers=1, batch_rows=500)
    assert [Path(outcome.key).name for outcome in report.failed] == ["big-truncated.json.gz"]
    assert store.count() == 10
    assert sorted(path.name for path in store.events_dir.iterdir()) == [
        Path(p.path).name for p in store.read_manifest().parts()
    ]


def test_a_large_file_gets_parts_of_its_own_with_bounded_batches(tmp_path: Path) -> None:
    records = [record(n) for n in range(2500)]
    write_log(tmp_path / "logs/big.json.gz", records)
    store = EventStore(tmp_path / "store")
    report = ingest([LocalSource(tmp_path / "logs")], store, workers=1, batch_rows=400, part_rows=1000)
    assert report.events == 2500 and report.parts == 3
    assert [part.rows for part in store.read_manifest().parts()] == [1000, 1000, 500]
    assert store_table(store).equals(sorted_reference(records, str(tmp_path / "logs/big.json.gz")))


# --- many small files --------------------------------------------------------------------------------------------


def test_small_files_become_arrow_columns_together_and_each_row_names_its_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    conversions: list[int] = []
    convert = decode_module._fast_table

    def counting(records: list[Any], *rest: Any) -> pa.Table:
        conversions.append(len(records))
        return convert(records, *rest)

    monkeypatch.setattr(decode_module, "_fast_table", counting)
    files = {}
    for n in range(40):
        batch = [record(n * 10 + k) for k in range(3)]
        files[str(write_log(tmp_path / f"logs/{n:02d}.json.gz", batch))] = batch
    store = EventStore(tmp_path / "store")
    report = ingest([LocalSource(tmp_path / "logs")], store, workers=1)
    assert (report.files_ingested, report.events, report.parts) == (40, 120, 1)
    assert conversions == [120]  # one conversion for the 40 files, not one each
    expected = pa.concat_tables([records_to_table(batch, path) for path, batch in files.items()])
    assert pq.read_table(store.part_paths()[0], schema=EVENT_SCHEMA).equals(expected)  # in order, file by file


def test_files_of_every_size_keep_their_order_and_a_failed_one_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files smaller than a segment, between a segment and a batch, larger than a batch, and one failing late."""
    monkeypatch.setattr(ingest_module, "SEGMENT_ROWS", 8)
    monkeypatch.setattr(decode_module, "DECOMPRESSED_CHUNK", 4096)  # the truncation is found after segments
    sizes = {"a": 3, "b": 20, "c": 150, "d": 3}
    files = {
        name: (write_log(tmp_path / f"logs/{name}.json.gz", batch), batch)
        for offset, (name, size) in enumerate(sizes.items())
        for batch in [[record(offset * 1000 + k) for k in range(size)]]
    }
    data = gzip.compress(orjson.dumps({"Records": [record(9000 + k) for k in range(90)]}))
    (tmp_path / "logs/e-truncated.json.gz").write_bytes(data[:-30])
    store = EventStore(tmp_path / "store")
    report = ingest([LocalSource(tmp_path / "logs")], store, workers=1, batch_rows=100)
    assert [Path(outcome.key).name for outcome in report.failed] == ["e-truncated.json.gz"]
    assert [part.rows for part in store.read_manifest().parts()] == [150, 26]  # c alone, then a, b and d
    own, shared = (pq.read_table(path, schema=EVENT_SCHEMA) for path in store.part_paths())
    assert own.equals(records_to_table(files["c"][1], str(files["c"][0])))
    assert shared.equals(pa.concat_tables([records_to_table(files[n][1], str(files[n][0])) for n in "abd"]))
    on_disk = {path.name for path in store.events_dir.iterdir()}
    assert on_disk == {Path(part.path).name for part in store.read_manifest().parts()}


@pytest.mark.parametrize("chunk", [5, 4096])
def test_utf8_is_checked_as_the_bytes_pass(chunk: int) -> None:
    text = ("caf\u00e9 \u2603 " * 200).encode()
    pieces = [text[i : i + chunk] for i in range(0, len(text), chunk)]  # cuts inside characters
    check = Utf8Check()
    assert b"".join(check.watch(pieces)) == text and check.valid
    bad = Utf8Check()
    assert b"".join(bad.watch([*pieces, b"Get\xe9Object", b"more"])) == text + b"Get\xe9Objectmore"
    assert not bad.valid
    cut = Utf8Check()
    list(cut.watch([text, "\u2603".encode()[:2]]))  # the stream ends inside a character
    assert not cut.valid


def test_a_record_that_is_not_utf8_is_rejected_alone_in_a_streamed_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(decode_module, "DECOMPRESSED_CHUNK", 700)
    records = [record(n, requestParameters={"name": "caf\u00e9 \u2603" * n}) for n in range(20)]
    body = b",".join(orjson.dumps(each) for each in records)
    bad = orjson.dumps(record(99)).replace(b"GetObject", b"Get\xe9Object")
    path = tmp_path / "logs/mixed.json.gz"
    path.parent.mkdir()
    path.write_bytes(gzip.compress(b'{"Records":[' + body + b"," + bad + b"]}"))
    store = EventStore(tmp_path / "store")
    report = ingest([LocalSource(tmp_path / "logs")], store, workers=1)
    assert (report.events, report.rejected) == (20, 1)
    assert store_table(store).equals(sorted_reference(records, str(path)))
    (line,) = [orjson.loads(each) for p in store.rejected_dir.iterdir() for each in p.read_bytes().splitlines()]
    assert line["reason"] == "not valid UTF-8" and "record_base64" in line


SECOND = timedelta(seconds=1)
MOMENTS = st.datetimes(
    min_value=datetime(2025, 12, 31, 23, 59), max_value=datetime(2026, 1, 1, 0, 1), timezones=st.just(UTC)
)


@settings(max_examples=300, deadline=None)
@given(
    MOMENTS.map(lambda moment: moment.replace(microsecond=0)),
    st.none() | MOMENTS | MOMENTS.map(lambda moment: moment.replace(microsecond=0)),
    st.none() | MOMENTS | MOMENTS.map(lambda moment: moment.replace(microsecond=0)),
)
def test_the_time_filter_compares_cloudtrail_texts_as_times(
    event: datetime, since: datetime | None, until: datetime | None
) -> None:
    if since is not None and until is not None and since >= until:
        since, until = until, since + SECOND
    window = TimeWindow(since, until)
    inside = (since is None or event >= since) and (until is None or event < until)
    stats = FileStats("x")
    assert TimeFilter(window).keeps(event.strftime("%Y-%m-%dT%H:%M:%SZ"), None, stats) is inside
    assert TimeFilter(window).keeps("not read", event, stats) is inside
    assert stats.filtered == 2 * (not inside)
    stored = TimeFilter(TimeWindow(), [window])  # inside a range the store holds: left out, not counted
    assert stored.keeps(event.strftime("%Y-%m-%dT%H:%M:%SZ"), None, stats) is not inside
    assert stats.filtered == 2 * (not inside)


# --- windows and incremental runs ---------------------------------------------------------------------------------


def _days(root: Path, count: int) -> list[dict[str, Any]]:
    """Four events a day in AWS's layout, and a file delivered after midnight with the day before's last event."""
    records = []
    for day in range(count):
        moment = BASE + timedelta(days=day)
        batch = [record(day * 100 + n, moment + timedelta(hours=n)) for n in range(4)]
        write_log(aws_path(root, moment, f"day{day}.json.gz"), batch)
        records.extend(batch)
    late = [record(900, datetime(2026, 11, 3, 23, 55, tzinfo=UTC))]
    write_log(aws_path(root, BASE + timedelta(days=3), "late.json.gz"), late)
    return records + late


def test_since_until_and_widening_the_window_adds_only_what_is_missing(tmp_path: Path) -> None:
    records = _days(tmp_path / "logs", 5)  # 2026-11-01 .. 2026-11-05
    store = EventStore(tmp_path / "store")
    since, until = datetime(2026, 11, 3, tzinfo=UTC), datetime(2026, 11, 4, tzinfo=UTC)
    first = ingest([LocalSource(tmp_path / "logs")], store, since=since, until=until, workers=1)
    assert event_ids(store) == sorted(r["eventID"] for r in records if since <= _time(r) < until)
    assert record(900)["eventID"] in event_ids(store)  # filed under the next day, read thanks to the margin
    assert (first.files_found, first.filtered) == (5, 12)  # 11-01 is not even listed; a day's margin each side
    same = ingest([LocalSource(tmp_path / "logs")], store, since=since, until=until, workers=1)
    assert (same.files_ingested, same.files_unchanged) == (0, 5)
    wider = ingest([LocalSource(tmp_path / "logs")], store, since=datetime(2026, 11, 2, tzinfo=UTC), workers=1)
    assert event_ids(store) == sorted(r["eventID"] for r in records if _time(r) >= datetime(2026, 11, 2, tzinfo=UTC))
    assert (wider.events, wider.files_unchanged) == (12, 2)  # the late file and 11-03 were whole already
    everything = ingest([LocalSource(tmp_path / "logs")], store, workers=1)
    assert (everything.files_ingested, everything.events, everything.files_unchanged) == (1, 4, 5)
    assert event_ids(store) == sorted(r["eventID"] for r in records)  # and nothing twice


def _time(value: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(value["eventTime"].replace("Z", "+00:00"))


def test_a_changed_file_replaces_its_earlier_rows(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    path = write_log(logs / "a.json.gz", [record(n) for n in range(3)])
    write_log(logs / "b.json.gz", [record(n) for n in range(10, 12)])
    store = EventStore(tmp_path / "store")
    ingest([LocalSource(logs)], store, workers=1)
    write_log(path, [record(n) for n in range(3, 7)])
    report = ingest([LocalSource(logs)], store, workers=1)
    assert (report.files_ingested, report.files_unchanged) == (1, 1)
    assert event_ids(store) == sorted(record(n)["eventID"] for n in (3, 4, 5, 6, 10, 11))
    assert sorted(p.name for p in store.events_dir.iterdir()) == sorted(
        Path(p.path).name for p in store.read_manifest().parts()
    )


def test_two_workers_give_the_same_store_as_one(tmp_path: Path) -> None:
    records = _days(tmp_path / "logs", 3)
    for day in range(3, 9):
        moment = BASE + timedelta(days=day)
        batch = [record(day * 100 + n, moment + timedelta(minutes=n)) for n in range(30)]
        write_log(aws_path(tmp_path / "logs", moment, "more.json.gz"), batch)
        records.extend(batch)
    for n in range(200):  # many small files: sent to the workers in chunks once they are busy
        batch = [record(10_000 + 2 * n), record(10_001 + 2 * n, eventTime="yesterday")]
        write_log(aws_path(tmp_path / "logs", BASE + timedelta(days=9), f"small-{n:03d}.json.gz"), batch)
        records.append(batch[0])
    truncated = aws_path(tmp_path / "logs", BASE + timedelta(days=9), "small-100x.json.gz")
    truncated.write_bytes(gzip.compress(orjson.dumps({"Records": [record(1)]}))[:-20])
    one, two = EventStore(tmp_path / "one"), EventStore(tmp_path / "two")
    seen: list[IngestProgress] = []
    first = ingest([LocalSource(tmp_path / "logs")], one, workers=1)
    report = ingest([LocalSource(tmp_path / "logs")], two, workers=2, progress=seen.append)
    assert report.events == len(records) and report.workers == 2
    assert (report.files_ingested, report.rejected, report.failed) == (210, 200, first.failed)
    assert [outcome.key for outcome in report.failed] == [str(truncated)]
    assert store_table(two).equals(store_table(one))
    assert seen and seen[-1].events == len(records) and seen[-1].files_done == seen[-1].files_found == 211
    assert {Path(p.path).name.split("-w")[1][0] for p in two.read_manifest().parts()} <= {"0", "1"}


# --- interruption --------------------------------------------------------------------------------------------------


def fail_after_part(paths: list[Path]) -> None:
    """Simulates a crash after a unit's files are in place and before the manifest names them."""
    raise RuntimeError(f"simulated crash after writing {len(paths)} file(s)")


@pytest.mark.parametrize("workers", [1, 2])
def test_an_interrupted_run_leaves_a_consistent_store_and_the_next_run_finishes(tmp_path: Path, workers: int) -> None:
    logs = tmp_path / "logs"
    earlier = [record(n) for n in range(5)]
    write_log(logs / "earlier.json.gz", earlier)
    store = EventStore(tmp_path / "store")
    ingest([LocalSource(logs)], store, workers=1)
    later = [record(n) for n in range(100, 160)]
    write_log(logs / "later.json.gz", later[:30])
    write_log(logs / "bad.json.gz", [record(200), "rejected"])
    write_log(logs / "later2.json.gz", later[30:])

    with pytest.raises(IngestInterruptedError, match="simulated crash") as interrupted:
        ingest([LocalSource(logs)], store, workers=workers, after_part=fail_after_part)
    assert interrupted.value.report.files_ingested == 0
    assert store.count() == 5 and event_ids(store) == sorted(r["eventID"] for r in earlier)
    orphans = {p.name for p in (*store.events_dir.iterdir(), *store.rejected_dir.iterdir())}
    listed = {Path(p.path).name for p in store.read_manifest().parts()}
    assert orphans - listed  # the interrupted unit's files are on disk, outside the manifest

    report = ingest([LocalSource(logs)], store, workers=workers)
    assert report.files_ingested == 3 and report.rejected == 1
    assert event_ids(store) == sorted(r["eventID"] for r in [*earlier, *later, record(200)])
    on_disk = {p.name for p in (*store.events_dir.iterdir(), *store.rejected_dir.iterdir())}
    manifest = store.read_manifest()
    assert on_disk == {Path(p.path).name for p in manifest.parts()} | {
        Path(unit.rejected.path).name for unit in manifest.units if unit.rejected is not None
    }


# --- CLI -----------------------------------------------------------------------------------------------------------


def test_cli_ingest_summarises_and_exits_1_on_failed_files(tmp_path: Path) -> None:
    write_log(tmp_path / "logs/a.json.gz", [record(n) for n in range(4)])
    (tmp_path / "logs/broken.json").write_text("{")
    runner = CliRunner(env={"COLUMNS": "250"})
    result = runner.invoke(
        events_app, ["ingest", str(tmp_path / "logs"), "--store", str(tmp_path / "store"), "--workers", "1"]
    )
    assert result.exit_code == 1, result.output
    assert "files ingested" in result.output and "broken.json" in result.output and "events added" in result.output
    again = runner.invoke(
        events_app, ["ingest", str(tmp_path / "logs/a.json.gz"), "--store", str(tmp_path / "store"), "--workers", "1"]
    )
    assert again.exit_code == 0 and "files already in the store" in again.output
    bad = runner.invoke(events_app, ["ingest", str(tmp_path / "nothing-here"), "--store", str(tmp_path / "store")])
    assert bad.exit_code == 2
    window = runner.invoke(events_app, ["ingest", str(tmp_path / "logs"), "--since", "next tuesday"])
    assert window.exit_code == 2


def test_a_file_named_twice_is_read_once_and_unpicklable_sources_need_one_worker(tmp_path: Path) -> None:
    path = write_log(tmp_path / "logs/a.json.gz", [record(1)])
    store = EventStore(tmp_path / "store")
    report = ingest([LocalSource(tmp_path / "logs"), LocalSource(path)], store, workers=1)
    assert (report.files_found, report.events) == (1, 1)

    class Unpicklable(LocalSource):
        def __reduce__(self) -> Any:
            raise TypeError("cannot pickle this source")

    write_log(tmp_path / "logs/b.json.gz", [record(2)])
    with pytest.raises(CloudwardError, match="must be picklable"):
        ingest([Unpicklable(tmp_path / "logs")], store, workers=2)
    assert store.count() == 1
