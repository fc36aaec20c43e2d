"""No IAM user has more than one active access key."""

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
from cloudward.inventory import Inventory, Resource, UnknownAttributeError

KEYS = "AccessKeys"

meta = CheckMeta(
    id="iam_user_single_active_access_key",
    title="IAM user has at most one active access key",
    service="iam",
    resource_type="AWS::IAM::User",
    severity=Severity.MEDIUM,
    layer=Layer.IDENTITY,
    threat=Threat.COMPROMISED_CREDENTIALS,
    service_model=ServiceModel.PAAS,
    description=(
        "CIS AWS Foundations v5.0 1.12. Reads the user's access keys (iam:ListAccessKeys) and fails when "
        "more than one has Status=Active, naming them with their creation dates. Inactive keys are not "
        "counted. A user with one active key passes; a user with none is not applicable. IAM allows two keys "
        "per user so that a key can be rotated without downtime: keeping both active after a rotation is "
        "what this check catches."
    ),
    risk=(
        "Every active key is another long-lived credential that can leak from a laptop, a CI log or a "
        "repository; a forgotten second key usually outlives the rotation that created it and nobody "
        "watches it."
    ),
    remediation=Remediation(
        summary=(
            "Find which key is still in use (last used date), deactivate the other, and delete it once nothing breaks."
        ),
        console=(
            "Open the IAM console > Users and choose the user.",
            "Security credentials tab > Access keys: compare 'Last used' of the two keys.",
            "Choose Actions > Deactivate on the key no longer in use; later, Delete it.",
        ),
        cli=(
            "aws iam list-access-keys --user-name USER\n"
            "aws iam get-access-key-last-used --access-key-id KEY_ID\n"
            "aws iam update-access-key --user-name USER --access-key-id OLD_KEY_ID --status Inactive"
        ),
        terraform=(
            "# keep a single aws_iam_access_key resource per user, or mark the old one inactive:\n"
            'resource "aws_iam_access_key" "old" {\n'
            "  user   = aws_iam_user.user.name\n"
            '  status = "Inactive"\n'
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html#rotating_access_keys_console",
        "https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListAccessKeys.html",
        "https://www.cisecurity.org/benchmark/amazon_web_services",
    ),
    requires=(KEYS,),
    tags=("cis",),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL naming the active keys when there are two or more."""
    keys = resource.supplement(KEYS)
    if not isinstance(keys, list):
        raise UnknownAttributeError(KEYS, f"expected a list of access keys, got {type(keys).__name__}")
    for key in keys:
        if not isinstance(key, dict) or "Status" not in key:
            raise UnknownAttributeError(KEYS, "an access key without a Status")
    active = [key for key in keys if key["Status"] == "Active"]
    if not active:
        return CheckResult.not_applicable(f"no active access key ({len(keys)} inactive)")
    described = [f"{key.get('AccessKeyId', '?')} (created {str(key.get('CreateDate', '?'))[:10]})" for key in active]
    if len(active) > 1:
        return CheckResult.failed(f"{len(active)} active access keys: {', '.join(described)}")
    inactive = len(keys) - 1
    suffix = f", {inactive} inactive" if inactive else ""
    return CheckResult.passed(f"one active access key: {described[0]}{suffix}")
