"""The root user has no access keys."""

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

meta = CheckMeta(
    id="iam_root_no_access_keys",
    title="Root user has no access keys",
    service="iam",
    resource_type="AWS::::Account",
    severity=Severity.CRITICAL,
    layer=Layer.IDENTITY,
    threat=Threat.COMPROMISED_CREDENTIALS,
    service_model=ServiceModel.PAAS,
    description=(
        "Reads the account summary (iam:GetAccountSummary). Passes when AccountAccessKeysPresent is 0; "
        "fails when the root user has any access key, active or inactive (an inactive root key can be "
        "re-activated by whoever holds the root password, and serves no purpose)."
    ),
    risk=(
        "A root access key is a permanent, unrestrictable credential to the whole account. Once it leaks "
        "(source code, CI logs, a laptop) an attacker has full API control, with no MFA in the way."
    ),
    remediation=Remediation(
        summary="Delete every root access key; use IAM roles or IAM Identity Center for API access.",
        console=(
            "Sign in to the AWS Management Console as the root user.",
            "Open the account menu (top right) > Security credentials.",
            "Under Access keys, choose Actions > Deactivate for each key; once nothing breaks, Delete it.",
        ),
        cli=(
            "# run with the root user's own credentials (no --user-name means the caller):\n"
            "aws iam list-access-keys\n"
            "aws iam delete-access-key --access-key-id ACCESS_KEY_ID"
        ),
        terraform="# Terraform cannot manage root user access keys: delete them as root (console or CLI above).",
    ),
    references=(
        "https://docs.aws.amazon.com/config/latest/developerguide/iam-root-access-key-check.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-best-practices.html",
        "https://www.cisecurity.org/benchmark/amazon_web_services",
    ),
    requires=("AccountSummary",),
    tags=("cis",),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL when AccountAccessKeysPresent is not 0."""
    summary = resource.supplement("AccountSummary") or {}
    if "AccountAccessKeysPresent" not in summary:
        raise UnknownAttributeError("AccountSummary", "the summary has no AccountAccessKeysPresent entry")
    value = summary["AccountAccessKeysPresent"]
    if value == 0:
        return CheckResult.passed("AccountAccessKeysPresent=0: the root user has no access keys")
    return CheckResult.failed(f"AccountAccessKeysPresent={value}: the root user has an access key")
