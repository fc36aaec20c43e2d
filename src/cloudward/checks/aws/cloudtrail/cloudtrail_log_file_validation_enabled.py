"""Every CloudTrail trail has log file integrity validation turned on."""

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
    id="cloudtrail_log_file_validation_enabled",
    title="CloudTrail trail has log file validation enabled",
    service="cloudtrail",
    resource_type="AWS::CloudTrail::Trail",
    severity=Severity.MEDIUM,
    layer=Layer.DETECTION,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.PAAS,
    description=(
        "Passes when the trail's LogFileValidationEnabled is true, so CloudTrail writes signed, hash-chained "
        "digest files next to the logs. A missing field counts as false. Whether the trail is logging is "
        "checked separately (cloudtrail_trail_logging)."
    ),
    risk=(
        "Without digest files nobody can prove that a log file was not edited or deleted after delivery: an "
        "attacker with write access to the log bucket can remove the records of their own activity and the "
        "tampering goes unnoticed."
    ),
    remediation=Remediation(
        summary="Turn on log file validation for the trail.",
        console=(
            "Open the CloudTrail console and choose Trails, then the trail.",
            "Under General details choose Edit.",
            "Under Additional settings select 'Log file validation: Enabled' and save.",
        ),
        cli="aws cloudtrail update-trail --name TRAIL_ARN --enable-log-file-validation",
        terraform=('resource "aws_cloudtrail" "this" {\n  # ...\n  enable_log_file_validation = true\n}'),
    ),
    references=(
        "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-intro.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html#cloudtrail-4",
    ),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL when LogFileValidationEnabled is not true."""
    configuration = resource.configuration or {}
    if configuration.get("LogFileValidationEnabled") is True:
        return CheckResult.passed("LogFileValidationEnabled=true")
    return CheckResult.failed("LogFileValidationEnabled=false")
