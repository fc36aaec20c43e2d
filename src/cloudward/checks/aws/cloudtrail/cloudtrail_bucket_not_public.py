"""The S3 bucket a CloudTrail trail writes to is not public."""

from __future__ import annotations

from cloudward.checks.aws.cloudtrail._bucket import BUCKET, about_bucket, trail_bucket
from cloudward.checks.aws.s3._public import PUBLIC_SUPPLEMENTS, bucket_public_result
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
    id="cloudtrail_bucket_not_public",
    title="CloudTrail log bucket is not public",
    service="cloudtrail",
    resource_type="AWS::CloudTrail::Trail",
    severity=Severity.CRITICAL,
    layer=Layer.DETECTION,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.PAAS,
    description=(
        "A CIS AWS Foundations recommendation up to v2.0 (3.3, 'the S3 bucket used to store CloudTrail logs "
        "is not publicly accessible'); later versions fold it into the general S3 Block Public Access "
        "controls. Finds the bucket named by the trail's S3BucketName in the inventory and judges it with "
        "exactly the rule of s3_bucket_public: public through an ACL grant to AllUsers or "
        "AuthenticatedUsers, or through a bucket policy statement open to any principal without a "
        "restricting condition, unless Block Public Access (IgnorePublicAcls / RestrictPublicBuckets, at "
        "bucket or account level) neutralizes it. Fails naming the bucket and what makes it public. When the "
        "bucket is not in the inventory (it belongs to another account, typically a central log archive "
        "account that must be scanned on its own) or its settings could not be read, the result is ERROR."
    ),
    risk=(
        "CloudTrail logs describe every principal, resource, IP address and API call in the account: a "
        "public log bucket hands an attacker a map of the environment, and with write access lets them "
        "delete or forge the evidence of their own activity."
    ),
    remediation=Remediation(
        summary=(
            "Turn on all four Block Public Access flags for the log bucket and remove public ACL grants and "
            "public policy statements (keep only CloudTrail's service-principal statements)."
        ),
        console=(
            "Open the CloudTrail console > Trails, choose the trail and note its S3 bucket.",
            "Open that bucket in the S3 console > Permissions tab.",
            "Block public access (bucket settings) > Edit > select 'Block all public access' > Save.",
            "Remove ACL grants to 'Everyone' or 'Authenticated users group' and policy statements with Principal '*'.",
        ),
        cli=(
            "aws cloudtrail describe-trails --query 'trailList[].[Name,S3BucketName]'\n"
            "aws s3api put-public-access-block --bucket BUCKET --public-access-block-configuration "
            "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true\n"
            "aws s3api put-bucket-acl --bucket BUCKET --acl private"
        ),
        terraform=(
            'resource "aws_s3_bucket_public_access_block" "trail_logs" {\n'
            "  bucket                  = aws_s3_bucket.trail_logs.id\n"
            "  block_public_acls       = true\n"
            "  ignore_public_acls      = true\n"
            "  block_public_policy     = true\n"
            "  restrict_public_buckets = true\n"
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html",
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html",
        "https://www.cisecurity.org/benchmark/amazon_web_services",
    ),
    requires=(
        *(f"{BUCKET}.{name}" for name in PUBLIC_SUPPLEMENTS),
        "AWS::::Account.S3PublicAccessBlock",
    ),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """Judge the trail's bucket with s3_bucket_public's rule, naming the bucket in the reason."""
    bucket = trail_bucket(resource, inventory)
    with about_bucket(bucket):
        result = bucket_public_result(bucket, inventory)
    return CheckResult(status=result.status, reason=f"log bucket {bucket.name}: {result.reason}")
