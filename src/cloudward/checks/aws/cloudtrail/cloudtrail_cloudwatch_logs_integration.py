"""Every CloudTrail trail also delivers its events to CloudWatch Logs."""

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
    id="cloudtrail_cloudwatch_logs_integration",
    title="CloudTrail trail sends events to CloudWatch Logs",
    service="cloudtrail",
    resource_type="AWS::CloudTrail::Trail",
    severity=Severity.LOW,
    layer=Layer.DETECTION,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.PAAS,
    description=(
        "A CIS AWS Foundations recommendation up to v2.0 (3.4, 'CloudTrail trails are integrated with "
        "CloudWatch Logs'), and the prerequisite of the CIS monitoring section's metric filters and alarms "
        "(unauthorized API calls, root use, policy changes...); Security Hub CloudTrail.5. Passes when the "
        "trail's CloudWatchLogsLogGroupArn is set, naming the log group and the delivery role "
        "(CloudWatchLogsRoleArn); fails when it is unset or empty. Whether delivery actually succeeds "
        "(GetTrailStatus LatestCloudWatchLogsDeliveryTime, which CIS also reviews) is not judged, nor "
        "whether any metric filter or alarm exists on the log group."
    ),
    risk=(
        "Trail files in S3 are read after the fact; without CloudWatch Logs there are no metric filters or "
        "alarms on API activity, so root sign-ins, disabled logging or mass deletions are noticed only when "
        "someone goes looking, often long after an attacker has left."
    ),
    remediation=Remediation(
        summary="Send the trail to a CloudWatch Logs log group, with a role CloudTrail can assume to write to it.",
        console=(
            "Open the CloudTrail console > Trails and choose the trail.",
            "Under CloudWatch Logs choose Edit, select Enabled.",
            "Choose a new or existing log group and an IAM role (a new one is created for you), and save.",
        ),
        cli=(
            "aws cloudtrail update-trail --name TRAIL --cloud-watch-logs-log-group-arn LOG_GROUP_ARN "
            "--cloud-watch-logs-role-arn ROLE_ARN"
        ),
        terraform=(
            'resource "aws_cloudtrail" "this" {\n'
            "  # ...\n"
            '  cloud_watch_logs_group_arn = "${aws_cloudwatch_log_group.trail.arn}:*"\n'
            "  cloud_watch_logs_role_arn  = aws_iam_role.trail_to_cloudwatch.arn\n"
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html#cloudtrail-5",
        "https://www.cisecurity.org/benchmark/amazon_web_services",
    ),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL when CloudWatchLogsLogGroupArn is unset or empty."""
    configuration = resource.configuration or {}
    group = configuration.get("CloudWatchLogsLogGroupArn")
    if not group:
        return CheckResult.failed("CloudWatchLogsLogGroupArn not set: the trail does not deliver to CloudWatch Logs")
    role = configuration.get("CloudWatchLogsRoleArn") or "not set"
    return CheckResult.passed(f"CloudWatchLogsLogGroupArn={group} (CloudWatchLogsRoleArn={role})")
