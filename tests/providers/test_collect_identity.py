"""The identity and data additions against the seeded lab: collection, redaction and the checks' outcomes.

One collection per module of exactly what the identity/data checks require (server certificates, the
account's support-access entities and virtual MFA devices, users' keys, trails with their buckets,
Lambda functions), over real botocore and HTTP. Then the checks run on it, and the lab's weak and
well-configured resources must come out FAIL and PASS as the seeder describes.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from cloudward.checks.model import Check, Status
from cloudward.checks.registry import default_registry
from cloudward.checks.runner import evaluate
from cloudward.inventory import Inventory, Resource
from cloudward.inventory.attrs import dumps, parse_time
from cloudward.lab import LAB_ACCOUNT_ID, LAB_CREDENTIALS
from cloudward.lab.seed import LAB_REGIONS, REPORT_DB_PASSWORD, WEBHOOK_SECRET
from cloudward.lab.seeders.identity import FAKE_ACCESS_KEY_ID
from cloudward.providers.aws.clients import Boto3Clients
from cloudward.providers.aws.collector import AwsCollector
from cloudward.providers.aws.specs import ALL_SPECS

CHECK_IDS = (
    "iam_user_unused_credentials_45d",
    "iam_user_single_active_access_key",
    "iam_user_no_attached_policies",
    "iam_support_role_exists",
    "iam_server_certificate_not_expired",
    "iam_root_hardware_mfa",
    "iam_root_not_used_recently",
    "iam_password_policy_requires_symbols",
    "iam_password_policy_requires_numbers",
    "iam_password_policy_requires_uppercase",
    "iam_password_policy_requires_lowercase",
    "iam_password_policy_max_age_90",
    "s3_bucket_mfa_delete_enabled",
    "cloudtrail_cloudwatch_logs_integration",
    "cloudtrail_bucket_not_public",
    "cloudtrail_bucket_access_logging",
    "awslambda_function_deprecated_runtime",
    "awslambda_function_env_no_plaintext_secrets",
)


@pytest.fixture(scope="module")
def checks() -> list[Check]:
    registry = default_registry()
    return [registry.get(check_id) for check_id in CHECK_IDS]


@pytest.fixture(scope="module")
def inventory(lab_endpoint: str, checks: list[Check]) -> Inventory:
    needs: dict[str, set[str]] = defaultdict(set)
    for check in checks:
        for type_name, supplements in check.meta.required_supplements().items():
            needs[type_name] |= supplements
    clients = Boto3Clients(endpoint_url=lab_endpoint, credentials=LAB_CREDENTIALS, region="us-east-1", max_attempts=2)
    return AwsCollector(clients, ALL_SPECS).collect(
        {type_name: frozenset(names) for type_name, names in needs.items()}, LAB_REGIONS
    )


def by_name(inventory: Inventory, resource_type: str) -> dict[str, Resource]:
    return {resource.name: resource for resource in inventory.of_type(resource_type)}


def test_only_the_missing_root_row_is_an_error(inventory: Inventory) -> None:
    assert [(e.resource_type, e.code, e.supplement) for e in inventory.errors] == [
        ("AWS::::Account", "Missing", "CredentialReport")
    ]


def test_server_certificates(inventory: Inventory) -> None:
    certificates = by_name(inventory, "AWS::IAM::ServerCertificate")
    assert set(certificates) == {"acme-legacy-tls"}
    certificate = certificates["acme-legacy-tls"]
    assert certificate.arn == f"arn:aws:iam::{LAB_ACCOUNT_ID}:server-certificate/acme-legacy-tls"
    assert certificate.region == "global"
    # the emulator reports a fixed 2012 expiry whatever the certificate says; the seeded one is expired too
    assert parse_time(certificate.configuration["Expiration"]) < inventory.collected_at


def test_account_support_access_and_virtual_mfa_devices(inventory: Inventory) -> None:
    (account,) = inventory.of_type("AWS::::Account")
    entities = account.supplement("SupportAccessEntities")
    assert [role["RoleName"] for role in entities["PolicyRoles"]] == ["acme-support"]
    assert entities["PolicyUsers"] == entities["PolicyGroups"] == []
    devices = account.supplement("VirtualMFADevices")
    assert {device["UserArn"] for device in devices} == {
        f"arn:aws:iam::{LAB_ACCOUNT_ID}:user/alice",
        f"arn:aws:iam::{LAB_ACCOUNT_ID}:user/carol",
    }
    # only these three fields are kept: never the TOTP seed or QR code an emulator may echo
    assert all(set(device) == {"SerialNumber", "UserArn", "EnableDate"} for device in devices)
    assert b"Base32StringSeed" not in dumps(dict(account.attrs))


def test_users_keys_and_policies(inventory: Inventory) -> None:
    users = by_name(inventory, "AWS::IAM::User")
    assert {"erin", "frank"} <= set(users)
    assert [key["Status"] for key in users["erin"].supplement("AccessKeys")] == ["Active", "Active"]
    assert sorted(key["Status"] for key in users["frank"].supplement("AccessKeys")) == ["Active", "Inactive"]
    assert [p["PolicyName"] for p in users["frank"].configuration["UserPolicyList"]] == ["frank-reports-upload"]
    assert users["erin"].configuration["GroupList"] == ["developers"]


def test_the_legacy_trail_and_its_public_bucket(inventory: Inventory) -> None:
    trails = by_name(inventory, "AWS::CloudTrail::Trail")
    assert trails["acme-legacy-trail"].configuration["S3BucketName"] == "acme-legacy-trail-logs"
    bucket = by_name(inventory, "AWS::S3::Bucket")["acme-legacy-trail-logs"]
    assert bucket.region == "us-east-1"
    grantees = {grant["Grantee"].get("URI") for grant in bucket.supplement("AccessControlList")["Grants"]}
    assert "http://acs.amazonaws.com/groups/global/AllUsers" in grantees
    assert bucket.supplement("BucketLoggingConfiguration")["TargetBucket"] == "acme-access-logs"


def test_lambda_environment_kinds_without_values(inventory: Inventory) -> None:
    functions = by_name(inventory, "AWS::Lambda::Function")
    assert functions["acme-legacy-etl"].configuration["Runtime"] == "python3.8"
    variables = functions["acme-partner-sync"].configuration["Environment"]["Variables"]
    assert variables["PARTNER_AWS_ACCESS_KEY_ID"]["length"] == 20
    assert [f["detector"] for f in variables["PARTNER_AWS_ACCESS_KEY_ID"]["findings"]] == ["aws-access-key"]
    assert variables["PARTNER_BUCKET"] == {"length": 17, "findings": []}
    everything = b"".join(dumps(dict(resource.attrs)) for resource in inventory)
    assert FAKE_ACCESS_KEY_ID.encode() not in everything
    assert FAKE_ACCESS_KEY_ID[:8].encode() not in everything  # not even a prefix
    assert WEBHOOK_SECRET.encode() not in everything and REPORT_DB_PASSWORD.encode() not in everything


EXPECTED = {
    ("iam_user_unused_credentials_45d", "ci-deploy"): Status.FAIL,  # 200-day-old key, never used
    ("iam_user_unused_credentials_45d", "erin"): Status.PASS,
    ("iam_user_unused_credentials_45d", "alice"): Status.PASS,
    ("iam_user_single_active_access_key", "erin"): Status.FAIL,
    ("iam_user_single_active_access_key", "frank"): Status.PASS,
    ("iam_user_single_active_access_key", "bob"): Status.PASS,
    ("iam_user_no_attached_policies", "frank"): Status.FAIL,
    ("iam_user_no_attached_policies", "carol"): Status.FAIL,
    ("iam_user_no_attached_policies", "erin"): Status.PASS,
    ("iam_support_role_exists", LAB_ACCOUNT_ID): Status.PASS,
    ("iam_server_certificate_not_expired", "acme-legacy-tls"): Status.FAIL,
    ("iam_root_hardware_mfa", LAB_ACCOUNT_ID): Status.FAIL,  # the lab's root user has no MFA at all
    ("iam_root_not_used_recently", LAB_ACCOUNT_ID): Status.ERROR,  # the emulator's report has no root row
    ("iam_password_policy_requires_symbols", LAB_ACCOUNT_ID): Status.FAIL,
    ("iam_password_policy_requires_numbers", LAB_ACCOUNT_ID): Status.FAIL,
    ("iam_password_policy_requires_uppercase", LAB_ACCOUNT_ID): Status.FAIL,
    ("iam_password_policy_requires_lowercase", LAB_ACCOUNT_ID): Status.FAIL,
    ("iam_password_policy_max_age_90", LAB_ACCOUNT_ID): Status.FAIL,
    ("s3_bucket_mfa_delete_enabled", "acme-customer-data"): Status.FAIL,
    ("cloudtrail_cloudwatch_logs_integration", "acme-org-trail"): Status.PASS,  # set by the monitoring seeder
    ("cloudtrail_cloudwatch_logs_integration", "acme-eu-audit"): Status.FAIL,
    ("cloudtrail_cloudwatch_logs_integration", "acme-legacy-trail"): Status.FAIL,
    ("cloudtrail_bucket_not_public", "acme-legacy-trail"): Status.FAIL,
    ("cloudtrail_bucket_not_public", "acme-org-trail"): Status.PASS,
    ("cloudtrail_bucket_not_public", "acme-eu-audit"): Status.PASS,
    ("cloudtrail_bucket_access_logging", "acme-legacy-trail"): Status.PASS,
    ("cloudtrail_bucket_access_logging", "acme-org-trail"): Status.FAIL,
    ("awslambda_function_deprecated_runtime", "acme-legacy-etl"): Status.FAIL,
    ("awslambda_function_deprecated_runtime", "acme-partner-sync"): Status.PASS,
    ("awslambda_function_env_no_plaintext_secrets", "acme-partner-sync"): Status.FAIL,
    ("awslambda_function_env_no_plaintext_secrets", "acme-nightly-report"): Status.FAIL,
    ("awslambda_function_env_no_plaintext_secrets", "acme-internal-api"): Status.PASS,
    ("awslambda_function_env_no_plaintext_secrets", "acme-legacy-etl"): Status.PASS,
}


def test_the_checks_find_the_seeded_weaknesses(inventory: Inventory, checks: list[Check]) -> None:
    found = {(finding.check.id, finding.resource.name): finding for finding in evaluate(checks, inventory)}
    actual = {key: found[key].status for key in EXPECTED if key in found}
    assert actual == EXPECTED, {key: found[key].reason for key in EXPECTED if key in found}
    assert FAKE_ACCESS_KEY_ID not in " ".join(finding.reason for finding in found.values())
