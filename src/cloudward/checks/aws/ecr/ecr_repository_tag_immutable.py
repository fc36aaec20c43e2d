"""ECR repositories do not let an image tag be pointed at another image."""

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

meta = CheckMeta(
    id="ecr_repository_tag_immutable",
    title="ECR repository image tags are immutable",
    service="ecr",
    resource_type="AWS::ECR::Repository",
    severity=Severity.MEDIUM,
    layer=Layer.POSTURE,
    threat=Threat.SUPPLY_CHAIN,
    service_model=ServiceModel.PAAS,
    description=(
        "Passes only when imageTagMutability is IMMUTABLE. Fails for MUTABLE, and also for "
        "IMMUTABLE_WITH_EXCLUSION and MUTABLE_WITH_EXCLUSION, naming the exclusion filters "
        "(imageTagMutabilityExclusionFilters): tags that match them, often 'latest', can still be "
        "overwritten, which is the attack this check is about. A repository whose configuration lacks "
        "imageTagMutability is ERROR."
    ),
    risk=(
        "Anyone who can push to the repository (a leaked CI credential, a compromised build) can re-point a "
        "trusted tag such as v1.4.2 or latest at a malicious image; every deployment that pulls by tag then "
        "runs it, and the swap leaves the tag name unchanged."
    ),
    remediation=Remediation(
        summary="Set the repository's image tag mutability to IMMUTABLE (and deploy by tag or digest).",
        console=(
            "Open the Amazon ECR console and choose the repository, then Actions > Edit.",
            "Under Image tag mutability choose Immutable (without exclusions) and save.",
        ),
        cli="aws ecr put-image-tag-mutability --repository-name REPOSITORY --image-tag-mutability IMMUTABLE",
        terraform=(
            'resource "aws_ecr_repository" "this" {\n'
            '  name                 = "web-app"\n'
            '  image_tag_mutability = "IMMUTABLE"\n'
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ecr-controls.html",
    ),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL naming the mutability setting and any exclusion filters."""
    mutability = str(resource.require("imageTagMutability"))
    if mutability == "IMMUTABLE":
        return CheckResult.passed("imageTagMutability=IMMUTABLE")
    filters = resource.configuration.get("imageTagMutabilityExclusionFilters") or []
    patterns = [str(item.get("filter")) if isinstance(item, dict) else str(item) for item in filters]
    if patterns:
        return CheckResult.failed(
            f"imageTagMutability={mutability}: tags matching {', '.join(repr(p) for p in patterns)} can be overwritten"
        )
    return CheckResult.failed(f"imageTagMutability={mutability}: any tag can be overwritten")
