"""No IAM role can escalate its own privileges to administrator."""

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
    id="iam_role_privilege_escalation",
    title="IAM role cannot escalate to administrator",
    service="iam",
    resource_type="AWS::IAM::Role",
    severity=Severity.HIGH,
    layer=Layer.IDENTITY,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.PAAS,
    description=(
        "Searches for privilege-escalation paths from the role to administrator (effective permissions of "
        "everything), with the methods of the pathfinding.cloud catalogue: changing its own policies "
        "(iam:CreatePolicyVersion, iam:PutRolePolicy, iam:AttachRolePolicy), making another principal an "
        "administrator and acting as it, taking another principal's credentials (sts:AssumeRole, trust policy "
        "rewrite, access keys), passing a role to a new resource (iam:PassRole with Lambda, EC2, Glue, "
        "CloudFormation, CodeBuild, ECS, SageMaker...), and taking over an existing function or instance "
        "that runs as a role (the inventory's Lambda functions and EC2 instances). Paths may have several hops. "
        "Every action of every hop is judged by the policy evaluator, so Denies, permissions boundaries, "
        "conditions and trust policies decide as AWS would; a hop that depends on a condition the inventory "
        "cannot decide is kept and marked conditional. Fails with the best path (its steps and "
        "pathfinding.cloud ids), the number of paths, and the flags conditional or assumed. Roles that are "
        "administrators already (iam_role_admin_equivalent) and service-linked roles (path "
        "/aws-service-role/, maintained by AWS) are not applicable. ERROR when the role's own policies could "
        "not be read, or when it can directly obtain the permissions of a principal whose policies could not "
        "be read."
    ),
    risk=(
        "Whoever gets the role's credentials (a compromised build job, an SSRF on an instance, a vulnerable "
        "function) follows the path and owns the account. CI/CD and automation roles with iam:PassRole or "
        "IAM write permissions are the usual way in."
    ),
    remediation=Remediation(
        summary=(
            "Remove the permissions the path uses (the finding names each action and resource), scope "
            "iam:PassRole to the roles and services that need it, or cap the role with a permissions boundary "
            "that denies IAM writes."
        ),
        console=(
            "Open the IAM console > Roles and choose the role.",
            "Permissions tab: find the policies that grant the actions named in the finding.",
            "Remove those actions, or restrict their Resource to exactly what the role must change; restrict "
            "iam:PassRole with Resource and an iam:PassedToService condition.",
            "Set a permissions boundary (Permissions boundary > Set boundary) that denies IAM writes.",
        ),
        cli=(
            "aws iam get-account-authorization-details --filter User Role Group LocalManagedPolicy > gaad.json\n"
            "cloudward iam privesc --gaad gaad.json --format json\n"
            "aws iam put-role-permissions-boundary --role-name ROLE --permissions-boundary BOUNDARY_POLICY_ARN"
        ),
        terraform=(
            'data "aws_iam_policy_document" "passrole" {\n'
            "  statement {\n"
            '    actions   = ["iam:PassRole"]\n'
            '    resources = ["arn:aws:iam::ACCOUNT_ID:role/app-function"]\n'
            "    condition {\n"
            '      test     = "StringEquals"\n'
            '      variable = "iam:PassedToService"\n'
            '      values   = ["lambda.amazonaws.com"]\n'
            "    }\n"
            "  }\n"
            "}\n"
            'resource "aws_iam_role" "this" {\n'
            '  name                 = "ROLE"\n'
            "  assume_role_policy   = data.aws_iam_policy_document.trust.json\n"
            "  permissions_boundary = aws_iam_policy.boundary.arn\n"
            "}"
        ),
    ),
    references=(PATHFINDING, RHINO_PRIVESC, EVALUATION_LOGIC),
    requires=PRIVESC_REQUIRES,
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL with the best escalation path when the role can become an administrator."""
    return privilege_escalation(resource, inventory)
