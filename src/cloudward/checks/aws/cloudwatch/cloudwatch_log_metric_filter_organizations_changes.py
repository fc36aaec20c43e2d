"""CIS 4.15: AWS Organizations changes are counted by a metric filter on the trail's logs and alarmed."""

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
    "AcceptHandshake",
    "AttachPolicy",
    "CreateAccount",
    "CreateOrganizationalUnit",
    "CreatePolicy",
    "DeclineHandshake",
    "DeleteOrganization",
    "DeleteOrganizationalUnit",
    "DeletePolicy",
    "DetachPolicy",
    "DisablePolicyType",
    "EnablePolicyType",
    "InviteAccountToOrganization",
    "LeaveOrganization",
    "MoveAccount",
    "RemoveAccountFromOrganization",
    "UpdatePolicy",
    "UpdateOrganizationalUnit",
)

CONTROL = Control(
    check_id="cloudwatch_log_metric_filter_organizations_changes",
    cis="4.15",
    title="AWS Organizations changes are monitored with a metric filter and an alarm",
    subject="AWS Organizations changes",
    metric="OrganizationsChanges",
    pattern=any_event_pattern(EVENTS, source="organizations.amazonaws.com"),
    matches=named_events("organizations.amazonaws.com", EVENTS),
    ignores=(api_event("organizations.amazonaws.com", "DescribeOrganization"),),
    risk=(
        "Detaching a service control policy lifts guardrails from every account below it; an account "
        "leaving the organization escapes them altogether; an invited account can be one the intruder "
        "owns. Organizations changes are rare, and each one deserves a look."
    ),
    note=(
        "Organizations events are recorded in the management account (and in us-east-1): in member "
        "accounts the control is normally met by the organization's central monitoring, which this "
        "account-level check cannot see."
    ),
)

meta = control_meta(CONTROL)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """PASS naming the trail, metric filter and alarm; FAIL naming what each trail lacks."""
    return evaluate_control(CONTROL, resource, inventory)
