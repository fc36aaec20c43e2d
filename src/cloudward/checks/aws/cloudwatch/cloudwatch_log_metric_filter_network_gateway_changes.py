"""CIS 4.12: network gateway changes are counted by a metric filter on the trail's logs and alarmed."""

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
    "CreateCustomerGateway",
    "DeleteCustomerGateway",
    "AttachInternetGateway",
    "CreateInternetGateway",
    "DeleteInternetGateway",
    "DetachInternetGateway",
)

CONTROL = Control(
    check_id="cloudwatch_log_metric_filter_network_gateway_changes",
    cis="4.12",
    title="Network gateway changes are monitored with a metric filter and an alarm",
    subject="network gateway changes",
    metric="NetworkGatewayChanges",
    pattern=any_event_pattern(EVENTS),
    matches=named_events("ec2.amazonaws.com", EVENTS),
    ignores=(api_event("ec2.amazonaws.com", "DescribeInternetGateways"),),
    risk=(
        "Attaching an internet gateway to a private VPC, or a customer gateway for a VPN the team does not "
        "know about, opens a path in or out of the network that no security group review will see."
    ),
)

meta = control_meta(CONTROL)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """PASS naming the trail, metric filter and alarm; FAIL naming what each trail lacks."""
    return evaluate_control(CONTROL, resource, inventory)
