"""The data and network specs against the seeded lab: NACLs, EBS snapshots, AMIs, RDS snapshots, EFS, secrets.

One collection per module of exactly these types (with all their supplements) over both lab regions,
through real botocore over HTTP. Resources are found by their lab names; moto's own defaults (default
NACLs, the snapshots behind its built-in AMIs) are told apart by ``IsDefault`` and ``OwnerId``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pytest

from cloudward.inventory import Inventory, Resource
from cloudward.inventory.attrs import dumps
from cloudward.lab import LAB_ACCOUNT_ID, LAB_CREDENTIALS
from cloudward.lab.seed import BACKUP_VENDOR_ACCOUNT, LAB_REGIONS, OFFICE_CIDR
from cloudward.providers.aws.clients import Boto3Clients
from cloudward.providers.aws.collector import AwsCollector
from cloudward.providers.aws.specs import ALL_SPECS

TYPES = (
    "AWS::EC2::NetworkAcl",
    "AWS::EC2::Snapshot",
    "AWS::EC2::Image",
    "AWS::EC2::Instance",
    "AWS::RDS::DBSnapshot",
    "AWS::RDS::DBInstance",
    "AWS::EFS::FileSystem",
    "AWS::SecretsManager::Secret",
)
NEEDS = {type_name: frozenset(ALL_SPECS[type_name].supplements) for type_name in TYPES}


@dataclass(frozen=True)
class Collected:
    inventory: Inventory
    requests: dict[str, list[dict[str, Any]]]


@pytest.fixture(scope="module")
def collected(lab_endpoint: str) -> Collected:
    clients = Boto3Clients(endpoint_url=lab_endpoint, credentials=LAB_CREDENTIALS, region="us-east-1", max_attempts=2)
    requests: dict[str, list[dict[str, Any]]] = {}

    def record(service: str, region: str, operation: str, params: Mapping[str, Any]) -> None:
        requests.setdefault(operation, []).append(dict(params))  # the caller's API parameters

    clients.add_call_hook(record)
    return Collected(AwsCollector(clients, ALL_SPECS).collect(NEEDS, LAB_REGIONS), requests)


@pytest.fixture(scope="module")
def inventory(collected: Collected) -> Inventory:
    return collected.inventory


def named(inventory: Inventory, resource_type: str) -> dict[str, Resource]:
    return {resource.name: resource for resource in inventory.of_type(resource_type)}


def test_these_types_collect_without_errors(inventory: Inventory) -> None:
    assert [error for error in inventory.errors if error.resource_type in TYPES] == []
    assert set(TYPES) <= inventory.types()


def _inbound(acl: Resource) -> list[tuple[int, str, str, str, tuple[int, int] | None]]:
    return sorted(
        (
            entry["RuleNumber"],
            entry["RuleAction"],
            entry["Protocol"],
            entry.get("CidrBlock") or entry["Ipv6CidrBlock"],
            (entry["PortRange"]["From"], entry["PortRange"]["To"]) if "PortRange" in entry else None,
        )
        for entry in acl.configuration["Entries"]
        if not entry["Egress"]
    )


def test_network_acls(inventory: Inventory) -> None:
    acls = named(inventory, "AWS::EC2::NetworkAcl")
    open_acl, denied = acls["acme-nacl-ssh-open"], acls["acme-nacl-admin-denied"]
    assert (open_acl.region, denied.region) == ("us-east-1", "us-east-1")
    assert (
        open_acl.arn == f"arn:aws:ec2:us-east-1:{LAB_ACCOUNT_ID}:network-acl/{open_acl.configuration['NetworkAclId']}"
    )
    assert _inbound(open_acl) == [
        (100, "allow", "6", "0.0.0.0/0", (22, 22)),
        (110, "allow", "6", "0.0.0.0/0", (443, 443)),
    ]
    assert _inbound(denied) == [
        (40, "allow", "6", OFFICE_CIDR, (22, 22)),
        (50, "deny", "6", "0.0.0.0/0", (22, 22)),
        (60, "deny", "6", "0.0.0.0/0", (3389, 3389)),
        (100, "allow", "-1", "0.0.0.0/0", None),
    ]
    assert open_acl.configuration["VpcId"] == denied.configuration["VpcId"]
    # every VPC's default NACL (the lab's and moto's default VPCs) is collected, allowing all inbound traffic
    defaults = [acl for acl in acls.values() if acl.configuration["IsDefault"]]
    assert {acl.region for acl in defaults} == set(LAB_REGIONS)
    assert open_acl.configuration["VpcId"] in {acl.configuration["VpcId"] for acl in defaults}
    for acl in defaults:
        assert (100, "allow", "-1", "0.0.0.0/0", None) in _inbound(acl)


def test_snapshots_and_their_create_volume_permission(inventory: Inventory) -> None:
    snapshots = named(inventory, "AWS::EC2::Snapshot")
    public, backup = snapshots["acme-scratch-public"], snapshots["acme-data-backup"]
    assert public.supplement("CreateVolumePermission") == [{"Group": "all"}]
    assert public.configuration["Encrypted"] is False
    assert backup.supplement("CreateVolumePermission") == [{"UserId": BACKUP_VENDOR_ACCOUNT}]
    assert backup.configuration["Encrypted"] is True
    snapshot_id = public.configuration["SnapshotId"]
    assert public.arn == f"arn:aws:ec2:us-east-1::snapshot/{snapshot_id}"
    assert {public.configuration["OwnerId"], backup.configuration["OwnerId"]} == {LAB_ACCOUNT_ID}


def test_images_are_the_accounts_own_only(inventory: Inventory) -> None:
    images = inventory.of_type("AWS::EC2::Image")
    # Owners=self: none of the emulator's ~1,300 built-in images of other accounts
    assert {image.configuration["OwnerId"] for image in images} == {LAB_ACCOUNT_ID}
    by_name = {image.name: image for image in images}
    golden, base = by_name["acme-web-golden"], by_name["acme-worker-base"]
    assert (golden.configuration["Public"], base.configuration["Public"]) == (True, False)
    assert golden.arn == f"arn:aws:ec2:us-east-1::image/{golden.configuration['ImageId']}"
    # CreateImage snapshotted the instances' volumes: those snapshots are collected too, and private
    snapshots = {s.configuration["SnapshotId"]: s for s in inventory.of_type("AWS::EC2::Snapshot")}
    for image in (golden, base):
        for mapping in image.configuration["BlockDeviceMappings"]:
            snapshot = snapshots[mapping["Ebs"]["SnapshotId"]]
            assert snapshot.configuration["OwnerId"] == LAB_ACCOUNT_ID
            assert snapshot.supplement("CreateVolumePermission") == []


def test_snapshots_and_images_are_listed_for_the_account_itself(collected: Collected) -> None:
    """OwnerIds/Owners=self reaches the API (moto honours it for images only; AWS for both)."""
    assert len(collected.requests["DescribeSnapshots"]) == len(LAB_REGIONS)
    assert all(params["OwnerIds"] == ["self"] for params in collected.requests["DescribeSnapshots"])
    assert len(collected.requests["DescribeImages"]) == len(LAB_REGIONS)
    assert all(params["Owners"] == ["self"] for params in collected.requests["DescribeImages"])
    assert all(params["SnapshotType"] == "manual" for params in collected.requests["DescribeDBSnapshots"])


def test_instances_and_their_profiles(inventory: Inventory) -> None:
    instances = named(inventory, "AWS::EC2::Instance")
    assert instances["acme-web-1"].configuration["IamInstanceProfile"]["Arn"].endswith("instance-profile/acme-ec2-app")
    assert "IamInstanceProfile" not in instances["acme-worker-1"].configuration


def _restore(snapshot: Resource) -> list[str]:
    (restore,) = [a for a in snapshot.supplement("DBSnapshotAttributes") if a["AttributeName"] == "restore"]
    return list(restore["AttributeValues"])


def test_rds_manual_snapshots_and_their_restore_attribute(inventory: Inventory) -> None:
    snapshots = named(inventory, "AWS::RDS::DBSnapshot")
    # manual snapshots only: the instances' automated snapshots are not listed
    assert {s.configuration["SnapshotType"] for s in snapshots.values()} == {"manual"}
    export, manual = snapshots["acme-legacy-db-export"], snapshots["acme-orders-db-manual"]
    assert (export.region, manual.region) == ("us-east-1", "us-east-1")
    assert export.arn == f"arn:aws:rds:us-east-1:{LAB_ACCOUNT_ID}:snapshot:acme-legacy-db-export"
    assert _restore(export) == ["all"]
    assert _restore(manual) == [BACKUP_VENDOR_ACCOUNT]
    assert (export.configuration["Encrypted"], manual.configuration["Encrypted"]) == (False, True)
    assert export.configuration["DBInstanceIdentifier"] == "acme-legacy-db"


def test_rds_auto_minor_version_upgrade(inventory: Inventory) -> None:
    databases = named(inventory, "AWS::RDS::DBInstance")
    assert databases["acme-legacy-db"].configuration["AutoMinorVersionUpgrade"] is False
    assert databases["acme-orders-db"].configuration["AutoMinorVersionUpgrade"] is True


def test_efs_file_systems(inventory: Inventory) -> None:
    systems = named(inventory, "AWS::EFS::FileSystem")
    home, eu = systems["acme-shared-home"], systems["acme-eu-scratch"]
    assert (home.region, eu.region) == ("us-east-1", "eu-west-1")
    assert home.configuration["Encrypted"] is True
    assert home.configuration["KmsKeyId"].startswith("arn:aws:kms:us-east-1:")
    assert eu.configuration["Encrypted"] is False
    assert home.arn.startswith(f"arn:aws:elasticfilesystem:us-east-1:{LAB_ACCOUNT_ID}:file-system/fs-")
    assert home.tags == {"Name": "acme-shared-home"}


def test_secrets_rotation_metadata(inventory: Inventory) -> None:
    secrets = named(inventory, "AWS::SecretsManager::Secret")
    rotating = secrets["acme/orders-db/credentials"]
    assert rotating.region == "us-east-1"
    assert rotating.configuration["RotationEnabled"] is True
    assert rotating.configuration["RotationRules"]["AutomaticallyAfterDays"] == 30
    assert not secrets["acme/legacy/api-token"].configuration.get("RotationEnabled")
    assert secrets["acme/eu/partner-key"].region == "eu-west-1"
    assert not secrets["acme/eu/partner-key"].configuration.get("RotationEnabled")


def test_secret_values_are_never_collected(collected: Collected) -> None:
    everything = b"".join(dumps(dict(resource.attrs)) for resource in collected.inventory)
    assert b"lab-not-a-secret-01" not in everything
    assert "GetSecretValue" not in collected.requests
    assert [operation for operation in collected.requests if "Secret" in operation] == ["ListSecrets"]
