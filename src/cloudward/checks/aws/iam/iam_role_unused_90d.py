"""IAM roles unused for 90 days (unused permissions, where last-accessed data is available)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from cloudward.checks.aws.iam._credentials import age, day
from cloudward.checks.aws.iam._identity import is_service_linked
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
from cloudward.inventory.attrs import parse_time

MAX_IDLE = timedelta(days=90)
TRACKING_DAYS = 400

meta = CheckMeta(
    id="iam_role_unused_90d",
    title="IAM role used within the last 90 days (unused permissions)",
    service="iam",
    resource_type="AWS::IAM::Role",
    severity=Severity.MEDIUM,
    layer=Layer.IDENTITY,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.PAAS,
    description=(
        "The unused-permissions finding, where last-accessed data is available: IAM records when each role "
        "was last used (RoleLastUsed.LastUsedDate in GetAccountAuthorizationDetails, tracked for the last "
        f"{TRACKING_DAYS} days). Fails when that date is more than 90 days before the time the inventory was "
        "collected (never the wall clock), or when there is no date and the role was created (CreateDate) more "
        "than 90 days before collection: it has not been used since it was created, or within the tracking "
        "window. A role without a date created less than 90 days before collection passes. Service-linked roles "
        "(path /aws-service-role/) are not applicable: AWS creates and maintains them with their service. A "
        "role item without RoleLastUsed, or with a date that cannot be read, is ERROR. Per-service "
        "last-accessed data (GenerateServiceLastAccessedDetails) is not read, so a role in use that keeps "
        "permissions for services it never calls is not reported here."
    ),
    risk=(
        "An unused role keeps its permissions and its trust policy: a forgotten integration or a former "
        "vendor's trust is a standing way in that nobody watches, and its credentials can be used without "
        "anyone noticing a change in behaviour."
    ),
    remediation=Remediation(
        summary="Confirm the role is no longer needed, then delete it (or remove its permissions and trust).",
        console=(
            "Open the IAM console > Roles; the Last activity column shows when each role was last used.",
            "Choose the role and review its trust relationships and Access Advisor tab.",
            "If nothing needs it, choose Delete; otherwise document why it is kept and suppress the finding.",
        ),
        cli=(
            "aws iam get-role --role-name ROLE --query Role.RoleLastUsed\n"
            "aws iam list-attached-role-policies --role-name ROLE\n"
            "aws iam detach-role-policy --role-name ROLE --policy-arn POLICY_ARN\n"
            "aws iam delete-role-policy --role-name ROLE --policy-name INLINE_POLICY\n"
            "aws iam delete-role --role-name ROLE"
        ),
        terraform=(
            "# Remove the role's resource and its attachments from the configuration, then apply:\n"
            '# resource "aws_iam_role" "unused" { ... }\n'
            "terraform plan -destroy -target=aws_iam_role.unused"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_manage_delete.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_last-accessed.html",
        "https://docs.aws.amazon.com/IAM/latest/APIReference/API_RoleLastUsed.html",
    ),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL with the last-use (or creation) date when the role has not been used for 90 days."""
    if is_service_linked(resource):
        return CheckResult.not_applicable("service-linked role: AWS creates and maintains it with its service")
    now = inventory.collected_at
    last_used = resource.require("RoleLastUsed")
    if not isinstance(last_used, Mapping):
        raise UnknownAttributeError("RoleLastUsed", f"unexpected value: {type(last_used).__name__}")
    used = _time(last_used.get("LastUsedDate"), "RoleLastUsed.LastUsedDate")
    if used is not None:
        where = f" in {last_used['Region']}" if isinstance(last_used.get("Region"), str) else ""
        text = f"last used {day(used)}{where} ({age(now - used, MAX_IDLE)} before collection)"
        return _judge(now - used > MAX_IDLE, text)
    created = _time(resource.require("CreateDate"), "CreateDate")
    if created is None:
        raise UnknownAttributeError("CreateDate", "absent from the role item")
    text = f"no recorded use (IAM tracks the last {TRACKING_DAYS} days); created {day(created)} "
    text += f"({age(now - created, MAX_IDLE)} before collection)"
    return _judge(now - created > MAX_IDLE, text)


def _judge(idle: bool, text: str) -> CheckResult:
    return CheckResult.failed(f"unused for more than 90 days: {text}") if idle else CheckResult.passed(text)


def _time(value: Any, name: str) -> datetime | None:
    """A timestamp field; None when absent or empty.

    Raises:
        UnknownAttributeError: the value is not a readable timestamp.
    """
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise UnknownAttributeError(name, f"unexpected value: {type(value).__name__}")
    try:
        return parse_time(value)
    except ValueError:
        raise UnknownAttributeError(name, f"{value!r} is not a timestamp") from None
