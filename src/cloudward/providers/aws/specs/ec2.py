"""EC2 and VPC: security groups, instances (user data scanned for secrets, then dropped), volumes, VPCs with
their flow logs."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from cloudward.providers.aws.secret_values import Record, scan_user_data
from cloudward.providers.aws.spec import (
    Bulk,
    Call,
    Item,
    Listing,
    ResourceSpec,
    Response,
    Scope,
    name_tag_or,
    tag_list,
)


def _ec2_arn(kind: str, id_key: str) -> Any:
    return lambda item, ctx: f"arn:{ctx.partition}:ec2:{ctx.region}:{ctx.account_id}:{kind}/{item[id_key]}"


def _flow_logs_by_resource(response: Response) -> dict[str, list[Any]]:
    grouped: dict[str, list[Any]] = defaultdict(list)
    for flow_log in response.get("FlowLogs") or []:
        grouped[str(flow_log.get("ResourceId"))].append(flow_log)
    return dict(grouped)


def instance_user_data(response: Response) -> Record | None:
    """An instance's user data (DescribeInstanceAttribute userData) as its secrets record, or None when unset.

    The user data is decoded (base64, gzip, MIME multipart) and scanned in memory; only the record of
    :func:`cloudward.providers.aws.secret_values.scan_user_data` is kept, never the content.
    """
    return scan_user_data((response.get("UserData") or {}).get("Value"), "userData")


def _user_data_params(item: Item, ctx: Any) -> dict[str, Any]:
    return {"InstanceId": item["InstanceId"], "Attribute": "userData"}


SPECS = (
    ResourceSpec(
        type="AWS::EC2::SecurityGroup",
        service="ec2",
        scope=Scope.REGIONAL,
        listing=Listing(
            "describe_security_groups", "ec2:DescribeSecurityGroups", items=lambda p: p.get("SecurityGroups") or []
        ),
        arn=_ec2_arn("security-group", "GroupId"),
        name=lambda item: str(item["GroupName"]),
        tags=tag_list,
    ),
    ResourceSpec(
        type="AWS::EC2::Instance",
        service="ec2",
        scope=Scope.REGIONAL,
        listing=Listing(
            "describe_instances",
            "ec2:DescribeInstances",
            items=lambda page: [i for r in page.get("Reservations") or [] for i in r.get("Instances") or []],
        ),
        arn=_ec2_arn("instance", "InstanceId"),
        name=lambda item: name_tag_or(item, "InstanceId"),
        tags=tag_list,
        supplements={
            "UserData": Call(
                "describe_instance_attribute",
                "ec2:DescribeInstanceAttribute",
                params=_user_data_params,
                select=instance_user_data,
            ),
        },
    ),
    ResourceSpec(
        type="AWS::EC2::Volume",
        service="ec2",
        scope=Scope.REGIONAL,
        listing=Listing("describe_volumes", "ec2:DescribeVolumes", items=lambda p: p.get("Volumes") or []),
        arn=_ec2_arn("volume", "VolumeId"),
        name=lambda item: name_tag_or(item, "VolumeId"),
        tags=tag_list,
    ),
    ResourceSpec(
        type="AWS::EC2::VPC",
        service="ec2",
        scope=Scope.REGIONAL,
        listing=Listing("describe_vpcs", "ec2:DescribeVpcs", items=lambda p: p.get("Vpcs") or []),
        arn=_ec2_arn("vpc", "VpcId"),
        name=lambda item: name_tag_or(item, "VpcId"),
        tags=tag_list,
        supplements={
            "FlowLogs": Bulk(
                Call("describe_flow_logs", "ec2:DescribeFlowLogs", select=_flow_logs_by_resource),
                key=lambda item, ctx: str(item["VpcId"]),
                missing=[],
            ),
        },
    ),
)
