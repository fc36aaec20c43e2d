"""Secrets in cloud configuration values: records keep findings, never values (secret_values and the specs).

The fake credentials are built at run time from a hash (``fake``), never written here.
"""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Iterator
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from typing import Any

import pytest

from cloudward.lab.fakes import ALNUM, BASE32, BASE64, PASSWORD_CHARS, fake
from cloudward.providers.aws import secret_values
from cloudward.providers.aws.secret_values import (
    MAX_USER_DATA_BYTES,
    literal_value,
    scan_user_data,
    scan_value,
    scan_values,
    secret_word,
)
from cloudward.providers.aws.spec import Context
from cloudward.providers.aws.specs.apigateway import redact_stage_variables
from cloudward.providers.aws.specs.cloudformation import redact_stack
from cloudward.providers.aws.specs.ec2_extra import launch_template_user_data
from cloudward.providers.aws.specs.ecs import redact_task_definition, task_definition_name
from cloudward.providers.aws.specs.lambda_ import redact_environment
from cloudward.providers.aws.specs.ssm import parameter_arn, parameter_value, read_plaintext_value
from cloudward.secrets.fingerprint import FingerprintKey
from cloudward.secrets.model import SecretFinding
from cloudward.secrets.scanner import SecretScanner

KEY = FingerprintKey(bytes(range(32)))
KEY_ID = "AKIA" + fake("unit-key-id", BASE32, 16)
SECRET_KEY = fake("unit-secret-key", BASE64, 40)
PASSWORD = fake("unit-password", PASSWORD_CHARS, 20)
STRIPE = "sk_" + "live_" + fake("unit-stripe", ALNUM, 24)
FAKES = (KEY_ID, SECRET_KEY, PASSWORD, STRIPE)


@pytest.fixture(autouse=True)
def keyed_scanner() -> Iterator[None]:
    secret_values.use_scanner(SecretScanner(KEY))
    yield
    secret_values.use_scanner(None)


def _no_fake_in(kept: Any) -> None:
    text = json.dumps(kept, default=str)
    for value in FAKES:
        assert value not in text
        assert value[4:12] not in text  # not even a slice past the 4-character redacted prefix


def _detectors(record: dict[str, Any]) -> set[str]:
    return {found["detector"] for found in record["findings"]}


def test_a_value_becomes_its_length_and_findings() -> None:
    record = scan_value(STRIPE, "Environment.Variables.PAYMENTS", "PAYMENTS")
    assert record["length"] == len(STRIPE)
    assert _detectors(record) == {"stripe-key"}
    (found,) = record["findings"]
    assert set(found) == {"detector", "confidence", "redacted", "fingerprint"}
    assert found["fingerprint"] == KEY.fingerprint(STRIPE)
    assert len(found["redacted"].rstrip("…")) <= 4
    _no_fake_in(record)


def test_the_name_is_assignment_context_and_plain_settings_have_no_findings() -> None:
    records = scan_values({"DB_PASSWORD": PASSWORD, "LOG_LEVEL": "info", "TABLE": "orders"}, "Environment.Variables")
    assert records["DB_PASSWORD"]["findings"], "a random value under a password name is a password"
    assert records["LOG_LEVEL"] == {"length": 4, "findings": []}
    assert records["TABLE"] == {"length": 6, "findings": []}
    _no_fake_in(records)


class _BrokenScanner(SecretScanner):
    """A scanner whose scan fails with the value in its message: the record must not carry the message."""

    def scan_value(self, value: str, location: str, context: str = "") -> list[SecretFinding]:
        raise ValueError(f"cannot scan {value}")

    def scan_bytes(self, data: bytes, location: str, *, rel_path: str | None = None) -> list[SecretFinding]:
        raise ValueError(f"cannot scan {data!r}")


def test_a_failed_scan_is_recorded_without_the_message() -> None:
    secret_values.use_scanner(_BrokenScanner(KEY))
    record = scan_value(PASSWORD, "x", "DB_PASSWORD")
    assert record == {"length": len(PASSWORD), "error": "secret scan failed (ValueError)"}
    user_data = scan_user_data(base64.b64encode(PASSWORD.encode()).decode(), "userData")
    assert user_data is not None and user_data["error"] == "secret scan failed (ValueError)"
    assert "findings" not in user_data


def _script() -> bytes:
    return (
        f"#!/bin/bash\nset -e\nexport AWS_ACCESS_KEY_ID={KEY_ID}\nexport AWS_SECRET_ACCESS_KEY={SECRET_KEY}\n"
    ).encode()


def test_user_data_plain_and_gzip_give_the_same_findings_with_lines() -> None:
    plain = scan_user_data(base64.b64encode(_script()).decode(), "userData")
    compressed = scan_user_data(base64.b64encode(gzip.compress(_script())).decode(), "userData")
    assert plain is not None and compressed is not None
    assert plain["encoding"] == "text" and compressed["encoding"] == "gzip"
    assert plain["length"] == len(_script())
    assert "aws-access-key" in _detectors(plain)
    assert plain["findings"] == compressed["findings"]
    assert {found["line"] for found in plain["findings"]} <= {3, 4}
    _no_fake_in([plain, compressed])


def test_user_data_multipart_parts_are_decoded_and_numbered() -> None:
    document = MIMEMultipart()
    document.attach(MIMEText("#!/bin/bash\necho hello\n", "x-shellscript"))
    config = f"#cloud-config\nruncmd:\n  - echo DATABASE_URL=postgres://app:{PASSWORD}@db.internal:5432/app\n"
    document.attach(MIMEApplication(gzip.compress(config.encode()), "x-cloud-config+gzip"))
    record = scan_user_data(base64.b64encode(gzip.compress(document.as_bytes())).decode(), "userData")
    assert record is not None
    assert record["encoding"] == "gzip+multipart"
    assert "url-password" in _detectors(record)
    assert {found["part"] for found in record["findings"]} == {2}
    _no_fake_in(record)


def test_user_data_absent_undecodable_and_oversized() -> None:
    assert scan_user_data(None, "userData") is None
    assert scan_user_data("", "userData") is None
    broken = scan_user_data(base64.b64encode(b"\x1f\x8b" + b"not gzip at all").decode(), "userData")
    assert broken is not None and broken["error"].startswith("user data could not be decoded")
    bomb = gzip.compress(b"\0" * (MAX_USER_DATA_BYTES + 4096))
    record = scan_user_data(base64.b64encode(bomb).decode(), "userData")
    assert record is not None and record["truncated"] is True and record["findings"] == []


@pytest.mark.parametrize(
    ("name", "word"),
    [
        ("/prod/db/password", "password"),
        ("DB_PASSWORD", "password"),
        ("apiToken", "token"),
        ("/partner/api-key", "apikey"),
        ("stripe_secret", "secret"),
        ("/app/credentials", "credential"),
        ("DB_PASSWORD_SECRET_ARN", None),
        ("/app/token-ttl", None),
        ("password_length", None),
        ("/app/password-policy", None),
        ("/app/log-level", None),
    ],
)
def test_secret_word(name: str, word: str | None) -> None:
    assert secret_word(name) == word


@pytest.mark.parametrize(
    ("value", "literal"),
    [
        (PASSWORD, True),
        ("short", False),
        ("arn:aws:secretsmanager:us-east-1:123456789012:secret:x", False),
        ("{{resolve:ssm-secure:/x}}", False),
        ("${DB_PASSWORD}", False),
        ("https://api.example.com/v1", False),
        ("1234567890", False),
    ],
)
def test_literal_value(value: str, literal: bool) -> None:
    assert literal_value(value) is literal


def test_lambda_and_stage_variables_keep_names_only() -> None:
    item = {"FunctionName": "f", "Environment": {"Variables": {"DB_PASSWORD": PASSWORD, "MODE": "batch"}}}
    redacted = redact_environment(item)
    assert set(redacted["Environment"]["Variables"]) == {"DB_PASSWORD", "MODE"}
    assert redacted["Environment"]["Variables"]["MODE"] == {"length": 5, "findings": []}
    stage = redact_stage_variables({"stageName": "prod", "variables": {"paymentsKey": STRIPE}})
    assert _detectors(stage["variables"]["paymentsKey"]) == {"stripe-key"}
    assert redact_stage_variables({"stageName": "dev"}) == {"stageName": "dev"}
    _no_fake_in([redacted, stage])


def test_ecs_container_values_are_scanned_and_references_kept() -> None:
    reference = "arn:aws:ssm:us-east-1:123456789012:parameter/app/db-password"
    response = {
        "taskDefinition": {
            "taskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/app:3",
            "containerDefinitions": [
                {
                    "name": "app",
                    "environment": [{"name": "STRIPE_KEY", "value": STRIPE}, {"name": "MODE", "value": "web"}],
                    "secrets": [{"name": "DB_PASSWORD", "valueFrom": reference}],
                    "command": ["sh", "-c", f"curl -H 'X-Key: {SECRET_KEY}' https://example.com"],
                    "dockerLabels": {"team": "payments"},
                    "logConfiguration": {"logDriver": "splunk", "options": {"splunk-token": PASSWORD}},
                }
            ],
        },
        "tags": [{"key": "app", "value": "payments"}],
    }
    kept = redact_task_definition(response)
    (container,) = kept["containerDefinitions"]
    assert _detectors(container["environment"][0]["value"]) == {"stripe-key"}
    assert container["environment"][1] == {"name": "MODE", "value": {"length": 3, "findings": []}}
    assert container["secrets"] == [{"name": "DB_PASSWORD", "valueFrom": reference}]
    assert set(container["command"]) == {"length", "findings"}
    assert container["dockerLabels"] == {"team": {"length": 8, "findings": []}}
    assert container["logConfiguration"]["logDriver"] == "splunk"
    assert set(container["logConfiguration"]["options"]["splunk-token"]) == {"length", "findings"}
    assert kept["tags"] == [{"key": "app", "value": "payments"}]
    assert task_definition_name(kept["taskDefinitionArn"]) == "app:3"
    _no_fake_in(kept)


class _RecordingSsm:
    def __init__(self, value: str) -> None:
        self.value = value
        self.calls: list[dict[str, Any]] = []

    def get_parameter(self, **params: Any) -> dict[str, Any]:
        self.calls.append(params)
        return {"Parameter": {"Name": params["Name"], "Type": "String", "Value": self.value}}


def test_ssm_reads_plaintext_types_without_decryption_and_never_a_secure_string() -> None:
    client = _RecordingSsm(PASSWORD)
    assert parameter_value(read_plaintext_value(client, {"Name": "/app/secure", "Type": "SecureString"})) is None
    assert client.calls == []
    record = parameter_value(read_plaintext_value(client, {"Name": "/app/db-password", "Type": "String"}))
    assert client.calls == [{"Name": "/app/db-password", "WithDecryption": False}]
    assert record is not None and record["literal"] is True and record["findings"]
    _no_fake_in(record)
    ctx = Context("123456789012", "us-east-1")
    assert (
        parameter_arn({"Name": "/app/db-password"}, ctx)
        == "arn:aws:ssm:us-east-1:123456789012:parameter/app/db-password"
    )
    assert parameter_arn({"Name": "plain"}, ctx) == "arn:aws:ssm:us-east-1:123456789012:parameter/plain"


def test_cloudformation_parameters_and_outputs_become_records() -> None:
    item = {
        "StackName": "s",
        "Parameters": [
            {"ParameterKey": "DbPassword", "ParameterValue": PASSWORD},
            {"ParameterKey": "Hidden", "ParameterValue": "****"},
            {"ParameterKey": "Ami", "ParameterValue": "/aws/service/ami", "ResolvedValue": "ami-0123456789abcdef0"},
        ],
        "Outputs": [{"OutputKey": "Url", "OutputValue": f"postgres://app:{PASSWORD}@db:5432/app", "ExportName": "u"}],
    }
    kept = redact_stack(item)
    password, hidden, ami = kept["Parameters"]
    assert password["ParameterValue"]["findings"]
    assert hidden["NoEcho"] is True and hidden["ParameterValue"]["findings"] == []
    assert ami["ResolvedValue"] == {"length": 21, "findings": []}
    (output,) = kept["Outputs"]
    assert "url-password" in _detectors(output["OutputValue"]) and output["ExportName"] == "u"
    assert redact_stack({"StackName": "bare"}) == {"StackName": "bare"}
    _no_fake_in(kept)


def test_launch_template_versions_are_deduplicated_and_labelled() -> None:
    encoded = base64.b64encode(_script()).decode()
    response = {
        "LaunchTemplateVersions": [
            {"VersionNumber": 1, "DefaultVersion": True, "LaunchTemplateData": {"InstanceType": "t3.micro"}},
            {"VersionNumber": 3, "DefaultVersion": False, "LaunchTemplateData": {"UserData": encoded}},
        ]
    }
    default, latest = launch_template_user_data(response)
    assert default == {"VersionNumber": 1, "DefaultVersion": True, "LatestVersion": False, "UserData": None}
    assert latest["LatestVersion"] is True and "aws-access-key" in _detectors(latest["UserData"])
    same = {"LaunchTemplateVersions": [response["LaunchTemplateVersions"][0]] * 2}
    assert launch_template_user_data(same) == [{**default, "LatestVersion": True}]
    _no_fake_in(latest)
