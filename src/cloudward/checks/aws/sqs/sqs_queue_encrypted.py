"""SQS queues encrypt messages at rest."""

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
    id="sqs_queue_encrypted",
    title="SQS queue encrypts messages at rest",
    service="sqs",
    resource_type="AWS::SQS::Queue",
    severity=Severity.MEDIUM,
    layer=Layer.DATA,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.PAAS,
    description=(
        "Passes when the queue has server-side encryption: the KmsMasterKeyId attribute is set (SSE-KMS, "
        'with an AWS managed key such as alias/aws/sqs or a customer managed key) or SqsManagedSseEnabled is "true" '
        "(SSE-SQS, keys owned by SQS). Fails when neither is, naming both attributes. Stricter peers that "
        "demand a customer managed key are not followed: the key's manager is not weighed."
    ),
    risk=(
        "Messages are stored unencrypted: anyone who obtains the underlying storage or backups reads them in "
        "clear, and compliance regimes that require encryption at rest are not met."
    ),
    remediation=Remediation(
        summary="Turn on SSE-SQS, or SSE-KMS with a KMS key, for the queue.",
        console=(
            "Open the Amazon SQS console and choose the queue, then Edit.",
            "Under Encryption, select Server-side encryption: Enabled, with an Amazon SQS key (SSE-SQS) or an "
            "AWS KMS key (SSE-KMS), and save.",
        ),
        cli="aws sqs set-queue-attributes --queue-url QUEUE_URL --attributes SqsManagedSseEnabled=true",
        terraform=(
            'resource "aws_sqs_queue" "this" {\n'
            '  name                    = "orders"\n'
            "  sqs_managed_sse_enabled = true\n"
            "  # or: kms_master_key_id = aws_kms_key.this.arn\n"
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/sqs-controls.html",
    ),
    requires=("Attributes",),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL when neither SSE-KMS nor SSE-SQS is configured."""
    attributes = resource.supplement("Attributes")
    key = attributes.get("KmsMasterKeyId")
    if key:
        return CheckResult.passed(f"SSE-KMS with KmsMasterKeyId={key}")
    managed = attributes.get("SqsManagedSseEnabled")
    if str(managed).lower() == "true":
        return CheckResult.passed("SSE-SQS (SqsManagedSseEnabled=true)")
    shown = "absent" if managed is None else str(managed)
    return CheckResult.failed(f"KmsMasterKeyId not set and SqsManagedSseEnabled={shown}")
