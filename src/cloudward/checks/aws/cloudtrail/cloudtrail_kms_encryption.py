"""Every CloudTrail trail encrypts its log files with a KMS key (SSE-KMS)."""

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
    id="cloudtrail_kms_encryption",
    title="CloudTrail trail encrypts logs with a KMS key",
    service="cloudtrail",
    resource_type="AWS::CloudTrail::Trail",
    severity=Severity.MEDIUM,
    layer=Layer.DATA,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.PAAS,
    description=(
        "Passes when the trail's KmsKeyId is set, so CloudTrail encrypts log and digest files with that "
        "KMS key (SSE-KMS). A trail without KmsKeyId relies on the bucket's default encryption (usually "
        "SSE-S3) and fails. The key's own policy and rotation are not evaluated here."
    ),
    risk=(
        "CloudTrail logs map the whole account: principals, resources, source addresses. With SSE-S3 anyone "
        "who can read the log bucket can read them; SSE-KMS adds a second gate (kms:Decrypt on the key) "
        "whose use is itself logged and can be revoked."
    ),
    remediation=Remediation(
        summary="Give the trail a customer-managed KMS key whose policy lets CloudTrail encrypt with it.",
        console=(
            "Open the CloudTrail console and choose Trails, then the trail.",
            "Under General details choose Edit.",
            "Select 'Log file SSE-KMS encryption: Enabled', choose a new or existing customer-managed key, and save.",
        ),
        cli="aws cloudtrail update-trail --name TRAIL_ARN --kms-key-id KEY_ARN",
        terraform=('resource "aws_cloudtrail" "this" {\n  # ...\n  kms_key_id = aws_kms_key.trail.arn\n}'),
    ),
    references=(
        "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/encrypting-cloudtrail-log-files-with-aws-kms.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html#cloudtrail-2",
    ),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL when KmsKeyId is unset or empty."""
    configuration = resource.configuration or {}
    key = configuration.get("KmsKeyId")
    if key:
        return CheckResult.passed(f"KmsKeyId={key}")
    return CheckResult.failed("KmsKeyId not set (logs use the bucket's default encryption, not SSE-KMS)")
