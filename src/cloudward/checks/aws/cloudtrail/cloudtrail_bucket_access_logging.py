"""The S3 bucket a CloudTrail trail writes to has server access logging enabled."""

from __future__ import annotations

from cloudward.checks.aws.cloudtrail._bucket import BUCKET, about_bucket, trail_bucket
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

LOGGING = "BucketLoggingConfiguration"

meta = CheckMeta(
    id="cloudtrail_bucket_access_logging",
    title="CloudTrail log bucket has server access logging enabled",
    service="cloudtrail",
    resource_type="AWS::CloudTrail::Trail",
    severity=Severity.LOW,
    layer=Layer.DETECTION,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.PAAS,
    description=(
        "CIS AWS Foundations v5.0 3.4 (server access logging is enabled on the CloudTrail S3 bucket). Finds "
        "the bucket named by the trail's S3BucketName in the inventory and passes when its GetBucketLogging "
        "returns a LoggingEnabled block with a TargetBucket, naming the destination; fails when logging is "
        "off. Whether the target bucket exists, accepts the logs or is itself protected is not verified; a "
        "bucket that logs to itself is accepted. When the bucket is not in the inventory (it belongs to "
        "another account, typically a central log archive account that must be scanned on its own) or its "
        "logging setting could not be read, the result is ERROR."
    ),
    risk=(
        "Without access logs on the log bucket, nobody can tell who read, downloaded or deleted CloudTrail "
        "log files: an intruder covering their tracks, or harvesting the account map the logs contain, "
        "leaves no record."
    ),
    remediation=Remediation(
        summary="Enable server access logging on the trail's bucket, to a separate log bucket.",
        console=(
            "Open the CloudTrail console > Trails, choose the trail and note its S3 bucket.",
            "Open that bucket in the S3 console > Properties tab > Server access logging > Edit > Enable.",
            "Choose a separate destination bucket and prefix, and save.",
        ),
        cli=(
            "aws s3api put-bucket-logging --bucket TRAIL_BUCKET --bucket-logging-status "
            '\'{"LoggingEnabled":{"TargetBucket":"ACCESS_LOG_BUCKET","TargetPrefix":"TRAIL_BUCKET/"}}\''
        ),
        terraform=(
            'resource "aws_s3_bucket_logging" "trail_logs" {\n'
            "  bucket        = aws_s3_bucket.trail_logs.id\n"
            "  target_bucket = aws_s3_bucket.access_logs.id\n"
            '  target_prefix = "${aws_s3_bucket.trail_logs.id}/"\n'
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html",
        "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/best-practices-security.html",
        "https://www.cisecurity.org/benchmark/amazon_web_services",
    ),
    requires=(f"{BUCKET}.{LOGGING}",),
    tags=("cis",),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """PASS naming where the trail bucket's access logs go; FAIL when it has none."""
    bucket = trail_bucket(resource, inventory)
    with about_bucket(bucket):
        logging = bucket.supplement(LOGGING)
    if not logging or not logging.get("TargetBucket"):
        return CheckResult.failed(f"log bucket {bucket.name}: server access logging is disabled")
    prefix = logging.get("TargetPrefix") or ""
    return CheckResult.passed(f"log bucket {bucket.name}: access logs go to s3://{logging['TargetBucket']}/{prefix}")
