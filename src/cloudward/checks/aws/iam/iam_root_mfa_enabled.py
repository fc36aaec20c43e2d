"""The root user signs in with a second factor (MFA)."""

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
    id="iam_root_mfa_enabled",
    title="Root user has MFA enabled",
    service="iam",
    resource_type="AWS::::Account",
    severity=Severity.CRITICAL,
    layer=Layer.IDENTITY,
    threat=Threat.COMPROMISED_CREDENTIALS,
    service_model=ServiceModel.PAAS,
    description=(
        "Reads the account summary (iam:GetAccountSummary). Passes when AccountMFAEnabled is 1, i.e. the "
        "root user has at least one MFA device (virtual, hardware TOTP or FIDO security key); fails when "
        "it is 0. Whether the device is hardware or virtual is not judged here. In an AWS Organizations "
        "member account whose root credentials were removed by centralized root access management, "
        "AccountMFAEnabled is also 0 and this check fails: suppress it there with that justification."
    ),
    risk=(
        "The root user can do everything in the account, including closing it, and no policy can limit "
        "it. Without MFA a phished, reused or leaked root password is enough to take the account over."
    ),
    remediation=Remediation(
        summary="Sign in as the root user and assign an MFA device (a FIDO security key is best).",
        console=(
            "Sign in to the AWS Management Console as the root user (email address and password).",
            "Open the account menu (top right) > Security credentials.",
            "Under Multi-factor authentication (MFA), choose Assign MFA device and follow the steps.",
        ),
        cli=(
            "# Root user MFA cannot be assigned through the AWS CLI or API; use the console as root.\n"
            "aws iam get-account-summary --query 'SummaryMap.AccountMFAEnabled'  # verify: 1"
        ),
        terraform="# Terraform cannot manage root user MFA: assign it in the console, signed in as root.",
    ),
    references=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa.html",
        "https://docs.aws.amazon.com/config/latest/developerguide/root-account-mfa-enabled.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-best-practices.html",
        "https://www.cisecurity.org/benchmark/amazon_web_services",
    ),
    requires=("AccountSummary",),
    tags=("cis",),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL when AccountMFAEnabled is not 1."""
    summary = resource.supplement("AccountSummary") or {}
    if "AccountMFAEnabled" not in summary:
        raise UnknownAttributeError("AccountSummary", "the summary has no AccountMFAEnabled entry")
    value = summary["AccountMFAEnabled"]
    if value == 1:
        return CheckResult.passed("AccountMFAEnabled=1: the root user has an MFA device")
    return CheckResult.failed(f"AccountMFAEnabled={value}: the root user has no MFA device")
