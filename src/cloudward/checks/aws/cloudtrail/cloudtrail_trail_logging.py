"""Every CloudTrail trail is logging."""

from __future__ import annotations

from cloudward.checks.model import (
    CheckMeta,
    CheckResult,
    Layer,
    Remediation,
    ServiceModel,
    Severity,
    Threat,
)
from cloudward.inventory import Inventory, Resource

meta = CheckMeta(
    id="cloudtrail_trail_logging",
    title="CloudTrail trail is logging",
    service="cloudtrail",
    resource_type="AWS::CloudTrail::Trail",
    severity=Severity.HIGH,
    layer=Layer.DETECTION,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.PAAS,
    description=(
        "Passes when GetTrailStatus reports IsLogging=true for the trail. A trail whose logging was "
        "stopped (StopLogging) fails; the reason gives the stop time when AWS reports it. A delivery error "
        "(LatestDeliveryError, e.g. a broken bucket policy) is named in the reason but does not change the "
        "result: the trail is logging, and delivery is a separate concern."
    ),
    risk=(
        "Stopping a trail is one of the first things an intruder does (MITRE ATT&CK T1562.008): from then "
        "on every API call they make is invisible to investigators and to detections built on CloudTrail."
    ),
    remediation=Remediation(
        summary="Start logging on the trail, and find out who stopped it.",
        console=(
            "Open the CloudTrail console and choose Trails, then the trail.",
            "Choose Start logging.",
            "Search Event history for StopLogging on this trail to see who stopped it and when.",
        ),
        cli="aws cloudtrail start-logging --name TRAIL_ARN",
        terraform=('resource "aws_cloudtrail" "this" {\n  # ...\n  enable_logging = true\n}'),
    ),
    references=(
        "https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_GetTrailStatus.html",
        "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-turning-off-logging.html",
        "https://attack.mitre.org/techniques/T1562/008/",
    ),
    requires=("TrailStatus",),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL when IsLogging is not true, with the stop time if known."""
    status = resource.supplement("TrailStatus") or {}
    delivery_error = status.get("LatestDeliveryError")
    if status.get("IsLogging") is not True:
        stopped = status.get("StopLoggingTime")
        reason = "IsLogging=false"
        if stopped:
            reason += f" (stopped at {stopped})"
        if delivery_error:
            reason += f"; LatestDeliveryError={delivery_error}"
        return CheckResult.failed(reason)
    if delivery_error:
        return CheckResult.passed(f"IsLogging=true (note: LatestDeliveryError={delivery_error})")
    return CheckResult.passed("IsLogging=true")
