"""The account password policy expires passwords within 90 days."""

from __future__ import annotations

from cloudward.checks.aws.iam._password_policy import POLICY, REFERENCES
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

MAX_AGE_DAYS = 90

meta = CheckMeta(
    id="iam_password_policy_max_age_90",
    title="Password policy expires passwords within 90 days",
    service="iam",
    resource_type="AWS::::Account",
    severity=Severity.LOW,
    layer=Layer.IDENTITY,
    threat=Threat.COMPROMISED_CREDENTIALS,
    service_model=ServiceModel.PAAS,
    description=(
        "Reads the account password policy (iam:GetAccountPasswordPolicy). Passes when MaxPasswordAge is "
        "between 1 and 90 days and ExpirePasswords is not false. Fails when MaxPasswordAge is absent, 0 or "
        "above 90, when ExpirePasswords is false, or when no password policy is set (passwords then never "
        "expire). HardExpiry (whether an expired password needs an administrator to reset it) is not judged. "
        "The policy applies to IAM users, not to the root user. This is a CIS AWS Foundations v1.x "
        "recommendation, a default of the AWS Config iam-password-policy rule and a PCI DSS requirement; "
        "CIS v1.4 and later, including v5.0, dropped it, and NIST SP 800-63B advises against periodic "
        "expiry without evidence of compromise (users then pick predictable successors). Treat a FAIL as a "
        "finding only where a framework you follow asks for it."
    ),
    risk=(
        "A password that never expires stays valid for as long as it lives in a breach dump, a reused "
        "password list or a phishing kit; expiry bounds how long a stolen password works."
    ),
    remediation=Remediation(
        summary=(
            "Set MaxPasswordAge to 90 or less. update-account-password-policy replaces the whole policy: pass "
            "the other settings you want to keep as well."
        ),
        console=(
            "Open the IAM console > Account settings.",
            "Password policy > Edit > Custom, select 'Turn on password expiration', set 90 days or less, and save.",
        ),
        cli=(
            "aws iam update-account-password-policy --max-password-age 90 --minimum-password-length 14 "
            "--password-reuse-prevention 24"
        ),
        terraform=(
            'resource "aws_iam_account_password_policy" "this" {\n'
            "  max_password_age          = 90\n"
            "  minimum_password_length   = 14\n"
            "  password_reuse_prevention = 24\n"
            "}"
        ),
    ),
    references=(
        *REFERENCES,
        "https://docs.aws.amazon.com/config/latest/developerguide/iam-password-policy.html",
    ),
    requires=(POLICY,),
    tags=("pci",),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL when passwords never expire or MaxPasswordAge is above 90 days."""
    policy = resource.supplement(POLICY)
    if policy is None:
        return CheckResult.failed("no account password policy is set: passwords never expire")
    if not isinstance(policy, dict):
        raise UnknownAttributeError(POLICY, f"unexpected password policy: {type(policy).__name__}")
    age = policy.get("MaxPasswordAge")
    expire = policy.get("ExpirePasswords")
    if age is not None and (not isinstance(age, int) or isinstance(age, bool)):
        raise UnknownAttributeError(POLICY, f"MaxPasswordAge={age!r} is not a number of days")
    if not age or expire is False:  # absent, or 0 as some implementations report "no expiry"
        shown = "MaxPasswordAge not set" if age is None else f"MaxPasswordAge={age}"
        return CheckResult.failed(f"{shown} (ExpirePasswords={str(expire).lower()}): passwords never expire")
    if age > MAX_AGE_DAYS:
        return CheckResult.failed(f"MaxPasswordAge={age} days (required: {MAX_AGE_DAYS} or fewer)")
    return CheckResult.passed(f"MaxPasswordAge={age} days")
