"""The password-policy character-class checks (symbols, numbers, upper and lower case). Not a check.

The four checks differ only in the flag they read; this module holds their shared metadata text and rule,
so each check module is its ``meta`` and a one-line ``evaluate``.
"""

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
from cloudward.inventory import Resource, UnknownAttributeError

POLICY = "PasswordPolicy"

_CLI = (
    "aws iam update-account-password-policy --minimum-password-length 14 "
    "--password-reuse-prevention 24 --require-symbols --require-numbers "
    "--require-uppercase-characters --require-lowercase-characters"
)
_TERRAFORM = (
    'resource "aws_iam_account_password_policy" "this" {\n'
    "  minimum_password_length      = 14\n"
    "  password_reuse_prevention    = 24\n"
    "  require_symbols              = true\n"
    "  require_numbers              = true\n"
    "  require_uppercase_characters = true\n"
    "  require_lowercase_characters = true\n"
    "}"
)
REFERENCES = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html",
    "https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html",
    "https://pages.nist.gov/800-63-3/sp800-63b.html",
)
FRAMEWORKS_NOTE = (
    "This is an AWS Foundational Security Best Practices control (IAM.7, strong password configuration) and "
    "a CIS AWS Foundations v1.x recommendation; CIS v1.4 and later, including v5.0, dropped the "
    "character-class requirements (keeping only length 14 and reuse prevention), in line with NIST SP "
    "800-63B, which advises length over composition rules."
)


def character_class_meta(check_id: str, flag: str, characters: str, console_label: str) -> CheckMeta:
    """The metadata of the check that the password policy sets ``flag`` (``RequireSymbols``).

    Args:
        check_id: the check's id.
        flag: the PasswordPolicy field (``RequireSymbols``, ``RequireNumbers``, ...).
        characters: what the flag requires, for prose (``at least one symbol``).
        console_label: the checkbox in the IAM console (``Require at least one non-alphanumeric character``).
    """
    return CheckMeta(
        id=check_id,
        title=f"Password policy requires {characters}",
        service="iam",
        resource_type="AWS::::Account",
        severity=Severity.LOW,
        layer=Layer.IDENTITY,
        threat=Threat.COMPROMISED_CREDENTIALS,
        service_model=ServiceModel.PAAS,
        description=(
            "Reads the account password policy (iam:GetAccountPasswordPolicy). Passes when "
            f"{flag} is true, so every IAM user's console password must contain {characters}. Fails when "
            f"{flag} is false or absent, or when no password policy is set at all (AWS's default policy "
            "requires no character classes). The policy applies to IAM users, not to the root user. " + FRAMEWORKS_NOTE
        ),
        risk=(
            "Passwords drawn from a smaller alphabet fall faster to guessing and offline cracking; an attacker "
            "who gets a user's password signs in with that user's permissions. Length and MFA matter more."
        ),
        remediation=Remediation(
            summary=(
                f"Set {flag}=true in the account password policy. update-account-password-policy replaces the "
                "whole policy: pass the other settings you want to keep as well."
            ),
            console=(
                "Open the IAM console > Account settings.",
                f"Password policy > Edit > Custom, select '{console_label}', and save.",
            ),
            cli=_CLI,
            terraform=_TERRAFORM,
        ),
        references=REFERENCES,
        requires=(POLICY,),
        tags=("fsbp",),
    )


def require_flag(resource: Resource, flag: str) -> CheckResult:
    """FAIL when no password policy is set or ``flag`` is not true; PASS naming the flag otherwise.

    Raises:
        UnknownAttributeError: the policy was unreadable, not collected, or is not an object.
    """
    policy = resource.supplement(POLICY)
    if policy is None:
        return CheckResult.failed(f"no account password policy is set (the AWS default sets no {flag})")
    if not isinstance(policy, dict):
        raise UnknownAttributeError(POLICY, f"unexpected password policy: {type(policy).__name__}")
    value = policy.get(flag)
    if value is True:
        return CheckResult.passed(f"{flag}=true")
    if value is None:
        return CheckResult.failed(f"the password policy does not set {flag} (false)")
    return CheckResult.failed(f"{flag}={str(value).lower()}")
