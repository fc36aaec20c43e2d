"""Every EFS file system encrypts its data at rest."""

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
from cloudward.inventory import Inventory, Resource, UnknownAttributeError

GONE_STATES = ("deleting", "deleted")

meta = CheckMeta(
    id="efs_file_system_encrypted",
    title="EFS file system is encrypted at rest",
    service="efs",
    resource_type="AWS::EFS::FileSystem",
    severity=Severity.MEDIUM,
    layer=Layer.DATA,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.PAAS,
    description=(
        "CIS AWS Foundations v5.0 2.3.1 (Ensure that encryption is enabled for EFS file systems). Passes "
        "when the file system's Encrypted (DescribeFileSystems) is true; the KMS key (AWS-managed "
        "aws/elasticfilesystem or a customer key) is named in the reason but not judged. Encryption in "
        "transit (TLS mounts enforced by a file system policy) is not evaluated here. File systems being "
        "deleted are NOT_APPLICABLE. A description without Encrypted is ERROR."
    ),
    risk=(
        "Unencrypted file system data and its backups are stored in clear text: anyone who obtains the "
        "underlying storage or a restored backup reads it without needing a KMS permission that could "
        "have been denied, logged and revoked."
    ),
    remediation=Remediation(
        summary=(
            "Encryption cannot be turned on for an existing file system: create an encrypted one, copy the "
            "data (AWS DataSync), move the mounts, and delete the old one."
        ),
        console=(
            "Open the EFS console > Create file system > Customize.",
            "Keep 'Enable encryption of data at rest' selected and choose a KMS key.",
            "Copy the data with AWS DataSync, point clients to the new mount targets, then delete the old file system.",
        ),
        cli=(
            "aws efs create-file-system --encrypted --kms-key-id KEY_ARN --creation-token NEW_TOKEN "
            "--tags Key=Name,Value=NAME"
        ),
        terraform=(
            'resource "aws_efs_file_system" "this" {\n  encrypted  = true\n  kms_key_id = aws_kms_key.efs.arn\n}'
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/efs/latest/ug/encryption-at-rest.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/efs-controls.html",
        "https://www.cisecurity.org/benchmark/amazon_web_services",
    ),
    tags=("cis",),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL when Encrypted is not true."""
    configuration = resource.configuration or {}
    state = configuration.get("LifeCycleState")
    if state in GONE_STATES:
        return CheckResult.not_applicable(f"file system is {state}")
    if "Encrypted" not in configuration:
        raise UnknownAttributeError("Encrypted", "absent from DescribeFileSystems output")
    if configuration["Encrypted"] is True:
        key = configuration.get("KmsKeyId")
        return CheckResult.passed("Encrypted=true" + (f" (KmsKeyId={key})" if key else ""))
    return CheckResult.failed("Encrypted=false")
