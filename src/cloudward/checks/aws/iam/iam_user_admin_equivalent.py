"""No IAM user's effective permissions amount to administrator access."""

from __future__ import annotations

from cloudward.checks.aws.iam._identity import (
    BOUNDARIES,
    EVALUATION_LOGIC,
    IDENTITY_REQUIRES,
    LEAST_PRIVILEGE,
    admin_equivalent,
)
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
    id="iam_user_admin_equivalent",
    title="IAM user is not an effective administrator",
    service="iam",
    resource_type="AWS::IAM::User",
    severity=Severity.HIGH,
    layer=Layer.IDENTITY,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.PAAS,
    description=(
        "Evaluates the user's effective permissions with AWS's policy evaluation logic over every policy "
        "that applies to it: inline and attached managed policies of the user and of its groups, its "
        "permissions boundary, and service control policies when they are known (a scan does not read "
        "SCPs; `cloudward iam --scp` does). Fails when the effective permissions "
        'are everything: an action no service has (only "*" or a NotAction covers it) and a set of sensitive '
        "actions (iam:PutRolePolicy, iam:PassRole, sts:AssumeRole, s3:GetObject, kms:Decrypt, ...) are all "
        'allowed on "*" without conditions, whatever grants them: AdministratorAccess, a custom "*" policy, '
        'NotAction with Allow, or several policies together. This is effective, not just "*:*" in one policy: '
        "a Deny, a permissions boundary or an SCP that removes anything essential makes the user not an "
        "administrator, and an Allow that holds only under a condition (MFA, source IP) does not count. "
        "iam:* alone is privilege escalation, reported by iam_user_privilege_escalation. The reason names the "
        "statements that allow every action. A user with a policy that could not be read (malformed, or the "
        "AWS managed policies unreadable) is ERROR, since a Deny in it could change the answer."
    ),
    risk=(
        "The user's password and access keys are full-administrator credentials: whoever phishes the password "
        "or finds a leaked key owns the account, can delete its logs and backups, and can create persistent "
        "back doors (new users, roles trusting the attacker's account)."
    ),
    remediation=Remediation(
        summary=(
            "Remove the policies that together grant everything; give the user the least privilege it needs, "
            "and let administrators assume an admin role with MFA instead of holding admin rights directly."
        ),
        console=(
            "Open the IAM console > Users and choose the user.",
            "Permissions tab: review the policies named in the finding (including those of its groups).",
            "Detach or edit them so that they grant only what the user needs; or set a permissions boundary.",
            "For administration, create a role with AdministratorAccess that requires MFA to assume.",
        ),
        cli=(
            "aws iam list-attached-user-policies --user-name USER\n"
            "aws iam detach-user-policy --user-name USER --policy-arn POLICY_ARN\n"
            "aws iam delete-user-policy --user-name USER --policy-name INLINE_POLICY\n"
            "aws iam remove-user-from-group --user-name USER --group-name ADMIN_GROUP"
        ),
        terraform=(
            "# Grant the user only what it needs, and cap it with a permissions boundary:\n"
            'resource "aws_iam_user" "this" {\n'
            '  name                 = "USER"\n'
            "  permissions_boundary = aws_iam_policy.boundary.arn\n"
            "}\n"
            'resource "aws_iam_user_policy_attachment" "scoped" {\n'
            "  user       = aws_iam_user.this.name\n"
            "  policy_arn = aws_iam_policy.least_privilege.arn\n"
            "}"
        ),
    ),
    references=(EVALUATION_LOGIC, BOUNDARIES, LEAST_PRIVILEGE),
    requires=IDENTITY_REQUIRES,
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL naming the statements that allow every action when the user is an effective administrator."""
    return admin_equivalent(resource, inventory)
