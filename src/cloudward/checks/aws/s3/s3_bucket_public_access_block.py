"""Every bucket blocks public access with all four S3 Block Public Access flags."""

from __future__ import annotations

from cloudward.checks.aws.s3._block import PUBLIC_ACCESS_BLOCK_FLAGS, account_public_access_block
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
    id="s3_bucket_public_access_block",
    title="S3 bucket blocks public access (all four flags)",
    service="s3",
    resource_type="AWS::S3::Bucket",
    severity=Severity.HIGH,
    layer=Layer.DATA,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.PAAS,
    description=(
        "Passes when the bucket's own Block Public Access configuration sets all four flags "
        "(BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets) to true, or when "
        "the account-level configuration does. A flag set at either level counts, as S3 applies the "
        "more restrictive of the two. A bucket with no configuration has all four flags false. When the "
        "account blocks everything, the bucket's own setting is not needed. The account is the bucket's own "
        "account; if it is not in the inventory the result is ERROR."
    ),
    risk=(
        "Without Block Public Access a single ACL grant or policy statement can expose every object in "
        "the bucket to the internet; most public-bucket breaches start this way."
    ),
    remediation=Remediation(
        summary="Turn on all four Block Public Access flags for the bucket (or the whole account).",
        console=(
            "Open the S3 console and choose the bucket.",
            "Permissions tab > Block public access (bucket settings) > Edit.",
            "Select 'Block all public access' and save.",
        ),
        cli=(
            "aws s3api put-public-access-block --bucket BUCKET --public-access-block-configuration "
            "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true"
        ),
        terraform=(
            'resource "aws_s3_bucket_public_access_block" "this" {\n'
            "  bucket                  = aws_s3_bucket.this.id\n"
            "  block_public_acls       = true\n"
            "  ignore_public_acls      = true\n"
            "  block_public_policy     = true\n"
            "  restrict_public_buckets = true\n"
            "}"
        ),
    ),
    references=("https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html",),
    requires=("PublicAccessBlockConfiguration", "AWS::::Account.S3PublicAccessBlock"),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL naming each flag that is false at both bucket and account level."""
    account = account_public_access_block(resource, inventory)
    if all(account.get(flag) for flag in PUBLIC_ACCESS_BLOCK_FLAGS):
        return CheckResult.passed("all four Block Public Access flags are true at account level")
    bucket = resource.supplement("PublicAccessBlockConfiguration") or {}
    missing = [flag for flag in PUBLIC_ACCESS_BLOCK_FLAGS if not bucket.get(flag) and not account.get(flag)]
    if missing:
        return CheckResult.failed(", ".join(f"{flag}=false" for flag in missing))
    return CheckResult.passed("all four Block Public Access flags are true (bucket or account level)")
