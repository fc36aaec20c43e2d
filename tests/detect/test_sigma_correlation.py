"""Sigma correlation rules: event_count, value_count, temporal, temporal_ordered, over sliding windows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from cloudward.detect.alert import Alert
from cloudward.detect.sigma import load_rules, run_rules
from tests.detect.sigma_oracle import event, event_store

START = datetime(2026, 11, 1, 10, 55, tzinfo=UTC)


def base_rule(name: str, event_name: str, level: str = "informational") -> dict[str, Any]:
    """A detection rule matching one API call."""
    return {
        "title": f"Call {event_name}",
        "name": name,
        "logsource": {"product": "aws", "service": "cloudtrail"},
        "detection": {"selection": {"eventName": event_name}, "condition": "selection"},
        "level": level,
    }


def correlation(name: str, kind: str, rules: list[str], **settings: Any) -> dict[str, Any]:
    """A correlation rule (group-by principal ARN, 10 minutes, unless settings say otherwise)."""
    body: dict[str, Any] = {"type": kind, "rules": rules, "group-by": ["userIdentity.arn"], "timespan": "10m"}
    generate = settings.pop("generate", None)
    body.update(settings)
    if generate is not None:
        body["generate"] = generate
    return {
        "title": f"Correlation {name}",
        "name": name,
        "tags": ["attack.discovery", "attack.t1580"],
        "correlation": body,
        "level": "high",
    }


def call(event_id: str, event_name: str, at: datetime, user: str = "alice", **fields: Any) -> dict[str, Any]:
    """A call by an IAM user at a moment."""
    record = event(
        event_id,
        eventName=event_name,
        userIdentity__arn=f"arn:aws:iam::111122223333:user/{user}",
        userIdentity__userName=user,
        **fields,
    )
    record["eventTime"] = at.strftime("%Y-%m-%dT%H:%M:%SZ")
    return record


def alerts(tmp_path: Path, documents: list[dict[str, Any]], records: list[dict[str, Any]]) -> list[Alert]:
    """run_rules over the records with the rule documents in one file."""
    path = tmp_path / "rules.yml"
    path.write_text(yaml.safe_dump_all(documents, sort_keys=False), encoding="utf-8")
    rules = load_rules([path])
    assert not rules.errors, [str(error) for error in rules.errors]
    connection = event_store(records)
    try:
        return run_rules(connection, rules)
    finally:
        connection.close()


def burst(count: int, spacing: timedelta, user: str = "alice", start: datetime = START) -> list[dict[str, Any]]:
    """``count`` GetObject calls by one user, ``spacing`` apart."""
    return [call(f"{user}-{index:03d}", "GetObject", start + index * spacing, user) for index in range(count)]


def test_event_count_over_a_sliding_window_across_an_hour_boundary(tmp_path: Path) -> None:
    documents = [base_rule("read", "GetObject"), correlation("burst", "event_count", ["read"], condition={"gte": 20})]
    records = burst(20, timedelta(seconds=27)) + burst(10, timedelta(seconds=5), user="bob")
    (alert,) = alerts(tmp_path, documents, records)
    assert alert.rule_id == "burst"
    assert alert.principal == "arn:aws:iam::111122223333:user/alice"
    assert alert.event_ids == tuple(f"alice-{index:03d}" for index in range(20))
    assert alert.first_seen == START
    assert alert.last_seen == START + 19 * timedelta(seconds=27)
    assert alert.techniques == ("T1580",)
    assert "userIdentity.arn=arn:aws:iam::111122223333:user/alice" in alert.description


def test_event_count_below_the_threshold_or_spread_too_thin_raises_nothing(tmp_path: Path) -> None:
    documents = [base_rule("read", "GetObject"), correlation("burst", "event_count", ["read"], condition={"gte": 20})]
    assert alerts(tmp_path, documents, burst(19, timedelta(seconds=20))) == []
    assert alerts(tmp_path, documents, burst(20, timedelta(seconds=40))) == []


def test_overlapping_windows_merge_into_one_alert(tmp_path: Path) -> None:
    documents = [base_rule("read", "GetObject"), correlation("burst", "event_count", ["read"], condition={"gte": 5})]
    records = burst(12, timedelta(minutes=1)) + burst(3, timedelta(minutes=1), start=START + timedelta(hours=2))
    (alert,) = alerts(tmp_path, documents, records)
    assert len(alert.event_ids) == 12


def test_value_count_counts_distinct_values(tmp_path: Path) -> None:
    documents = [
        base_rule("read", "GetObject"),
        correlation("many-keys", "value_count", ["read"], condition={"gte": 5, "field": "requestParameters.key"}),
    ]
    distinct = [
        call(f"k{index}", "GetObject", START + timedelta(seconds=index), requestParameters={"key": f"file-{index}"})
        for index in range(5)
    ]
    repeated = [
        call(f"r{index}", "GetObject", START + timedelta(seconds=index), "bob", requestParameters={"key": "same"})
        for index in range(9)
    ]
    (alert,) = alerts(tmp_path, documents, distinct + repeated)
    assert alert.event_ids == tuple(f"k{index}" for index in range(5))


def test_temporal_needs_every_rule_within_the_timespan_for_one_group(tmp_path: Path) -> None:
    documents = [
        base_rule("login", "ConsoleLogin"),
        base_rule("key", "CreateAccessKey"),
        correlation("login-then-key", "temporal", ["login", "key"], timespan="5m"),
    ]
    records = [
        call("alice-login", "ConsoleLogin", START),
        call("alice-key", "CreateAccessKey", START + timedelta(minutes=3)),
        call("bob-login", "ConsoleLogin", START, "bob"),
        call("carol-key", "CreateAccessKey", START, "carol"),
        call("dave-login", "ConsoleLogin", START, "dave"),
        call("dave-key", "CreateAccessKey", START + timedelta(minutes=9), "dave"),
    ]
    (alert,) = alerts(tmp_path, documents, records)
    assert alert.event_ids == ("alice-login", "alice-key")
    assert alert.principal.endswith("user/alice")


def test_temporal_ordered_needs_the_listed_order(tmp_path: Path) -> None:
    documents = [
        base_rule("login", "ConsoleLogin"),
        base_rule("key", "CreateAccessKey"),
        correlation("ordered", "temporal_ordered", ["login", "key"], timespan="5m"),
    ]
    records = [
        call("alice-login", "ConsoleLogin", START),
        call("alice-key", "CreateAccessKey", START + timedelta(minutes=1)),
        call("bob-key", "CreateAccessKey", START, "bob"),
        call("bob-login", "ConsoleLogin", START + timedelta(minutes=1), "bob"),
    ]
    (alert,) = alerts(tmp_path, documents, records)
    assert alert.event_ids == ("alice-login", "alice-key")


def test_extended_temporal_condition(tmp_path: Path) -> None:
    documents = [
        base_rule("login", "ConsoleLogin"),
        base_rule("mfa", "CreateVirtualMFADevice"),
        {
            **correlation("login-without-mfa", "temporal", ["login", "mfa"], timespan="5m"),
            "correlation": {
                "type": "temporal",
                "rules": ["login", "mfa"],
                "group-by": ["userIdentity.arn"],
                "timespan": "5m",
                "condition": "login and not mfa",
            },
        },
    ]
    records = [
        call("alice-login", "ConsoleLogin", START),
        call("bob-login", "ConsoleLogin", START, "bob"),
        call("bob-mfa", "CreateVirtualMFADevice", START + timedelta(minutes=1), "bob"),
    ]
    (alert,) = alerts(tmp_path, documents, records)
    assert alert.event_ids == ("alice-login",)


def test_a_range_condition_checks_both_bounds(tmp_path: Path) -> None:
    documents = [
        base_rule("read", "GetObject"),
        correlation("exactly-two", "event_count", ["read"], condition={"gt": 1, "lt": 3}),
    ]
    records = [
        *burst(2, timedelta(seconds=10)),
        *burst(1, timedelta(seconds=10), user="bob"),
        *(call(f"carol-{index}", "GetObject", START, "carol") for index in range(3)),
    ]
    (alert,) = alerts(tmp_path, documents, records)
    assert alert.event_ids == ("alice-000", "alice-001")


def test_base_rules_alert_on_their_own_only_with_generate(tmp_path: Path) -> None:
    records = burst(3, timedelta(seconds=10))
    quiet = [base_rule("read", "GetObject"), correlation("burst", "event_count", ["read"], condition={"gte": 3})]
    assert [alert.rule_id for alert in alerts(tmp_path, quiet, records)] == ["burst"]
    loud = [
        base_rule("read", "GetObject"),
        correlation("burst", "event_count", ["read"], condition={"gte": 3}, generate=True),
    ]
    assert sorted(alert.rule_id for alert in alerts(tmp_path, loud, records)) == ["burst", "read"]


def test_aliases_group_different_fields_and_missing_group_values_take_no_part(tmp_path: Path) -> None:
    documents = [
        base_rule("profile", "CreateLoginProfile"),
        base_rule("key", "CreateAccessKey"),
        correlation(
            "backdoor",
            "temporal",
            ["profile", "key"],
            **{
                "group-by": ["target"],
                "aliases": {"target": {"profile": "requestParameters.userName", "key": "requestParameters.userName"}},
            },
        ),
    ]
    records = [
        call("p1", "CreateLoginProfile", START, requestParameters={"userName": "victim"}),
        call(
            "k1", "CreateAccessKey", START + timedelta(minutes=1), "mallory", requestParameters={"userName": "victim"}
        ),
        call("p2", "CreateLoginProfile", START),
        call("k2", "CreateAccessKey", START),
    ]
    (alert,) = alerts(tmp_path, documents, records)
    assert alert.event_ids == ("p1", "k1")
