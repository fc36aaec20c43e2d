"""CIS 4.2: console sign-ins without MFA are counted by a metric filter on the trail's logs and alarmed."""

from __future__ import annotations

from cloudward.checks.aws.cloudwatch._monitoring import Control, console_login, control_meta, evaluate_control
from cloudward.checks.model import CheckResult, Threat
from cloudward.inventory import Inventory, Resource

CONTROL = Control(
    check_id="cloudwatch_log_metric_filter_console_signin_without_mfa",
    cis="4.2",
    title="Console sign-ins without MFA are monitored with a metric filter and an alarm",
    subject="console sign-ins without MFA",
    metric="ConsoleSignInWithoutMFA",
    pattern='{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }',
    matches=(console_login("an IAM user's ConsoleLogin without MFA", mfa_used=False, success=True),),
    ignores=(console_login("a ConsoleLogin with MFA", mfa_used=True, success=True),),
    risk=(
        "A console password is phished or reused far more easily than an MFA device is stolen. A "
        "successful sign-in without MFA is often the first step of an account takeover; without an alarm "
        "nobody asks who signed in, from where, and why MFA was not used."
    ),
    threat=Threat.COMPROMISED_CREDENTIALS,
    note=(
        "The variant CIS offers for accounts that use SSO, which adds ($.userIdentity.type = IAMUser) and "
        "($.responseElements.ConsoleLogin = Success), qualifies as well: the representative event is a "
        "successful IAM user sign-in."
    ),
)

meta = control_meta(CONTROL)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """PASS naming the trail, metric filter and alarm; FAIL naming what each trail lacks."""
    return evaluate_control(CONTROL, resource, inventory)
