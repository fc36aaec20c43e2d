"""RDS DB instances keep automated backups for at least seven days."""

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

MINIMUM_RETENTION_DAYS = 7

meta = CheckMeta(
    id="rds_instance_backup_enabled",
    title="RDS DB instance keeps automated backups for at least 7 days",
    service="rds",
    resource_type="AWS::RDS::DBInstance",
    severity=Severity.MEDIUM,
    layer=Layer.RESPONSE,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.PAAS,
    description=(
        "Passes when BackupRetentionPeriod is at least 7 days, the minimum Security Hub RDS.11 uses. "
        "0 (automated backups off) fails, and so does 1-6 days (Prowler only fails 0; a retention shorter "
        "than a week rarely survives a ransomware incident noticed on Monday). NOT_APPLICABLE: members of "
        "an Aurora or Multi-AZ DB cluster (DBClusterIdentifier set), whose retention is a cluster setting "
        "that the instance field does not reflect, and read replicas "
        "(ReadReplicaSourceDBInstanceIdentifier or ReadReplicaSourceDBClusterIdentifier set), which are "
        "recovered from their source."
    ),
    risk=(
        "Without automated backups there is no point-in-time recovery: an intruder or ransomware operator "
        "who drops tables, or a faulty migration, destroys data for good, and a short retention is gone "
        "before the damage is noticed."
    ),
    remediation=Remediation(
        summary="Set the backup retention period to 7 days or more.",
        console=(
            "Open the RDS console and choose Databases, then the instance, then Modify.",
            "Under Additional configuration > Backup, set 'Backup retention period' to 7 days or more.",
            "Choose Continue, apply immediately, and save.",
        ),
        cli=(
            "aws rds modify-db-instance --db-instance-identifier DB_ID --backup-retention-period 7 --apply-immediately"
        ),
        terraform=('resource "aws_db_instance" "this" {\n  # ...\n  backup_retention_period = 7\n}'),
    ),
    references=(
        "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithAutomatedBackups.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-11",
    ),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL when retention is below 7 days; N/A for cluster members and read replicas."""
    configuration = resource.configuration or {}
    cluster = configuration.get("DBClusterIdentifier")
    if cluster:
        return CheckResult.not_applicable(f"member of DB cluster {cluster}: backup retention is set on the cluster")
    source = configuration.get("ReadReplicaSourceDBInstanceIdentifier") or configuration.get(
        "ReadReplicaSourceDBClusterIdentifier"
    )
    if source:
        return CheckResult.not_applicable(f"read replica of {source}: backups are taken from the source")
    if not isinstance(configuration.get("BackupRetentionPeriod"), int):
        raise UnknownAttributeError("BackupRetentionPeriod", "absent from DescribeDBInstances output")
    days: int = configuration["BackupRetentionPeriod"]
    if days == 0:
        return CheckResult.failed("BackupRetentionPeriod=0: automated backups are off")
    if days < MINIMUM_RETENTION_DAYS:
        return CheckResult.failed(
            f"BackupRetentionPeriod={days} day{'s' if days > 1 else ''}, below the {MINIMUM_RETENTION_DAYS}-day minimum"
        )
    return CheckResult.passed(f"BackupRetentionPeriod={days} days")
