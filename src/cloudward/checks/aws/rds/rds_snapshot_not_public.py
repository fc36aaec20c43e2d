"""No manual RDS DB snapshot can be restored by every AWS account."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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

RESTORE = "restore"

meta = CheckMeta(
    id="rds_snapshot_not_public",
    title="RDS DB snapshot is not public",
    service="rds",
    resource_type="AWS::RDS::DBSnapshot",
    severity=Severity.CRITICAL,
    layer=Layer.DATA,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.PAAS,
    description=(
        'Fails when the snapshot\'s "restore" attribute (DescribeDBSnapshotAttributes) lists the value '
        '"all", which lets every AWS account copy or restore it. Accounts named in the attribute are '
        "listed in the reason but not judged. No restore attribute in the answer means nobody else may "
        "restore it. Manual DB instance snapshots are evaluated (automated snapshots cannot be shared); "
        "Aurora DB cluster snapshots are a different resource type and are not covered here. An unreadable "
        "attribute is ERROR."
    ),
    risk=(
        "A public DB snapshot is the whole database: anyone restores it into their own account, resets the "
        "master password there and reads every table, without any access to, or trace in, this account."
    ),
    remediation=Remediation(
        summary='Remove "all" from the snapshot\'s restore attribute; share only with named accounts.',
        console=(
            "Open the RDS console > Snapshots and choose the manual snapshot.",
            "Actions > Share snapshot.",
            "Set DB snapshot visibility to 'Private', keep only the account IDs that need it, and save.",
        ),
        cli=(
            "aws rds modify-db-snapshot-attribute --db-snapshot-identifier SNAPSHOT_ID "
            "--attribute-name restore --values-to-remove all"
        ),
        terraform=(
            "# Terraform shares DB snapshots only with named accounts:\n"
            'resource "aws_db_snapshot" "this" {\n'
            "  db_instance_identifier = aws_db_instance.this.identifier\n"
            '  db_snapshot_identifier = "manual-snapshot"\n'
            '  shared_accounts        = ["111122223333"] # never "all"\n'
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ShareSnapshot.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html",
    ),
    requires=("DBSnapshotAttributes",),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL when the restore attribute includes "all"."""
    attributes: list[Mapping[str, Any]] = list(resource.supplement("DBSnapshotAttributes") or [])
    values = [
        str(value)
        for attribute in attributes
        if attribute.get("AttributeName") == RESTORE
        for value in attribute.get("AttributeValues") or []
    ]
    accounts = sorted({value for value in values if value.lower() != "all"})
    shared = f"shared with account(s) {', '.join(accounts)}" if accounts else ""
    if any(value.lower() == "all" for value in values):
        encrypted = (resource.configuration or {}).get("Encrypted")
        state = f" (Encrypted={str(encrypted).lower()})" if encrypted is not None else ""
        also = f"; also {shared}" if shared else ""
        return CheckResult.failed(f"restore attribute includes all: any AWS account can restore it{state}{also}")
    return CheckResult.passed(f"not public; {shared}" if shared else "not public; restore attribute is empty (private)")
