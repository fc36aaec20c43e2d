"""CIS 4.10: security group changes are counted by a metric filter on the trail's logs and alarmed."""

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
    "AuthorizeSecurityGroupIngress",
    "AuthorizeSecurityGroupEgress",
    "RevokeSecurityGroupIngress",
    "RevokeSecurityGroupEgress",
    "CreateSecurityGroup",
    "DeleteSecurityGroup",
    "ModifySecurityGroupRules",
)

CONTROL = Control(
    check_id="cloudwatch_log_metric_filter_security_group_changes",
    cis="4.10",
    title="Security group changes are monitored with a metric filter and an alarm",
    subject="security group changes",
    metric="SecurityGroupChanges",
    pattern=any_event_pattern(EVENTS),
    matches=named_events("ec2.amazonaws.com", EVENTS),
    ignores=(api_event("ec2.amazonaws.com", "DescribeSecurityGroups"),),
    risk=(
        "Opening SSH, RDP or a database port to 0.0.0.0/0 takes one AuthorizeSecurityGroupIngress or "
        "ModifySecurityGroupRules call, by an intruder or by mistake. Without an alarm the hole stays open "
        "until the next audit."
    ),
    note=(
        "ModifySecurityGroupRules is required, as in CIS v5.0: a filter written for earlier versions of "
        "the benchmark misses it, and the reason says so."
    ),
)

meta = control_meta(CONTROL)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """PASS naming the trail, metric filter and alarm; FAIL naming what each trail lacks."""
    return evaluate_control(CONTROL, resource, inventory)
