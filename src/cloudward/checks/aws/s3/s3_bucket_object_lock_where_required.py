"""Buckets that must keep objects immutable (audit logs, tagged retention) have S3 Object Lock on."""

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

REQUIRED_TAG = "object-lock"
TRAIL = "AWS::CloudTrail::Trail"

meta = CheckMeta(
    id="s3_bucket_object_lock_where_required",
    title="S3 bucket that must be immutable has Object Lock enabled",
    service="s3",
    resource_type="AWS::S3::Bucket",
    severity=Severity.MEDIUM,
    layer=Layer.DATA,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.PAAS,
    description=(
        "Object Lock is required for a bucket that receives CloudTrail logs (some trail in the inventory has "
        f"it as S3BucketName) or that carries the tag {REQUIRED_TAG}=required (key and value case-insensitive). "
        "Such a bucket passes when its Object Lock configuration has ObjectLockEnabled=Enabled; a default "
        "retention rule is reported but not required. Other buckets are NOT_APPLICABLE: Object Lock is a "
        "retention decision, not a default for every bucket."
    ),
    risk=(
        "An intruder with write access deletes or overwrites the audit logs that would reveal them, or "
        "ransomware encrypts and deletes records that must be kept; without Object Lock nothing prevents it."
    ),
    remediation=Remediation(
        summary="Enable versioning and Object Lock on the bucket, with a default retention that fits the records.",
        console=(
            "Open the S3 console and choose the bucket; Properties > Bucket Versioning: Enable.",
            "Properties > Object Lock > Edit: enable it and set a default retention (Governance or Compliance).",
        ),
        cli=(
            "aws s3api put-bucket-versioning --bucket BUCKET --versioning-configuration Status=Enabled\n"
            "aws s3api put-object-lock-configuration --bucket BUCKET --object-lock-configuration "
            "'ObjectLockEnabled=Enabled,Rule={DefaultRetention={Mode=GOVERNANCE,Days=365}}'"
        ),
        terraform=(
            'resource "aws_s3_bucket_object_lock_configuration" "this" {\n'
            "  bucket = aws_s3_bucket.this.id\n"
            "  rule {\n"
            "    default_retention {\n"
            '      mode = "GOVERNANCE"\n'
            "      days = 365\n"
            "    }\n"
            "  }\n"
            "}"
        ),
    ),
    references=("https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html",),
    requires=("ObjectLockConfiguration", "Tags", TRAIL),
)


_TRAILS_BY_BUCKET: dict[int, tuple[Inventory, dict[str, list[str]]]] = {}


def _trails_by_bucket(inventory: Inventory) -> dict[str, list[str]]:
    """Trail names by destination bucket, built once per inventory (buckets x trails would be quadratic)."""
    cached = _TRAILS_BY_BUCKET.get(id(inventory))
    if cached is not None and cached[0] is inventory:
        return cached[1]
    index: dict[str, list[str]] = {}
    for trail in inventory.of_type(TRAIL):
        index.setdefault(str((trail.configuration or {}).get("S3BucketName")), []).append(trail.name)
    _TRAILS_BY_BUCKET.clear()
    _TRAILS_BY_BUCKET[id(inventory)] = (inventory, index)
    return index


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """N/A unless required; then FAIL without ObjectLockEnabled=Enabled."""
    reasons: list[str] = []
    trails = _trails_by_bucket(inventory).get(resource.name, [])
    if trails:
        reasons.append(f"receives CloudTrail logs from {', '.join(sorted(trails))}")
    tags = {key.lower(): value.lower() for key, value in (resource.supplement("Tags") or {}).items()}
    if tags.get(REQUIRED_TAG) == "required":
        reasons.append(f"tagged {REQUIRED_TAG}=required")
    if not reasons:
        return CheckResult.not_applicable(
            "no CloudTrail logs and no object-lock=required tag: Object Lock not required"
        )
    lock = resource.supplement("ObjectLockConfiguration") or {}
    why = "; ".join(reasons)
    if lock.get("ObjectLockEnabled") != "Enabled":
        return CheckResult.failed(f"Object Lock is off, but the bucket {why}")
    retention = (lock.get("Rule") or {}).get("DefaultRetention")
    detail = f"default retention {retention}" if retention else "no default retention"
    return CheckResult.passed(f"Object Lock enabled ({detail}); the bucket {why}")
