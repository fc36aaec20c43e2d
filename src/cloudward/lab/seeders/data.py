"""Lab data and network resources: network ACLs, EBS snapshots, AMIs, RDS snapshots, EFS, secrets.

Each pair has a weak and a well-configured member, so every check has a PASS and a FAIL in the lab:

- Network ACLs in VPC ``acme-prod`` (us-east-1): ``acme-nacl-ssh-open`` allows TCP 22 from 0.0.0.0/0;
  ``acme-nacl-admin-denied`` allows all traffic at rule 100 but denies 22 and 3389 from 0.0.0.0/0 at
  lower rule numbers (and SSH from the office range before that), so the denies win. The default NACLs
  that every VPC gets allow all inbound traffic: they are real findings too.
- EBS snapshots (us-east-1): ``acme-scratch-public`` of the unencrypted scratch volume, restorable by
  everyone (createVolumePermission group ``all``); ``acme-data-backup`` of the encrypted data volume,
  shared with the backup vendor's account only.
- AMIs (us-east-1) made from the lab instances: ``acme-web-golden`` public, ``acme-worker-base``
  private. CreateImage also snapshots each image's volumes; those snapshots stay private.
- RDS manual snapshots (us-east-1): ``acme-legacy-db-export`` of the unencrypted legacy database,
  public (restore ``all``); ``acme-orders-db-manual`` of the encrypted orders database, shared with the
  backup vendor only. The legacy database also gets auto minor version upgrade turned off.
- EFS: ``acme-shared-home`` encrypted with the ``acme-data`` KMS key (us-east-1), ``acme-eu-scratch``
  unencrypted (eu-west-1).
- Secrets Manager: ``acme/orders-db/credentials`` rotates every 30 days; ``acme/legacy/api-token``
  (us-east-1) and ``acme/eu/partner-key`` (eu-west-1) have no rotation. The emulator accepts a rotation
  schedule without a rotation function (AWS would need one, and running one needs Docker here), so the
  rotating secret has rules but no ``RotationLambdaARN`` and is never actually rotated.

Secret values are lab placeholders ("lab-not-a-secret-..."): scans must never show them.
"""

from __future__ import annotations

from typing import Any

from cloudward.lab.seed import BACKUP_VENDOR_ACCOUNT, EU, HOME, OFFICE_CIDR

INTERNET = "0.0.0.0/0"


def _tags(resource_type: str, name: str) -> list[dict[str, Any]]:
    return [{"ResourceType": resource_type, "Tags": [{"Key": "Name", "Value": name}]}]


def _by_name(described: list[dict[str, Any]], name: str) -> dict[str, Any]:
    for item in described:
        if {"Key": "Name", "Value": name} in (item.get("Tags") or []):
            return item
    raise LookupError(f"the core lab has no resource named {name!r}; seed it before this seeder")


def _nacl_entry(number: int, action: str, port: int | None, cidr: str = INTERNET) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "RuleNumber": number,
        "RuleAction": action,
        "Egress": False,
        "CidrBlock": cidr,
        "Protocol": "-1" if port is None else "6",
    }
    if port is not None:
        entry["PortRange"] = {"From": port, "To": port}
    return entry


def network_acls(lab: Any) -> None:
    """A NACL open to SSH from anywhere, and one whose lower-numbered denies shadow an allow-all."""
    ec2 = lab.c("ec2", HOME)
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["acme-prod"]}])["Vpcs"]
    vpc_id = _by_name(vpcs, "acme-prod")["VpcId"]
    rules = {
        "acme-nacl-ssh-open": [_nacl_entry(100, "allow", 22), _nacl_entry(110, "allow", 443)],
        "acme-nacl-admin-denied": [
            _nacl_entry(40, "allow", 22, OFFICE_CIDR),
            _nacl_entry(50, "deny", 22),
            _nacl_entry(60, "deny", 3389),
            _nacl_entry(100, "allow", None),
        ],
    }
    for name, entries in rules.items():
        acl = ec2.create_network_acl(VpcId=vpc_id, TagSpecifications=_tags("network-acl", name))
        acl_id = acl["NetworkAcl"]["NetworkAclId"]
        for entry in entries:
            ec2.create_network_acl_entry(NetworkAclId=acl_id, **entry)
        lab.count("AWS::EC2::NetworkAcl")


def ebs_snapshots(lab: Any) -> None:
    """A public snapshot of the unencrypted volume, and one of the encrypted volume shared with one account."""
    ec2 = lab.c("ec2", HOME)
    volumes = ec2.describe_volumes()["Volumes"]
    public = ec2.create_snapshot(
        VolumeId=_by_name(volumes, "acme-scratch")["VolumeId"],
        Description="acme scratch volume (public by mistake)",
        TagSpecifications=_tags("snapshot", "acme-scratch-public"),
    )["SnapshotId"]
    ec2.modify_snapshot_attribute(
        SnapshotId=public, Attribute="createVolumePermission", OperationType="add", GroupNames=["all"]
    )
    backup = ec2.create_snapshot(
        VolumeId=_by_name(volumes, "acme-data-encrypted")["VolumeId"],
        Description="acme data volume nightly backup",
        TagSpecifications=_tags("snapshot", "acme-data-backup"),
    )["SnapshotId"]
    ec2.modify_snapshot_attribute(
        SnapshotId=backup, Attribute="createVolumePermission", OperationType="add", UserIds=[BACKUP_VENDOR_ACCOUNT]
    )
    lab.count("AWS::EC2::Snapshot", 2)


def images(lab: Any) -> None:
    """A public AMI of the web instance and a private one of the worker (with their own snapshots)."""
    ec2 = lab.c("ec2", HOME)
    instances = [i for r in ec2.describe_instances()["Reservations"] for i in r["Instances"]]
    made: dict[str, str] = {}
    for name, source in (("acme-web-golden", "acme-web-1"), ("acme-worker-base", "acme-worker-1")):
        made[name] = ec2.create_image(
            InstanceId=_by_name(instances, source)["InstanceId"],
            Name=name,
            Description=f"{name} (acme lab)",
            TagSpecifications=_tags("image", name),
        )["ImageId"]
        lab.count("AWS::EC2::Image")
    ec2.modify_image_attribute(ImageId=made["acme-web-golden"], LaunchPermission={"Add": [{"Group": "all"}]})
    # CreateImage snapshots every EBS volume of the instance: those are the account's snapshots too
    described = ec2.describe_images(ImageIds=list(made.values()))["Images"]
    snapshots = [m["Ebs"]["SnapshotId"] for i in described for m in i.get("BlockDeviceMappings") or [] if "Ebs" in m]
    lab.count("AWS::EC2::Snapshot", len(snapshots))


def rds_snapshots(lab: Any) -> None:
    """A public snapshot of the legacy database, a privately shared one of the orders database."""
    rds = lab.c("rds", HOME)
    rds.create_db_snapshot(DBInstanceIdentifier="acme-legacy-db", DBSnapshotIdentifier="acme-legacy-db-export")
    rds.modify_db_snapshot_attribute(
        DBSnapshotIdentifier="acme-legacy-db-export", AttributeName="restore", ValuesToAdd=["all"]
    )
    rds.create_db_snapshot(DBInstanceIdentifier="acme-orders-db", DBSnapshotIdentifier="acme-orders-db-manual")
    rds.modify_db_snapshot_attribute(
        DBSnapshotIdentifier="acme-orders-db-manual", AttributeName="restore", ValuesToAdd=[BACKUP_VENDOR_ACCOUNT]
    )
    lab.count("AWS::RDS::DBSnapshot", 2)
    # the legacy database is the neglected one: no automatic minor (security) upgrades either
    rds.modify_db_instance(DBInstanceIdentifier="acme-legacy-db", AutoMinorVersionUpgrade=False, ApplyImmediately=True)


def file_systems(lab: Any) -> None:
    """An encrypted EFS file system at home and an unencrypted one in the EU."""
    lab.c("efs", HOME).create_file_system(
        CreationToken="acme-shared-home",
        Encrypted=True,
        KmsKeyId=lab.kms["acme-data"],
        Tags=[{"Key": "Name", "Value": "acme-shared-home"}],
    )
    lab.c("efs", EU).create_file_system(
        CreationToken="acme-eu-scratch", Encrypted=False, Tags=[{"Key": "Name", "Value": "acme-eu-scratch"}]
    )
    lab.count("AWS::EFS::FileSystem", 2)


def secrets(lab: Any) -> None:
    """One rotating secret, two that never rotate."""
    home = lab.c("secretsmanager", HOME)
    home.create_secret(
        Name="acme/orders-db/credentials",
        Description="orders database application user",
        SecretString='{"username": "orders_app", "password": "lab-not-a-secret-0101"}',
        KmsKeyId=lab.kms["acme-data"],
    )
    # no rotation function: the emulator keeps the schedule without one (see the module docstring)
    home.rotate_secret(
        SecretId="acme/orders-db/credentials",
        RotationRules={"AutomaticallyAfterDays": 30},
        RotateImmediately=False,
    )
    home.create_secret(
        Name="acme/legacy/api-token",
        Description="token for the legacy billing API",
        SecretString="lab-not-a-secret-0102",
    )
    lab.c("secretsmanager", EU).create_secret(
        Name="acme/eu/partner-key", Description="EU partner SFTP key", SecretString="lab-not-a-secret-0103"
    )
    lab.count("AWS::SecretsManager::Secret", 3)


def seed(lab: Any) -> None:
    """Create this area's lab resources (after the core account: VPC, volumes, instances, databases)."""
    network_acls(lab)
    ebs_snapshots(lab)
    images(lab)
    rds_snapshots(lab)
    file_systems(lab)
    secrets(lab)
