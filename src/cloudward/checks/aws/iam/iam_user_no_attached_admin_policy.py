"""No IAM user has the AdministratorAccess managed policy attached directly."""

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

ADMIN_POLICY_SUFFIX = ":iam::aws:policy/AdministratorAccess"

meta = CheckMeta(
    id="iam_user_no_attached_admin_policy",
    title="IAM users do not have AdministratorAccess attached directly",
    service="iam",
    resource_type="AWS::IAM::User",
    severity=Severity.HIGH,
    layer=Layer.IDENTITY,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.PAAS,
    description=(
        "Reads the user's AttachedManagedPolicies (GetAccountAuthorizationDetails). Fails when the "
        "AWS-managed AdministratorAccess policy (arn:<partition>:iam::aws:policy/AdministratorAccess, any "
        "partition) is attached to the user directly. Policies attached through groups, inline policies "
        'and customer-managed policies granting "*" on "*" are not judged here (see '
        "iam_inline_policy_no_full_admin and iam_policy_no_full_admin)."
    ),
    risk=(
        "The user's long-lived password and access keys are full-administrator credentials: one leak "
        "gives the attacker the whole account. Administrators should assume a role for elevated work."
    ),
    remediation=Remediation(
        summary="Detach AdministratorAccess from the user; grant admin through a role assumed with MFA.",
        console=(
            "Open the IAM console > Users and choose the user.",
            "Permissions tab: select AdministratorAccess and choose Remove.",
            "Grant the least privileges needed instead, or let the user assume an admin role with MFA.",
        ),
        cli=("aws iam detach-user-policy --user-name USER --policy-arn arn:aws:iam::aws:policy/AdministratorAccess"),
        terraform=(
            "# Remove the attachment; grant admin through an assumable role instead.\n"
            'resource "aws_iam_role_policy_attachment" "admin" {\n'
            "  role       = aws_iam_role.admin.name\n"
            '  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"\n'
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AdministratorAccess.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
    ),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL naming the AdministratorAccess ARN when it is attached to the user."""
    attached = [item for item in resource.require("AttachedManagedPolicies") or [] if isinstance(item, dict)]
    arns = [str(item.get("PolicyArn", "")) for item in attached]
    admin = [arn for arn in arns if arn.endswith(ADMIN_POLICY_SUFFIX)]
    if admin:
        return CheckResult.failed(f"{', '.join(admin)} is attached directly to the user")
    return CheckResult.passed(f"AdministratorAccess is not attached directly (managed policies attached: {len(arns)})")
