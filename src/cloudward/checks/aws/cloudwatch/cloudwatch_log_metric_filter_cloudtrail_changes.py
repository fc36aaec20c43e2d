"""CIS 4.5: CloudTrail configuration changes are counted by a metric filter on the trail's logs and alarmed."""

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

EVENTS = ("CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging")

CONTROL = Control(
    check_id="cloudwatch_log_metric_filter_cloudtrail_changes",
    cis="4.5",
    title="CloudTrail configuration changes are monitored with a metric filter and an alarm",
    subject="CloudTrail configuration changes",
    metric="CloudTrailConfigChanges",
    pattern=any_event_pattern(EVENTS),
    matches=named_events("cloudtrail.amazonaws.com", EVENTS),
    ignores=(api_event("cloudtrail.amazonaws.com", "DescribeTrails"),),
    risk=(
        "Stopping, deleting or redirecting a trail (MITRE ATT&CK T1562.008) blinds every detection built "
        "on CloudTrail; intruders do it early. The StopLogging event itself is still delivered, so an "
        "alarm on it is the last chance to notice before the trail goes quiet."
    ),
)

meta = control_meta(CONTROL)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """PASS naming the trail, metric filter and alarm; FAIL naming what each trail lacks."""
    return evaluate_control(CONTROL, resource, inventory)
