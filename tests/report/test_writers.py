"""OCSF JSON and CSV writers: golden files, streaming, CSV-injection safety.

Regenerate the golden files with ``UPDATE_GOLDEN=1 pytest tests/report/test_writers.py``.
"""

from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from cloudward.checks.model import Status
from cloudward.checks.registry import default_registry
from cloudward.findings.model import Finding, ResourceRef
from cloudward.report.csv_writer import COLUMNS, write_csv
from cloudward.report.ocsf_json import write_ocsf_json

GOLDEN = Path(__file__).parent / "golden"
SEEN = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
META = default_registry().get("s3_bucket_public_access_block").meta


def _findings() -> list[Finding]:
    bucket = ResourceRef(
        "arn:aws:s3:::acme-web", "AWS::S3::Bucket", "acme-web", "123456789012", "us-east-1", {"team": "web"}
    )
    formula = ResourceRef("arn:aws:s3:::=cmd", "AWS::S3::Bucket", '=HYPERLINK("x")', "123456789012", "us-east-1")
    return [
        Finding(META, bucket, Status.FAIL, "BlockPublicAcls=false, RestrictPublicBuckets=false", SEEN, SEEN),
        Finding(META, formula, Status.ERROR, "PublicAccessBlockConfiguration unknown: AccessDenied", SEEN, SEEN),
    ]


def _golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(actual)
    assert actual == path.read_text()


def test_ocsf_golden() -> None:
    out = io.BytesIO()
    assert write_ocsf_json(_findings(), out) == 2
    _golden("findings.ocsf.json", out.getvalue().decode())


def test_ocsf_is_a_json_array_of_compliance_findings() -> None:
    out = io.BytesIO()
    write_ocsf_json(_findings(), out)
    events = json.loads(out.getvalue())
    assert [event["class_uid"] for event in events] == [2003, 2003]
    assert events[0]["compliance"]["status"] == "Fail"
    assert events[1]["compliance"]["status_id"] == 0  # ERROR is Unknown, never Pass
    assert events[0]["finding_info"]["uid"] == _findings()[0].uid
    assert events[0]["unmapped"]["owner"] == "customer"


def test_ocsf_empty_is_an_empty_array() -> None:
    out = io.BytesIO()
    write_ocsf_json([], out)
    assert json.loads(out.getvalue()) == []


def test_csv_golden_and_formula_neutralized() -> None:
    out = io.StringIO()
    assert write_csv(_findings(), out) == 2
    _golden("findings.csv", out.getvalue())
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(rows[0]) == list(COLUMNS)
    assert rows[1]["resource_name"].startswith("'=")


def _muted_findings() -> list[Finding]:
    fail, error = _findings()
    return [replace(fail, muted="the website bucket is public on purpose"), error]


def test_ocsf_muted_finding_is_suppressed_with_its_reason_and_keeps_its_compliance_status() -> None:
    out = io.BytesIO()
    write_ocsf_json(_muted_findings(), out)
    muted, open_ = json.loads(out.getvalue())
    assert (muted["status_id"], muted["status"]) == (3, "Suppressed")
    assert muted["status_detail"] == "the website bucket is public on purpose"
    assert (muted["compliance"]["status_id"], muted["compliance"]["status"]) == (3, "Fail")
    assert muted["compliance"]["status_detail"] == "BlockPublicAcls=false, RestrictPublicBuckets=false"
    assert (open_["status_id"], open_["status"]) == (1, "New")
    assert "status_detail" not in open_


def test_csv_muted_column_holds_the_reason() -> None:
    out = io.StringIO()
    write_csv(_muted_findings(), out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [(row["status"], row["muted"]) for row in rows] == [
        ("FAIL", "the website bucket is public on purpose"),
        ("ERROR", ""),
    ]
    assert COLUMNS[-1] == "muted"
