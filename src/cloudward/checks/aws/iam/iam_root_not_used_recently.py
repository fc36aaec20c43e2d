"""The root user has not been used (password or access keys) in the 30 days before the scan."""

from __future__ import annotations

from datetime import timedelta

from cloudward.checks.aws.iam._credentials import REPORT, date_column, day, report_row
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

WINDOW = timedelta(days=30)
USE_COLUMNS = (
    ("password_last_used", "password"),
    ("access_key_1_last_used_date", "access key 1"),
    ("access_key_2_last_used_date", "access key 2"),
)

meta = CheckMeta(
    id="iam_root_not_used_recently",
    title="Root user not used in the last 30 days",
    service="iam",
    resource_type="AWS::::Account",
    severity=Severity.HIGH,
    layer=Layer.IDENTITY,
    threat=Threat.COMPROMISED_CREDENTIALS,
    service_model=ServiceModel.PAAS,
    description=(
        "CIS AWS Foundations v5.0 1.6 (eliminate use of the root user for administrative and daily tasks). "
        "Reads the <root_account> row of the IAM credential report: password_last_used, "
        "access_key_1_last_used_date and access_key_2_last_used_date. Fails when any of them falls within "
        "the 30 days before the time the inventory was collected (or after it, as the report is generated "
        'during collection), naming which and when. "N/A", "no_information" and "not_supported" mean no '
        "recorded use and pass. CIS gives no number of days; 30 is this check's window. A few tasks require "
        "the root user (closing the account, changing its support plan, some billing settings): a FAIL after "
        "such a task is expected and can be suppressed once reviewed. The credential report can be up to "
        "four hours old; a report without a <root_account> row is an error, never a pass."
    ),
    risk=(
        "Every use of the root user exposes the one credential that can do everything and that no policy "
        "can limit: typed into phishable pages, cached on workstations, shared between people. Regular use "
        "also hides an intruder's use of it among legitimate sign-ins."
    ),
    remediation=Remediation(
        summary=(
            "Find out who used the root user and why (CloudTrail events with userIdentity.type=Root), move "
            "that work to IAM roles or IAM Identity Center users, and delete any root access key."
        ),
        console=(
            "Open the CloudTrail console > Event history and filter on User name = root.",
            "Give the people involved least-privilege roles for those tasks (IAM Identity Center or IAM roles).",
            "As the root user: Security credentials > delete access keys; store the password and MFA device safely.",
        ),
        cli=(
            "aws cloudtrail lookup-events --lookup-attributes AttributeKey=Username,AttributeValue=root "
            "--max-results 50\n"
            "aws iam generate-credential-report && aws iam get-credential-report --query Content --output text "
            "| base64 -d | grep '<root_account>'"
        ),
        terraform="# Root user use is a practice, not a resource: manage the replacement roles in Terraform instead.",
    ),
    references=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-best-practices.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html#root-user-tasks",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html",
        "https://www.cisecurity.org/benchmark/amazon_web_services",
    ),
    requires=(REPORT,),
    tags=("cis",),
)


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL naming each root credential used within 30 days of the scan."""
    row = report_row(resource)
    now = inventory.collected_at
    recent: list[str] = []
    older: list[str] = []
    for column_name, what in USE_COLUMNS:
        used = date_column(row, column_name)
        if used is None:
            older.append(f"{what} never used")
            continue
        ago = now - used
        if ago < WINDOW:
            when = f"{_days(ago.days)} before the scan" if ago >= timedelta(0) else "during the scan"
            recent.append(f"{what} used {day(used)} ({when})")
        else:
            older.append(f"{what} last used {day(used)} ({_days(ago.days)} before the scan)")
    if recent:
        return CheckResult.failed("root user used recently: " + "; ".join(recent))
    return CheckResult.passed("root user not used in the 30 days before the scan: " + "; ".join(older))
