"""Active IAM user access keys are rotated at least every 90 days."""

from __future__ import annotations

from datetime import timedelta

from cloudward.checks.aws.iam._credentials import REPORT, active_keys, age, day, report_row
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

MAX_AGE = timedelta(days=90)

meta = CheckMeta(
    id="iam_user_access_key_rotated_90d",
    title="IAM user access keys are rotated within 90 days",
    service="iam",
    resource_type="AWS::IAM::User",
    severity=Severity.MEDIUM,
    layer=Layer.IDENTITY,
    threat=Threat.COMPROMISED_CREDENTIALS,
    service_model=ServiceModel.PAAS,
    description=(
        "Reads the user's row of the IAM credential report. Each active access key (access_key_1 and "
        "access_key_2) fails when its access_key_N_last_rotated date (the key's creation) is more than "
        "90 days before the time the inventory was collected; ages are never computed against the wall "
        "clock. Inactive keys are ignored; users with no active key are not applicable. A user missing "
        "from the report, or an active key without a last_rotated date, is an error."
    ),
    risk=(
        "A long-lived key has had more time to leak (source code, CI logs, old laptops, backups). Regular "
        "rotation bounds how long a leaked key stays usable by an attacker."
    ),
    remediation=Remediation(
        summary="Create a new key, move every consumer to it, then deactivate and delete the old key.",
        console=(
            "Open the IAM console > Users and choose the user.",
            "Security credentials tab > Access keys > Create access key; deploy it to the consumers.",
            "Choose Actions > Deactivate on the old key, confirm nothing breaks, then Delete it.",
        ),
        cli=(
            "aws iam create-access-key --user-name USER\n"
            "aws iam update-access-key --user-name USER --access-key-id OLD_KEY_ID --status Inactive\n"
            "aws iam delete-access-key --user-name USER --access-key-id OLD_KEY_ID"
        ),
        terraform=(
            "# Replace the key resource, then hand the new secret to its consumers:\n"
            "# terraform apply -replace=aws_iam_access_key.user\n"
            'resource "aws_iam_access_key" "user" {\n'
            "  user = aws_iam_user.user.name\n"
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id-credentials-access-keys-update.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html",
        "https://www.cisecurity.org/benchmark/amazon_web_services",
    ),
    requires=(REPORT,),
    tags=("cis",),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL naming each active key slot last rotated more than 90 days before collection."""
    keys = active_keys(report_row(resource))
    if not keys:
        return CheckResult.not_applicable("no active access key")
    now = inventory.collected_at
    stale = [
        f"{key.label}: last rotated {day(key.created)} ({age(now - key.created, MAX_AGE)} ago)"
        for key in keys
        if now - key.created > MAX_AGE
    ]
    if stale:
        return CheckResult.failed("; ".join(stale))
    fresh = ", ".join(f"{key.label} rotated {day(key.created)}" for key in keys)
    return CheckResult.passed(f"every active key rotated within 90 days ({fresh})")
