"""Alerts as OCSF 1.3 Detection Findings: golden file, schema conformance, every event id, ATT&CK, posture.

The schema check uses ``tests/fixtures/detect/ocsf-1.3.0-detection_finding.json``: the Detection Finding
class of OCSF 1.3.0 resolved from the ocsf-schema sources by ``make_ocsf_schema.py`` (same folder).
Regenerate the golden file with ``UPDATE_GOLDEN=1 pytest tests/detect/test_ocsf_alerts.py``.
"""

from __future__ import annotations

import io
import json
import os
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from cloudward.checks.model import Severity
from cloudward.detect.alert import Alert, PostureLink
from cloudward.detect.ocsf import SEVERITY_ID, attacks, to_detection_finding, write_alerts_jsonl

FIXTURES = Path(__file__).parent.parent / "fixtures" / "detect"
SCHEMA: dict[str, Any] = json.loads((FIXTURES / "ocsf-1.3.0-detection_finding.json").read_text())
START = datetime(2026, 11, 1, 9, 58, 12, tzinfo=UTC)
SCALARS: dict[str, type | tuple[type, ...]] = {
    "string_t": str,
    "integer_t": int,
    "long_t": int,
    "float_t": (int, float),
    "boolean_t": bool,
}
COMPUTED = {"class_uid", "category_uid", "type_uid"}  # their enums list only the base event's 0


def rich_alert() -> Alert:
    """A public bucket drained by an assumed role: techniques, a sub-technique, posture, resources."""
    return Alert(
        rule_id="cloudward.s3_mass_get_object",
        title="Mass S3 GetObject from one principal",
        severity=Severity.HIGH,
        techniques=("T1530", "T1562.008"),
        tactics=("collection",),
        principal="arn:aws:sts::123456789012:assumed-role/ci-deploy/build-4711",
        account_id="123456789012",
        region="us-east-1",
        first_seen=START,
        last_seen=START + timedelta(minutes=3, seconds=7),
        event_ids=(
            "4b4a2c5e-8d1f-4a53-9d0e-1f2a3b4c5d6e",
            "7c1d9e2f-3a4b-4c5d-8e9f-0a1b2c3d4e5f",
            "a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d",
        ),
        description="build-4711 (role ci-deploy) read 3 objects of bucket acme-web in 3 minutes.",
        source="builtin",
        resources=("arn:aws:s3:::acme-web", "acme-logs"),
        posture=(
            PostureLink("s3_bucket_public", "arn:aws:s3:::acme-web", "FAIL", "bucket policy allows Principal *"),
            PostureLink("s3_bucket_public", "arn:aws:s3:::acme-logs", "FAIL", "ACL grants AllUsers READ"),
        ),
    )


def incident_alert() -> Alert:
    """A correlated incident for root: several tactics, a timeline, an unknown tactic name."""
    return Alert(
        rule_id="incident",
        title="Root account takeover",
        severity=Severity.CRITICAL,
        techniques=("T1078.004", "T1098.001", "T1562.008"),
        tactics=("initial-access", "persistence", "defense_evasion", "made-up"),
        principal="arn:aws:iam::123456789012:root",
        account_id="123456789012",
        region="eu-west-1",
        first_seen=START,
        last_seen=START + timedelta(hours=1),
        event_ids=("e1", "e2", "e3", "e4"),
        description="root: new IP, console login without MFA, new access key, StopLogging.",
        source="incident",
        timeline=(
            "09:58 new source IP 203.0.113.7 for root",
            "10:01 console login without MFA",
            "10:20 access key created for root",
            "10:58 StopLogging on trail main",
        ),
    )


def _golden(name: str, actual: str) -> None:
    path = FIXTURES / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(actual)
    assert actual == path.read_text()


def test_golden_jsonl() -> None:
    out = io.StringIO()
    assert write_alerts_jsonl([rich_alert(), incident_alert()], out) == 2
    _golden("alerts.ocsf.jsonl", out.getvalue())


def test_jsonl_is_one_detection_finding_per_line() -> None:
    out = io.StringIO()
    write_alerts_jsonl(iter([rich_alert(), incident_alert()]), out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2 and out.getvalue().endswith("\n")
    events = [json.loads(line) for line in lines]
    assert [event["finding_info"]["uid"] for event in events] == [rich_alert().uid, incident_alert().uid]
    assert {event["type_uid"] for event in events} == {200401}


def test_empty_jsonl_writes_nothing() -> None:
    out = io.StringIO()
    assert write_alerts_jsonl([], out) == 0
    assert out.getvalue() == ""


def test_core_fields() -> None:
    event = to_detection_finding(rich_alert())
    assert (event["class_uid"], event["category_uid"], event["activity_id"], event["type_uid"]) == (2004, 2, 1, 200401)
    assert (event["severity_id"], event["severity"]) == (4, "High")
    assert event["metadata"]["version"] == "1.3.0"
    assert event["metadata"]["product"]["name"] == "cloudward"
    assert event["cloud"] == {
        "provider": "AWS",
        "region": "us-east-1",
        "account": {"uid": "123456789012", "type": "AWS Account", "type_id": 10},
    }
    info = event["finding_info"]
    assert info["analytic"]["uid"] == info["analytic"]["name"] == "cloudward.s3_mass_get_object"
    assert (info["analytic"]["type_id"], info["analytic"]["type"]) == (1, "Rule")
    assert info["first_seen_time"] == event["start_time"] == int(START.timestamp() * 1000)
    assert info["last_seen_time"] == event["end_time"] == event["time"] == int(START.timestamp() * 1000) + 187_000
    user = event["actor"]["user"]
    assert user["uid"] == rich_alert().principal and user["name"] == "ci-deploy/build-4711"
    assert user["account"]["uid"] == "123456789012"
    assert event["evidences"] == [{"actor": event["actor"]}]
    assert event["observables"] == [
        {"name": "actor.user.name", "type_id": 4, "type": "User Name", "value": "ci-deploy/build-4711"}
    ]


def test_every_event_id_is_kept_in_order() -> None:
    ids = tuple(f"{number:08x}-0000-4000-8000-000000000000" for number in range(5000))
    event = to_detection_finding(replace(rich_alert(), event_ids=ids))
    assert [related["uid"] for related in event["finding_info"]["related_events"]] == list(ids)
    assert event["count"] == 5000


def test_sub_technique_and_single_tactic_pairing() -> None:
    assert attacks(rich_alert()) == [
        {"technique": {"uid": "T1530"}, "tactic": {"uid": "TA0009", "name": "Collection"}},
        {
            "technique": {"uid": "T1562"},
            "sub_technique": {"uid": "T1562.008"},
            "tactic": {"uid": "TA0009", "name": "Collection"},
        },
    ]


def test_several_tactics_are_not_paired_with_techniques() -> None:
    entries = attacks(incident_alert())
    assert [entry.get("sub_technique", {}).get("uid") for entry in entries[:3]] == [
        "T1078.004",
        "T1098.001",
        "T1562.008",
    ]
    assert all("tactic" not in entry for entry in entries[:3])
    assert [entry["tactic"] for entry in entries[3:]] == [
        {"uid": "TA0001", "name": "Initial Access"},
        {"uid": "TA0003", "name": "Persistence"},
        {"uid": "TA0005", "name": "Defense Evasion"},
        {"name": "made-up"},
    ]


def test_technique_ids_from_sigma_tags_are_normalised_and_odd_ones_kept() -> None:
    alert = replace(rich_alert(), techniques=("attack.t1098", "S0002"), tactics=())
    assert attacks(alert) == [{"technique": {"uid": "T1098"}}, {"technique": {"uid": "S0002"}}]


def test_posture_links_sit_on_the_exploited_resources() -> None:
    event = to_detection_finding(rich_alert())
    web, logs = event["resources"]
    assert web["uid"] == "arn:aws:s3:::acme-web" and web["name"] == "acme-web" and web["cloud_partition"] == "aws"
    assert web["data"] == {
        "posture": [{"check_id": "s3_bucket_public", "status": "FAIL", "reason": "bucket policy allows Principal *"}]
    }
    # "acme-logs" was named without an ARN: the posture link's ARN completes it rather than duplicating it.
    assert logs["uid"] == "arn:aws:s3:::acme-logs"
    assert logs["data"]["posture"][0]["reason"] == "ACL grants AllUsers READ"
    assert "s3_bucket_public is FAIL" in event["risk_details"]


def test_incident_timeline_and_root_user() -> None:
    event = to_detection_finding(incident_alert())
    assert event["unmapped"] == {"timeline": list(incident_alert().timeline)}
    assert event["finding_info"]["analytic"]["type_id"] == 99
    assert event["actor"]["user"] == {
        "uid": "arn:aws:iam::123456789012:root",
        "name": "root",
        "type_id": 2,
        "type": "Admin",
        "account": {"uid": "123456789012", "type": "AWS Account", "type_id": 10},
    }
    assert (event["severity_id"], event["severity"]) == (5, "Critical")


@pytest.mark.parametrize(
    ("principal", "expected"),
    [
        ("arn:aws:iam::111122223333:user/ops/alice", {"name": "alice", "type_id": 1, "type": "User"}),
        ("arn:aws:sts::111122223333:federated-user/bob", {"name": "bob", "type_id": 99}),
        ("AIDAEXAMPLEPRINCIPAL", {"type_id": 0, "type": "Unknown"}),
        ("unknown", {"type_id": 0}),
    ],
)
def test_principals(principal: str, expected: dict[str, Any]) -> None:
    user = to_detection_finding(replace(rich_alert(), principal=principal))["actor"]["user"]
    assert user["uid"] == principal
    assert expected.items() <= user.items()


def test_severities_cover_every_level() -> None:
    assert set(SEVERITY_ID) == set(Severity)
    enum = SCHEMA["class"]["attributes"]["severity_id"]["enum"]
    assert all(enum[str(number)] == caption for number, caption in SEVERITY_ID.values())


# --- conformance to the OCSF 1.3.0 schema ---------------------------------------------------------------


def _check_value(value: Any, type_name: str, path: str, profiles: set[str], problems: list[str]) -> None:
    base = SCHEMA["types"].get(type_name)
    if type_name in ("object", "json_t") or base == "json_t":
        return
    if base is not None:
        expected = SCALARS[base]
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            problems.append(f"{path}: {value!r} is not {type_name}")
        return
    if not isinstance(value, dict):
        problems.append(f"{path}: expected object {type_name}")
        return
    spec = SCHEMA["objects"][type_name]
    _check_object(value, spec["attributes"], spec["constraints"], path, profiles, problems)


def _check_object(
    data: dict[str, Any],
    attributes: dict[str, Any],
    constraints: dict[str, list[str]],
    path: str,
    profiles: set[str],
    problems: list[str],
) -> None:
    for name, value in data.items():
        where = f"{path}.{name}" if path else name
        spec = attributes.get(name)
        if spec is None:
            problems.append(f"{where}: not an OCSF 1.3.0 attribute here")
            continue
        if spec.get("deprecated"):
            problems.append(f"{where}: deprecated")
        if "profile" in spec and spec["profile"] not in profiles:
            problems.append(f"{where}: needs profile {spec['profile']} in metadata.profiles")
        if "enum" in spec and name not in COMPUTED and name.endswith("_id") and str(value) not in spec["enum"]:
            problems.append(f"{where}: {value!r} is not in the enum")
        sibling = name.removesuffix("_id")
        if "enum" in spec and name.endswith("_id") and value != 99 and sibling in data and name not in COMPUTED:
            caption = spec["enum"].get(str(value))
            if caption is not None and data[sibling] != caption:
                problems.append(f"{path}.{sibling}: {data[sibling]!r} is not the caption {caption!r}")
        values = value if spec["array"] else [value]
        if spec["array"] and not isinstance(value, list):
            problems.append(f"{where}: expected an array")
            continue
        for index, item in enumerate(values):
            _check_value(item, spec["type"], f"{where}[{index}]" if spec["array"] else where, profiles, problems)
    for name, spec in attributes.items():
        if (
            spec["requirement"] == "required"
            and name not in data
            and not ("profile" in spec and spec["profile"] not in profiles)
        ):
            problems.append(f"{path or '<event>'}: required {name} is missing")
    at_least_one, just_one = constraints.get("at_least_one"), constraints.get("just_one")
    if at_least_one and not any(name in data for name in at_least_one):
        problems.append(f"{path}: needs at least one of {at_least_one}")
    if just_one and sum(name in data for name in just_one) != 1:
        problems.append(f"{path}: needs exactly one of {just_one}")


def _problems(event: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    profiles = set(event["metadata"].get("profiles", []))
    _check_object(event, SCHEMA["class"]["attributes"], {}, "", profiles, problems)
    return problems


@pytest.mark.parametrize("alert", [rich_alert(), incident_alert()], ids=["rich", "incident"])
def test_every_field_exists_in_ocsf_1_3_0(alert: Alert) -> None:
    event = to_detection_finding(alert)
    assert _problems(event) == []
    assert SCHEMA["version"] == event["metadata"]["version"]
    schema_class = SCHEMA["class"]
    assert (event["class_uid"], event["class_name"]) == (schema_class["uid"], schema_class["caption"])
    assert (event["category_uid"], event["category_name"]) == (
        schema_class["category_uid"],
        schema_class["category_caption"],
    )
    assert event["type_uid"] == event["class_uid"] * 100 + event["activity_id"]
    assert event["type_name"] == f"{event['class_name']}: {event['activity_name']}"


def test_the_schema_check_catches_mistakes() -> None:
    event = to_detection_finding(rich_alert())
    event["finding_info"]["attacks"][0]["tactics"] = [{"name": "Collection"}]  # deprecated since 1.1
    event["finding_info"]["rule"] = "x"  # not a finding_info attribute
    event["severity"] = "Severe"  # not the caption of severity_id 4
    event["metadata"]["profiles"] = ["cloud"]  # actor needs the host profile
    del event["finding_info"]["title"]
    event["count"] = "3"
    problems = "\n".join(_problems(event))
    for expected in (
        "tactics: deprecated",
        "finding_info.rule",
        "'Severe'",
        "actor: needs profile host",
        "title",
        "count",
    ):
        assert expected in problems
