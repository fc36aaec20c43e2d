"""ECR repository policies do not grant access to everyone."""

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
from cloudward.iam.resource_policy import RULE, public_statements
from cloudward.inventory import Inventory, Resource

meta = CheckMeta(
    id="ecr_repository_not_public",
    title="ECR repository policy does not grant access to everyone",
    service="ecr",
    resource_type="AWS::ECR::Repository",
    severity=Severity.CRITICAL,
    layer=Layer.IDENTITY,
    threat=Threat.SUPPLY_CHAIN,
    service_model=ServiceModel.PAAS,
    description=(
        "Fails when the repository policy has a public Allow statement, whatever the actions: pull actions "
        "(ecr:BatchGetImage, ecr:GetDownloadUrlForLayer) expose the images, push actions (ecr:PutImage, "
        "ecr:UploadLayerPart...) let anyone replace them. "
        + RULE
        + " Repository policies usually have no Resource element, so a Deny guard, which must cover the "
        "Allow's resources, confines nothing there; restrict the Allow with a Condition instead. A "
        "repository without a policy passes. Public ECR Gallery repositories (ecr-public) are not in scope."
    ),
    risk=(
        "With a public pull grant anyone can download the images and mine them for embedded credentials, "
        "internal endpoints and vulnerable versions; with a public push grant anyone can replace an image "
        "that production then pulls and runs."
    ),
    remediation=Remediation(
        summary="Remove the public statement, or restrict it with aws:PrincipalOrgID or named account principals.",
        console=(
            "Open the Amazon ECR console and choose the repository.",
            "Permissions > Edit policy JSON.",
            'Remove each statement whose Principal is "*" or {"AWS": "*"}, or name the accounts that may pull, '
            'or add "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-..."}}, then save.',
        ),
        cli="aws ecr set-repository-policy --repository-name REPOSITORY --policy-text file://policy.json",
        terraform=(
            'resource "aws_ecr_repository_policy" "this" {\n'
            "  repository = aws_ecr_repository.this.name\n"
            "  policy = jsonencode({\n"
            '    Version = "2012-10-17"\n'
            "    Statement = [{\n"
            '      Sid       = "OrgPull"\n'
            '      Effect    = "Allow"\n'
            '      Principal = "*"\n'
            '      Action    = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]\n'
            '      Condition = { StringEquals = { "aws:PrincipalOrgID" = var.org_id } }\n'
            "    }]\n"
            "  })\n"
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policies.html",
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html",
    ),
    requires=("RepositoryPolicy",),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL naming each public Allow statement (Sid, actions, principal)."""
    policy = resource.supplement("RepositoryPolicy")
    if policy is None:
        return CheckResult.passed("no repository policy")
    public, confined = public_statements(policy, "RepositoryPolicy")
    if public:
        return CheckResult.failed("; ".join(public))
    if confined:
        return CheckResult.passed("not public: " + "; ".join(confined))
    return CheckResult.passed("no statement grants access to everyone")
