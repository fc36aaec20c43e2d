"""EFS: file systems (encryption at rest comes with the listing)."""

from __future__ import annotations

from cloudward.providers.aws.spec import Item, Listing, ResourceSpec, Scope, tag_list


def _file_system_name(item: Item) -> str:
    return str(item.get("Name") or tag_list(item).get("Name") or item["FileSystemId"])


SPECS = (
    ResourceSpec(
        type="AWS::EFS::FileSystem",
        service="efs",
        scope=Scope.REGIONAL,
        listing=Listing(
            "describe_file_systems",
            "elasticfilesystem:DescribeFileSystems",
            items=lambda page: page.get("FileSystems") or [],
        ),
        arn=lambda item, ctx: str(
            item.get("FileSystemArn")
            or f"arn:{ctx.partition}:elasticfilesystem:{ctx.region}:{ctx.account_id}:file-system/{item['FileSystemId']}"
        ),
        name=_file_system_name,
        tags=tag_list,
    ),
)
