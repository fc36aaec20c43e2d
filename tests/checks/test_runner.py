"""The runner: unreadable input and crashing checks are ERROR; a failed listing is an ERROR per region."""

from __future__ import annotations

from datetime import UTC, datetime

from cloudward.checks.model import Check, CheckResult, Status
from cloudward.checks.registry import default_registry
from cloudward.checks.runner import evaluate, run_check
from cloudward.inventory import CollectionError, Inventory, Resource

PAB = default_registry().get("s3_bucket_public_access_block")


def _inventory(resources: list[Resource], errors: list[CollectionError] | None = None) -> Inventory:
    return Inventory(
        "123456789012", datetime(2026, 11, 1, tzinfo=UTC), ("us-east-1", "eu-west-1"), resources, errors or []
    )


def test_a_crashing_check_is_an_error_not_a_pass() -> None:
    def explode(resource: Resource, inventory: Inventory) -> CheckResult:
        raise KeyError("Grants")

    crashing = Check(meta=PAB.meta, evaluate=explode, module="test")
    resource = Resource("arn:aws:s3:::b", "AWS::S3::Bucket", "1", "us-east-1", "b")
    result = run_check(crashing, resource, _inventory([resource]))
    assert result.status is Status.ERROR
    assert "KeyError" in result.reason


def test_failed_listing_yields_one_error_per_failed_region_and_results_for_the_rest() -> None:
    bucket = Resource(
        "arn:aws:s3:::ok",
        "AWS::S3::Bucket",
        "123456789012",
        "us-east-1",
        "ok",
        {},
        {
            "configuration": {},
            "supplementaryConfiguration": {
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": True,
                    "IgnorePublicAcls": True,
                    "BlockPublicPolicy": True,
                    "RestrictPublicBuckets": True,
                }
            },
        },
    )
    errors = [CollectionError("s3", "global", "AWS::S3::Bucket", "ListBuckets", "AccessDenied", "denied")]
    account = Resource(
        "arn:aws:iam::123456789012:root",
        "AWS::::Account",
        "123456789012",
        "global",
        "123456789012",
        {},
        {"configuration": {}, "supplementaryConfiguration": {"S3PublicAccessBlock": None}},
    )
    findings = list(evaluate([PAB], _inventory([bucket, account], errors)))
    assert {(f.resource.name, f.status) for f in findings} == {
        ("ok", Status.PASS),
        ("(all AWS::S3::Bucket)", Status.ERROR),
    }
    error = next(f for f in findings if f.status is Status.ERROR)
    assert "AccessDenied" in error.reason


def test_supplement_errors_do_not_count_as_listing_errors() -> None:
    errors = [CollectionError("s3", "us-east-1", "AWS::S3::Bucket", "GetBucketAcl", "AccessDenied", "", "Acl", 3)]
    assert _inventory([], errors).listing_errors("AWS::S3::Bucket") == []


def test_a_type_missing_from_the_inventory_is_one_error_per_check_not_silence() -> None:
    inventory = _inventory([])
    inventory.collected = {"AWS::EC2::VPC": frozenset()}  # a snapshot taken with other checks selected
    findings = list(evaluate([PAB], inventory))
    assert [(f.status, f.resource.type) for f in findings] == [(Status.ERROR, "AWS::S3::Bucket")]
    assert "not collected" in findings[0].reason


def test_two_errors_in_one_region_give_one_error_finding() -> None:
    errors = [
        CollectionError("s3", "global", "AWS::S3::Bucket", "ListBuckets", "AccessDenied", "denied"),
        CollectionError("s3", "global", "AWS::S3::Bucket", "ListBuckets", "Throttling", "slow"),
    ]
    findings = list(evaluate([PAB], _inventory([], errors)))
    assert len({f.uid for f in findings}) == len(findings) == 1
