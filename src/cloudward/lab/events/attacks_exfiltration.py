"""Attack scenarios of exfiltration."""

from __future__ import annotations

from cloudward.lab.events.apis import public_read
from cloudward.lab.events.attacker import (
    ATTACKER_ACCOUNT,
    ATTACKER_IPS,
    CLOUD_FIREWALL,
    GO_SDK,
    Attack,
    Scenario,
    registrar,
)
from cloudward.lab.events.identities import Actor
from cloudward.lab.events.tokens import unique_id
from cloudward.lab.events.world import HOME

# --- exfiltration ----------------------------------------------------------------------------------

SCENARIOS: dict[str, Scenario] = {}
scenario = registrar(SCENARIOS)


@scenario(
    "ebs_snapshot_shared",
    ("T1537",),
    "exfiltration",
    "The data volume is snapshotted and the snapshot shared with an unknown account: ec2 CreateSnapshot, then "
    "ModifySnapshotAttribute with createVolumePermission.add.items[].userId 739562084613 (the backup vendor's "
    "nightly share names 444455556666).",
)
def ebs_snapshot_shared(a: Attack, t: int) -> None:
    """CreateSnapshot + ModifySnapshotAttribute to an external account."""
    actor = a.leaked_key("carol")
    a.recon(t, actor, a.read("ec2", "DescribeVolumes"))
    t = a.after(t, 5, 30)
    call, snapshot = a.apis.create_snapshot(t, a.world.volumes["acme-data-encrypted"], "migration")
    a.call(t, actor, call, HOME, key=False, phase="collection")
    t = a.after(t, 120, 600)
    a.call(t, actor, a.apis.modify_snapshot_attribute(snapshot, add_user=ATTACKER_ACCOUNT), HOME)


@scenario(
    "ami_shared",
    ("T1537",),
    "exfiltration",
    "An image of acme-web-1 is made and shared: ec2 CreateImage, then ModifyImageAttribute with "
    "launchPermission.add.items[].userId 739562084613.",
)
def ami_shared(a: Attack, t: int) -> None:
    """CreateImage + ModifyImageAttribute to an external account."""
    actor = a.stolen_sso("dan", t)
    call, image = a.apis.create_image(a.world.instances["acme-web-1"].instance_id, "web-backup")
    a.call(t, actor, call, HOME, key=False, phase="collection")
    t = a.after(t, 300, 900)
    a.call(t, actor, a.apis.modify_image_attribute(image, add_user=ATTACKER_ACCOUNT), HOME)


@scenario(
    "rds_snapshot_shared",
    ("T1537",),
    "exfiltration",
    "A snapshot of the orders database is shared: rds CreateDBSnapshot, then ModifyDBSnapshotAttribute with "
    "attributeName restore and valuesToAdd [739562084613] (the backup vendor's nightly share adds 444455556666).",
)
def rds_snapshot_shared(a: Attack, t: int) -> None:
    """CreateDBSnapshot + ModifyDBSnapshotAttribute restore to an external account."""
    actor = a.leaked_key("carol")
    name = "orders-export"
    a.recon(t, actor, a.read("rds", "DescribeDBInstances"))
    t = a.after(t, 5, 30)
    create = a.apis.create_db_snapshot(name, "acme-orders-db")
    a.call(t, actor, create, HOME, key=False, phase="collection")
    t = a.after(t, 600, 1500)
    share = a.apis.share_db_snapshot(name, ATTACKER_ACCOUNT)
    a.call(t, actor, share, HOME)


def _anonymous(a: Attack, ip: str) -> Actor:
    return Actor(
        "anonymous", {"type": "AWSAccount", "principalId": "", "accountId": "anonymous"}, ip, "curl/8.5.0", "anonymous"
    )


@scenario(
    "s3_bucket_policy_public",
    ("T1537", "T1530"),
    "exfiltration",
    "acme-customer-data is made public: s3 DeleteBucketPublicAccessBlock, PutBucketPolicy whose "
    "requestParameters.bucketPolicy.Statement has Effect Allow, Principal '*', Action s3:GetObject and no "
    "condition; then anonymous GetObject (userIdentity.accountId anonymous).",
)
def s3_bucket_policy_public(a: Attack, t: int) -> None:
    """Block Public Access removed and a public-read policy on the customer data."""
    actor = a.leaked_key("carol")
    bucket = a.world.buckets["acme-customer-data"]
    a.recon(t, actor, a.apis.s3_bucket_read(bucket, "GetBucketPolicy", "policy"))
    t = a.after(t, 5, 30)
    a.call(t, actor, a.apis.delete_public_access_block(bucket), HOME, phase="defense-evasion")
    t = a.after(t, 5, 30)
    a.call(t, actor, a.apis.put_bucket_policy(bucket, public_read(bucket)), HOME)
    reader = _anonymous(a, a.rng.choice(ATTACKER_IPS))
    for n in range(6):
        t = a.after(t, 30, 300)
        call = a.apis.s3_object("GetObject", bucket, f"exports/customers-{n + 1}.parquet", size=1_400_000)
        a.call(t, reader, call, HOME, key=False)


@scenario(
    "s3_bucket_policy_external_account",
    ("T1537",),
    "exfiltration",
    "acme-customer-data is shared with an unknown account: s3 PutBucketPolicy whose statement has Principal "
    "{'AWS': 'arn:aws:iam::739562084613:root'} and s3:GetObject/ListBucket; that account then reads objects "
    "(data events with userIdentity.type AWSAccount, accountId 739562084613).",
)
def s3_bucket_policy_external_account(a: Attack, t: int) -> None:
    """A bucket policy granting another account read access."""
    actor = a.stolen_sso("dan", t)
    bucket = a.world.buckets["acme-customer-data"]
    statements = [
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ATTACKER_ACCOUNT}:root"},
            "Action": ["s3:GetObject", "s3:GetBucketLocation", "s3:ListBucket"],
            "Resource": [f"{bucket.arn}/*", bucket.arn],
        }
    ]
    a.call(t, actor, a.apis.put_bucket_policy(bucket, statements), HOME)
    identity = {
        "type": "AWSAccount",
        "principalId": unique_id("AIDA", "attacker", "operator"),
        "accountId": ATTACKER_ACCOUNT,
    }
    outsider = Actor(
        "external", identity, a.rng.choice(ATTACKER_IPS), GO_SDK, f"arn:aws:iam::{ATTACKER_ACCOUNT}:user/operator"
    )
    for n in range(8):
        t = a.after(t, 20, 200)
        call = a.apis.s3_object("GetObject", bucket, f"exports/customers-{n + 10}.parquet", size=2_100_000)
        a.call(t, outsider, call, HOME, key=False)


@scenario(
    "security_group_ssh_open_world",
    CLOUD_FIREWALL,
    "defense-evasion",
    "SSH and RDP opened to the internet: ec2 AuthorizeSecurityGroupIngress with cidrIp 0.0.0.0/0 and port 22 "
    "(flat parameters, as some SDK tools send) and 3389 (ipPermissions.items[].ipRanges.items[].cidrIp). "
    "Terraform's benign changes open 443 to the world and 22 only from 203.0.113.0/24.",
)
def security_group_ssh_open_world(a: Attack, t: int) -> None:
    """Ingress 22 and 3389 from 0.0.0.0/0."""
    actor = a.leaked_key("carol")
    a.recon(t, actor, a.read("ec2", "DescribeSecurityGroups"))
    t = a.after(t, 5, 60)
    a.call(
        t, actor, a.apis.authorize_ingress_flat(a.world.security_groups["acme-bastion"].group_id, 22, "0.0.0.0/0"), HOME
    )
    t = a.after(t, 5, 60)
    a.call(
        t, actor, a.apis.authorize_ingress(a.world.security_groups["acme-web"].group_id, "tcp", 3389, "0.0.0.0/0"), HOME
    )
