"""CIS 4.7: disabling or scheduling deletion of KMS keys is counted by a metric filter and alarmed."""

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

EVENTS = ("DisableKey", "ScheduleKeyDeletion")

CONTROL = Control(
    check_id="cloudwatch_log_metric_filter_kms_key_disable_or_deletion",
    cis="4.7",
    title="Disabling or scheduled deletion of KMS keys is monitored with a metric filter and an alarm",
    subject="KMS key disabling and scheduled deletion",
    metric="CMKDisableOrScheduledDeletion",
    pattern=any_event_pattern(EVENTS, source="kms.amazonaws.com"),
    matches=named_events("kms.amazonaws.com", EVENTS),
    ignores=(api_event("kms.amazonaws.com", "DescribeKey"),),
    risk=(
        "Data encrypted under a deleted KMS key is lost for good, and a disabled key stops every service "
        "that depends on it: both are used for sabotage and ransom. Deletion waits 7 to 30 days, so an "
        "alarm on ScheduleKeyDeletion leaves time to cancel it."
    ),
)

meta = control_meta(CONTROL)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """PASS naming the trail, metric filter and alarm; FAIL naming what each trail lacks."""
    return evaluate_control(CONTROL, resource, inventory)
