"""EC2 and VPC, further types: network ACLs, EBS snapshots with their sharing, AMIs, and launch templates
(the user data of their default and latest versions scanned for secrets, then dropped).

Snapshots and images are listed for the scanning account only (``OwnerIds``/``Owners`` ``self``):
without it DescribeSnapshots and DescribeImages also return every public snapshot and image of other
accounts, which are theirs to secure, not ours.
"""

from __future__ import annotations

from typing import Any

from cloudward.providers.aws.secret_values import scan_user_data
from cloudward.providers.aws.spec import (
    Call,
    Context,
    Item,
    Listing,
    ResourceSpec,
    Response,
    Scope,
    name_tag_or,
    tag_list,
)


def _network_acl_arn(item: Item, ctx: Context) -> str:
    return f"arn:{ctx.partition}:ec2:{ctx.region}:{ctx.account_id}:network-acl/{item['NetworkAclId']}"


def _snapshot_arn(item: Item, ctx: Context) -> str:
    # EC2 snapshot and image ARNs carry no account id (IAM's resource-type reference for EC2)
    return f"arn:{ctx.partition}:ec2:{ctx.region}::snapshot/{item['SnapshotId']}"


def _image_arn(item: Item, ctx: Context) -> str:
    return f"arn:{ctx.partition}:ec2:{ctx.region}::image/{item['ImageId']}"


def _image_name(item: Item) -> str:
    return tag_list(item).get("Name") or str(item.get("Name") or item["ImageId"])


def _launch_template_arn(item: Item, ctx: Context) -> str:
    return f"arn:{ctx.partition}:ec2:{ctx.region}:{ctx.account_id}:launch-template/{item['LaunchTemplateId']}"


def launch_template_user_data(response: Response) -> list[dict[str, Any]]:
    """The user data of the versions DescribeLaunchTemplateVersions returned ($Default and $Latest).

    Returns:
        One entry per distinct version, by version number: ``{"VersionNumber": 3, "DefaultVersion": True,
        "LatestVersion": True, "UserData": <secrets record or None>}``. The latest is the highest number
        returned (both selectors are asked for, so it is the template's latest version).
    """
    versions: dict[int, dict[str, Any]] = {}
    for version in response.get("LaunchTemplateVersions") or []:
        number = int(version["VersionNumber"])
        if number in versions:
            continue
        encoded = (version.get("LaunchTemplateData") or {}).get("UserData")
        versions[number] = {
            "VersionNumber": number,
            "DefaultVersion": bool(version.get("DefaultVersion")),
            "UserData": scan_user_data(encoded, f"launchTemplateVersion{number}.userData"),
        }
    latest = max(versions, default=None)
    return [{**versions[number], "LatestVersion": number == latest} for number in sorted(versions)]


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
    ResourceSpec(
        type="AWS::EC2::LaunchTemplate",
        service="ec2",
        scope=Scope.REGIONAL,
        listing=Listing(
            "describe_launch_templates",
            "ec2:DescribeLaunchTemplates",
            items=lambda page: page.get("LaunchTemplates") or [],
        ),
        arn=_launch_template_arn,
        name=lambda item: str(item["LaunchTemplateName"]),
        tags=tag_list,
        supplements={
            "UserData": Call(
                "describe_launch_template_versions",
                "ec2:DescribeLaunchTemplateVersions",
                params=lambda item, ctx: {
                    "LaunchTemplateId": item["LaunchTemplateId"],
                    "Versions": ["$Default", "$Latest"],
                },
                select=launch_template_user_data,
            ),
        },
    ),
)
