"""Every bucket has versioning enabled."""

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
    id="s3_bucket_versioning_enabled",
    title="S3 bucket has versioning enabled",
    service="s3",
    resource_type="AWS::S3::Bucket",
    severity=Severity.LOW,
    layer=Layer.DATA,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.PAAS,
    description=(
        "Passes when GetBucketVersioning reports Status=Enabled. A bucket that was never versioned "
        "(Status absent, recorded as Off) or whose versioning is Suspended fails: suspended buckets keep "
        "old versions but stop creating new ones. MFA Delete is named in the reason but not required."
    ),
    risk=(
        "Without versioning an attacker or a faulty job that overwrites or deletes objects destroys them "
        "for good; ransomware against S3 works by rewriting objects with encrypted copies."
    ),
    remediation=Remediation(
        summary="Enable versioning on the bucket (and add lifecycle rules to expire old versions).",
        console=(
            "Open the S3 console and choose the bucket.",
            "Properties tab > Bucket Versioning > Edit > Enable > Save changes.",
        ),
        cli="aws s3api put-bucket-versioning --bucket BUCKET --versioning-configuration Status=Enabled",
        terraform=(
            'resource "aws_s3_bucket_versioning" "this" {\n'
            "  bucket = aws_s3_bucket.this.id\n"
            "  versioning_configuration {\n"
            '    status = "Enabled"\n'
            "  }\n"
            "}"
        ),
    ),
    references=("https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html",),
    requires=("BucketVersioningConfiguration",),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL naming the versioning status when it is not Enabled."""
    versioning = resource.supplement("BucketVersioningConfiguration") or {}
    status = versioning.get("Status") or "Off"
    mfa_delete = versioning.get("MFADelete") or "Disabled"
    if status == "Enabled":
        return CheckResult.passed(f"versioning Status=Enabled (MFADelete={mfa_delete})")
    return CheckResult.failed(f"versioning Status={status}")
