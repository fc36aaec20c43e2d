"""Attack scenarios: each one writes labelled records with its ATT&CK techniques and the calls it names."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from cloudward.core.errors import CloudwardError
from cloudward.lab.events import SCENARIOS, EventLabel, iter_records

START = datetime(2026, 10, 5, tzinfo=UTC)
ATTACKER_ACCOUNT = "739562084613"
TECHNIQUE = re.compile(r"T\d{4}(\.\d{3})?")
TACTICS = {
    "initial-access",
    "execution",
    "persistence",
    "privilege-escalation",
    "defense-evasion",
    "credential-access",
    "discovery",
    "lateral-movement",
    "collection",
    "exfiltration",
    "impact",
}

# The records a detection keys on, per scenario: "source:EventName" of every key record.
KEY_EVENTS = {
    "root_console_login": {
        "signin:ConsoleLogin",
        "iam:GetAccountSummary",
        "iam:ListUsers",
        "s3:ListBuckets",
        "ec2:DescribeRegions",
        "secretsmanager:ListSecrets",
        "iam:CreateAccessKey",
    },
    "root_access_key_usage": {"sts:GetCallerIdentity", "s3:ListBuckets", "ec2:DescribeInstances", "iam:ListUsers"},
    "console_login_without_mfa": {"signin:ConsoleLogin"},
    "console_password_spray": {"signin:ConsoleLogin"},
    "cloudtrail_stop_logging": {"cloudtrail:StopLogging"},
    "cloudtrail_delete_trail": {"cloudtrail:DeleteTrail"},
    "cloudtrail_event_selectors_weakened": {"cloudtrail:PutEventSelectors"},
    "cloudtrail_trail_redirected": {"cloudtrail:UpdateTrail"},
    "cloudtrail_bucket_lifecycle": {"s3:PutBucketLifecycle"},
    "guardduty_detector_deleted": {"guardduty:DeleteDetector"},
    "guardduty_impaired": {"guardduty:UpdateDetector", "guardduty:CreateIPSet", "guardduty:CreateFilter"},
    "config_recorder_stopped": {
        "config:StopConfigurationRecorder",
        "config:DeleteDeliveryChannel",
        "config:DeleteConfigurationRecorder",
    },
    "vpc_flow_logs_deleted": {"ec2:DeleteFlowLogs"},
    "route53_query_logs_deleted": {
        "route53resolver:DisassociateResolverQueryLogConfig",
        "route53resolver:DeleteResolverQueryLogConfig",
    },
    "organizations_leave": {"organizations:LeaveOrganization"},
    "iam_access_key_for_other_user": {"iam:CreateAccessKey"},
    "iam_login_profile_created": {"iam:CreateLoginProfile", "signin:ConsoleLogin"},
    "iam_login_profile_updated": {"iam:UpdateLoginProfile", "signin:ConsoleLogin"},
    "iam_admin_policy_attached": {"iam:AttachUserPolicy", "iam:AttachRolePolicy"},
    "iam_inline_admin_policy": {"iam:PutUserPolicy", "iam:PutRolePolicy"},
    "iam_backdoor_user_created": {
        "iam:CreateUser",
        "iam:AttachUserPolicy",
        "iam:CreateAccessKey",
        "iam:CreateLoginProfile",
    },
    "iam_role_trust_backdoored": {"iam:UpdateAssumeRolePolicy", "sts:AssumeRole"},
    "iam_role_external_trust_created": {"iam:CreateRole", "iam:AttachRolePolicy", "sts:AssumeRole"},
    "sts_federation_token_persistence": {"sts:GetFederationToken"},
    "lambda_function_backdoor_public": {"lambda:AddPermission20150331v2", "lambda:CreateFunctionUrlConfig20211031"},
    "lambda_layer_extension": {"lambda:UpdateFunctionConfiguration20150331v2"},
    "lambda_code_overwritten": {"lambda:UpdateFunctionCode20150331v2"},
    "roles_anywhere_trust_anchor": {
        "iam:CreateRole",
        "iam:AttachRolePolicy",
        "rolesanywhere:CreateTrustAnchor",
        "rolesanywhere:CreateProfile",
    },
    "secrets_bulk_read": {"secretsmanager:GetSecretValue"},
    "secrets_batch_read": {"secretsmanager:BatchGetSecretValue"},
    "ssm_parameters_bulk_decrypt": {"ssm:GetParameters", "ssm:GetParameter"},
    "ec2_get_password_data": {"ec2:GetPasswordData"},
    "ec2_instance_credentials_exfiltrated": {
        "sts:GetCallerIdentity",
        "s3:ListBuckets",
        "ec2:DescribeInstances",
        "s3:GetObject",
        "iam:ListRoles",
    },
    "ec2_user_data_read": {"ec2:DescribeInstanceAttribute"},
    "ec2_user_data_modified": {"ec2:StopInstances", "ec2:ModifyInstanceAttribute", "ec2:StartInstances"},
    "ssm_send_command_multiple": {"ssm:SendCommand"},
    "ssm_start_session_multiple": {"ssm:StartSession"},
    "ec2_instance_connect_ssh_key": {"ec2-instance-connect:SendSSHPublicKey"},
    "ec2_serial_console_ssh_key": {
        "ec2:EnableSerialConsoleAccess",
        "ec2-instance-connect:SendSerialConsoleSSHPublicKey",
    },
    "ebs_snapshot_shared": {"ec2:ModifySnapshotAttribute"},
    "ami_shared": {"ec2:ModifyImageAttribute"},
    "rds_snapshot_shared": {"rds:ModifyDBSnapshotAttribute"},
    "s3_bucket_policy_public": {"s3:DeleteBucketPublicAccessBlock", "s3:PutBucketPolicy"},
    "s3_bucket_policy_external_account": {"s3:PutBucketPolicy"},
    "security_group_ssh_open_world": {"ec2:AuthorizeSecurityGroupIngress"},
    "gpu_instances_launched": {"ec2:RunInstances"},
    "unused_region_activity": {
        "account:EnableRegion",
        "ec2:ImportKeyPair",
        "ec2:CreateSecurityGroup",
        "ec2:AuthorizeSecurityGroupIngress",
        "ec2:RunInstances",
    },
    "trufflehog_key_validation": {"sts:GetCallerIdentity"},
    "ses_enumeration": {
        "ses:GetAccountSendingEnabled",
        "ses:GetSendQuota",
        "ses:ListIdentities",
        "ses:GetIdentityVerificationAttributes",
    },
    "s3_mass_download": {"s3:ListObjects", "s3:GetObject"},
    "s3_ransomware_individual_delete": {"s3:ListObjectVersions", "s3:DeleteObject", "s3:PutObject"},
    "s3_ransomware_batch_delete": {"s3:PutBucketVersioning", "s3:DeleteObjects", "s3:PutObject"},
    "s3_ransomware_sse_c": {"s3:CopyObject", "s3:PutObject"},
    "bedrock_llmjacking": {
        "bedrock:ListFoundationModels",
        "bedrock:GetFoundationModelAvailability",
        "bedrock:ListFoundationModelAgreementOffers",
        "bedrock:PutUseCaseForModelAccess",
        "bedrock:CreateFoundationModelAgreement",
        "bedrock:PutFoundationModelEntitlement",
        "bedrock:InvokeModel",
    },
    "sagemaker_lifecycle_config": {
        "sagemaker:StopNotebookInstance",
        "sagemaker:CreateNotebookInstanceLifecycleConfig",
        "sagemaker:UpdateNotebookInstance",
        "sagemaker:StartNotebookInstance",
    },
    "ec2_ami_deregistered": {"ec2:DeregisterImage"},
    "account_takeover_chain": {
        "signin:ConsoleLogin",
        "iam:CreateAccessKey",
        "iam:CreateUser",
        "cloudtrail:StopLogging",
    },
}
# Enumeration sweeps touch too many APIs to list; they are checked by their denials instead.
SWEEPS = {"enumeration_burst_access_denied", "ec2_enumeration_from_instance"}

Labelled = dict[str, list[tuple[dict[str, Any], EventLabel]]]


@pytest.fixture(scope="module")
def attacks() -> Labelled:
    by_scenario: Labelled = defaultdict(list)
    for record, label in iter_records(days=3, events_per_day=600, seed=21, start=START):
        if label is not None:
            by_scenario[label.scenario].append((record, label))
    return by_scenario


def _name(record: dict[str, Any]) -> str:
    return f"{record['eventSource'].split('.')[0]}:{record['eventName']}"


def test_the_contract_lists_every_scenario() -> None:
    assert set(KEY_EVENTS) | SWEEPS == set(SCENARIOS)
    for spec in SCENARIOS.values():
        assert spec.techniques and all(TECHNIQUE.fullmatch(t) for t in spec.techniques)
        assert spec.tactic in TACTICS
        assert len(spec.description) > 40


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_each_scenario_writes_labelled_records_with_its_techniques(attacks: Labelled, name: str) -> None:
    records = attacks[name]
    assert records, f"{name} wrote nothing"
    keys = {_name(record) for record, label in records if label.key}
    assert keys, f"{name} has no key record"
    if name in KEY_EVENTS:
        assert keys == KEY_EVENTS[name]
    for record, label in records:
        assert label.event_id == record["eventID"]
        assert label.techniques == SCENARIOS[name].techniques
        assert label.phase in TACTICS
        assert json.loads(json.dumps(label.to_json()))["scenario"] == name


def test_enumeration_sweeps_are_mostly_denied(attacks: Labelled) -> None:
    for name in SWEEPS:
        records = [record for record, _label in attacks[name]]
        denied = [
            r
            for r in records
            if r.get("errorCode") in {"AccessDenied", "AccessDeniedException", "Client.UnauthorizedOperation"}
        ]
        assert len(denied) / len(records) > 0.5, name
        assert len({r["eventSource"] for r in records}) >= 5, name


def _key_records(attacks: Labelled, name: str) -> list[dict[str, Any]]:
    return [record for record, label in attacks[name] if label.key]


def test_distinguishing_fields_of_the_key_records(attacks: Labelled) -> None:
    (login,) = [r for r in _key_records(attacks, "console_login_without_mfa")]
    assert login["additionalEventData"]["MFAUsed"] == "No"
    assert login["userIdentity"]["type"] == "IAMUser"
    assert {r["userIdentity"]["type"] for r in _key_records(attacks, "root_console_login")} == {"Root"}
    spray = _key_records(attacks, "console_password_spray")
    assert all(r["errorMessage"] == "Failed authentication" for r in spray)
    assert len({r["sourceIPAddress"] for r in spray}) == 1
    (selectors,) = _key_records(attacks, "cloudtrail_event_selectors_weakened")
    assert selectors["requestParameters"]["eventSelectors"][0]["includeManagementEvents"] is False
    (lifecycle,) = _key_records(attacks, "cloudtrail_bucket_lifecycle")
    rule = lifecycle["requestParameters"]["LifecycleConfiguration"]["Rule"]
    assert lifecycle["requestParameters"]["bucketName"] == "acme-access-logs" and rule["Expiration"]["Days"] == 1
    update = next(r for r in _key_records(attacks, "guardduty_impaired") if r["eventName"] == "UpdateDetector")
    assert update["requestParameters"]["enable"] is False
    key = next(r for r in _key_records(attacks, "iam_access_key_for_other_user"))
    assert key["requestParameters"]["userName"] == "frank"
    assert not key["userIdentity"]["arn"].endswith("/frank")
    for r in _key_records(attacks, "iam_admin_policy_attached"):
        assert r["requestParameters"]["policyArn"] == "arn:aws:iam::aws:policy/AdministratorAccess"
    trust = next(
        r for r in _key_records(attacks, "iam_role_trust_backdoored") if r["eventName"] == "UpdateAssumeRolePolicy"
    )
    assert ATTACKER_ACCOUNT in trust["requestParameters"]["policyDocument"]
    assume = next(r for r in _key_records(attacks, "iam_role_trust_backdoored") if r["eventName"] == "AssumeRole")
    assert assume["userIdentity"] == {
        "type": "AWSAccount",
        "principalId": assume["userIdentity"]["principalId"],
        "accountId": ATTACKER_ACCOUNT,
    }
    assert assume["sharedEventID"]
    public = next(
        r
        for r in _key_records(attacks, "lambda_function_backdoor_public")
        if r["eventName"].startswith("AddPermission")
    )
    assert public["requestParameters"]["principal"] == "*"
    (layer,) = _key_records(attacks, "lambda_layer_extension")
    assert ATTACKER_ACCOUNT in layer["requestParameters"]["layers"][0]
    (code,) = _key_records(attacks, "lambda_code_overwritten")
    assert "s3Bucket" not in code["requestParameters"]
    for name, account in (("ebs_snapshot_shared", "userId"), ("ami_shared", "userId")):
        (share,) = _key_records(attacks, name)
        permission = (
            share["requestParameters"].get("createVolumePermission") or share["requestParameters"]["launchPermission"]
        )
        assert permission["add"]["items"] == [{account: ATTACKER_ACCOUNT}]
    (rds,) = _key_records(attacks, "rds_snapshot_shared")
    assert rds["requestParameters"]["valuesToAdd"] == [ATTACKER_ACCOUNT]
    policy = next(r for r in _key_records(attacks, "s3_bucket_policy_public") if r["eventName"] == "PutBucketPolicy")
    assert policy["requestParameters"]["bucketPolicy"]["Statement"][0]["Principal"] == "*"
    rules = _key_records(attacks, "security_group_ssh_open_world")
    assert {json.dumps(r["requestParameters"]).count("0.0.0.0/0") for r in rules} == {1}
    gpus = {r["requestParameters"]["instanceType"] for r in _key_records(attacks, "gpu_instances_launched")}
    assert gpus == {"p5.48xlarge", "g5.12xlarge", "p4d.24xlarge"}
    (truffle,) = _key_records(attacks, "trufflehog_key_validation")
    assert truffle["userAgent"] == "TruffleHog"
    copies = [r for r in _key_records(attacks, "s3_ransomware_sse_c") if r["eventName"] == "CopyObject"]
    assert all(r["requestParameters"]["x-amz-server-side-encryption-customer-algorithm"] == "AES256" for r in copies)
    assert len(_key_records(attacks, "s3_mass_download")) > 300
    assert {r["eventName"] for r in _key_records(attacks, "secrets_bulk_read")} == {"GetSecretValue"}
    assert len({r["requestParameters"]["secretId"] for r in _key_records(attacks, "secrets_bulk_read")}) >= 20
    regions = {r["awsRegion"] for r in _key_records(attacks, "unused_region_activity")}
    assert {"sa-east-1", "ap-southeast-1"} <= regions


def test_stolen_instance_credentials_match_the_instances_own_session() -> None:
    inside: dict[str, set[str]] = defaultdict(set)
    outside: list[dict[str, Any]] = []
    for record, label in iter_records(
        days=2, events_per_day=2_000, seed=4, scenarios=["ec2_instance_credentials_exfiltrated"]
    ):
        identity = record["userIdentity"]
        if identity.get("type") != "AssumedRole" or not identity["arn"].endswith(tuple("0123456789abcdef")):
            continue
        if label is None:
            inside[identity["accessKeyId"]].add(record["sourceIPAddress"])
        else:
            outside.append(record)
    assert outside
    for record in outside:
        key = record["userIdentity"]["accessKeyId"]
        assert key in inside, "the attacker replays the instance's own session"
        assert record["sourceIPAddress"] not in inside[key]


def test_no_scenarios_means_no_labels_and_the_same_benign_records() -> None:
    benign_only = list(iter_records(days=1, events_per_day=1_000, seed=9, scenarios=[]))
    assert all(label is None for _record, label in benign_only)
    with_attacks = list(iter_records(days=1, events_per_day=1_000, seed=9))
    assert any(label is not None for _record, label in with_attacks)
    assert [r["eventID"] for r, label in with_attacks if label is None] == [r["eventID"] for r, _ in benign_only]


def test_attack_times_place_a_scenario() -> None:
    at = START + timedelta(hours=30)
    records = [
        record
        for record, label in iter_records(
            days=2,
            events_per_day=500,
            scenarios=["cloudtrail_stop_logging"],
            attack_times={"cloudtrail_stop_logging": at},
        )
        if label is not None
    ]
    first = min(datetime.strptime(r["eventTime"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC) for r in records)
    assert at <= first < at + timedelta(minutes=2)


def test_unknown_attack_time_scenario_is_refused() -> None:
    with pytest.raises(CloudwardError, match="attack_times"):
        next(iter_records(days=1, events_per_day=500, attack_times={"nope": START}))
