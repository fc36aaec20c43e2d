"""Every versioned bucket requires MFA to delete object versions or change versioning (MFA Delete)."""

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

VERSIONING = "BucketVersioningConfiguration"

meta = CheckMeta(
    id="s3_bucket_mfa_delete_enabled",
    title="S3 bucket has MFA Delete enabled",
    service="s3",
    resource_type="AWS::S3::Bucket",
    severity=Severity.LOW,
    layer=Layer.DATA,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.PAAS,
    description=(
        "CIS AWS Foundations v5.0 2.1.2 (Level 2). Reads GetBucketVersioning and passes when MFADelete is "
        "Enabled and versioning Status is Enabled, as the CIS audit asks; fails otherwise, naming both "
        "values (a bucket never versioned has Status Off and MFADelete Disabled; a suspended bucket keeps "
        "MFADelete but no longer creates versions). Only the root user can enable MFA Delete, with the root "
        "MFA device, through the CLI or API; it cannot be combined with lifecycle rules that expire "
        "versions, so for log and backup buckets S3 Object Lock is often the better control. Security Hub "
        "S3.20 is the same control."
    ),
    risk=(
        "Without MFA Delete, anyone who gets credentials with s3:DeleteObjectVersion and "
        "s3:PutBucketVersioning can suspend versioning and permanently delete every version, destroying "
        "the history that versioning was meant to keep (the ransomware and cover-your-tracks pattern)."
    ),
    remediation=Remediation(
        summary="As the root user with its MFA device, enable versioning with MFA Delete on the bucket.",
        console=(
            "MFA Delete cannot be enabled in the S3 console: use the AWS CLI with the root user's credentials.",
            "Afterwards, in the S3 console > the bucket > Properties > Bucket Versioning, check 'Multi-factor "
            "authentication (MFA) delete: Enabled'.",
        ),
        cli=(
            "# as the root user, with its MFA device's serial number and a current code:\n"
            "aws s3api put-bucket-versioning --bucket BUCKET "
            "--versioning-configuration Status=Enabled,MFADelete=Enabled "
            '--mfa "arn:aws:iam::ACCOUNT_ID:mfa/root-account-mfa-device 123456"'
        ),
        terraform=(
            'resource "aws_s3_bucket_versioning" "this" {\n'
            "  bucket = aws_s3_bucket.this.id\n"
            '  mfa    = "${var.root_mfa_serial} ${var.root_mfa_code}"  # applied with root credentials\n'
            "  versioning_configuration {\n"
            '    status     = "Enabled"\n'
            '    mfa_delete = "Enabled"\n'
            "  }\n"
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/MultiFactorAuthenticationDelete.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-20",
        "https://www.cisecurity.org/benchmark/amazon_web_services",
    ),
    requires=(VERSIONING,),
    tags=("cis",),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL naming Status and MFADelete unless both are Enabled."""
    versioning = resource.supplement(VERSIONING)
    if not isinstance(versioning, dict):
        raise UnknownAttributeError(VERSIONING, f"unexpected versioning configuration: {type(versioning).__name__}")
    status = versioning.get("Status") or "Off"
    mfa_delete = versioning.get("MFADelete") or "Disabled"
    described = f"versioning Status={status}, MFADelete={mfa_delete}"
    if status == "Enabled" and mfa_delete == "Enabled":
        return CheckResult.passed(described)
    return CheckResult.failed(described)
