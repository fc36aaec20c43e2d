"""EC2 and VPC, further types: network ACLs, EBS snapshots with their sharing, and AMIs.

Snapshots and images are listed for the scanning account only (``OwnerIds``/``Owners`` ``self``):
without it DescribeSnapshots and DescribeImages also return every public snapshot and image of other
accounts, which are theirs to secure, not ours.
"""

from __future__ import annotations

from cloudward.providers.aws.spec import Call, Context, Item, Listing, ResourceSpec, Scope, name_tag_or, tag_list


def _network_acl_arn(item: Item, ctx: Context) -> str:
    return f"arn:{ctx.partition}:ec2:{ctx.region}:{ctx.account_id}:network-acl/{item['NetworkAclId']}"


def _snapshot_arn(item: Item, ctx: Context) -> str:
    # EC2 snapshot and image ARNs carry no account id (IAM's resource-type reference for EC2)
    return f"arn:{ctx.partition}:ec2:{ctx.region}::snapshot/{item['SnapshotId']}"


def _image_arn(item: Item, ctx: Context) -> str:
    return f"arn:{ctx.partition}:ec2:{ctx.region}::image/{item['ImageId']}"


def _image_name(item: Item) -> str:
    return tag_list(item).get("Name") or str(item.get("Name") or item["ImageId"])


SPECS = (
    ResourceSpec(
        type="AWS::EC2::NetworkAcl",
        service="ec2",
        scope=Scope.REGIONAL,
        listing=Listing(
            "describe_network_acls", "ec2:DescribeNetworkAcls", items=lambda page: page.get("NetworkAcls") or []
        ),
        arn=_network_acl_arn,
        name=lambda item: name_tag_or(item, "NetworkAclId"),
        tags=tag_list,
    ),
    ResourceSpec(
        type="AWS::EC2::Snapshot",
        service="ec2",
        scope=Scope.REGIONAL,
        listing=Listing(
            "describe_snapshots",
            "ec2:DescribeSnapshots",
            items=lambda page: page.get("Snapshots") or [],
            params={"OwnerIds": ["self"]},
        ),
        # OwnerIds=self is the contract; moto ignores it and lists its ~1,300 public AMI snapshots per region
        keep=lambda item, ctx: item.get("OwnerId") == ctx.account_id,
        arn=_snapshot_arn,
        name=lambda item: name_tag_or(item, "SnapshotId"),
        tags=tag_list,
        supplements={
            # [] when nobody else may create volumes from it; {"Group": "all"} makes it public
            "CreateVolumePermission": Call(
                "describe_snapshot_attribute",
                "ec2:DescribeSnapshotAttribute",
                params=lambda item, ctx: {"SnapshotId": item["SnapshotId"], "Attribute": "createVolumePermission"},
                select=lambda response: list(response.get("CreateVolumePermissions") or []),
            ),
        },
    ),
    ResourceSpec(
        type="AWS::EC2::Image",
        service="ec2",
        scope=Scope.REGIONAL,
        listing=Listing(
            "describe_images",
            "ec2:DescribeImages",
            items=lambda page: page.get("Images") or [],
            params={"Owners": ["self"]},
        ),
        arn=_image_arn,
        name=_image_name,
        tags=tag_list,
    ),
)
