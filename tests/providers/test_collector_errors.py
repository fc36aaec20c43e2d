"""Partial failures are recorded per service, region and supplement; none turns into a PASS.

AccessDenied comes from the emulator itself: moto enforces IAM policies once its
``INITIAL_NO_AUTH_ACTION_COUNT`` is lowered (``POST /moto-api/reset-auth``), so a user whose policy
denies two reads collects with its own keys. Throttling and a disabled region come from a
fault-injecting proxy on 127.0.0.1 (tests/providers/fault_proxy.py) that answers chosen calls with the
error bodies AWS sends and forwards the rest to the lab; it is injected as the endpoint URL.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator

import pytest

from cloudward.checks.model import Status
from cloudward.checks.registry import default_registry
from cloudward.checks.runner import evaluate
from cloudward.inventory import CollectionError, Inventory, Unknown, UnknownAttributeError
from cloudward.lab import LAB_CREDENTIALS
from cloudward.lab.seed import LAB_REGIONS
from cloudward.providers.aws.clients import Boto3Clients, StaticCredentials
from cloudward.providers.aws.collector import AwsCollector
from cloudward.providers.aws.specs import ALL_SPECS
from tests.providers.fault_proxy import (
    ANY,
    REGION_DISABLED,
    REGION_DISABLED_EC2,
    SLOW_DOWN,
    THROTTLING,
    FaultProxy,
    Rule,
)

RESTRICTED_USER = "cloudward-test-restricted"
DENIED_ACTIONS = ["s3:GetBucketPolicy", "ec2:DescribeVolumes"]
BUCKETS_BY_REGION = {
    "us-east-1": {
        "acme-access-logs",
        "acme-customer-data",
        "acme-public-website",
        "acme-legacy-trail-logs",
        "acme-audit-archive",
    },
    "eu-west-1": {"acme-eu-archive"},
}
# Boto3Clients(max_attempts=N) makes N attempts in all (botocore's "total_max_attempts").
# One retry keeps the backoff short.
ATTEMPTS = 2


def _needs(*types: str) -> dict[str, frozenset[str]]:
    return {type_name: frozenset(ALL_SPECS[type_name].supplements) for type_name in types}


def _set_auth_threshold(endpoint: str, value: str) -> str:
    """moto checks IAM permissions once it has served ``value`` requests; returns the previous value."""
    request = urllib.request.Request(
        f"{endpoint}/moto-api/reset-auth", data=value.encode(), method="POST", headers={"Content-Type": "text/plain"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return str(json.loads(response.read())["PREVIOUS_INITIAL_NO_AUTH_ACTION_COUNT"])


@pytest.fixture(scope="module")
def restricted_credentials(lab_endpoint: str) -> Iterator[StaticCredentials]:
    """A lab user allowed everything except two reads; removed again after the module."""
    iam = Boto3Clients(endpoint_url=lab_endpoint, credentials=LAB_CREDENTIALS, read_only=False).client(
        "iam", "us-east-1"
    )
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Effect": "Deny", "Action": DENIED_ACTIONS, "Resource": "*"},
        ],
    }
    iam.create_user(UserName=RESTRICTED_USER)
    iam.put_user_policy(UserName=RESTRICTED_USER, PolicyName="deny-two-reads", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName=RESTRICTED_USER)["AccessKey"]
    try:
        yield StaticCredentials(key["AccessKeyId"], key["SecretAccessKey"])
    finally:
        iam.delete_access_key(UserName=RESTRICTED_USER, AccessKeyId=key["AccessKeyId"])
        iam.delete_user_policy(UserName=RESTRICTED_USER, PolicyName="deny-two-reads")
        iam.delete_user(UserName=RESTRICTED_USER)


@pytest.fixture(scope="module")
def denied(lab_endpoint: str, restricted_credentials: StaticCredentials) -> Inventory:
    """Buckets, volumes and security groups collected as the restricted user, with moto enforcing IAM."""
    clients = Boto3Clients(endpoint_url=lab_endpoint, credentials=restricted_credentials, max_attempts=ATTEMPTS)
    previous = _set_auth_threshold(lab_endpoint, "0")
    try:
        return AwsCollector(clients, ALL_SPECS).collect(
            _needs("AWS::S3::Bucket", "AWS::EC2::Volume", "AWS::EC2::SecurityGroup"), LAB_REGIONS
        )
    finally:
        _set_auth_threshold(lab_endpoint, previous)


def test_access_denied_on_a_supplement_is_unknown_and_recorded(denied: Inventory) -> None:
    buckets = {bucket.name: bucket for bucket in denied.of_type("AWS::S3::Bucket")}
    assert {(name, bucket.region) for name, bucket in buckets.items()} == {
        (name, region) for region, names in BUCKETS_BY_REGION.items() for name in names
    }
    for bucket in buckets.values():
        assert bucket.attrs["supplementaryConfiguration"]["BucketPolicy"] == Unknown("AccessDenied: s3:GetBucketPolicy")
        with pytest.raises(UnknownAttributeError, match="AccessDenied"):
            bucket.supplement("BucketPolicy")
        assert bucket.unknowns() == {"BucketPolicy": "AccessDenied: s3:GetBucketPolicy"}
    # the other supplements of the same buckets were read
    assert all(buckets["acme-customer-data"].supplement("PublicAccessBlockConfiguration").values())
    supplement_errors = {
        (e.service, e.region, e.operation, e.code, e.supplement, e.count) for e in denied.errors if e.supplement
    }
    assert supplement_errors == {
        ("s3", region, "get_bucket_policy", "AccessDenied", "BucketPolicy", len(names))
        for region, names in BUCKETS_BY_REGION.items()
    }


def test_access_denied_on_a_listing_is_a_listing_error_per_region(denied: Inventory) -> None:
    listing_errors = denied.listing_errors("AWS::EC2::Volume")
    assert {(e.service, e.region, e.operation, e.code) for e in listing_errors} == {
        ("ec2", region, "describe_volumes", "AccessDenied") for region in LAB_REGIONS
    }
    assert all("ec2:DescribeVolumes" in e.message for e in listing_errors)
    assert denied.of_type_unchecked("AWS::EC2::Volume") == []
    with pytest.raises(UnknownAttributeError, match="AccessDenied"):
        denied.of_type("AWS::EC2::Volume")
    # the same service's other listing was allowed and collected
    assert denied.listing_errors("AWS::EC2::SecurityGroup") == []
    assert {g.name for g in denied.of_type("AWS::EC2::SecurityGroup")} >= {"acme-ssh-open", "acme-eu-rdp-open"}


def test_throttling_that_outlasts_retries_is_recorded_and_never_passes(lab_endpoint: str) -> None:
    rule = Rule("s3", ANY, "GET ?publicAccessBlock", SLOW_DOWN, target="/acme-customer-data")
    with FaultProxy(lab_endpoint, [rule]) as proxy:
        clients = Boto3Clients(endpoint_url=proxy.url, credentials=LAB_CREDENTIALS, max_attempts=ATTEMPTS)
        inventory = AwsCollector(clients, ALL_SPECS).collect(_needs("AWS::S3::Bucket", "AWS::::Account"), LAB_REGIONS)
    # the call was tried, retried, then given up
    assert proxy.answered == {("s3", "us-east-1", "GET ?publicAccessBlock"): ATTEMPTS}
    assert [(e.region, e.operation, e.code, e.supplement, e.count) for e in inventory.errors] == [
        ("global", "get_credential_report", "Missing", "CredentialReport", 1),  # moto has no root row
        ("us-east-1", "get_public_access_block", "SlowDown", "PublicAccessBlockConfiguration", 1),
    ]
    buckets = {bucket.name: bucket for bucket in inventory.of_type("AWS::S3::Bucket")}
    data = buckets["acme-customer-data"]
    assert data.unknowns() == {"PublicAccessBlockConfiguration": "SlowDown: s3:GetBucketPublicAccessBlock"}
    assert data.supplement("BucketPolicy")["Statement"][0]["Effect"] == "Deny"
    assert all(buckets["acme-access-logs"].supplement("PublicAccessBlockConfiguration").values())
    # the check that would PASS this bucket (all four flags set) reports ERROR instead; the rest as usual
    check = default_registry().get("s3_bucket_public_access_block")
    statuses = {finding.resource.name: finding.status for finding in evaluate([check], inventory)}
    assert statuses == {
        "acme-customer-data": Status.ERROR,
        "acme-access-logs": Status.PASS,
        "acme-public-website": Status.FAIL,
        "acme-eu-archive": Status.FAIL,
        "acme-legacy-trail-logs": Status.FAIL,
        "acme-audit-archive": Status.PASS,
    }


def test_throttling_of_a_json_api_names_the_supplement(lab_endpoint: str) -> None:
    with FaultProxy(lab_endpoint, [Rule("kms", "us-east-1", "GetKeyRotationStatus", THROTTLING)]) as proxy:
        clients = Boto3Clients(endpoint_url=proxy.url, credentials=LAB_CREDENTIALS, max_attempts=ATTEMPTS)
        inventory = AwsCollector(clients, ALL_SPECS).collect(_needs("AWS::KMS::Key"), LAB_REGIONS)
    assert proxy.answered == {("kms", "us-east-1", "GetKeyRotationStatus"): 2 * ATTEMPTS}  # 2 keys
    assert inventory.errors == [
        CollectionError(
            "kms",
            "us-east-1",
            "AWS::KMS::Key",
            "get_key_rotation_status",
            "ThrottlingException",
            "Rate exceeded",
            "KeyRotationEnabled",
            2,
        )
    ]
    (eu_key,) = inventory.of_type("AWS::KMS::Key", "eu-west-1")
    assert eu_key.supplement("KeyRotationEnabled") is True
    home_keys = inventory.of_type("AWS::KMS::Key", "us-east-1")
    assert len(home_keys) == 2
    for key in home_keys:
        assert key.unknowns() == {"KeyRotationEnabled": "ThrottlingException: kms:GetKeyRotationStatus"}
        assert key.supplement("KeyMetadata")["KeyManager"] == "CUSTOMER"


def test_a_disabled_region_is_recorded_for_that_region_only(lab_endpoint: str) -> None:
    off = "ap-east-1"  # an opt-in region this account has not enabled
    rules = [Rule("ec2", off, ANY, REGION_DISABLED_EC2), Rule(ANY, off, ANY, REGION_DISABLED)]
    types = ("AWS::KMS::Key", "AWS::EC2::SecurityGroup", "AWS::::Region", "AWS::IAM::Role")
    with FaultProxy(lab_endpoint, rules) as proxy:
        clients = Boto3Clients(endpoint_url=proxy.url, credentials=LAB_CREDENTIALS, max_attempts=2)
        inventory = AwsCollector(clients, ALL_SPECS).collect(_needs(*types), (*LAB_REGIONS, off))
    assert {region for _, region, _ in proxy.answered} == {off}
    assert {e.region for e in inventory.errors} == {off}
    assert {(e.resource_type, e.operation, e.code, e.supplement) for e in inventory.errors} == {
        ("AWS::KMS::Key", "list_keys", "UnrecognizedClientException", ""),
        ("AWS::EC2::SecurityGroup", "describe_security_groups", "AuthFailure", ""),
        ("AWS::::Region", "get_ebs_encryption_by_default", "AuthFailure", "EbsEncryptionByDefault"),
        ("AWS::::Region", "describe_configuration_recorders", "UnrecognizedClientException", "ConfigurationRecorders"),
        (
            "AWS::::Region",
            "describe_configuration_recorder_status",
            "UnrecognizedClientException",
            "ConfigurationRecorderStatus",
        ),
    }
    for resource_type in ("AWS::KMS::Key", "AWS::EC2::SecurityGroup"):
        with pytest.raises(UnknownAttributeError):
            inventory.of_type(resource_type, off)
        assert {r.region for r in inventory.of_type(resource_type, "us-east-1")} == {"us-east-1"}
        assert inventory.of_type(resource_type, "eu-west-1")
    regions = {r.name: r for r in inventory.of_type("AWS::::Region")}
    assert set(regions["ap-east-1"].unknowns()) == {
        "EbsEncryptionByDefault",
        "ConfigurationRecorders",
        "ConfigurationRecorderStatus",
    }
    assert regions["us-east-1"].unknowns() == {}
    assert regions["us-east-1"].supplement("EbsEncryptionByDefault") is True
    # global types are unaffected
    assert "acme-public-trust" in {role.name for role in inventory.of_type("AWS::IAM::Role")}
