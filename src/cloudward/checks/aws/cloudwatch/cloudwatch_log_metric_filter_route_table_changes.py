"""CIS 4.13: route table changes are counted by a metric filter on the trail's logs and alarmed."""

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
    "CreateRoute",
    "CreateRouteTable",
    "ReplaceRoute",
    "ReplaceRouteTableAssociation",
    "DeleteRouteTable",
    "DeleteRoute",
    "DisassociateRouteTable",
)

CONTROL = Control(
    check_id="cloudwatch_log_metric_filter_route_table_changes",
    cis="4.13",
    title="Route table changes are monitored with a metric filter and an alarm",
    subject="route table changes",
    metric="RouteTableChanges",
    pattern=any_event_pattern(EVENTS, source="ec2.amazonaws.com"),
    matches=named_events("ec2.amazonaws.com", EVENTS),
    ignores=(api_event("ec2.amazonaws.com", "DescribeRouteTables"),),
    risk=(
        "A new default route through an internet gateway makes a private subnet public; a route to an "
        "instance the intruder controls lets them read or redirect traffic that was meant to stay inside."
    ),
    note=(
        "The pattern as printed in CIS v5.0 leaves the event-name alternatives outside the eventSource "
        "condition's parentheses; it counts all seven ec2.amazonaws.com events either way and qualifies. "
        "The remediation's pattern groups them explicitly."
    ),
)

meta = control_meta(CONTROL)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """PASS naming the trail, metric filter and alarm; FAIL naming what each trail lacks."""
    return evaluate_control(CONTROL, resource, inventory)
