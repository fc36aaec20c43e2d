"""No IAM user can escalate its own privileges to administrator."""

from __future__ import annotations

from cloudward.checks.aws.iam._identity import (
    EVALUATION_LOGIC,
    PATHFINDING,
    PRIVESC_REQUIRES,
    RHINO_PRIVESC,
    privilege_escalation,
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
    id="iam_user_privilege_escalation",
    title="IAM user cannot escalate to administrator",
    service="iam",
    resource_type="AWS::IAM::User",
    severity=Severity.HIGH,
    layer=Layer.IDENTITY,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.PAAS,
    description=(
        "Searches for privilege-escalation paths from the user to administrator (effective permissions of "
        "everything), with the methods of the pathfinding.cloud catalogue: changing its own policies "
        "(iam:CreatePolicyVersion, iam:PutUserPolicy, iam:AttachUserPolicy, group policies, "
        "iam:AddUserToGroup), making another principal an administrator and acting as it, taking another "
        "principal's credentials (access keys, login profile, sts:AssumeRole, trust policy rewrite), passing a "
        "role to a new resource (iam:PassRole with Lambda, EC2, Glue, CloudFormation, CodeBuild, ECS, "
        "SageMaker...), and taking over an existing function or instance that runs as a role. Paths may have "
        "several hops (user -> role -> role -> administrator). Every action of every hop is judged by the policy "
        "evaluator, so Denies, permissions boundaries, conditions and trust policies decide as AWS would; a hop "
        "that depends on a condition the inventory cannot decide is kept and marked conditional. Fails with the "
        "best path (its steps and pathfinding.cloud ids), the number of paths, and the flags conditional or "
        "assumed. Users that are administrators already are not applicable (iam_user_admin_equivalent reports "
        "them). ERROR when the user's own policies could not be read, or when it can directly obtain the "
        "permissions of a principal whose policies could not be read (sts:AssumeRole, iam:CreateAccessKey, "
        "...), since that principal may be an administrator."
    ),
    risk=(
        "A user that can escalate is an administrator in waiting: whoever steals its password or access key "
        "follows the path and owns the account, with none of the review an administrator grant would get."
    ),
    remediation=Remediation(
        summary=(
            "Remove the permissions the path uses (the finding names each action and resource), scope "
            "iam:PassRole to the roles and services that need it, or cap the user with a permissions boundary "
            "that denies IAM writes."
        ),
        console=(
            "Open the IAM console > Users and choose the user.",
            "Permissions tab: find the policies that grant the actions named in the finding.",
            "Remove those actions, or restrict their Resource to exactly what the user must change; restrict "
            "iam:PassRole with Resource and an iam:PassedToService condition.",
            "Optionally set a permissions boundary that denies iam:* writes and sts:AssumeRole on admin roles.",
        ),
        cli=(
            "aws iam get-account-authorization-details --filter User Role Group LocalManagedPolicy > gaad.json\n"
            "cloudward iam privesc --gaad gaad.json --format json\n"
            "aws iam put-user-permissions-boundary --user-name USER --permissions-boundary BOUNDARY_POLICY_ARN"
        ),
        terraform=(
            'data "aws_iam_policy_document" "boundary" {\n'
            "  statement {\n"
            '    effect    = "Allow"\n'
            '    actions   = ["*"]\n'
            '    resources = ["*"]\n'
            "  }\n"
            "  statement {\n"
            '    effect    = "Deny"\n'
            '    actions   = ["iam:Create*", "iam:Put*", "iam:Attach*", "iam:Update*", "iam:Add*", "iam:PassRole"]\n'
            '    resources = ["*"]\n'
            "  }\n"
            "}\n"
            'resource "aws_iam_user" "this" {\n'
            '  name                 = "USER"\n'
            "  permissions_boundary = aws_iam_policy.boundary.arn\n"
            "}"
        ),
    ),
    references=(PATHFINDING, RHINO_PRIVESC, EVALUATION_LOGIC),
    requires=PRIVESC_REQUIRES,
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL with the best escalation path when the user can become an administrator."""
    return privilege_escalation(resource, inventory)
