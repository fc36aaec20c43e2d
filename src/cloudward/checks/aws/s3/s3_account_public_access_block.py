"""The account blocks public S3 access with all four account-level Block Public Access flags."""

from __future__ import annotations

from cloudward.checks.aws.s3._block import PUBLIC_ACCESS_BLOCK_FLAGS
from cloudward.checks.model import (
    CheckMeta,
    CheckResult,
    Layer,
    Remediation,
    ServiceModel,
    Severity,
    Threat,
)
from cloudward.inventory import Inventory, Resource

meta = CheckMeta(
    id="s3_account_public_access_block",
    title="S3 Block Public Access is on for the whole account (all four flags)",
    service="s3",
    resource_type="AWS::::Account",
    severity=Severity.HIGH,
    layer=Layer.DATA,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.PAAS,
    description=(
        "Passes when the account-level S3 Block Public Access configuration (s3control "
        "GetPublicAccessBlock) sets BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy and "
        "RestrictPublicBuckets to true. An account with no configuration has all four flags false. "
        "Bucket-level settings do not count here: the account setting is the guard rail that covers "
        "buckets created later. Organization-level S3 policies are not evaluated."
    ),
    risk=(
        "Without the account-level guard rail, any bucket created later (by a person, a pipeline or an "
        "attacker with s3:PutBucketPolicy) can be made public by one ACL grant or policy statement."
    ),
    remediation=Remediation(
        summary="Turn on all four Block Public Access flags at the account level.",
        console=(
            "Open the S3 console and choose 'Block Public Access settings for this account'.",
            "Edit, select 'Block all public access', save and confirm.",
        ),
        cli=(
            "aws s3control put-public-access-block --account-id ACCOUNT_ID "
            "--public-access-block-configuration "
            "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true"
        ),
        terraform=(
            'resource "aws_s3_account_public_access_block" "this" {\n'
            "  block_public_acls       = true\n"
            "  ignore_public_acls      = true\n"
            "  block_public_policy     = true\n"
            "  restrict_public_buckets = true\n"
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/configuring-block-public-access-account.html",
        "https://www.cisecurity.org/benchmark/amazon_web_services",
    ),
    requires=("S3PublicAccessBlock",),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL naming each account-level flag that is false."""
    configuration = resource.supplement("S3PublicAccessBlock") or {}
    missing = [flag for flag in PUBLIC_ACCESS_BLOCK_FLAGS if not configuration.get(flag)]
    if missing:
        return CheckResult.failed("account level: " + ", ".join(f"{flag}=false" for flag in missing))
    return CheckResult.passed("all four account-level Block Public Access flags are true")
