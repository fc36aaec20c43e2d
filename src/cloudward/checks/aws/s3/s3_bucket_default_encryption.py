"""Every bucket has an explicit default encryption configuration."""

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
    id="s3_bucket_default_encryption",
    title="S3 bucket has default encryption configured",
    service="s3",
    resource_type="AWS::S3::Bucket",
    severity=Severity.MEDIUM,
    layer=Layer.DATA,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.PAAS,
    description=(
        "Passes when GetBucketEncryption returns a ServerSideEncryptionConfiguration with at least one "
        "rule that sets ApplyServerSideEncryptionByDefault.SSEAlgorithm (AES256, aws:kms or aws:kms:dsse). "
        "Fails when the bucket has no configuration (ServerSideEncryptionConfigurationNotFoundError) or "
        "its rules set no algorithm. Since January 2023 AWS applies SSE-S3 to every new object of every "
        "bucket, and GetBucketEncryption then reports AES256, so on AWS this check mostly verifies that "
        "the configuration is explicit and readable; S3-compatible services and older snapshots may "
        "still report none. The key type (SSE-S3 versus SSE-KMS) is named in the reason, not judged."
    ),
    risk=(
        "Objects written without encryption at rest are readable from any copy of the underlying "
        "storage, and a bucket without an explicit configuration cannot be moved to a customer-managed "
        "KMS key whose policy limits who can decrypt."
    ),
    remediation=Remediation(
        summary="Configure default encryption (SSE-S3, or SSE-KMS with a customer-managed key).",
        console=(
            "Open the S3 console and choose the bucket.",
            "Properties tab > Default encryption > Edit.",
            "Choose SSE-S3 or SSE-KMS (and a key), enable the Bucket Key for KMS, and save.",
        ),
        cli=(
            "aws s3api put-bucket-encryption --bucket BUCKET --server-side-encryption-configuration "
            '\'{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms",'
            '"KMSMasterKeyID":"KEY_ARN"},"BucketKeyEnabled":true}]}\''
        ),
        terraform=(
            'resource "aws_s3_bucket_server_side_encryption_configuration" "this" {\n'
            "  bucket = aws_s3_bucket.this.id\n"
            "  rule {\n"
            "    apply_server_side_encryption_by_default {\n"
            '      sse_algorithm     = "aws:kms"\n'
            "      kms_master_key_id = aws_kms_key.this.arn\n"
            "    }\n"
            "    bucket_key_enabled = true\n"
            "  }\n"
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-bucket-encryption.html",
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingServerSideEncryption.html",
    ),
    requires=("ServerSideEncryptionConfiguration",),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """PASS naming the algorithm (and KMS key) of the first rule that sets one."""
    configuration = resource.supplement("ServerSideEncryptionConfiguration")
    if configuration is None:
        return CheckResult.failed("no ServerSideEncryptionConfiguration: default encryption not configured")
    rules = configuration.get("Rules") or []
    for rule in rules:
        default = rule.get("ApplyServerSideEncryptionByDefault") or {}
        algorithm = default.get("SSEAlgorithm")
        if algorithm:
            key = default.get("KMSMasterKeyID")
            suffix = f" with key {key}" if key else ""
            bucket_key = " (BucketKeyEnabled=true)" if rule.get("BucketKeyEnabled") else ""
            return CheckResult.passed(f"default encryption SSEAlgorithm={algorithm}{suffix}{bucket_key}")
    if not rules:
        return CheckResult.failed("ServerSideEncryptionConfiguration has no rules")
    return CheckResult.failed("no rule of ServerSideEncryptionConfiguration sets an SSEAlgorithm")
