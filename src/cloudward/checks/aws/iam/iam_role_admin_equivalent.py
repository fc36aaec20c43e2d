"""No IAM role's effective permissions amount to administrator access."""

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
    id="iam_role_admin_equivalent",
    title="IAM role is not an effective administrator",
    service="iam",
    resource_type="AWS::IAM::Role",
    severity=Severity.MEDIUM,
    layer=Layer.IDENTITY,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.PAAS,
    description=(
        "Evaluates the role's effective permissions with AWS's policy evaluation logic over every policy "
        "that applies to it: its inline and attached managed policies, its permissions boundary, and service "
        "control policies when they are known (a scan does not read SCPs; `cloudward iam --scp` does). "
        "Fails when the effective permissions are everything: an action no "
        'service has (only "*" or a NotAction covers it) and a set of sensitive actions (iam:PutRolePolicy, '
        'iam:PassRole, sts:AssumeRole, s3:GetObject, kms:Decrypt, ...) are all allowed on "*" without '
        'conditions, whatever grants them: AdministratorAccess, a custom "*" policy, NotAction with Allow, or '
        'several policies together. This is effective, not just "*:*" in one policy: a Deny, a permissions '
        "boundary or an SCP that removes anything essential makes the role not an administrator, and an Allow "
        "that holds only under a condition does not count. iam:* alone is privilege escalation, reported by "
        "iam_role_privilege_escalation. Medium, not high: a role has no long-lived credentials, and some "
        "administrator roles are intended (break-glass, the organization's access role); who can assume them "
        "is what matters, and the privilege-escalation checks report principals that can. Service-linked roles "
        "(path /aws-service-role/) are not applicable. A role with a policy that could not be read is ERROR."
    ),
    risk=(
        "Anyone who can assume the role, or who takes over a function, instance or pipeline running as it, "
        "gets the whole account: stolen instance credentials (SSRF to the metadata service) or a compromised "
        "CI job become full administrator access."
    ),
    remediation=Remediation(
        summary=(
            "Scope the role's policies to what its workload needs; keep administrator roles few, assumable "
            "only by named principals with MFA, and capped by a permissions boundary where delegated."
        ),
        console=(
            "Open the IAM console > Roles and choose the role.",
            "Permissions tab: review the policies named in the finding.",
            "Replace them with least-privilege policies (IAM Access Analyzer can generate one from CloudTrail).",
            "If the role must stay an administrator, restrict its trust policy to named principals with MFA.",
        ),
        cli=(
            "aws iam list-attached-role-policies --role-name ROLE\n"
            "aws iam detach-role-policy --role-name ROLE --policy-arn arn:aws:iam::aws:policy/AdministratorAccess\n"
            "aws iam delete-role-policy --role-name ROLE --policy-name INLINE_POLICY"
        ),
        terraform=(
            'resource "aws_iam_role" "this" {\n'
            '  name                 = "ROLE"\n'
            "  assume_role_policy   = data.aws_iam_policy_document.trust.json\n"
            "  permissions_boundary = aws_iam_policy.boundary.arn\n"
            "}\n"
            'resource "aws_iam_role_policy_attachment" "scoped" {\n'
            "  role       = aws_iam_role.this.name\n"
            "  policy_arn = aws_iam_policy.least_privilege.arn\n"
            "}"
        ),
    ),
    references=(
        EVALUATION_LOGIC,
        BOUNDARIES,
        LEAST_PRIVILEGE,
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html",
    ),
    requires=IDENTITY_REQUIRES,
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL naming the statements that allow every action when the role is an effective administrator."""
    return admin_equivalent(resource, inventory)
