"""CIS 4.1: unauthorized API calls are counted by a metric filter on the trail's logs and alarmed."""

from __future__ import annotations

from cloudward.checks.aws.cloudwatch._monitoring import Control, api_event, control_meta, evaluate_control
from cloudward.checks.model import CheckResult, Threat
from cloudward.inventory import Inventory, Resource

CONTROL = Control(
    check_id="cloudwatch_log_metric_filter_unauthorized_api_calls",
    cis="4.1",
    title="Unauthorized API calls are monitored with a metric filter and an alarm",
    subject="unauthorized API calls",
    metric="UnauthorizedAPICalls",
    pattern=(
        '{ (($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) && '
        '($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }'
    ),
    matches=(
        api_event(
            "ec2.amazonaws.com",
            "RunInstances",
            "RunInstances denied (Client.UnauthorizedOperation)",
            errorCode="Client.UnauthorizedOperation",
            errorMessage="You are not authorized to perform this operation.",
        ),
        api_event(
            "s3.amazonaws.com",
            "GetBucketPolicy",
            "GetBucketPolicy denied (AccessDenied)",
            errorCode="AccessDenied",
            errorMessage="Access Denied",
        ),
        api_event(
            "kms.amazonaws.com",
            "Decrypt",
            "Decrypt denied (AccessDeniedException)",
            errorCode="AccessDeniedException",
        ),
    ),
    ignores=(api_event("ec2.amazonaws.com", "DescribeInstances", "a successful DescribeInstances"),),
    risk=(
        "Stolen credentials are tried before they are used: an intruder enumerates what a key may do and "
        "collects AccessDenied and UnauthorizedOperation errors on the way. Without an alarm on those "
        "errors the probing goes unnoticed until the attacker finds a permission that works."
    ),
    threat=Threat.COMPROMISED_CREDENTIALS,
    note=(
        "The exclusions CIS adds (calls from delivery.logs.amazonaws.com, HeadBucket) are optional: a "
        "filter without them is noisier but counts the same denials."
    ),
)

meta = control_meta(CONTROL)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """PASS naming the trail, metric filter and alarm; FAIL naming what each trail lacks."""
    return evaluate_control(CONTROL, resource, inventory)
