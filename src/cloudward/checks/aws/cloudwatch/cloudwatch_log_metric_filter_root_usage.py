"""CIS 4.3: use of the root user is counted by a metric filter on the trail's logs and alarmed."""

from __future__ import annotations

from cloudward.checks.aws.cloudwatch._monitoring import (
    ROOT,
    Control,
    api_event,
    console_login,
    control_meta,
    evaluate_control,
)
from cloudward.checks.model import CheckResult, Severity, Threat
from cloudward.inventory import Inventory, Resource

CONTROL = Control(
    check_id="cloudwatch_log_metric_filter_root_usage",
    cis="4.3",
    title="Use of the root user is monitored with a metric filter and an alarm",
    subject="root user activity",
    metric="RootAccountUsage",
    pattern=(
        '{ ($.userIdentity.type = "Root") && ($.userIdentity.invokedBy NOT EXISTS) && '
        '($.eventType != "AwsServiceEvent") }'
    ),
    matches=(
        console_login("a root ConsoleLogin", mfa_used=True, success=True, identity=ROOT),
        api_event("iam.amazonaws.com", "CreateAccessKey", "a root CreateAccessKey", identity=ROOT),
    ),
    ignores=(api_event("iam.amazonaws.com", "CreateAccessKey", "an IAM user's CreateAccessKey"),),
    risk=(
        "The root user cannot be restricted by IAM policies and can close the account, change its "
        "contact details and remove every other user's access. Routine work never needs it, so any root "
        "sign-in or API call is either an emergency or an intruder, and should page someone at once."
    ),
    threat=Threat.COMPROMISED_CREDENTIALS,
    severity=Severity.HIGH,
    note=(
        "Calls AWS services make on the root user's behalf (invokedBy, AwsServiceEvent) may be left out, "
        "as CIS does, or counted."
    ),
)

meta = control_meta(CONTROL)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """PASS naming the trail, metric filter and alarm; FAIL naming what each trail lacks."""
    return evaluate_control(CONTROL, resource, inventory)
