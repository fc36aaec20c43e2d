"""The client factory: scanning clients refuse writes before they are sent; credentials stay out of reprs."""

from __future__ import annotations

import pytest

from cloudward.lab import LAB_CREDENTIALS
from cloudward.providers.aws.clients import Boto3Clients, MutatingCallRefusedError, is_read_only


def test_a_scanning_client_refuses_a_write_before_sending_it(lab_endpoint: str) -> None:
    clients = Boto3Clients(endpoint_url=lab_endpoint, credentials=LAB_CREDENTIALS)
    sent: list[str] = []
    clients.add_call_hook(lambda service, region, operation, params: sent.append(operation))
    s3 = clients.client("s3", "us-east-1")
    with pytest.raises(MutatingCallRefusedError, match="CreateBucket"):
        s3.create_bucket(Bucket="cloudward-must-not-create-this")
    assert "cloudward-must-not-create-this" not in {b["Name"] for b in s3.list_buckets()["Buckets"]}
    assert sent == ["CreateBucket", "ListBuckets"]  # observed, refused, nothing reached the emulator


@pytest.mark.parametrize(
    ("operation", "allowed"),
    [
        ("GetBucketPolicy", True),
        ("ListUsers", True),
        ("DescribeInstances", True),
        ("GenerateCredentialReport", True),
        ("PutBucketPolicy", False),
        ("DeleteTrail", False),
        ("StopLogging", False),
        ("CreateAccessKey", False),
    ],
)
def test_read_only_operations(operation: str, allowed: bool) -> None:
    assert is_read_only(operation) is allowed


def test_secret_key_is_not_in_the_repr() -> None:
    assert LAB_CREDENTIALS.secret_access_key not in repr(LAB_CREDENTIALS)
