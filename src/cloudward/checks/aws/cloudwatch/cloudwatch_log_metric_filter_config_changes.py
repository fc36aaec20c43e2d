"""CIS 4.9: AWS Config configuration changes are counted by a metric filter on the trail's logs and alarmed."""

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

EVENTS = ("StopConfigurationRecorder", "DeleteDeliveryChannel", "PutDeliveryChannel", "PutConfigurationRecorder")

CONTROL = Control(
    check_id="cloudwatch_log_metric_filter_config_changes",
    cis="4.9",
    title="AWS Config configuration changes are monitored with a metric filter and an alarm",
    subject="AWS Config configuration changes",
    metric="AWSConfigChanges",
    pattern=any_event_pattern(EVENTS, source="config.amazonaws.com"),
    matches=named_events("config.amazonaws.com", EVENTS),
    ignores=(api_event("config.amazonaws.com", "DescribeConfigurationRecorders"),),
    risk=(
        "Stopping the configuration recorder or redirecting its delivery channel erases the history that "
        "shows what an intruder changed, and silences the Config rules that would flag it."
    ),
)

meta = control_meta(CONTROL)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """PASS naming the trail, metric filter and alarm; FAIL naming what each trail lacks."""
    return evaluate_control(CONTROL, resource, inventory)
