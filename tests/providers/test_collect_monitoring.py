"""Detection-layer collection against the seeded lab: metric filters, alarms, Security Hub, GuardDuty,
Access Analyzer and Budgets, over real HTTP; then the detection checks on what was collected.

The lab's monitoring seeder (``cloudward.lab.seeders.monitoring``) decides what is expected here. Other
seeders add resources of their own, so resources are picked out by the names this seeder gives them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pytest
from botocore.exceptions import ClientError

from cloudward.checks.model import Status
from cloudward.checks.registry import default_registry
from cloudward.checks.runner import run_check
from cloudward.inventory import Inventory, Resource, UnknownAttributeError
from cloudward.lab import LAB_ACCOUNT_ID, LAB_CREDENTIALS
from cloudward.lab.seed import LAB_REGIONS
from cloudward.providers.aws.clients import Boto3Clients
from cloudward.providers.aws.collector import AwsCollector
from cloudward.providers.aws.spec import Call
from cloudward.providers.aws.specs import ALL_SPECS
from cloudward.providers.aws.specs.budgets import BUDGETS
from cloudward.providers.aws.specs.budgets import SPECS as BUDGET_SPECS

HOME, EU = LAB_REGIONS
TYPES = (
    "AWS::Logs::MetricFilter",
    "AWS::CloudWatch::Alarm",
    "AWS::SecurityHub::Hub",
    "AWS::GuardDuty::Detector",
    "AWS::AccessAnalyzer::Analyzer",
    BUDGETS,
)
NEEDS = {type_name: frozenset(ALL_SPECS[type_name].supplements) for type_name in TYPES} | {
    "AWS::CloudTrail::Trail": frozenset({"TrailStatus"}),
    "AWS::::Account": frozenset(),
    "AWS::::Region": frozenset(),
}
TOPIC = f"arn:aws:sns:{HOME}:{LAB_ACCOUNT_ID}:acme-security-alerts"
SEEDED_FILTERS = {
    "UnauthorizedAPICalls",
    "RootAccountUsage",
    "IAMPolicyChanges",
    "CloudTrailConfigChanges",
    "CMKDisableOrScheduledDeletion",
    "AWSConfigChanges",
    "SecurityGroupChanges",
    "NACLChanges",
    "ConsoleSignInWithoutMFA",
}
PASSING_CONTROLS = {
    "cloudwatch_log_metric_filter_unauthorized_api_calls",
    "cloudwatch_log_metric_filter_root_usage",
    "cloudwatch_log_metric_filter_iam_policy_changes",
    "cloudwatch_log_metric_filter_cloudtrail_changes",
    "cloudwatch_log_metric_filter_kms_key_disable_or_deletion",
    "cloudwatch_log_metric_filter_config_changes",
}


@dataclass(frozen=True)
class Collected:
    inventory: Inventory
    calls: list[tuple[str, str, str]]


@pytest.fixture(scope="module")
def collected(lab_endpoint: str) -> Collected:
    clients = Boto3Clients(endpoint_url=lab_endpoint, credentials=LAB_CREDENTIALS, region="us-east-1", max_attempts=2)
    calls: list[tuple[str, str, str]] = []

    def record(service: str, region: str, operation: str, params: Mapping[str, Any]) -> None:
        request = {key: params[key] for key in ("url", "query_string", "body") if key in params}
        calls.append((region, operation, json.dumps(request or dict(params), sort_keys=True, default=str)))

    clients.add_call_hook(record)
    return Collected(AwsCollector(clients, ALL_SPECS).collect(NEEDS, LAB_REGIONS), calls)


@pytest.fixture(scope="module")
def inventory(collected: Collected) -> Inventory:
    return collected.inventory


def named(inventory: Inventory, resource_type: str, region: str | None = None) -> dict[str, Resource]:
    return {resource.name: resource for resource in inventory.of_type(resource_type, region)}


def test_the_trail_delivers_to_the_cloudwatch_logs_group(inventory: Inventory) -> None:
    trail = named(inventory, "AWS::CloudTrail::Trail", HOME)["acme-org-trail"].configuration
    assert trail["CloudWatchLogsLogGroupArn"] == f"arn:aws:logs:{HOME}:{LAB_ACCOUNT_ID}:log-group:acme-cloudtrail:*"
    assert trail["CloudWatchLogsRoleArn"] == f"arn:aws:iam::{LAB_ACCOUNT_ID}:role/acme-cloudtrail-logs"
    # UpdateTrail kept the rest of the trail's configuration
    assert trail["IsMultiRegionTrail"] is True
    assert trail["LogFileValidationEnabled"] is True
    assert trail["KmsKeyId"].startswith(f"arn:aws:kms:{HOME}:")


def test_metric_filters(inventory: Inventory) -> None:
    filters = {
        name: f
        for name, f in named(inventory, "AWS::Logs::MetricFilter").items()
        if f.configuration["logGroupName"] == "acme-cloudtrail"
    }
    assert set(filters) == SEEDED_FILTERS
    assert {f.region for f in filters.values()} == {HOME}
    unauthorized = filters["UnauthorizedAPICalls"]
    assert unauthorized.arn == (
        f"arn:aws:logs:{HOME}:{LAB_ACCOUNT_ID}:log-group:acme-cloudtrail:metric-filter:UnauthorizedAPICalls"
    )
    assert unauthorized.configuration["filterPattern"].startswith('{ ($.errorCode ="*UnauthorizedOperation")')
    assert unauthorized.configuration["metricTransformations"] == [
        {"metricName": "UnauthorizedAPICalls", "metricNamespace": "CISBenchmark", "metricValue": "1"}
    ]


def test_alarms(inventory: Inventory) -> None:
    alarms = {name: a.configuration for name, a in named(inventory, "AWS::CloudWatch::Alarm").items()}
    seeded = {f"acme-{metric}" for metric in SEEDED_FILTERS - {"ConsoleSignInWithoutMFA"}} | {"acme-estimated-charges"}
    assert seeded <= set(alarms)
    assert all(alarms[name]["AlarmActions"] == [TOPIC] for name in seeded)
    assert {name for name in seeded if not alarms[name]["ActionsEnabled"]} == {"acme-NACLChanges"}
    assert (alarms["acme-IAMPolicyChanges"]["Namespace"], alarms["acme-IAMPolicyChanges"]["MetricName"]) == (
        "CISBenchmark",
        "IAMPolicyChanges",
    )
    charges = alarms["acme-estimated-charges"]
    assert (charges["Namespace"], charges["MetricName"]) == ("AWS/Billing", "EstimatedCharges")
    assert charges["Dimensions"] == [{"Name": "Currency", "Value": "USD"}]
    assert not [name for name, a in named(inventory, "AWS::CloudWatch::Alarm", EU).items() if name in seeded]


def test_security_hub_in_us_east_1_only(inventory: Inventory) -> None:
    (hub,) = inventory.of_type("AWS::SecurityHub::Hub", HOME)
    assert hub.arn == f"arn:aws:securityhub:{HOME}:{LAB_ACCOUNT_ID}:hub/default"
    assert hub.name == "default"
    assert hub.configuration["SubscribedAt"]
    # not subscribed in eu-west-1: InvalidAccessException means "none", not a failed listing
    assert inventory.of_type("AWS::SecurityHub::Hub", EU) == []
    assert inventory.listing_errors("AWS::SecurityHub::Hub") == []


def test_guardduty_in_us_east_1_only(inventory: Inventory) -> None:
    (detector,) = inventory.of_type("AWS::GuardDuty::Detector", HOME)
    assert detector.arn == f"arn:aws:guardduty:{HOME}:{LAB_ACCOUNT_ID}:detector/{detector.name}"
    details = detector.supplement("Detector")
    assert (details["Status"], details["FindingPublishingFrequency"]) == ("ENABLED", "FIFTEEN_MINUTES")
    assert inventory.of_type("AWS::GuardDuty::Detector", EU) == []


def test_access_analyzer_is_unknown_never_empty(inventory: Inventory) -> None:
    # the emulator does not implement ListAnalyzers: the listing fails in each region and stays unknown
    errors = inventory.listing_errors("AWS::AccessAnalyzer::Analyzer")
    assert {(e.region, e.operation, e.code) for e in errors} == {
        (HOME, "list_analyzers", "500"),
        (EU, "list_analyzers", "500"),
    }
    for region in LAB_REGIONS:
        with pytest.raises(UnknownAttributeError):
            inventory.of_type("AWS::AccessAnalyzer::Analyzer", region)


def test_budgets_with_their_notifications(inventory: Inventory) -> None:
    (account_budgets,) = inventory.of_type(BUDGETS)
    assert account_budgets.region == "global"
    assert account_budgets.arn == f"arn:aws:budgets::{LAB_ACCOUNT_ID}:budget/*"
    budgets = {b["BudgetName"]: b for b in account_budgets.supplement("Budgets")}
    assert {name: b["BudgetType"] for name, b in budgets.items()} == {
        "acme-monthly-cost": "COST",
        "acme-sandbox-usage": "USAGE",
    }
    assert budgets["acme-monthly-cost"]["Notifications"] == [
        {
            "NotificationType": "ACTUAL",
            "ComparisonOperator": "GREATER_THAN",
            "Threshold": 80.0,
            "ThresholdType": "PERCENTAGE",
        }
    ]
    assert budgets["acme-sandbox-usage"]["Notifications"] == []


def test_only_reads_and_no_call_twice(collected: Collected) -> None:
    operations = {operation for _, operation, _ in collected.calls}
    assert {
        "DescribeMetricFilters",
        "DescribeAlarms",
        "DescribeHub",
        "ListDetectors",
        "GetDetector",
        "ListAnalyzers",
        "DescribeBudgets",
        "DescribeNotificationsForBudget",
    } <= operations
    assert {op for op in operations if not op.startswith(("Describe", "Get", "List"))} == set()
    assert [call for call in collected.calls if collected.calls.count(call) > 1] == []


def test_permissions_are_the_read_actions() -> None:
    assert ALL_SPECS["AWS::Logs::MetricFilter"].permissions() == {"logs:DescribeMetricFilters"}
    assert ALL_SPECS["AWS::CloudWatch::Alarm"].permissions() == {"cloudwatch:DescribeAlarms"}
    assert ALL_SPECS["AWS::SecurityHub::Hub"].permissions() == {"securityhub:DescribeHub"}
    assert ALL_SPECS["AWS::GuardDuty::Detector"].permissions() == {"guardduty:ListDetectors", "guardduty:GetDetector"}
    assert ALL_SPECS["AWS::AccessAnalyzer::Analyzer"].permissions() == {"access-analyzer:ListAnalyzers"}
    assert ALL_SPECS[BUDGETS].permissions() == {"budgets:ViewBudget"}


class _BudgetsClient:
    """Answers DescribeBudgets with two budgets; one has no notifications and AWS says NotFoundException."""

    def __init__(self, failure: str) -> None:
        self.failure = failure
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def get_paginator(self, operation: str) -> _BudgetsClient._Paginator:
        return _BudgetsClient._Paginator(self, operation)

    class _Paginator:
        def __init__(self, client: _BudgetsClient, operation: str) -> None:
            self.client = client
            self.operation = operation

        def paginate(self, **params: Any) -> list[dict[str, Any]]:
            self.client.calls.append((self.operation, params))
            if self.operation == "describe_budgets":
                return [{"Budgets": [{"BudgetName": "with-alert"}]}, {"Budgets": [{"BudgetName": "quiet"}]}]
            if params["BudgetName"] == "quiet":
                error = {"Error": {"Code": self.client.failure, "Message": "Unable to get notifications"}}
                raise ClientError(error, "DescribeNotificationsForBudget")
            return [{"Notifications": [{"NotificationType": "FORECASTED"}]}]


def test_budgets_read_every_page_and_take_not_found_as_no_notifications() -> None:
    (spec,) = BUDGET_SPECS
    call = spec.supplements["Budgets"]
    assert isinstance(call, Call)
    assert call.custom is not None
    client = _BudgetsClient("NotFoundException")
    response = call.custom(client, {"AccountId": LAB_ACCOUNT_ID})
    assert call.select(response) == [
        {"BudgetName": "with-alert", "Notifications": [{"NotificationType": "FORECASTED"}]},
        {"BudgetName": "quiet", "Notifications": []},
    ]
    assert all(params["AccountId"] == LAB_ACCOUNT_ID for _, params in client.calls)
    with pytest.raises(ClientError, match="AccessDenied"):
        call.custom(_BudgetsClient("AccessDeniedException"), {"AccountId": LAB_ACCOUNT_ID})


def _results(inventory: Inventory, prefixes: tuple[str, ...]) -> dict[tuple[str, str], Status]:
    results: dict[tuple[str, str], Status] = {}
    for check in default_registry():
        if not check.meta.id.startswith(prefixes):
            continue
        for resource in inventory.of_type_unchecked(check.meta.resource_type):
            results[(check.meta.id, resource.name)] = run_check(check, resource, inventory).status
    return results


def test_the_cis_monitoring_checks_on_the_lab(inventory: Inventory) -> None:
    results = _results(inventory, ("cloudwatch_log_metric_filter_",))
    assert len(results) == 15
    assert {check for (check, _), status in results.items() if status is Status.PASS} == PASSING_CONTROLS
    assert {status for (check, _), status in results.items() if check not in PASSING_CONTROLS} == {Status.FAIL}


def test_the_detection_service_checks_on_the_lab(inventory: Inventory) -> None:
    results = _results(inventory, ("securityhub_", "guardduty_", "accessanalyzer_", "billing_"))
    assert results == {
        ("securityhub_enabled", HOME): Status.PASS,
        ("securityhub_enabled", EU): Status.FAIL,
        ("guardduty_enabled", HOME): Status.PASS,
        ("guardduty_enabled", EU): Status.FAIL,
        ("accessanalyzer_enabled", HOME): Status.ERROR,
        ("accessanalyzer_enabled", EU): Status.ERROR,
        ("billing_alerts_configured", LAB_ACCOUNT_ID): Status.PASS,
    }
