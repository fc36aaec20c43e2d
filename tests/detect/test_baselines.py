"""Baselines: a first time after the learning period alerts once, and the state persists between runs."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from cloudward.detect.baselines import run_baselines
from cloudward.detect.rows import records_to_table

ACCOUNT = "123456789012"
START = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def _event(
    when: datetime,
    name: str = "DescribeInstances",
    *,
    ip: str = "198.51.100.10",
    agent: str = "aws-cli/2.15.1 Python/3.11.6",
    identity: dict[str, Any] | None = None,
    region: str = "us-east-1",
    read_only: bool = True,
    source: str = "ec2.amazonaws.com",
) -> dict[str, Any]:
    return {
        "eventID": str(uuid.uuid4()),
        "eventTime": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "eventName": name,
        "eventSource": source,
        "awsRegion": region,
        "sourceIPAddress": ip,
        "userAgent": agent,
        "readOnly": read_only,
        "eventType": "AwsApiCall",
        "recipientAccountId": ACCOUNT,
        "userIdentity": identity
        or {
            "type": "IAMUser",
            "arn": f"arn:aws:iam::{ACCOUNT}:user/alice",
            "principalId": "AIDAALICE",
            "accessKeyId": "AKIAALICE0000000",
            "userName": "alice",
        },
    }


def _run(records: list[dict[str, Any]], state: Path) -> list[Any]:
    connection = duckdb.connect()
    connection.register("events", records_to_table(records))
    return run_baselines(connection, state)


def _history(days: int = 5) -> list[dict[str, Any]]:
    return [_event(START + timedelta(days=day, hours=hour)) for day in range(days) for hour in range(0, 8, 2)]


def test_a_key_used_from_a_new_network_after_learning_alerts_once(tmp_path: Path) -> None:
    state = tmp_path / "baselines.duckdb"
    stolen = _event(START + timedelta(days=6), ip="203.0.113.77", agent="python-requests/2.31")
    follow_up = _event(START + timedelta(days=6, minutes=5), "ListUsers", ip="203.0.113.80", source="iam.amazonaws.com")
    alerts = _run([*_history(), stolen, follow_up], state)
    by_rule = {alert.rule_id: alert for alert in alerts}
    network = by_rule["baseline.access_key_new_network"]
    assert network.event_ids == (stolen["eventID"], follow_up["eventID"])
    assert "203.0.113.0/24" in network.description and network.principal.endswith(":user/alice")
    assert by_rule["baseline.access_key_new_user_agent"].event_ids == (stolen["eventID"],)
    # the same activity again is no longer news
    assert _run([_event(START + timedelta(days=7), ip="203.0.113.9")], state) == []


def test_nothing_alerts_while_a_key_is_still_learning(tmp_path: Path) -> None:
    early = [_event(START), _event(START + timedelta(days=1), ip="192.0.2.1", agent="Boto3/1.34.0")]
    assert _run(early, tmp_path / "baselines.duckdb") == []


def test_state_persists_between_runs(tmp_path: Path) -> None:
    state = tmp_path / "baselines.duckdb"
    assert _run(_history(), state) == []
    later = _event(START + timedelta(days=9), ip="203.0.113.5")
    alerts = _run([later], state)  # the history came from the earlier run only
    assert [alert.rule_id for alert in alerts] == ["baseline.access_key_new_network"]


def test_instance_credentials_from_a_second_network_alert_immediately(tmp_path: Path) -> None:
    session = {
        "type": "AssumedRole",
        "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/web-role/i-0abc1234def567890",
        "principalId": "AROAWEB:i-0abc1234def567890",
        "accessKeyId": "ASIAWEB000000000",
        "sessionContext": {"sessionIssuer": {"type": "Role", "arn": f"arn:aws:iam::{ACCOUNT}:role/web-role"}},
    }
    on_instance = [_event(START + timedelta(minutes=m), ip="10.0.1.15", identity=session) for m in range(0, 60, 10)]
    outside = _event(START + timedelta(hours=2), "ListBuckets", ip="198.18.7.7", identity=session)
    alerts = _run([*on_instance, outside], tmp_path / "baselines.duckdb")
    assert [(alert.rule_id, alert.event_ids) for alert in alerts] == [
        ("baseline.instance_credentials_new_network", (outside["eventID"],))
    ]
    assert alerts[0].severity == "high" and "T1552.005" in alerts[0].techniques


def test_aws_service_addresses_are_not_networks(tmp_path: Path) -> None:
    via_service = _event(START + timedelta(days=6), ip="cloudformation.amazonaws.com")
    assert _run([*_history(), via_service], tmp_path / "baselines.duckdb") == []


def test_a_region_never_used_alerts(tmp_path: Path) -> None:
    far = _event(START + timedelta(days=10), "RunInstances", region="ap-southeast-3", read_only=False)
    alerts = _run([*_history(), far], tmp_path / "baselines.duckdb")
    # alice had only read until then: her first change is news too
    assert {alert.rule_id for alert in alerts} == {
        "baseline.region_first_activity",
        "baseline.principal_new_api_family",
    }


def test_access_granted_to_a_new_outside_account_alerts(tmp_path: Path) -> None:
    def share(day: int, account: str) -> dict[str, Any]:
        event = _event(START + timedelta(days=day), "ModifySnapshotAttribute", read_only=False)
        event["requestParameters"] = {
            "snapshotId": "snap-0123456789abcdef0",
            "createVolumePermission": {"add": {"items": [{"userId": account}]}},
        }
        return event

    vendor = [share(day, "444455556666") for day in range(1, 6)]
    attack = share(6, "739562084613")
    alerts = _run([*_history(), *vendor, attack], tmp_path / "baselines.duckdb")
    granted = [alert for alert in alerts if alert.rule_id == "baseline.external_account_granted"]
    assert [(alert.event_ids, "739562084613" in alert.description) for alert in granted] == [
        ((attack["eventID"],), True)
    ]


def test_an_interrupted_run_keeps_the_previous_state(tmp_path: Path) -> None:
    state = tmp_path / "baselines.duckdb"
    _run(_history(), state)
    connection = duckdb.connect()
    connection.register("events", records_to_table([_event(START + timedelta(days=9), ip="203.0.113.5")]))
    broken = duckdb.connect()
    broken.execute("CREATE VIEW events AS SELECT 1 AS nothing")  # not the schema: the run fails part-way
    with pytest.raises(duckdb.Error):
        run_baselines(broken, state)
    assert [alert.rule_id for alert in run_baselines(connection, state)] == ["baseline.access_key_new_network"]
