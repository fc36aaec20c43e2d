"""RDS DB instances encrypt their storage at rest."""

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

meta = CheckMeta(
    id="rds_instance_storage_encrypted",
    title="RDS DB instance storage is encrypted at rest",
    service="rds",
    resource_type="AWS::RDS::DBInstance",
    severity=Severity.HIGH,
    layer=Layer.DATA,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.PAAS,
    description=(
        "Passes when the instance's StorageEncrypted is true (its storage, automated backups, read replicas "
        "and snapshots are encrypted with a KMS key). Aurora cluster members report their cluster's "
        "encryption and are evaluated the same way. Which key is used (AWS-managed aws/rds or a customer "
        "key) is named in the reason but not judged."
    ),
    risk=(
        "Unencrypted storage means snapshots and backups are unencrypted too: a snapshot shared by mistake, "
        "copied to another account by an intruder, or restored from a retired volume exposes the whole "
        "database in clear text, and the instance cannot be encrypted in place later."
    ),
    remediation=Remediation(
        summary="Encryption cannot be turned on in place: restore an encrypted copy and switch over.",
        console=(
            "Open the RDS console, choose the instance, and take a manual snapshot (Actions > Take snapshot).",
            "Choose Snapshots, select the snapshot, Actions > Copy snapshot, and select 'Enable encryption' "
            "with a KMS key.",
            "Restore the encrypted snapshot to a new instance, move clients to it, then delete the old one.",
        ),
        cli=(
            "aws rds copy-db-snapshot --source-db-snapshot-identifier SNAP --target-db-snapshot-identifier "
            "SNAP-encrypted --kms-key-id KEY_ARN && aws rds restore-db-instance-from-db-snapshot "
            "--db-instance-identifier DB_ID-encrypted --db-snapshot-identifier SNAP-encrypted"
        ),
        terraform=(
            'resource "aws_db_instance" "this" {\n'
            "  # ...\n"
            "  storage_encrypted = true\n"
            "  kms_key_id        = aws_kms_key.rds.arn\n"
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-3",
        "https://www.cisecurity.org/benchmark/amazon_web_services",
    ),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL when StorageEncrypted is not true."""
    configuration = resource.configuration or {}
    if "StorageEncrypted" not in configuration:
        raise UnknownAttributeError("StorageEncrypted", "absent from DescribeDBInstances output")
    if configuration["StorageEncrypted"] is True:
        key = configuration.get("KmsKeyId")
        return CheckResult.passed("StorageEncrypted=true" + (f" (KmsKeyId={key})" if key else ""))
    engine = configuration.get("Engine")
    return CheckResult.failed("StorageEncrypted=false" + (f" (engine {engine})" if engine else ""))
