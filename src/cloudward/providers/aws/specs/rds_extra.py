"""RDS, further types: manual DB snapshots with their restore (sharing) attribute."""

from __future__ import annotations

from typing import Any

from cloudward.providers.aws.spec import Call, Listing, ResourceSpec, Response, Scope, tag_list


def _snapshot_attributes(response: Response) -> list[Any]:
    """The ``DBSnapshotAttributes`` list: ``[{"AttributeName": "restore", "AttributeValues": [...]}]``."""
    return list((response.get("DBSnapshotAttributesResult") or {}).get("DBSnapshotAttributes") or [])


SPECS = (
    ResourceSpec(
        type="AWS::RDS::DBSnapshot",
        service="rds",
        scope=Scope.REGIONAL,
        # manual snapshots only: automated ones cannot be shared (they must be copied to a manual one first),
        # and "shared"/"public" snapshots belong to other accounts
        listing=Listing(
            "describe_db_snapshots",
            "rds:DescribeDBSnapshots",
            items=lambda page: page.get("DBSnapshots") or [],
            params={"SnapshotType": "manual"},
        ),
        arn=lambda item, ctx: str(item["DBSnapshotArn"]),
        name=lambda item: str(item["DBSnapshotIdentifier"]),
        tags=lambda item: tag_list(item, "TagList"),
        supplements={
            "DBSnapshotAttributes": Call(
                "describe_db_snapshot_attributes",
                "rds:DescribeDBSnapshotAttributes",
                params=lambda item, ctx: {"DBSnapshotIdentifier": item["DBSnapshotIdentifier"]},
                select=_snapshot_attributes,
            ),
        },
    ),
)
