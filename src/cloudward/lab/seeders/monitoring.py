"""Detection services for the lab: CIS metric filters and alarms, Security Hub, GuardDuty, spend alerts.

What it adds to the acme account (the collector tests and ``make demo`` rely on it):

- The multi-region trail ``acme-org-trail`` delivers to the CloudWatch Logs group ``acme-cloudtrail``
  (role ``acme-cloudtrail-logs``). The SNS topic ``acme-security-alerts`` (one e-mail subscriber)
  receives the alarms.
- Metric filters on that group, each with an alarm on its metric, for six CIS monitoring controls that
  pass: unauthorized API calls (CIS's own pattern text), root usage, IAM policy changes, CloudTrail
  changes, KMS key disabling or deletion, and AWS Config changes (a pattern written differently:
  unquoted, reordered, no spaces). Three more are present but weak: security group changes (the
  pre-v5 pattern, without ModifySecurityGroupRules), network ACL changes (the alarm's actions are
  disabled) and console sign-ins without MFA (a filter with no alarm). The other six controls have
  nothing.
- Security Hub and a GuardDuty detector in us-east-1 only (eu-west-1 has neither).
- AWS Budgets: a monthly cost budget with an 80% notification, and a usage budget without one; a
  CloudWatch alarm on AWS/Billing EstimatedCharges in us-east-1.
- IAM Access Analyzer: nothing; the emulator does not implement it, so its check is ERROR in the lab.
"""

from __future__ import annotations

import json
from typing import Any

from cloudward.lab.seed import HOME
from cloudward.lab.server import LAB_ACCOUNT_ID

TRAIL = "acme-org-trail"
LOG_GROUP = "acme-cloudtrail"
TOPIC = "acme-security-alerts"
NAMESPACE = "CISBenchmark"


def _any_of(names: tuple[str, ...], source: str | None = None) -> str:
    alternatives = " || ".join(f"($.eventName = {name})" for name in names)
    return f"{{ ($.eventSource = {source}) && ({alternatives}) }}" if source else f"{{ {alternatives} }}"


# (metric name, filter pattern, alarm state): "notify" alarms to the topic, "muted" has its actions
# disabled, None creates no alarm.
_FILTERS: tuple[tuple[str, str, str | None], ...] = (
    # CIS v5.0 4.1, character for character as the benchmark prints it
    (
        "UnauthorizedAPICalls",
        '{ ($.errorCode ="*UnauthorizedOperation") || ($.errorCode ="AccessDenied*") && '
        '($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }',
        "notify",
    ),
    (
        "RootAccountUsage",
        '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
        "notify",
    ),
    (
        "IAMPolicyChanges",
        _any_of(
            (
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
        ),
        "notify",
    ),
    (
        "CloudTrailConfigChanges",
        _any_of(("CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging")),
        "notify",
    ),
    (
        "CMKDisableOrScheduledDeletion",
        _any_of(("DisableKey", "ScheduleKeyDeletion"), source="kms.amazonaws.com"),
        "notify",
    ),
    # the same events as CIS 4.9, written another way: unquoted, reordered, no spaces
    (
        "AWSConfigChanges",
        "{(($.eventName=PutConfigurationRecorder)||($.eventName=PutDeliveryChannel)||"
        "($.eventName=DeleteDeliveryChannel)||($.eventName=StopConfigurationRecorder))&&"
        "($.eventSource=config.amazonaws.com)}",
        "notify",
    ),
    # the pattern of CIS v1.4 to v3.0, without ModifySecurityGroupRules (added in v5.0)
    (
        "SecurityGroupChanges",
        _any_of(
            (
                "AuthorizeSecurityGroupIngress",
                "AuthorizeSecurityGroupEgress",
                "RevokeSecurityGroupIngress",
                "RevokeSecurityGroupEgress",
                "CreateSecurityGroup",
                "DeleteSecurityGroup",
            )
        ),
        "notify",
    ),
    (
        "NACLChanges",
        _any_of(
            (
                "CreateNetworkAcl",
                "CreateNetworkAclEntry",
                "DeleteNetworkAcl",
                "DeleteNetworkAclEntry",
                "ReplaceNetworkAclEntry",
                "ReplaceNetworkAclAssociation",
            )
        ),
        "muted",
    ),
    (
        "ConsoleSignInWithoutMFA",
        '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }',
        None,
    ),
)


def _trail_to_cloudwatch_logs(lab: Any) -> None:
    logs = lab.c("logs", HOME)
    logs.create_log_group(logGroupName=LOG_GROUP)
    lab.count("AWS::Logs::LogGroup")
    group_arn = f"arn:aws:logs:{HOME}:{LAB_ACCOUNT_ID}:log-group:{LOG_GROUP}:*"
    iam = lab.c("iam")
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    role = iam.create_role(RoleName="acme-cloudtrail-logs", AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    iam.put_role_policy(
        RoleName="acme-cloudtrail-logs",
        PolicyName="deliver-to-cloudwatch-logs",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                        "Resource": group_arn,
                    }
                ],
            }
        ),
    )
    lab.roles["acme-cloudtrail-logs"] = role["Arn"]
    lab.count("AWS::IAM::Role")
    lab.c("cloudtrail", HOME).update_trail(
        Name=TRAIL, CloudWatchLogsLogGroupArn=group_arn, CloudWatchLogsRoleArn=role["Arn"]
    )


def _alerts_topic(lab: Any) -> str:
    sns = lab.c("sns", HOME)
    topic = str(sns.create_topic(Name=TOPIC)["TopicArn"])
    sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="secops@example.com")
    lab.count("AWS::SNS::Topic")
    return topic


def _metric_filters_and_alarms(lab: Any, topic: str) -> None:
    logs, cloudwatch = lab.c("logs", HOME), lab.c("cloudwatch", HOME)
    for metric, pattern, alarm in _FILTERS:
        logs.put_metric_filter(
            logGroupName=LOG_GROUP,
            filterName=metric,
            filterPattern=pattern,
            metricTransformations=[{"metricName": metric, "metricNamespace": NAMESPACE, "metricValue": "1"}],
        )
        lab.count("AWS::Logs::MetricFilter")
        if alarm is None:
            continue
        cloudwatch.put_metric_alarm(
            AlarmName=f"acme-{metric}",
            MetricName=metric,
            Namespace=NAMESPACE,
            Statistic="Sum",
            Period=300,
            EvaluationPeriods=1,
            Threshold=1,
            ComparisonOperator="GreaterThanOrEqualToThreshold",
            TreatMissingData="notBreaching",
            ActionsEnabled=alarm == "notify",
            AlarmActions=[topic],
        )
        lab.count("AWS::CloudWatch::Alarm")


def _spend_alerts(lab: Any, topic: str) -> None:
    budgets = lab.c("budgets", HOME)
    budgets.create_budget(
        AccountId=LAB_ACCOUNT_ID,
        Budget={
            "BudgetName": "acme-monthly-cost",
            "BudgetLimit": {"Amount": "1000", "Unit": "USD"},
            "TimeUnit": "MONTHLY",
            "BudgetType": "COST",
        },
        NotificationsWithSubscribers=[
            {
                "Notification": {
                    "NotificationType": "ACTUAL",
                    "ComparisonOperator": "GREATER_THAN",
                    "Threshold": 80.0,
                    "ThresholdType": "PERCENTAGE",
                },
                "Subscribers": [{"SubscriptionType": "EMAIL", "Address": "finops@example.com"}],
            }
        ],
    )
    budgets.create_budget(
        AccountId=LAB_ACCOUNT_ID,
        Budget={
            "BudgetName": "acme-sandbox-usage",
            "BudgetLimit": {"Amount": "200", "Unit": "GB"},
            "TimeUnit": "MONTHLY",
            "BudgetType": "USAGE",
        },
    )
    lab.count("AWS::Budgets::Budget", 2)
    lab.c("cloudwatch", HOME).put_metric_alarm(
        AlarmName="acme-estimated-charges",
        MetricName="EstimatedCharges",
        Namespace="AWS/Billing",
        Dimensions=[{"Name": "Currency", "Value": "USD"}],
        Statistic="Maximum",
        Period=21600,
        EvaluationPeriods=1,
        Threshold=1500,
        ComparisonOperator="GreaterThanThreshold",
        AlarmActions=[topic],
    )
    lab.count("AWS::CloudWatch::Alarm")


def seed(lab: Any) -> None:
    """Add the detection layer to the lab account (after the core account and its trail exist)."""
    _trail_to_cloudwatch_logs(lab)
    topic = _alerts_topic(lab)
    _metric_filters_and_alarms(lab, topic)
    lab.c("securityhub", HOME).enable_security_hub(EnableDefaultStandards=False)
    lab.count("AWS::SecurityHub::Hub")
    lab.c("guardduty", HOME).create_detector(Enable=True, FindingPublishingFrequency="FIFTEEN_MINUTES")
    lab.count("AWS::GuardDuty::Detector")
    _spend_alerts(lab, topic)
