"""Active IAM user access keys have been used within the last 90 days."""

from __future__ import annotations

from datetime import timedelta

from cloudward.checks.aws.iam._credentials import (
    REPORT,
    active_keys,
    age,
    day,
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
from cloudward.inventory import Inventory, Resource

MAX_IDLE = timedelta(days=90)

meta = CheckMeta(
    id="iam_user_access_key_unused_90d",
    title="No active IAM user access key has gone unused for 90 days",
    service="iam",
    resource_type="AWS::IAM::User",
    severity=Severity.MEDIUM,
    layer=Layer.IDENTITY,
    threat=Threat.COMPROMISED_CREDENTIALS,
    service_model=ServiceModel.PAAS,
    description=(
        "Reads the user's row of the IAM credential report. Each active access key fails when its last "
        "use (access_key_N_last_used_date) is more than 90 days before the time the inventory was "
        'collected. A key that was never used (last used "N/A" or "no_information") is judged, as CIS '
        "does, by its access_key_N_last_rotated (creation) date: never used and created more than 90 "
        "days ago fails, never used and created within 90 days passes. Inactive keys are ignored; users "
        "with no active key are not applicable. The threshold is 90 days; CIS AWS Foundations' "
        "'credentials unused for 45 days' control is stricter and also covers console passwords."
    ),
    risk=(
        "An active key nobody uses is a standing credential nobody watches: if it leaks, its use stands "
        "out to no one, and removing it costs nothing."
    ),
    remediation=Remediation(
        summary="Deactivate the unused key, and delete it once you are sure nothing depends on it.",
        console=(
            "Open the IAM console > Users and choose the user.",
            "Security credentials tab > Access keys: check 'Last used'.",
            "Choose Actions > Deactivate on the unused key; later, Delete it.",
        ),
        cli=(
            "aws iam get-access-key-last-used --access-key-id KEY_ID\n"
            "aws iam update-access-key --user-name USER --access-key-id KEY_ID --status Inactive\n"
            "aws iam delete-access-key --user-name USER --access-key-id KEY_ID"
        ),
        terraform=(
            'resource "aws_iam_access_key" "user" {\n'
            "  user   = aws_iam_user.user.name\n"
            '  status = "Inactive"  # or remove the resource to delete the key\n'
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


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL naming each active key slot not used (or, never used, created) within 90 days."""
    row = report_row(resource)
    keys = active_keys(row)
    if not keys:
        return CheckResult.not_applicable("no active access key")
    now = inventory.collected_at
    idle: list[str] = []
    recent: list[str] = []
    for key in keys:
        used = last_used(row, key)
        if used is None:
            reference, what = key.created, "never used, created"
        else:
            reference, what = used, "last used"
        note = f"{key.label}: {what} {day(reference)} ({age(now - reference, MAX_IDLE)} ago)"
        (idle if now - reference > MAX_IDLE else recent).append(note)
    if idle:
        return CheckResult.failed("; ".join(idle))
    return CheckResult.passed("; ".join(recent))
