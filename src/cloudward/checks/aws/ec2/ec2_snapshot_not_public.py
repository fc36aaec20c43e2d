"""No EBS snapshot can be restored by every AWS account."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cloudward.checks.aws.ec2._owned import not_owned
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
    id="ec2_snapshot_not_public",
    title="EBS snapshot is not public",
    service="ec2",
    resource_type="AWS::EC2::Snapshot",
    severity=Severity.CRITICAL,
    layer=Layer.DATA,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.IAAS,
    description=(
        "Fails when the snapshot's createVolumePermission attribute (DescribeSnapshotAttribute) contains "
        'a permission with Group "all", which lets every AWS account create a volume from it. Sharing with '
        "named accounts (UserId) is not public: those accounts are listed in the reason but not judged. "
        "Snapshots owned by another account (OwnerId differs from the scanned account) are NOT_APPLICABLE, "
        "as only their owner can change their permissions; the collector lists the account's own "
        "snapshots only (OwnerIds=self). An unreadable attribute is ERROR."
    ),
    risk=(
        "A public snapshot is a full copy of a disk that anyone can turn into a volume in their own account "
        "and mount: databases, keys, credentials in configuration files and home directories are read "
        "offline, without any trace in this account's logs. Researchers find thousands of such snapshots "
        "leaking secrets every year."
    ),
    remediation=Remediation(
        summary="Remove the 'all' group from the snapshot's create-volume permission (make it private).",
        console=(
            "Open the EC2 console > Elastic Block Store > Snapshots and choose the snapshot.",
            "Actions > Snapshot settings > Modify permissions.",
            "Select 'Private', keep only the accounts that need it, and save.",
            "Consider turning on 'Block public access for snapshots' for the region (EC2 > Data protection "
            "and security).",
        ),
        cli=(
            "aws ec2 modify-snapshot-attribute --snapshot-id SNAPSHOT_ID --attribute createVolumePermission "
            "--operation-type remove --group-names all\n"
            "aws ec2 enable-snapshot-block-public-access --state block-all-sharing"
        ),
        terraform=(
            "# Terraform shares snapshots only through explicit aws_snapshot_create_volume_permission\n"
            "# resources (one account each): remove any that were made public outside Terraform, and\n"
            'resource "aws_ebs_snapshot_block_public_access" "this" {\n'
            '  state = "block-all-sharing"\n'
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/ebs/latest/userguide/ebs-modifying-snapshot-permissions.html",
        "https://docs.aws.amazon.com/ebs/latest/userguide/block-public-access-snapshots.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html",
    ),
    requires=("CreateVolumePermission",),
)


def _accounts(permissions: list[Mapping[str, Any]]) -> list[str]:
    return sorted({str(p["UserId"]) for p in permissions if p.get("UserId")})


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL when createVolumePermission grants Group=all."""
    skip = not_owned(resource, "snapshot")
    if skip is not None:
        return skip
    permissions: list[Mapping[str, Any]] = list(resource.supplement("CreateVolumePermission") or [])
    accounts = _accounts(permissions)
    shared = f"; also shared with account(s) {', '.join(accounts)}" if accounts else ""
    if any(str(p.get("Group", "")).lower() == "all" for p in permissions):
        encrypted = (resource.configuration or {}).get("Encrypted")
        state = f" (Encrypted={str(encrypted).lower()})" if encrypted is not None else ""
        return CheckResult.failed(f"createVolumePermission Group=all: any AWS account can restore it{state}{shared}")
    if accounts:
        return CheckResult.passed(f"not public; shared with account(s) {', '.join(accounts)}")
    return CheckResult.passed("not public; createVolumePermission is empty (private)")
