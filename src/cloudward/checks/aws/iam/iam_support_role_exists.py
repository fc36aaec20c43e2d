"""Someone in the account can manage AWS Support cases (AWSSupportAccess is attached)."""

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

ENTITIES = "SupportAccessEntities"
KINDS = (
    ("PolicyRoles", "RoleName", "role"),
    ("PolicyUsers", "UserName", "user"),
    ("PolicyGroups", "GroupName", "group"),
)

meta = CheckMeta(
    id="iam_support_role_exists",
    title="A role, user or group has the AWSSupportAccess policy",
    service="iam",
    resource_type="AWS::::Account",
    severity=Severity.LOW,
    layer=Layer.IDENTITY,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.PAAS,
    description=(
        "CIS AWS Foundations v5.0 1.16 (a support role has been created to manage incidents with AWS "
        "Support). Lists the entities the AWS managed policy arn:aws:iam::aws:policy/AWSSupportAccess is "
        "attached to (iam:ListEntitiesForPolicy, all pages) and passes when there is at least one role, user "
        "or group, naming them; fails when there is none. CIS's audit procedure looks only at PolicyRoles: "
        "here a user or group attachment also passes, and the reason says which kind it is, so that a "
        "result relying on a user alone is visible. A customer managed policy granting support:* is not "
        "recognised, and whether anyone can assume the role is not checked."
    ),
    risk=(
        "During an incident someone must open and follow up AWS Support cases quickly; without a prepared "
        "least-privilege principal for it, teams fall back on the root user or on broad administrator "
        "credentials, or lose time granting access in the middle of the incident."
    ),
    remediation=Remediation(
        summary="Create a role for incident responders and attach the AWSSupportAccess managed policy to it.",
        console=(
            "Open the IAM console > Roles > Create role.",
            "Trusted entity: AWS account (this account, or your identity account), then Next.",
            "Select the AWSSupportAccess policy, name the role (for example aws-support) and create it.",
        ),
        cli=(
            "aws iam create-role --role-name aws-support --assume-role-policy-document file://trust.json\n"
            "aws iam attach-role-policy --role-name aws-support "
            "--policy-arn arn:aws:iam::aws:policy/AWSSupportAccess"
        ),
        terraform=(
            'resource "aws_iam_role" "support" {\n'
            '  name               = "aws-support"\n'
            "  assume_role_policy = data.aws_iam_policy_document.support_trust.json\n"
            "}\n\n"
            'resource "aws_iam_role_policy_attachment" "support" {\n'
            "  role       = aws_iam_role.support.name\n"
            '  policy_arn = "arn:aws:iam::aws:policy/AWSSupportAccess"\n'
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/awssupport/latest/user/accessing-support.html",
        "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSSupportAccess.html",
        "https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListEntitiesForPolicy.html",
        "https://www.cisecurity.org/benchmark/amazon_web_services",
    ),
    requires=(ENTITIES,),
    tags=("cis",),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """PASS naming the roles, users and groups with AWSSupportAccess; FAIL when there is none."""
    entities = resource.supplement(ENTITIES)
    if not isinstance(entities, dict):
        raise UnknownAttributeError(ENTITIES, f"unexpected ListEntitiesForPolicy result: {type(entities).__name__}")
    found: list[str] = []
    for list_key, name_key, kind in KINDS:
        items = entities.get(list_key)
        if not isinstance(items, list):
            raise UnknownAttributeError(ENTITIES, f"{list_key} missing from ListEntitiesForPolicy")
        found.extend(f"{kind} {item.get(name_key, '?')}" for item in items if isinstance(item, dict))
    if not found:
        return CheckResult.failed("AWSSupportAccess is attached to no role, user or group")
    return CheckResult.passed(f"AWSSupportAccess is attached to {', '.join(found)}")
