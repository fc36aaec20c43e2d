"""Every region encrypts new EBS volumes by default."""

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
    id="ec2_ebs_default_encryption",
    title="EBS encryption by default is enabled in the region",
    service="ec2",
    resource_type="AWS::::Region",
    severity=Severity.MEDIUM,
    layer=Layer.DATA,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.IAAS,
    description=(
        "Passes when GetEbsEncryptionByDefault returns true for the region (evaluated once per scanned "
        "region). The setting is regional, so a region that is enabled but unused still fails: anyone "
        "can launch there. Which KMS key is the default is not judged. Existing unencrypted volumes are "
        "covered by ec2_volume_encrypted."
    ),
    risk=(
        "Without the default every new volume and snapshot copy depends on the launcher remembering to "
        "encrypt; unencrypted snapshots can be shared or made public and read by anyone they reach, "
        "while encrypted ones also need access to the KMS key."
    ),
    remediation=Remediation(
        summary="Turn on EBS encryption by default in every region (optionally with a customer-managed key).",
        console=(
            "Open the EC2 console in the region.",
            "EC2 Dashboard > Account attributes > Data protection and security > Manage.",
            "Select 'Always encrypt new EBS volumes', choose the key, and update.",
        ),
        cli=(
            "aws ec2 enable-ebs-encryption-by-default --region REGION\n"
            "aws ec2 modify-ebs-default-kms-key-id --kms-key-id KEY_ARN --region REGION  # optional"
        ),
        terraform='resource "aws_ebs_encryption_by_default" "this" {\n  enabled = true\n}',
    ),
    references=(
        "https://docs.aws.amazon.com/ebs/latest/userguide/encryption-by-default.html",
        "https://www.cisecurity.org/benchmark/amazon_web_services",
    ),
    requires=("EbsEncryptionByDefault",),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL when EbsEncryptionByDefault is false in the region."""
    enabled = resource.supplement("EbsEncryptionByDefault")
    if enabled is True:
        return CheckResult.passed(f"EbsEncryptionByDefault=true in {resource.region}")
    return CheckResult.failed(f"EbsEncryptionByDefault={str(enabled).lower()} in {resource.region}")
