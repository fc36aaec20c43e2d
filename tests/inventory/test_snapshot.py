"""Snapshots: round trip, DuckDB can query them, corrupt or foreign input gives a clear error."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cloudward.core.errors import SnapshotError
from cloudward.inventory import CollectionError, Inventory, Resource, Unknown
from cloudward.inventory.snapshot import MANIFEST, RESOURCES, read_snapshot, write_snapshot


def _inventory() -> Inventory:
    return Inventory(
        account_id="123456789012",
        collected_at=datetime(2026, 11, 1, tzinfo=UTC),
        regions=("us-east-1",),
        resources=[
            Resource(
                arn="arn:aws:s3:::data",
                type="AWS::S3::Bucket",
                account_id="123456789012",
                region="us-east-1",
                name="data",
                tags={"team": "payments"},
                attrs={
                    "configuration": {"Name": "data"},
                    "supplementaryConfiguration": {
                        "BucketPolicy": None,
                        "PublicAccessBlockConfiguration": Unknown("AccessDenied: s3:GetBucketPublicAccessBlock"),
                    },
                },
            )
        ],
        errors=[CollectionError("ec2", "eu-west-1", "AWS::EC2::Volume", "DescribeVolumes", "AccessDenied", "no")],
    )


def test_round_trip_keeps_unknowns_errors_and_time(tmp_path: Path) -> None:
    path = write_snapshot(_inventory(), tmp_path / "snap", {"AWS::S3::Bucket": frozenset({"BucketPolicy"})})
    inventory, manifest = read_snapshot(path)
    assert manifest.collected == {"AWS::S3::Bucket": ["BucketPolicy"]}
    assert inventory.collected_at == datetime(2026, 11, 1, tzinfo=UTC)
    assert inventory.errors == _inventory().errors
    assert inventory.resources == _inventory().resources
    resource = inventory.resources[0]
    assert resource.supplement("BucketPolicy") is None
    assert resource.unknowns() == {"PublicAccessBlockConfiguration": "AccessDenied: s3:GetBucketPublicAccessBlock"}


def test_duckdb_queries_resources_and_manifest(tmp_path: Path) -> None:
    path = write_snapshot(_inventory(), tmp_path / "snap", {})
    rows = duckdb.execute(
        f"SELECT name, json_extract_string(attrs, '$.configuration.Name') FROM '{path / RESOURCES}'"
    ).fetchall()
    assert rows == [("data", "data")]
    errors = duckdb.execute(
        f"SELECT e.code FROM (SELECT unnest(errors) AS e FROM read_json('{path / MANIFEST}'))"
    ).fetchall()
    assert errors == [("AccessDenied",)]


def test_rewrite_replaces_an_earlier_snapshot(tmp_path: Path) -> None:
    path = write_snapshot(_inventory(), tmp_path / "snap", {})
    empty = Inventory("123456789012", datetime(2026, 11, 2, tzinfo=UTC), ("us-east-1",))
    write_snapshot(empty, path, {})
    inventory, _ = read_snapshot(path)
    assert len(inventory) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["snap"]


def test_refuses_to_overwrite_a_foreign_directory(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "notes.txt").write_text("mine")
    with pytest.raises(SnapshotError, match="not a cloudward snapshot"):
        write_snapshot(_inventory(), tmp_path / "docs", {})
    assert (tmp_path / "docs" / "notes.txt").read_text() == "mine"


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda p: None, "does not exist"),
        (lambda p: p.write_text("x"), "is a file"),
        (lambda p: p.mkdir(), "manifest.json is missing"),
        (lambda p: (p.mkdir(), (p / MANIFEST).write_text("{not json")), "not valid JSON"),
        (lambda p: (p.mkdir(), (p / MANIFEST).write_text('{"format": "prowler"}')), "not a cloudward snapshot"),
        (
            lambda p: (p.mkdir(), (p / MANIFEST).write_text('{"format": "cloudward-snapshot", "format_version": 99}')),
            "format version 99",
        ),
        (
            lambda p: (p.mkdir(), (p / MANIFEST).write_text('{"format": "cloudward-snapshot", "format_version": 1}')),
            "invalid field",
        ),
    ],
)
def test_corrupt_or_foreign_input_gives_a_clear_error(
    tmp_path: Path, setup: Callable[[Path], object], message: str
) -> None:
    path = tmp_path / "snap"
    setup(path)
    with pytest.raises(SnapshotError, match=message):
        read_snapshot(path)


def test_truncated_parquet_is_reported(tmp_path: Path) -> None:
    path = write_snapshot(_inventory(), tmp_path / "snap", {})
    data = (path / RESOURCES).read_bytes()
    (path / RESOURCES).write_bytes(data[: len(data) // 2])
    with pytest.raises(SnapshotError, match="missing or corrupt"):
        read_snapshot(path)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=50, deadline=None)
@given(configuration=json_values, supplement=json_values)
def test_any_json_attribute_survives_a_round_trip(
    tmp_path_factory: pytest.TempPathFactory, configuration: object, supplement: object
) -> None:
    resource = Resource(
        "arn:x",
        "AWS::S3::Bucket",
        "1",
        "us-east-1",
        "x",
        {},
        {"configuration": configuration, "supplementaryConfiguration": {"S": supplement}},
    )
    inventory = Inventory("1", datetime(2026, 1, 1, tzinfo=UTC), ("us-east-1",), [resource])
    path = write_snapshot(inventory, tmp_path_factory.mktemp("h") / "snap", {})
    assert read_snapshot(path)[0].resources == [resource]
