"""run_rules: matches grouped into alerts per rule, principal and window, with the rule's metadata."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cloudward.checks.model import Severity
from cloudward.detect.sigma import load_rules, run_rules
from tests.detect.sigma_oracle import SIGMA_AWS, event, event_store, rule_file

START = datetime(2026, 11, 1, 10, 30, tzinfo=UTC)
STOP_LOGGING = {
    "selection": {"eventSource": "cloudtrail.amazonaws.com", "eventName": "StopLogging"},
    "condition": "selection",
}


def at(record: dict[str, Any], moment: datetime) -> dict[str, Any]:
    """The record with its eventTime set."""
    record["eventTime"] = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return record


def stop(
    event_id: str, moment: datetime, arn: str = "arn:aws:iam::111122223333:user/alice", **fields: Any
) -> dict[str, Any]:
    """A StopLogging call."""
    return at(
        event(
            event_id, eventSource="cloudtrail.amazonaws.com", eventName="StopLogging", userIdentity__arn=arn, **fields
        ),
        moment,
    )


def test_one_alert_per_rule_principal_and_window(tmp_path: Path) -> None:
    rules = load_rules([rule_file(tmp_path, STOP_LOGGING)])
    records = [stop(f"a{index:03d}", START + timedelta(seconds=7 * index)) for index in range(500)]
    records += [
        stop(f"b{index}", START + timedelta(minutes=index), "arn:aws:iam::111122223333:user/bob") for index in range(3)
    ]
    records += [stop(f"late{index}", START + timedelta(hours=2, minutes=index)) for index in range(2)]
    with event_store(records) as connection:
        found = run_rules(connection, rules)
    by_count = sorted((len(alert.event_ids), alert.principal.rsplit("/", 1)[-1]) for alert in found)
    assert by_count == [(2, "alice"), (3, "bob"), (500, "alice")]
    (big,) = [alert for alert in found if len(alert.event_ids) == 500]
    assert big.event_ids == tuple(f"a{index:03d}" for index in range(500))
    assert big.first_seen == START
    assert big.last_seen == START + timedelta(seconds=7 * 499)


def test_a_shorter_group_window_splits_alerts(tmp_path: Path) -> None:
    rules = load_rules([rule_file(tmp_path, STOP_LOGGING)])
    records = [stop(f"a{index}", START + timedelta(minutes=index)) for index in range(30)]
    with event_store(records) as connection:
        found = run_rules(connection, rules, group_window=timedelta(minutes=10))
    assert [len(alert.event_ids) for alert in found] == [10, 10, 10]


def test_alert_carries_the_rule_metadata_principal_place_and_resources(tmp_path: Path) -> None:
    detection = {"selection": {"eventName": ["DeleteBucket", "PutBucketPolicy"]}, "condition": "selection"}
    path = rule_file(
        tmp_path,
        detection,
        stem="bucket",
        name="cloudward.bucket_tampering",
        title="Bucket tampering",
        level="critical",
        tags=["attack.impact", "attack.t1485", "attack.defense-evasion", "attack.t1562.008", "attack.g0016"],
    )
    rules = load_rules([path])
    records = [
        at(
            event("e1", eventName="PutBucketPolicy", requestParameters={"bucketName": "logs"}, awsRegion="eu-west-1"),
            START,
        ),
        at(
            event("e2", eventName="DeleteBucket", requestParameters={"bucketName": "data"}),
            START + timedelta(minutes=1),
        ),
    ]
    with event_store(records) as connection:
        (alert,) = run_rules(connection, rules, source="builtin")
    assert alert.rule_id == "cloudward.bucket_tampering"
    assert alert.title == "Bucket tampering"
    assert alert.severity is Severity.CRITICAL
    assert alert.techniques == ("T1485", "T1562.008")
    assert alert.tactics == ("impact", "defense-evasion")
    assert alert.source == "builtin"
    assert alert.principal == "arn:aws:iam::111122223333:user/alice"
    assert alert.account_id == "111122223333"
    assert alert.region == "eu-west-1"
    assert alert.event_ids == ("e1", "e2")
    assert alert.resources == ("data", "logs")
    for part in (
        "Bucket tampering",
        "cloudward.bucket_tampering",
        "user/alice",
        "DeleteBucket",
        "PutBucketPolicy",
        "2 records",
    ):
        assert part in alert.description


def test_principal_falls_back_from_arn_to_principal_id_to_type(tmp_path: Path) -> None:
    rules = load_rules([rule_file(tmp_path, STOP_LOGGING)])
    service = stop("service", START)
    service["userIdentity"] = {"type": "AWSService", "invokedBy": "cloudtrail.amazonaws.com"}
    anonymous = stop("anonymous", START)
    del anonymous["userIdentity"]
    by_id = stop("by-id", START)
    by_id["userIdentity"] = {"type": "AssumedRole", "principalId": "AROAEXAMPLE:session"}
    with event_store([stop("arn", START), service, anonymous, by_id]) as connection:
        principals = {alert.event_ids[0]: alert.principal for alert in run_rules(connection, rules)}
    assert principals == {
        "arn": "arn:aws:iam::111122223333:user/alice",
        "by-id": "AROAEXAMPLE:session",
        "service": "AWSService",
        "anonymous": "unknown",
    }


def test_since_and_until_bound_the_records(tmp_path: Path) -> None:
    rules = load_rules([rule_file(tmp_path, STOP_LOGGING)])
    records = [stop(f"h{hour}", START + timedelta(hours=hour)) for hour in range(4)]
    with event_store(records) as connection:
        found = run_rules(connection, rules, since=START + timedelta(hours=1), until=START + timedelta(hours=3))
    assert [alert.event_ids for alert in found] == [("h1",), ("h2",)]


def test_sigmahq_rules_run_unchanged_and_leave_no_temporary_tables(tmp_path: Path) -> None:
    rules = load_rules(sorted(SIGMA_AWS.glob("*.yml")))
    assert len(rules.rules) == 57
    records = [
        stop("stop", START),
        at(
            event(
                "console",
                eventName="ConsoleLogin",
                additionalEventData={"MFAUsed": "No"},
                responseElements={"ConsoleLogin": "Success"},
            ),
            START,
        ),
    ]
    with event_store(records) as connection:
        found = run_rules(connection, rules)
        leftovers = connection.execute("SELECT table_name FROM duckdb_tables() WHERE temporary").fetchall()
    titles = {alert.title: alert for alert in found}
    assert titles["AWS CloudTrail Important Change"].event_ids == ("stop",)
    assert titles["AWS CloudTrail Important Change"].severity is Severity.MEDIUM
    assert titles["AWS Successful Console Login Without MFA"].event_ids == ("console",)
    assert titles["AWS Successful Console Login Without MFA"].techniques == ("T1078.004",)
    assert leftovers == []


def test_an_empty_store_and_an_empty_rule_set(tmp_path: Path) -> None:
    rules = load_rules([rule_file(tmp_path, STOP_LOGGING)])
    with event_store([]) as connection:
        assert run_rules(connection, rules) == []
        assert run_rules(connection, load_rules([])) == []


def test_many_rules_share_one_scan(tmp_path: Path) -> None:
    """More rules than one bitmask column holds, anchored and not: each matches exactly its own records."""
    for index in range(70):
        detection = {"selection": {"eventName": f"Call{index}"}, "condition": "selection"}
        rule_file(tmp_path, detection, stem=f"named{index}")
        free = {"selection": {"userAgent": f"agent-{index}"}, "condition": "selection"}
        rule_file(tmp_path, free, stem=f"free{index}")
    rules = load_rules([tmp_path])
    assert len(rules.detections) == 140
    records = [at(event(f"call{index}", eventName=f"Call{index}"), START) for index in range(70)]
    records += [at(event(f"agent{index}", userAgent=f"agent-{index}"), START) for index in range(70)]
    with event_store(records) as connection:
        found = run_rules(connection, rules)
    by_rule = {alert.title.removeprefix("Test rule "): alert.event_ids for alert in found}
    assert by_rule == {
        **{f"named{index}": (f"call{index}",) for index in range(70)},
        **{f"free{index}": (f"agent{index}",) for index in range(70)},
    }


def test_sigmahq_rules_that_misbehave_on_real_cloudtrail_records() -> None:
    """Why cloudward ships its own rules for these: on records shaped as CloudTrail writes them, two
    SigmaHQ rules alert on the benign self-service case their filter was meant to remove, and two can
    never fire. (Sigma semantics, identical to pysigma-backend-sqlite: see test_sigma_oracle.)"""
    alice = "arn:aws:iam::111122223333:user/alice"
    records = [
        # alice rotates her own key: the filter compares the ARN with the literal text
        # "responseElements.accessKey.userName" (a missing |fieldref), so it never removes anything.
        event(
            "own-key",
            eventSource="iam.amazonaws.com",
            eventName="CreateAccessKey",
            userIdentity__arn=alice,
            responseElements={"accessKey": {"userName": "alice", "status": "Active"}},
        ),
        # alice changes her own password: |fieldref compares an ARN with a bare user name, never equal.
        event(
            "own-password",
            eventSource="iam.amazonaws.com",
            eventName="UpdateLoginProfile",
            userIdentity__arn=alice,
            requestParameters={"userName": "alice", "passwordResetRequired": False},
        ),
        # A SAML provider deleted: CloudTrail records have no top-level "status" field.
        event(
            "saml",
            eventSource="iam.amazonaws.com",
            eventName="DeleteSAMLProvider",
            requestParameters={"sAMLProviderArn": "arn:aws:iam::111122223333:saml-provider/okta"},
        ),
        # A task definition reading the credential endpoint: containerDefinitions is an array.
        event(
            "task",
            eventSource="ecs.amazonaws.com",
            eventName="RegisterTaskDefinition",
            requestParameters={
                "family": "job",
                "containerDefinitions": [
                    {
                        "name": "job",
                        "command": ["/bin/sh", "-c", "curl 169.254.170.2$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"],
                    }
                ],
            },
        ),
    ]
    files = {
        "backdoor": SIGMA_AWS / "aws_iam_backdoor_users_keys.yml",
        "login": SIGMA_AWS / "aws_update_login_profile.yml",
        "saml": SIGMA_AWS / "aws_delete_saml_provider.yml",
        "ecs": SIGMA_AWS / "aws_ecs_task_definition_cred_endpoint_query.yml",
    }
    rules = load_rules(list(files.values()))
    with event_store(records) as connection:
        matched = {alert.rule_id: alert.event_ids for alert in run_rules(connection, rules)}
    by_file = {rule.path.name if rule.path else "": rule.rule_id for rule in rules.rules}
    assert matched.get(by_file[files["backdoor"].name]) == ("own-key",)
    assert matched.get(by_file[files["login"].name]) == ("own-password",)
    assert by_file[files["saml"].name] not in matched
    assert by_file[files["ecs"].name] not in matched


def test_rule_sets_added_together_run_in_one_pass_with_their_own_source(tmp_path: Path) -> None:
    builtin_dir, sigma_dir = tmp_path / "builtin", tmp_path / "sigma"
    builtin_dir.mkdir()
    sigma_dir.mkdir()
    rule_file(builtin_dir, STOP_LOGGING, stem="stop", name="cloudward.cloudtrail_stopped")
    rule_file(sigma_dir, STOP_LOGGING, stem="stop")
    rule_file(sigma_dir, STOP_LOGGING, stem="again", name="cloudward.cloudtrail_stopped")
    rules = load_rules([builtin_dir], source="builtin") + load_rules([sigma_dir], source="sigma")
    assert [error.message for error in rules.errors] == ["duplicate rule id 'cloudward.cloudtrail_stopped'"]
    with event_store([stop("e1", START)]) as connection:
        found = run_rules(connection, rules)
    assert sorted((alert.source, alert.rule_id == "cloudward.cloudtrail_stopped") for alert in found) == [
        ("builtin", True),
        ("sigma", False),
    ]


def test_alerts_of_rules_without_anchor_name_resources_too(tmp_path: Path) -> None:
    """A rule without eventName/eventSource condition keeps no request parameters in its scan: they are
    read back for the alert's first records."""
    rules = load_rules([rule_file(tmp_path, {"selection": {"userIdentity.type": "Root"}, "condition": "selection"})])
    root = at(event("root", eventName="PutBucketPolicy", requestParameters={"bucketName": "payroll"}), START)
    root["userIdentity"] = {"type": "Root", "arn": "arn:aws:iam::111122223333:root"}
    with event_store([root, at(event("user", requestParameters={"bucketName": "other"}), START)]) as connection:
        (alert,) = run_rules(connection, rules)
    assert alert.event_ids == ("root",)
    assert alert.resources == ("payroll",)


def test_records_at_the_same_second_are_ordered_by_event_id(tmp_path: Path) -> None:
    """Ties in eventTime are common (CloudTrail has one-second precision): the first record, whose place
    the alert names, and the sampled calls and resources are chosen by eventID, so a re-run says the same."""
    rules = load_rules([rule_file(tmp_path, STOP_LOGGING)])
    regions = ["eu-west-1", "us-east-1", "ap-south-1", "sa-east-1", "ca-central-1", "eu-north-1"]
    records = [
        stop(f"id-{index:02d}", START, awsRegion=regions[index % len(regions)], requestParameters={"name": f"t{index}"})
        for index in reversed(range(24))
    ]
    connection = event_store(records)
    try:
        (alert,) = run_rules(connection, rules)
    finally:
        connection.close()
    assert alert.event_ids == tuple(f"id-{index:02d}" for index in range(24))
    assert alert.region == "eu-west-1"  # that of id-00
    # the resources come from the first ten records by eventID: t0 ... t9
    assert alert.resources == tuple(sorted(f"t{index}" for index in range(10)))
