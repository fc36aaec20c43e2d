"""No IAM user keeps a console password or an active access key unused for 45 days or more."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from cloudward.checks.aws.iam._credentials import (
    REPORT,
    active_keys,
    age,
    date_column,
    day,
    flag,
    last_used,
    report_row,
)
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

MAX_IDLE = timedelta(days=45)

meta = CheckMeta(
    id="iam_user_unused_credentials_45d",
    title="IAM user credentials unused for 45 days or more are disabled",
    service="iam",
    resource_type="AWS::IAM::User",
    severity=Severity.MEDIUM,
    layer=Layer.IDENTITY,
    threat=Threat.COMPROMISED_CREDENTIALS,
    service_model=ServiceModel.PAAS,
    description=(
        "CIS AWS Foundations v5.0 1.11. Reads the user's row of the IAM credential report and fails for "
        "each credential unused for 45 days or more before the time the inventory was collected. Console "
        "password (password_enabled=true): judged by password_last_used; a password never used "
        '("no_information") is judged, as the CIS audit procedure does, by password_last_changed (when it was '
        "set), or by user_creation_time when that is not a date. Active access keys: judged by "
        'access_key_N_last_used_date; a key never used ("N/A") by access_key_N_last_rotated (its creation). '
        "Inactive keys are ignored; users with neither a console password nor an active key are not "
        "applicable. The credential report can be up to four hours old. The 90-day variant for keys only is "
        "iam_user_access_key_unused_90d."
    ),
    risk=(
        "A password or key nobody uses is a standing credential nobody watches: if it leaks or is guessed, "
        "its use stands out to no one, and the person it belonged to may have left long ago."
    ),
    remediation=Remediation(
        summary=(
            "Remove the console password and deactivate the access keys that went unused; delete them once "
            "you are sure nothing depends on them."
        ),
        console=(
            "Open the IAM console > Users and choose the user.",
            "Security credentials tab: check 'Console last sign-in' and each access key's 'Last used'.",
            "Console sign-in > Manage console access > Disable, for an unused password.",
            "Access keys > Actions > Deactivate, for an unused key; later, Delete it.",
        ),
        cli=(
            "aws iam delete-login-profile --user-name USER\n"
            "aws iam update-access-key --user-name USER --access-key-id KEY_ID --status Inactive"
        ),
        terraform=(
            "# remove the aws_iam_user_login_profile resource to delete the console password, and:\n"
            'resource "aws_iam_access_key" "user" {\n'
            "  user   = aws_iam_user.user.name\n"
            '  status = "Inactive"\n'
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_finding-unused.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html",
        "https://www.cisecurity.org/benchmark/amazon_web_services",
    ),
    requires=(REPORT,),
    tags=("cis",),
)


def _password_reference(row: dict[str, Any]) -> tuple[datetime, str]:
    """When the console password was last used or, never used, set (or the user created)."""
    used = date_column(row, "password_last_used")
    if used is not None:
        return used, "console password last used"
    for column_name, what in (("password_last_changed", "set"), ("user_creation_time", "user created")):
        created = date_column(row, column_name)
        if created is not None:
            return created, f"console password never used, {what}"
    raise UnknownAttributeError(REPORT, "password never used and neither password_last_changed nor user_creation_time")


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL naming the password and each active key slot unused (or, never used, set) for 45 days or more."""
    row = report_row(resource)
    now = inventory.collected_at
    notes: list[tuple[bool, str]] = []
    if flag(row, "password_enabled"):
        reference, what = _password_reference(row)
        notes.append((now - reference >= MAX_IDLE, f"{what} {day(reference)} ({age(now - reference, MAX_IDLE)} ago)"))
    for key in active_keys(row):
        used = last_used(row, key)
        reference, what = (key.created, "never used, created") if used is None else (used, "last used")
        notes.append(
            (
                now - reference >= MAX_IDLE,
                f"{key.label}: {what} {day(reference)} ({age(now - reference, MAX_IDLE)} ago)",
            )
        )
    if not notes:
        return CheckResult.not_applicable("no console password and no active access key")
    idle = [note for stale, note in notes if stale]
    if idle:
        return CheckResult.failed("; ".join(idle))
    return CheckResult.passed("; ".join(note for _, note in notes))
