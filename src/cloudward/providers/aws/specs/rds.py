"""RDS: database instances (public access and encryption come with the listing)."""

from __future__ import annotations

from cloudward.providers.aws.spec import Listing, ResourceSpec, Scope, tag_list

SPECS = (
    ResourceSpec(
        type="AWS::RDS::DBInstance",
        service="rds",
        scope=Scope.REGIONAL,
        listing=Listing("describe_db_instances", "rds:DescribeDBInstances", items=lambda p: p.get("DBInstances") or []),
        arn=lambda item, ctx: str(item["DBInstanceArn"]),
        name=lambda item: str(item["DBInstanceIdentifier"]),
        tags=lambda item: tag_list(item, "TagList"),
    ),
)
