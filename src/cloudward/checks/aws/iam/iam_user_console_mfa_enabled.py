"""Every IAM user who can sign in to the console has MFA."""

from __future__ import annotations

from cloudward.checks.aws.iam._credentials import REPORT, column, flag, report_row
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

meta = CheckMeta(
    id="iam_user_console_mfa_enabled",
    title="IAM users with a console password have MFA",
    service="iam",
    resource_type="AWS::IAM::User",
    severity=Severity.HIGH,
    layer=Layer.IDENTITY,
    threat=Threat.COMPROMISED_CREDENTIALS,
    service_model=ServiceModel.PAAS,
    description=(
        "Reads the user's row of the IAM credential report. A user whose password_enabled is true must "
        "have mfa_active true, otherwise the check fails; users without a console password are not "
        "applicable. Any MFA device type counts. The credential report can be up to four hours old, so a "
        "device assigned in the meantime shows only on the next report. A user missing from the report "
        "(created after it was generated) is an error, never a pass."
    ),
    risk=(
        "A console password alone falls to phishing, password reuse and spraying; the attacker then acts "
        "with all of the user's permissions from a browser, with no further factor to stop them."
    ),
    remediation=Remediation(
        summary="Assign an MFA device to the user, or remove the console password if it is not needed.",
        console=(
            "Open the IAM console > Users and choose the user.",
            "Security credentials tab > Multi-factor authentication (MFA) > Assign MFA device.",
            "Or, if the user needs no console access: Console sign-in > Manage console access > Disable.",
        ),
        cli=(
            "aws iam create-virtual-mfa-device --virtual-mfa-device-name USER "
            "--outfile USER-mfa.png --bootstrap-method QRCodePNG\n"
            "aws iam enable-mfa-device --user-name USER "
            "--serial-number arn:aws:iam::ACCOUNT_ID:mfa/USER "
            "--authentication-code1 CODE1 --authentication-code2 CODE2\n"
            "# or, to remove console access instead:\n"
            "aws iam delete-login-profile --user-name USER"
        ),
        terraform=(
            "# Terraform creates the device; the user activates it with two codes (enable-mfa-device).\n"
            'resource "aws_iam_virtual_mfa_device" "user" {\n'
            '  virtual_mfa_device_name = "USER"\n'
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html",
        "https://www.cisecurity.org/benchmark/amazon_web_services",
    ),
    requires=(REPORT,),
    tags=("cis",),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL when the user has a console password and no active MFA device."""
    row = report_row(resource)
    if not flag(row, "password_enabled"):
        return CheckResult.not_applicable(f"password_enabled={column(row, 'password_enabled')}: no console password")
    if flag(row, "mfa_active"):
        return CheckResult.passed("password_enabled=true, mfa_active=true")
    mfa = column(row, "mfa_active")
    return CheckResult.failed(f"password_enabled=true, mfa_active={mfa}: console sign-in without MFA")
