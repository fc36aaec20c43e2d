"""No IAM role's inline policy grants full administrator access ("*" on "*")."""

from __future__ import annotations

from cloudward.checks.aws.iam._policy import inline_full_admin
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
    id="iam_role_inline_policy_no_full_admin",
    title='IAM role inline policies do not allow "*" on "*"',
    service="iam",
    resource_type="AWS::IAM::Role",
    severity=Severity.HIGH,
    layer=Layer.IDENTITY,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.PAAS,
    description=(
        "Reads the role's inline policies (RolePolicyList of GetAccountAuthorizationDetails). Fails when "
        'a statement has Effect Allow, an Action of "*" or "*:*" (string or list) and a Resource of '
        '"*" (string or list); a Condition does not exempt it. NotAction statements are not judged '
        "here. Roles without inline policies are not applicable. Service-linked roles are judged like any "
        "other role. Who may assume the role is judged by iam_role_trust_no_wildcard_principal."
    ),
    risk=(
        "Whoever can assume the role (a workload, a federated user, another account) becomes a full "
        "administrator: compromising any of them gives the attacker the whole account."
    ),
    remediation=Remediation(
        summary="Replace the inline policy with one granting only the actions the role's workload needs.",
        console=(
            "Open the IAM console > Roles and choose the role.",
            "Permissions tab: select the inline policy and Remove it (or Edit it down to specific actions).",
        ),
        cli="aws iam delete-role-policy --role-name ROLE --policy-name POLICY_NAME",
        terraform=(
            'resource "aws_iam_role_policy" "this" {\n'
            "  role   = aws_iam_role.this.id\n"
            "  policy = jsonencode({\n"
            '    Version   = "2012-10-17"\n'
            '    Statement = [{ Effect = "Allow", Action = ["s3:GetObject"], '
            'Resource = ["arn:aws:s3:::my-bucket/*"] }]\n'
            "  })\n"
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
    ),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL naming each inline policy statement that allows "*" on "*"."""
    return inline_full_admin(resource.configuration or {}, "RolePolicyList")
