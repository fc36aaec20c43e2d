"""CIS 4.11: network ACL changes are counted by a metric filter on the trail's logs and alarmed."""

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
    "CreateNetworkAcl",
    "CreateNetworkAclEntry",
    "DeleteNetworkAcl",
    "DeleteNetworkAclEntry",
    "ReplaceNetworkAclEntry",
    "ReplaceNetworkAclAssociation",
)

CONTROL = Control(
    check_id="cloudwatch_log_metric_filter_nacl_changes",
    cis="4.11",
    title="Network ACL changes are monitored with a metric filter and an alarm",
    subject="network ACL changes",
    metric="NACLChanges",
    pattern=any_event_pattern(EVENTS),
    matches=named_events("ec2.amazonaws.com", EVENTS),
    ignores=(api_event("ec2.amazonaws.com", "DescribeNetworkAcls"),),
    risk=(
        "Network ACLs are the subnet-wide backstop behind security groups: an entry that allows all "
        "traffic, or an ACL swapped onto a private subnet, exposes every instance in it at once."
    ),
)

meta = control_meta(CONTROL)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """PASS naming the trail, metric filter and alarm; FAIL naming what each trail lacks."""
    return evaluate_control(CONTROL, resource, inventory)
