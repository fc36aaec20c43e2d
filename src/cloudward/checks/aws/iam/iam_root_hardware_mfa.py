"""The root user's MFA is a hardware device (TOTP token or FIDO security key), not a virtual one."""

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

SUMMARY = "AccountSummary"
DEVICES = "VirtualMFADevices"
ROOT_VIRTUAL_SERIAL_SUFFIX = "mfa/root-account-mfa-device"

meta = CheckMeta(
    id="iam_root_hardware_mfa",
    title="Root user uses a hardware MFA device",
    service="iam",
    resource_type="AWS::::Account",
    severity=Severity.MEDIUM,
    layer=Layer.IDENTITY,
    threat=Threat.COMPROMISED_CREDENTIALS,
    service_model=ServiceModel.PAAS,
    description=(
        "CIS AWS Foundations v5.0 1.5 (Level 2). Reads the account summary (iam:GetAccountSummary) and the "
        "assigned virtual MFA devices (iam:ListVirtualMFADevices, all pages). Fails when AccountMFAEnabled "
        "is not 1 (the root user has no MFA at all). Fails when any virtual MFA device is assigned to the "
        "root user, recognised by a User.Arn of the account's root (arn:aws:iam::ACCOUNT:root) or a serial "
        "number ending in mfa/root-account-mfa-device, even if a hardware device is registered as well: "
        "sign-in accepts any registered device, so the weakest one counts. Passes when MFA is enabled and no "
        "virtual device belongs to the root user, i.e. its devices are hardware TOTP tokens or FIDO security "
        "keys. An AWS Organizations member account whose root credentials were removed by centralized root "
        "access management has AccountMFAEnabled=0 and fails: suppress it there with that justification."
    ),
    risk=(
        "A virtual MFA lives on a phone that is also used for email, chat and apps: malware, a cloud backup "
        "of the authenticator or a SIM-swap-assisted account recovery can expose the root user's second "
        "factor. A dedicated hardware token or FIDO key is not exposed that way, and FIDO keys resist phishing."
    ),
    remediation=Remediation(
        summary=(
            "Sign in as the root user, register a FIDO security key or hardware TOTP token, then remove the "
            "virtual device."
        ),
        console=(
            "Sign in to the AWS Management Console as the root user.",
            "Open the account menu (top right) > Security credentials > Multi-factor authentication (MFA).",
            "Choose Assign MFA device > Passkey or security key (or Hardware TOTP token) and follow the steps.",
            "Select the virtual MFA device and choose Remove.",
        ),
        cli=(
            "# Root user MFA cannot be managed through the AWS CLI or API; use the console as root. To verify:\n"
            "aws iam list-virtual-mfa-devices --assignment-status Assigned "
            "--query 'VirtualMFADevices[?ends_with(SerialNumber, `root-account-mfa-device`)]'"
        ),
        terraform="# Terraform cannot manage root user MFA: register the hardware device in the console as root.",
    ),
    references=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/enable-hw-mfa-for-root.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa.html",
        "https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListVirtualMFADevices.html",
        "https://www.cisecurity.org/benchmark/amazon_web_services",
    ),
    requires=(SUMMARY, DEVICES),
    tags=("cis",),
)


def _is_root_device(device: dict[str, object], account_id: str) -> bool:
    serial = str(device.get("SerialNumber") or "")
    user_arn = str(device.get("UserArn") or "")
    return serial.endswith(ROOT_VIRTUAL_SERIAL_SUFFIX) or user_arn.endswith(f":iam::{account_id}:root")


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL without root MFA, or naming the virtual MFA device assigned to the root user."""
    summary = resource.supplement(SUMMARY) or {}
    if "AccountMFAEnabled" not in summary:
        raise UnknownAttributeError(SUMMARY, "the summary has no AccountMFAEnabled entry")
    enabled = summary["AccountMFAEnabled"]
    if enabled != 1:
        return CheckResult.failed(f"AccountMFAEnabled={enabled}: the root user has no MFA device at all")
    devices = resource.supplement(DEVICES)
    if not isinstance(devices, list):
        raise UnknownAttributeError(DEVICES, f"expected a list of virtual MFA devices, got {type(devices).__name__}")
    virtual = [
        str(device.get("SerialNumber") or "?")
        for device in devices
        if isinstance(device, dict) and _is_root_device(device, resource.account_id)
    ]
    if virtual:
        return CheckResult.failed(f"the root user's MFA includes virtual device {', '.join(virtual)}")
    return CheckResult.passed(
        "AccountMFAEnabled=1 and no virtual MFA device is assigned to the root user (hardware TOTP or FIDO key)"
    )
