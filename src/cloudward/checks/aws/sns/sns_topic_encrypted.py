"""SNS topics encrypt messages at rest with a KMS key."""

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
    id="sns_topic_encrypted",
    title="SNS topic encrypts messages at rest",
    service="sns",
    resource_type="AWS::SNS::Topic",
    severity=Severity.MEDIUM,
    layer=Layer.DATA,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.PAAS,
    description=(
        "Passes when the topic's KmsMasterKeyId attribute is set (server-side encryption with AWS KMS, with the "
        "AWS managed key alias/aws/sns or a customer managed key; the key's manager is not weighed). Fails when "
        "the attribute is absent or empty: SNS has no other at-rest encryption for topics."
    ),
    risk=(
        "Messages wait unencrypted in SNS until they are delivered: notifications carrying customer data, "
        "tokens or alerts are not protected at rest, and encryption-at-rest requirements are not met."
    ),
    remediation=Remediation(
        summary="Turn on server-side encryption with a KMS key for the topic.",
        console=(
            "Open the Amazon SNS console, choose Topics and the topic, then Edit.",
            "Expand Encryption, select Enable encryption, choose a KMS key (alias/aws/sns or your own) and save.",
        ),
        cli=(
            "aws sns set-topic-attributes --topic-arn TOPIC_ARN --attribute-name KmsMasterKeyId "
            "--attribute-value alias/aws/sns"
        ),
        terraform=(
            'resource "aws_sns_topic" "this" {\n'
            '  name              = "alerts"\n'
            '  kms_master_key_id = aws_kms_key.sns.arn # or "alias/aws/sns"\n'
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/sns/latest/dg/sns-server-side-encryption.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/sns-controls.html",
    ),
    requires=("Attributes",),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL when KmsMasterKeyId is not set."""
    key = resource.supplement("Attributes").get("KmsMasterKeyId")
    if key:
        return CheckResult.passed(f"server-side encryption with KmsMasterKeyId={key}")
    return CheckResult.failed("KmsMasterKeyId not set: server-side encryption is off")
