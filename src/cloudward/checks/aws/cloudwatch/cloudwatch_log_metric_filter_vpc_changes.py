"""CIS 4.14: VPC changes are counted by a metric filter on the trail's logs and alarmed."""

from __future__ import annotations

from cloudward.checks.aws.cloudwatch._monitoring import (
    Control,
    any_event_pattern,
    api_event,
    control_meta,
    evaluate_control,
    named_events,
)
from cloudward.checks.model import CheckResult
from cloudward.inventory import Inventory, Resource

EVENTS = (
    "CreateVpc",
    "DeleteVpc",
    "ModifyVpcAttribute",
    "AcceptVpcPeeringConnection",
    "CreateVpcPeeringConnection",
    "DeleteVpcPeeringConnection",
    "RejectVpcPeeringConnection",
    "AttachClassicLinkVpc",
    "DetachClassicLinkVpc",
    "DisableVpcClassicLink",
    "EnableVpcClassicLink",
)

CONTROL = Control(
    check_id="cloudwatch_log_metric_filter_vpc_changes",
    cis="4.14",
    title="VPC changes are monitored with a metric filter and an alarm",
    subject="VPC changes",
    metric="VPCChanges",
    pattern=any_event_pattern(EVENTS),
    matches=named_events("ec2.amazonaws.com", EVENTS),
    ignores=(api_event("ec2.amazonaws.com", "DescribeVpcs"),),
    risk=(
        "A peering connection accepted from an unknown account joins its network to yours; deleting or "
        "modifying a VPC breaks isolation the architecture relies on. Both should be reviewed as they happen."
    ),
    note=(
        "The four ClassicLink events stay required, as in CIS v5.0, although EC2-Classic is retired and "
        "AWS no longer emits them."
    ),
)

meta = control_meta(CONTROL)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """PASS naming the trail, metric filter and alarm; FAIL naming what each trail lacks."""
    return evaluate_control(CONTROL, resource, inventory)
