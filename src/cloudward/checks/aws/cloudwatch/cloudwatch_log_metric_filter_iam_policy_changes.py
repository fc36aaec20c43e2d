"""CIS 4.4: IAM policy changes are counted by a metric filter on the trail's logs and alarmed."""

from __future__ import annotations

from cloudward.checks.aws.cloudwatch._monitoring import (
    Control,
    any_event_pattern,
    api_event,
    control_meta,
    evaluate_control,
    named_events,
)
from cloudward.checks.model import CheckResult, Threat
from cloudward.inventory import Inventory, Resource

EVENTS = (
    "DeleteGroupPolicy",
    "DeleteRolePolicy",
    "DeleteUserPolicy",
    "PutGroupPolicy",
    "PutRolePolicy",
    "PutUserPolicy",
    "CreatePolicy",
    "DeletePolicy",
    "CreatePolicyVersion",
    "DeletePolicyVersion",
    "AttachRolePolicy",
    "DetachRolePolicy",
    "AttachUserPolicy",
    "DetachUserPolicy",
    "AttachGroupPolicy",
    "DetachGroupPolicy",
)

CONTROL = Control(
    check_id="cloudwatch_log_metric_filter_iam_policy_changes",
    cis="4.4",
    title="IAM policy changes are monitored with a metric filter and an alarm",
    subject="IAM policy changes",
    metric="IAMPolicyChanges",
    pattern=any_event_pattern(EVENTS),
    matches=named_events("iam.amazonaws.com", EVENTS),
    ignores=(api_event("iam.amazonaws.com", "ListPolicies"),),
    risk=(
        "Attaching AdministratorAccess to a user, adding an inline policy to a role or publishing a new "
        "default policy version is how a foothold becomes full control of the account (privilege "
        "escalation), and how an intruder keeps access later. An alarm gives the team the chance to undo "
        "the change before it is used."
    ),
    threat=Threat.COMPROMISED_CREDENTIALS,
)

meta = control_meta(CONTROL)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """PASS naming the trail, metric filter and alarm; FAIL naming what each trail lacks."""
    return evaluate_control(CONTROL, resource, inventory)
