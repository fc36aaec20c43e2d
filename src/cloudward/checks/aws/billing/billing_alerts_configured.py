"""The account alerts someone when spending grows: a cost budget with a notification, or a billing alarm."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cloudward.checks.model import (
    CheckMeta,
    CheckResult,
    Layer,
    Remediation,
    ServiceModel,
    Severity,
    Threat,
)
from cloudward.inventory import Inventory, Resource, UnknownAttributeError

BUDGETS = "AWS::::Budgets"
ALARM = "AWS::CloudWatch::Alarm"
BILLING_REGION = "us-east-1"
BILLING_METRIC = ("AWS/Billing", "EstimatedCharges")

meta = CheckMeta(
    id="billing_alerts_configured",
    title="Spending alerts are configured (a cost budget with a notification, or a billing alarm)",
    service="billing",
    resource_type="AWS::::Account",
    severity=Severity.LOW,
    layer=Layer.RESPONSE,
    threat=Threat.COMPROMISED_CREDENTIALS,
    service_model=ServiceModel.SAAS,
    description=(
        "Evaluated once per account. Passes when either (1) AWS Budgets has a budget with BudgetType=COST "
        "and at least one notification (actual or forecasted, any threshold; AWS requires every "
        "notification to have a subscriber), or (2) a CloudWatch metric alarm in us-east-1, where AWS "
        "publishes billing metrics, watches AWS/Billing EstimatedCharges (directly or in a metric-math "
        "query) with ActionsEnabled=true and at least one AlarmActions ARN. Usage, reservation and "
        "savings-plans budgets do not count: they do not follow spend. Thresholds, subscriber addresses "
        "and SNS subscriptions are not evaluated. Either source passing is enough; when neither passes "
        "and one could not be read (budgets unreadable, alarms unreadable, or us-east-1 not scanned), the "
        "result is ERROR. Layer: response, since this is alert routing for a cost spike rather than a "
        "posture setting."
    ),
    risk=(
        "Stolen keys are most often used to run crypto-miners or spam at the victim's expense: the first "
        "visible sign is the bill. Without a budget alert or billing alarm the spend runs for weeks, and "
        "so does the intruder's access, until the invoice arrives."
    ),
    remediation=Remediation(
        summary="Create a monthly cost budget with an alert at a threshold the team would want to know about.",
        console=(
            "Open the Billing and Cost Management console and choose Budgets > Create budget.",
            "Choose Cost budget, a monthly period and amount, and add an alert threshold (for example "
            "80% of actual and 100% of forecasted spend) with an e-mail address or SNS topic.",
            "Alternatively, enable 'Receive CloudWatch billing alerts' in Billing preferences and create "
            "an alarm on AWS/Billing EstimatedCharges in us-east-1.",
        ),
        cli=(
            "aws budgets create-budget --account-id ACCOUNT_ID --budget "
            "'BudgetName=monthly-cost,BudgetLimit={Amount=1000,Unit=USD},TimeUnit=MONTHLY,BudgetType=COST' "
            "--notifications-with-subscribers "
            "'Notification={NotificationType=ACTUAL,ComparisonOperator=GREATER_THAN,Threshold=80,"
            "ThresholdType=PERCENTAGE},Subscribers=[{SubscriptionType=EMAIL,Address=finops@example.com}]'"
        ),
        terraform=(
            'resource "aws_budgets_budget" "monthly_cost" {\n'
            '  name         = "monthly-cost"\n'
            '  budget_type  = "COST"\n'
            '  limit_amount = "1000"\n'
            '  limit_unit   = "USD"\n'
            '  time_unit    = "MONTHLY"\n'
            "  notification {\n"
            '    comparison_operator        = "GREATER_THAN"\n'
            "    threshold                  = 80\n"
            '    threshold_type             = "PERCENTAGE"\n'
            '    notification_type          = "ACTUAL"\n'
            '    subscriber_email_addresses = ["finops@example.com"]\n'
            "  }\n"
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/cost-management/latest/userguide/budgets-managing-costs.html",
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/monitor_estimated_charges_with_cloudwatch.html",
        "https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_budgets_DescribeBudgets.html",
    ),
    requires=(f"{BUDGETS}.Budgets", ALARM),
)


def _budget_findings(inventory: Inventory) -> tuple[list[str], list[str]]:
    """(qualifying budgets, budgets that do not qualify and why); raises when budgets are unreadable."""
    containers = inventory.of_type(BUDGETS)
    if not containers:
        raise UnknownAttributeError(BUDGETS, "not in this inventory")
    qualifying: list[str] = []
    rejected: list[str] = []
    for container in containers:
        for budget in container.supplement("Budgets") or []:
            name = budget.get("BudgetName") or "(unnamed)"
            kind = budget.get("BudgetType") or "unknown"
            notifications = budget.get("Notifications") or []
            if kind != "COST":
                rejected.append(f"budget {name}: BudgetType={kind}")
            elif not notifications:
                rejected.append(f"budget {name}: no notifications")
            else:
                first = notifications[0]
                example = " ".join(
                    str(first.get(key))
                    for key in ("NotificationType", "ComparisonOperator", "Threshold", "ThresholdType")
                    if first.get(key) is not None
                )
                qualifying.append(f"budget {name}: {len(notifications)} notification(s), e.g. {example}")
    return qualifying, rejected


def _watches_charges(alarm: Mapping[str, Any]) -> bool:
    if (alarm.get("Namespace"), alarm.get("MetricName")) == BILLING_METRIC:
        return True
    for query in alarm.get("Metrics") or []:
        metric = (query.get("MetricStat") or {}).get("Metric") or {}
        if (metric.get("Namespace"), metric.get("MetricName")) == BILLING_METRIC:
            return True
    return False


def _alarm_findings(inventory: Inventory) -> tuple[list[str], list[str]]:
    """(qualifying billing alarms, billing alarms that notify nobody); raises when alarms are unreadable."""
    if BILLING_REGION not in inventory.regions:
        raise UnknownAttributeError(ALARM, f"{BILLING_REGION}, where billing metrics live, was not scanned")
    qualifying: list[str] = []
    rejected: list[str] = []
    for alarm in inventory.of_type(ALARM, BILLING_REGION):
        configuration = alarm.configuration or {}
        if not _watches_charges(configuration):
            continue
        name = configuration.get("AlarmName") or alarm.name
        if configuration.get("ActionsEnabled") is False:
            rejected.append(f"billing alarm {name}: ActionsEnabled=false")
        elif not configuration.get("AlarmActions"):
            rejected.append(f"billing alarm {name}: no AlarmActions")
        else:
            qualifying.append(f"billing alarm {name} -> {', '.join(configuration['AlarmActions'])}")
    return qualifying, rejected


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """PASS naming the budget or alarm; FAIL naming what exists and why it does not alert."""
    rejected: list[str] = []
    unreadable: list[str] = []
    for source in (_budget_findings, _alarm_findings):
        try:
            qualifying, not_qualifying = source(inventory)
        except UnknownAttributeError as exc:
            unreadable.append(str(exc))
            continue
        if qualifying:
            return CheckResult.passed(qualifying[0])
        rejected.extend(not_qualifying)
    seen = "; ".join(rejected) if rejected else "no budgets and no billing alarms"
    if unreadable:
        raise UnknownAttributeError("spending alerts", f"none among those read ({seen}); {'; '.join(unreadable)}")
    return CheckResult.failed(f"no spending alert: {seen}")
