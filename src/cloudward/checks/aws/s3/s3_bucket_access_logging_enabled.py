"""Every bucket writes server access logs."""

from __future__ import annotations

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
    id="s3_bucket_access_logging_enabled",
    title="S3 bucket has server access logging enabled",
    service="s3",
    resource_type="AWS::S3::Bucket",
    severity=Severity.LOW,
    layer=Layer.DETECTION,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.PAAS,
    description=(
        "Passes when GetBucketLogging returns a LoggingEnabled block with a TargetBucket. Only S3 server "
        "access logging counts: CloudTrail data events for the bucket are an alternative record of object "
        "access that this check does not look for (CIS covers them in a separate CloudTrail "
        "recommendation). Whether the target bucket exists and accepts the logs is not verified."
    ),
    risk=(
        "Without access logs there is no record of who read, listed or deleted which objects, so the "
        "scope of a data exposure or an insider's downloads cannot be established afterwards."
    ),
    remediation=Remediation(
        summary="Enable server access logging to a dedicated log bucket.",
        console=(
            "Open the S3 console and choose the bucket.",
            "Properties tab > Server access logging > Edit > Enable.",
            "Choose the destination bucket and prefix, and save.",
        ),
        cli=(
            "aws s3api put-bucket-logging --bucket BUCKET --bucket-logging-status "
            '\'{"LoggingEnabled":{"TargetBucket":"LOG_BUCKET","TargetPrefix":"BUCKET/"}}\''
        ),
        terraform=(
            'resource "aws_s3_bucket_logging" "this" {\n'
            "  bucket        = aws_s3_bucket.this.id\n"
            "  target_bucket = aws_s3_bucket.logs.id\n"
            '  target_prefix = "${aws_s3_bucket.this.id}/"\n'
            "}"
        ),
    ),
    references=("https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html",),
    requires=("BucketLoggingConfiguration",),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """PASS naming the log destination; FAIL when logging is off."""
    logging = resource.supplement("BucketLoggingConfiguration")
    if not logging or not logging.get("TargetBucket"):
        return CheckResult.failed("server access logging is disabled (no LoggingEnabled.TargetBucket)")
    prefix = logging.get("TargetPrefix") or ""
    return CheckResult.passed(f"server access logs go to s3://{logging['TargetBucket']}/{prefix}")
