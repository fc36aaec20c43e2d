"""Generated CloudTrail records have AWS's shapes, and the benign mix looks like a small company's."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from cloudward.lab import LAB_ACCOUNT_ID
from cloudward.lab.events import iter_records

START = datetime(2026, 10, 5, tzinfo=UTC)
DAYS = 7
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
KEY_ID = re.compile(r"(AKIA|ASIA)[A-Z2-7]{16}")
ARN = re.compile(r"arn:aws:(iam|sts)::\d{12}:\S+")
DENIED = {"AccessDenied", "AccessDeniedException", "Client.UnauthorizedOperation"}
REQUIRED = (
    "eventVersion",
    "userIdentity",
    "eventTime",
    "eventSource",
    "eventName",
    "awsRegion",
    "sourceIPAddress",
    "userAgent",
    "requestParameters",
    "responseElements",
    "eventID",
    "readOnly",
    "eventType",
    "managementEvent",
    "recipientAccountId",
    "eventCategory",
)


@pytest.fixture(scope="module")
def week() -> list[tuple[dict[str, Any], Any]]:
    return list(iter_records(days=DAYS, events_per_day=2_500, seed=3, start=START))


def _check_session_context(context: dict[str, Any], *, issuer: str | None) -> None:
    attributes = context["attributes"]
    assert attributes["mfaAuthenticated"] in {"true", "false"}
    assert TIME.fullmatch(attributes["creationDate"])
    if issuer is not None:
        assert context["sessionIssuer"]["type"] == issuer
        assert ARN.fullmatch(context["sessionIssuer"]["arn"])


def _check_identity(identity: dict[str, Any]) -> None:
    kind = identity.get("type")
    if kind == "IAMUser":
        if "arn" in identity:  # a failed sign-in names the user without an ARN
            assert identity["arn"] == f"arn:aws:iam::{LAB_ACCOUNT_ID}:user/{identity['userName']}"
        assert identity["userName"]
        assert identity.get("principalId", "AIDA").startswith("AIDA")
        if identity.get("accessKeyId"):
            assert KEY_ID.fullmatch(identity["accessKeyId"])
        if "sessionContext" in identity:
            _check_session_context(identity["sessionContext"], issuer=None)
    elif kind == "AssumedRole":
        role, session = identity["arn"].split("assumed-role/", 1)[1].split("/", 1)
        assert identity["principalId"].endswith(f":{session}")
        assert identity["accessKeyId"].startswith("ASIA")
        context = identity["sessionContext"]
        _check_session_context(context, issuer="Role")
        assert context["sessionIssuer"]["userName"] == role
        if session.startswith("i-"):  # EC2 instance credentials
            assert context["ec2RoleDelivery"] in {"1.0", "2.0"}
    elif kind == "Root":
        assert identity["arn"] == f"arn:aws:iam::{LAB_ACCOUNT_ID}:root"
    elif kind == "AWSService":
        assert identity["invokedBy"].endswith(".amazonaws.com")
    elif kind == "AWSAccount":
        assert re.fullmatch(r"\d{12}|anonymous", identity["accountId"])
    elif kind == "FederatedUser":
        assert ":federated-user/" in identity["arn"]
        _check_session_context(identity["sessionContext"], issuer="IAMUser")
    elif kind == "SAMLUser":
        assert ":saml-provider/" in identity["identityProvider"]
    elif kind == "WebIdentityUser":
        assert ":oidc-provider/" in identity["identityProvider"]
    elif "invokedBy" in identity:  # an AWS service event (KMS rotating a key)
        assert identity["accountId"] == LAB_ACCOUNT_ID
    else:
        pytest.fail(f"unexpected userIdentity {identity}")


def test_every_record_has_cloudtrails_fields_and_shapes(week: list[tuple[dict[str, Any], Any]]) -> None:
    end = START + timedelta(days=DAYS)
    ids: set[str] = set()
    for record, _label in week:
        for name in REQUIRED:
            assert name in record, (name, record)
        assert record["eventVersion"] in {"1.08", "1.09", "1.10"}
        assert UUID.fullmatch(record["eventID"])
        ids.add(record["eventID"])
        assert TIME.fullmatch(record["eventTime"])
        assert START <= datetime.strptime(record["eventTime"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC) < end
        assert record["eventSource"].endswith(".amazonaws.com")
        assert isinstance(record["readOnly"], bool)
        assert record["eventType"] in {"AwsApiCall", "AwsConsoleSignIn", "AwsServiceEvent"}
        assert record["recipientAccountId"] == LAB_ACCOUNT_ID
        assert record["managementEvent"] is (record["eventCategory"] == "Management")
        if record["eventCategory"] == "Data":
            assert record["eventSource"] == "s3.amazonaws.com"
            assert any(r["type"] == "AWS::S3::Object" for r in record["resources"])
        if record["eventType"] == "AwsConsoleSignIn":
            assert "requestID" not in record
            assert record["eventSource"] == "signin.amazonaws.com"
        else:
            assert record["requestID"]
        if "errorCode" in record:
            assert record["errorMessage"]
            assert record["responseElements"] is None
        if "tlsDetails" in record:
            assert record["tlsDetails"]["tlsVersion"] in {"TLSv1.2", "TLSv1.3"}
            assert record["tlsDetails"]["clientProvidedHostHeader"]
        _check_identity(record["userIdentity"])
    assert len(ids) == len(week)


def test_benign_mix_is_read_heavy_with_a_low_rate_of_denials(week: list[tuple[dict[str, Any], Any]]) -> None:
    benign = [record for record, label in week if label is None]
    assert 0.85 * DAYS * 2_500 < len(benign) < 1.15 * DAYS * 2_500
    read_only = sum(r["readOnly"] for r in benign) / len(benign)
    denied = sum(r.get("errorCode") in DENIED for r in benign) / len(benign)
    data = sum(r["eventCategory"] == "Data" for r in benign) / len(benign)
    assert read_only > 0.6
    assert 0.001 < denied < 0.03
    assert 0.05 < data < 0.4
    regions = Counter(r["awsRegion"] for r in benign)
    assert sum(regions[r] for r in ("us-east-1", "eu-west-1")) / len(benign) > 0.9


def test_benign_activity_has_every_kind_of_caller(week: list[tuple[dict[str, Any], Any]]) -> None:
    benign = [record for record, label in week if label is None]
    types = Counter(r["userIdentity"].get("type") for r in benign)
    assert {"IAMUser", "AssumedRole", "AWSService", "AWSAccount", "SAMLUser", "WebIdentityUser"} <= set(types)
    agents = " ".join({r["userAgent"] for r in benign})
    for marker in ("aws-cli/2.", "Terraform/", "Boto3/", "exec-env/AWS_Lambda", "amazon-ssm-agent", "Mozilla/5.0"):
        assert marker in agents
    sessions = {
        r["userIdentity"]["arn"].rsplit("/", 1)[1] for r in benign if r["userIdentity"].get("type") == "AssumedRole"
    }
    assert any(s.startswith("i-") for s in sessions)  # instance roles
    assert {"acme-public-webhook", "GitHubActions", "AWSConfig-Describe"} <= sessions
    logins = [
        r for r in benign if r["eventName"] == "ConsoleLogin" and r["responseElements"]["ConsoleLogin"] == "Success"
    ]
    iam_logins = [r for r in logins if r["userIdentity"].get("type") == "IAMUser"]
    assert iam_logins and all(r["additionalEventData"]["MFAUsed"] == "Yes" for r in iam_logins)


def test_engineers_work_office_hours_and_machines_work_around_the_clock(
    week: list[tuple[dict[str, Any], Any]],
) -> None:
    human: Counter[bool] = Counter()
    machine: Counter[bool] = Counter()
    for record, label in week:
        if label is not None:
            continue
        moment = datetime.strptime(record["eventTime"], "%Y-%m-%dT%H:%M:%SZ")
        weekend = moment.weekday() >= 5
        agent = record["userAgent"]
        if agent.startswith(("aws-cli/2.", "Mozilla/")) and "azure" not in agent:
            human[weekend] += 1
        elif "exec-env/AWS_Lambda" in agent or "amazon-ssm-agent" in agent:
            machine[weekend] += 1
    # per day: engineers mostly on the five weekdays, workloads every day
    assert human[True] / 2 < 0.2 * human[False] / 5
    assert machine[True] / 2 > 0.5 * machine[False] / 5


def test_engineers_call_from_stable_addresses() -> None:
    addresses: dict[str, set[str]] = {}
    for record, label in iter_records(days=14, events_per_day=1_000, seed=5, scenarios=[]):
        identity = record["userIdentity"]
        if label is None and identity.get("type") == "IAMUser" and record["userAgent"].startswith("aws-cli/2."):
            addresses.setdefault(identity["userName"], set()).add(record["sourceIPAddress"])
    assert addresses
    for user, seen in addresses.items():
        assert len(seen) <= 2, (user, seen)  # home and office
