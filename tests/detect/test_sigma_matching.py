"""Sigma matching semantics of the engine, one rule at a time, over records of the event store's schema."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import orjson
import pytest

from cloudward.detect.decode import records_table
from cloudward.detect.sigma import load_rules, match_events
from tests.detect.sigma_oracle import event, event_store, rule_file


def matched(tmp_path: Path, detection: dict[str, Any], records: list[dict[str, Any]]) -> set[str]:
    """The eventIDs a one-rule rule set with this detection matches."""
    rules = load_rules([rule_file(tmp_path, detection)])
    assert not rules.errors, [str(error) for error in rules.errors]
    (rule,) = rules.detections
    connection = event_store(records)
    try:
        return set(match_events(connection, rules)[rule.rule_id])
    finally:
        connection.close()


def test_strings_match_case_insensitively(tmp_path: Path) -> None:
    records = [
        event("no", additionalEventData__MFAUsed="No"),
        event("upper", additionalEventData__MFAUsed="NO"),
        event("yes", additionalEventData__MFAUsed="Yes"),
        event("absent"),
    ]
    detection = {"selection": {"additionalEventData.MFAUsed": "NO"}, "condition": "selection"}
    assert matched(tmp_path, detection, records) == {"no", "upper"}


def test_wildcards_escapes_and_sql_pattern_characters(tmp_path: Path) -> None:
    records = [
        event("cli", userAgent="aws-cli/2.15.0"),
        event("cli-upper", userAgent="AWS-CLI/1"),
        event("boto", userAgent="Boto3/1.34"),
        event("abc", userAgent="abc"),
        event("abbc", userAgent="abbc"),
        event("star", userAgent="star*"),
        event("starx", userAgent="starX"),
        event("percent", userAgent="100%_done"),
        event("percent-like", userAgent="100xxdone"),
    ]
    detection = {
        "prefix": {"userAgent": "aws-cli/*"},
        "single": {"userAgent": "a?c"},
        "escaped": {"userAgent": "star\\*"},
        "literal": {"userAgent": "100%_done"},
        "condition": "1 of them",
    }
    assert matched(tmp_path, detection, records) == {"cli", "cli-upper", "abc", "star", "percent"}


def test_value_lists_are_or_and_the_all_modifier_is_and(tmp_path: Path) -> None:
    records = [
        event("a", eventName="StopLogging", userAgent="x-terraform-y"),
        event("b", eventName="DeleteTrail", userAgent="terraform only"),
        event("c", eventName="CreateTrail", userAgent="x-terraform-y"),
    ]
    any_name = {"selection": {"eventName": ["StopLogging", "DeleteTrail"]}, "condition": "selection"}
    assert matched(tmp_path, any_name, records) == {"a", "b"}
    both = {"selection": {"userAgent|contains|all": ["x-", "terraform"]}, "condition": "selection"}
    assert matched(tmp_path, both, records) == {"a", "c"}


def test_contains_startswith_endswith(tmp_path: Path) -> None:
    records = [
        event("mid", userAgent="aws-sdk-go TruffleHog scanner"),
        event("start", userAgent="TRUFFLEHOG/3"),
        event("end", userAgent="by trufflehog"),
        event("none", userAgent="boto3"),
    ]
    assert matched(tmp_path, {"s": {"userAgent|contains": "TruffleHog"}, "condition": "s"}, records) == {
        "mid",
        "start",
        "end",
    }
    assert matched(tmp_path, {"s": {"userAgent|startswith": "trufflehog"}, "condition": "s"}, records) == {"start"}
    assert matched(tmp_path, {"s": {"userAgent|endswith": "TruffleHog"}, "condition": "s"}, records) == {"end"}


def test_regular_expressions_are_case_sensitive_searches_unless_flagged(tmp_path: Path) -> None:
    records = [
        event("ec2", userIdentity__arn="arn:aws:sts::1:assumed-role/aws:ec2-instance/i-1"),
        event("upper", userIdentity__arn="ARN:AWS:STS::1:ASSUMED-ROLE/AWS:EC2-INSTANCE/I-1"),
        event("user", userIdentity__arn="arn:aws:iam::1:user/alice"),
    ]
    pattern = ":assumed-role/aws:.+"
    assert matched(tmp_path, {"s": {"userIdentity.arn|re": pattern}, "condition": "s"}, records) == {"ec2"}
    assert matched(tmp_path, {"s": {"userIdentity.arn|re|i": pattern}, "condition": "s"}, records) == {"ec2", "upper"}


def test_cidr(tmp_path: Path) -> None:
    records = [
        event("inside", sourceIPAddress="10.1.2.3"),
        event("outside", sourceIPAddress="11.0.0.1"),
        event("edge", sourceIPAddress="10.255.255.255"),
        event("service", sourceIPAddress="AWS Internal"),
        event("invalid", sourceIPAddress="10.0.0.256"),
        event("v6", sourceIPAddress="2001:db8::1"),
        event("v6-out", sourceIPAddress="2001:db9::1"),
    ]
    detection = {"s": {"sourceIPAddress|cidr": ["10.0.0.0/8", "2001:db8::/32"]}, "condition": "s"}
    assert matched(tmp_path, detection, records) == {"inside", "edge", "v6"}


def test_null_means_null_or_absent_and_exists_tells_them_apart(tmp_path: Path) -> None:
    records = [
        event("value", requestParameters={"policy": "x"}),
        event("json-null", requestParameters={"policy": None}),
        event("absent", requestParameters={"other": 1}),
        event("no-parameters"),
    ]
    assert matched(tmp_path, {"s": {"requestParameters.policy": None}, "condition": "s"}, records) == {
        "json-null",
        "absent",
        "no-parameters",
    }
    assert matched(tmp_path, {"s": {"requestParameters.policy|exists": False}, "condition": "s"}, records) == {
        "absent",
        "no-parameters",
    }
    assert matched(tmp_path, {"s": {"requestParameters.policy|exists": True}, "condition": "s"}, records) == {
        "value",
        "json-null",
    }


def test_top_level_null_and_exists(tmp_path: Path) -> None:
    records = [event("denied", errorCode="AccessDenied"), event("ok")]
    assert matched(tmp_path, {"s": {"errorCode": None}, "condition": "s"}, records) == {"ok"}
    assert matched(tmp_path, {"s": {"errorCode|exists": True}, "condition": "s"}, records) == {"denied"}
    assert matched(tmp_path, {"s": {"errorCode|exists": False}, "condition": "s"}, records) == {"ok"}


def test_fieldref_compares_two_fields(tmp_path: Path) -> None:
    records = [
        event("self", userIdentity__userName="alice", requestParameters={"userName": "Alice"}),
        event("other", userIdentity__userName="alice", requestParameters={"userName": "bob"}),
        event("missing", userIdentity__userName="alice"),
    ]
    detection = {"s": {"userIdentity.userName|fieldref": "requestParameters.userName"}, "condition": "s"}
    assert matched(tmp_path, detection, records) == {"self"}
    contains = {"s": {"userIdentity.arn|fieldref|endswith": "userIdentity.userName"}, "condition": "s"}
    assert matched(tmp_path, contains, records) == {"self", "other", "missing"}


def test_windash_and_base64(tmp_path: Path) -> None:
    records = [
        event("dash", userAgent="tool -encoded run"),
        event("slash", userAgent="tool /encoded run"),
        event("plain", userAgent="tool encoded run"),
        event("b64", requestParameters={"userData": "Y3VybCBodHRwOi8vZXZpbA=="}),
        event("b64-other", requestParameters={"userData": "ZWNobyBoaQ=="}),
    ]
    windash = {"s": {"userAgent|windash|contains": " -encoded"}, "condition": "s"}
    assert matched(tmp_path, windash, records) == {"dash", "slash"}
    base64 = {"s": {"requestParameters.userData|base64": "curl http://evil"}, "condition": "s"}
    assert matched(tmp_path, base64, records) == {"b64"}
    offset = {"s": {"requestParameters.userData|base64offset|contains": "http://evil"}, "condition": "s"}
    assert matched(tmp_path, offset, records) == {"b64"}


def test_a_field_naming_an_object_matches_its_json_text(tmp_path: Path) -> None:
    records = [
        event("suspended", requestParameters={"VersioningConfiguration": {"Status": "Suspended"}}),
        event("enabled", requestParameters={"VersioningConfiguration": {"Status": "Enabled"}}),
        event("null-response", responseElements=None),
        event("response", responseElements={"ok": True}),
    ]
    detection = {"s": {"requestParameters|contains": '"Status":"Suspended"'}, "condition": "s"}
    assert matched(tmp_path, detection, records) == {"suspended"}
    no_response = {"s": {"responseElements": None}, "condition": "s"}
    assert matched(tmp_path, no_response, records) == {"suspended", "enabled", "null-response"}


def test_numbers_and_booleans_compare_as_cloudtrail_writes_them(tmp_path: Path) -> None:
    records = [
        event("json-true", responseElements={"publiclyAccessible": True}, requestParameters={"durationSeconds": 3600}),
        event(
            "text-true", responseElements={"publiclyAccessible": "TRUE"}, requestParameters={"durationSeconds": "3600"}
        ),
        event("false", responseElements={"publiclyAccessible": False}, requestParameters={"durationSeconds": 900}),
    ]
    text = {"s": {"responseElements.publiclyAccessible": "true"}, "condition": "s"}
    assert matched(tmp_path, text, records) == {"json-true", "text-true"}
    boolean = {"s": {"responseElements.publiclyAccessible": True}, "condition": "s"}
    assert matched(tmp_path, boolean, records) == {"json-true", "text-true"}
    number = {"s": {"requestParameters.durationSeconds": 3600}, "condition": "s"}
    assert matched(tmp_path, number, records) == {"json-true", "text-true"}
    compare = {"s": {"requestParameters.durationSeconds|gt": 1000}, "condition": "s"}
    assert matched(tmp_path, compare, records) == {"json-true", "text-true"}
    read_only = [event("read", readOnly=True), event("write", readOnly=False)]
    assert matched(tmp_path, {"s": {"readOnly": True}, "condition": "s"}, read_only) == {"read"}
    assert matched(tmp_path, {"s": {"readOnly": "false"}, "condition": "s"}, read_only) == {"write"}


def test_keywords_search_the_whole_record(tmp_path: Path) -> None:
    records = [
        event("agent", userAgent="TruffleHog/3"),
        event("parameter", requestParameters={"note": "scanned by trufflehog"}),
        event("clean"),
    ]
    assert matched(tmp_path, {"keywords": ["TruffleHog"], "condition": "keywords"}, records) == {"agent", "parameter"}


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("selection_name and not selection_user", {"stop-bob"}),
        ("(selection_name or selection_user) and not filter", {"stop-alice", "stop-bob", "delete-alice"}),
        ("selection_name or selection_user and not filter", {"stop-alice", "stop-bob", "delete-alice"}),
        ("not (selection_name or filter)", {"delete-alice"}),
        ("1 of selection_*", {"stop-alice", "stop-bob", "delete-alice"}),
        ("all of selection_*", {"stop-alice"}),
        ("1 of them", {"stop-alice", "stop-bob", "delete-alice", "describe-root"}),
        ("all of them", set()),
        ("not 1 of selection_*", {"describe-root"}),
    ],
)
def test_conditions(tmp_path: Path, condition: str, expected: set[str]) -> None:
    records = [
        event("stop-alice", eventName="StopLogging", userIdentity__userName="alice"),
        event("stop-bob", eventName="StopLogging", userIdentity__userName="bob"),
        event("delete-alice", eventName="DeleteTrail", userIdentity__userName="alice"),
        event("describe-root", eventName="DescribeTrails", userIdentity__userName="root", userIdentity__type="Root"),
    ]
    detection = {
        "selection_name": {"eventName": "StopLogging"},
        "selection_user": {"userIdentity.userName": "alice"},
        "filter": {"userIdentity.type": "Root"},
        "condition": condition,
    }
    assert matched(tmp_path, detection, records) == expected


def test_fields_outside_the_columns_are_read_from_the_record(tmp_path: Path) -> None:
    records = [
        event("web", userIdentity__sessionContext__webIdFederationData__federatedProvider="token.actions.github.com"),
        event("status", status="success"),
        event("plain"),
    ]
    federated = {"s": {"userIdentity.sessionContext.webIdFederationData.federatedProvider|contains": "github"}}
    assert matched(tmp_path, {**federated, "condition": "s"}, records) == {"web"}
    assert matched(tmp_path, {"s": {"status": "SUCCESS"}, "condition": "s"}, records) == {"status"}


def test_time_parts_and_cased_strings(tmp_path: Path) -> None:
    early = event("early", userAgent="Boto3/1.34")
    early["eventTime"] = "2026-11-01T03:15:00Z"
    late = event("late", userAgent="boto3/1.34")
    assert matched(tmp_path, {"s": {"eventTime|hour": 3}, "condition": "s"}, [early, late]) == {"early"}
    assert matched(tmp_path, {"s": {"userAgent|cased|startswith": "Boto3"}, "condition": "s"}, [early, late]) == {
        "early"
    }
    assert matched(tmp_path, {"s": {"eventTime|startswith": "2026-11-01T03"}, "condition": "s"}, [early, late]) == {
        "early"
    }


def test_json_keys_are_found_however_the_delivered_text_spells_them(tmp_path: Path) -> None:
    """A field inside a JSON column is only parsed where the key's text occurs; escapes in the delivered
    text, a key nested deeper and the key's name as a value must not change what matches."""
    record = event(
        "x", eventName="PutBucketPolicy", eventSource="s3.amazonaws.com", requestParameters={"placeholder": 1}
    )
    base = orjson.dumps(record).decode()
    texts = {
        "plain": '{"policy":"open","n":1}',
        "escaped-key": '{"\\u0070olicy":"open"}',  # re-encoded when stored: the key reads "policy"
        "spaced": '{ "policy" : "open" }',
        "name-as-value": '{"other":"policy"}',
        "nested": '{"a":{"policy":"open"}}',
        "absent": '{"other":"open"}',
    }
    raws = [
        base.replace('"eventID":"x"', f'"eventID":"{event_id}"').replace('{"placeholder":1}', text).encode()
        for event_id, text in texts.items()
    ]
    table, rejected = records_table(raws)
    assert not rejected and table.num_rows == len(texts)
    rules = load_rules([rule_file(tmp_path, {"s": {"requestParameters.policy": "open"}, "condition": "s"})])
    (rule,) = rules.detections
    exists = load_rules(
        [rule_file(tmp_path, {"s": {"requestParameters.policy|exists": True}, "condition": "s"}, stem="exists")]
    )
    connection = duckdb.connect()
    connection.register("events", table)
    try:
        assert set(match_events(connection, rules)[rule.rule_id]) == {"plain", "escaped-key", "spaced"}
        (exists_rule,) = exists.detections
        assert set(match_events(connection, exists)[exists_rule.rule_id]) == {"plain", "escaped-key", "spaced"}
    finally:
        connection.close()
