"""The account password policy remembers the last 24 passwords."""

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
from cloudward.inventory import Inventory, Resource

MIN_REMEMBERED = 24

meta = CheckMeta(
    id="iam_password_policy_prevents_reuse",
    title="Password policy prevents reuse of the last 24 passwords",
    service="iam",
    resource_type="AWS::::Account",
    severity=Severity.LOW,
    layer=Layer.IDENTITY,
    threat=Threat.COMPROMISED_CREDENTIALS,
    service_model=ServiceModel.PAAS,
    description=(
        "Reads the account password policy (iam:GetAccountPasswordPolicy). Passes when "
        "PasswordReusePrevention is 24 (the maximum IAM allows, as CIS AWS Foundations requires). Fails "
        "when it is lower, not set (reuse allowed), or when no password policy is set at all."
    ),
    risk=(
        "When users may cycle back to an old password, a password that leaked once (a breach dump, a "
        "phishing kit) becomes valid again, and forced changes stop removing exposed passwords."
    ),
    remediation=Remediation(
        summary=(
            "Set password reuse prevention to 24. update-account-password-policy replaces the whole "
            "policy: pass the other settings you want to keep as well."
        ),
        console=(
            "Open the IAM console > Account settings.",
            "Password policy > Edit > Custom, select 'Prevent password reuse', set 24, and save.",
        ),
        cli=(
            "aws iam update-account-password-policy --password-reuse-prevention 24 "
            "--minimum-password-length 14 --require-symbols --require-numbers "
            "--require-uppercase-characters --require-lowercase-characters"
        ),
        terraform=(
            'resource "aws_iam_account_password_policy" "this" {\n'
            "  password_reuse_prevention    = 24\n"
            "  minimum_password_length      = 14\n"
            "  require_symbols              = true\n"
            "  require_numbers              = true\n"
            "  require_uppercase_characters = true\n"
            "  require_lowercase_characters = true\n"
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html",
        "https://www.cisecurity.org/benchmark/amazon_web_services",
    ),
    requires=("PasswordPolicy",),
    tags=("cis",),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL when no policy is set or PasswordReusePrevention is below 24."""
    policy = resource.supplement("PasswordPolicy")
    if policy is None:
        return CheckResult.failed("no account password policy is set: password reuse is allowed")
    remembered = policy.get("PasswordReusePrevention")
    if remembered is None:
        return CheckResult.failed("PasswordReusePrevention is not set: password reuse is allowed")
    if int(remembered) < MIN_REMEMBERED:
        return CheckResult.failed(f"PasswordReusePrevention={remembered} (required: {MIN_REMEMBERED})")
    return CheckResult.passed(f"PasswordReusePrevention={remembered}")
