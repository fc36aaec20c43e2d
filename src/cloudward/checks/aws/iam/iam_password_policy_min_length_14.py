"""The account password policy requires at least 14 characters."""

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

MIN_LENGTH = 14

meta = CheckMeta(
    id="iam_password_policy_min_length_14",
    title="Password policy requires at least 14 characters",
    service="iam",
    resource_type="AWS::::Account",
    severity=Severity.MEDIUM,
    layer=Layer.IDENTITY,
    threat=Threat.COMPROMISED_CREDENTIALS,
    service_model=ServiceModel.PAAS,
    description=(
        "Reads the account password policy (iam:GetAccountPasswordPolicy). Passes when "
        "MinimumPasswordLength is 14 or more. Fails when it is shorter, absent from the policy, or when "
        "no password policy is set at all (AWS then applies its default of 8 characters). The policy "
        "applies to IAM users' console passwords, not to the root user."
    ),
    risk=(
        "Short passwords fall quickly to guessing and cracking; an attacker who gets a user's password "
        "signs in with that user's permissions."
    ),
    remediation=Remediation(
        summary=(
            "Set the minimum password length to 14 or more. update-account-password-policy replaces the "
            "whole policy: pass the other settings you want to keep as well."
        ),
        console=(
            "Open the IAM console > Account settings.",
            "Password policy > Edit > Custom, set 'Password minimum length' to 14 or more, and save.",
        ),
        cli=(
            "aws iam update-account-password-policy --minimum-password-length 14 "
            "--password-reuse-prevention 24 --require-symbols --require-numbers "
            "--require-uppercase-characters --require-lowercase-characters"
        ),
        terraform=(
            'resource "aws_iam_account_password_policy" "this" {\n'
            "  minimum_password_length      = 14\n"
            "  password_reuse_prevention    = 24\n"
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
    """FAIL when no policy is set or MinimumPasswordLength is below 14."""
    policy = resource.supplement("PasswordPolicy")
    if policy is None:
        return CheckResult.failed("no account password policy is set (AWS default: 8 characters)")
    length = policy.get("MinimumPasswordLength")
    if length is None:
        return CheckResult.failed("the password policy sets no MinimumPasswordLength")
    if int(length) < MIN_LENGTH:
        return CheckResult.failed(f"MinimumPasswordLength={length} (required: {MIN_LENGTH} or more)")
    return CheckResult.passed(f"MinimumPasswordLength={length}")
