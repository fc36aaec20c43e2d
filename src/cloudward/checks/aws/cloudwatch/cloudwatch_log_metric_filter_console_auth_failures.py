"""CIS 4.6: failed console sign-ins are counted by a metric filter on the trail's logs and alarmed."""

from __future__ import annotations

from cloudward.checks.aws.cloudwatch._monitoring import Control, console_login, control_meta, evaluate_control
from cloudward.checks.model import CheckResult, Threat
from cloudward.inventory import Inventory, Resource

CONTROL = Control(
    check_id="cloudwatch_log_metric_filter_console_auth_failures",
    cis="4.6",
    title="Console authentication failures are monitored with a metric filter and an alarm",
    subject="console authentication failures",
    metric="ConsoleAuthenticationFailures",
    pattern='{ ($.eventName = "ConsoleLogin") && ($.errorMessage = "Failed authentication") }',
    matches=(console_login("a failed ConsoleLogin", mfa_used=False, success=False),),
    ignores=(
        console_login("a successful ConsoleLogin with MFA", mfa_used=True, success=True),
        console_login("a successful ConsoleLogin without MFA", mfa_used=False, success=True),
    ),
    risk=(
        "Repeated failed sign-ins are password guessing or credential stuffing against the account's "
        "console users. Without an alarm the attempts continue until one succeeds, and the source "
        "addresses are never blocked."
    ),
    threat=Threat.COMPROMISED_CREDENTIALS,
)

meta = control_meta(CONTROL)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """PASS naming the trail, metric filter and alarm; FAIL naming what each trail lacks."""
    return evaluate_control(CONTROL, resource, inventory)
