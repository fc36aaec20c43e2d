"""No IAM user's inline policy grants full administrator access ("*" on "*")."""

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
    id="iam_inline_policy_no_full_admin",
    title='IAM user inline policies do not allow "*" on "*"',
    service="iam",
    resource_type="AWS::IAM::User",
    severity=Severity.HIGH,
    layer=Layer.IDENTITY,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.PAAS,
    description=(
        "Reads the user's inline policies (UserPolicyList of GetAccountAuthorizationDetails). Fails when "
        'a statement has Effect Allow, an Action of "*" or "*:*" (string or list) and a Resource of '
        '"*" (string or list); a Condition does not exempt it. NotAction statements are not judged '
        "here. Users without inline policies are not applicable. Managed and group policies are covered "
        "by iam_policy_no_full_admin and iam_user_no_attached_admin_policy; roles by "
        "iam_role_inline_policy_no_full_admin."
    ),
    risk=(
        "The user is a full administrator through a policy that is easy to overlook: compromising its "
        "password or access key gives the attacker the whole account."
    ),
    remediation=Remediation(
        summary=("Delete the inline policy and grant only the needed actions, preferably through a group or role."),
        console=(
            "Open the IAM console > Users and choose the user.",
            "Permissions tab: select the inline policy and Remove it (or Edit it down to specific actions).",
        ),
        cli="aws iam delete-user-policy --user-name USER --policy-name POLICY_NAME",
        terraform=(
            'resource "aws_iam_user_policy" "this" {\n'
            "  user   = aws_iam_user.user.name\n"
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
    return inline_full_admin(resource.configuration or {}, "UserPolicyList")
