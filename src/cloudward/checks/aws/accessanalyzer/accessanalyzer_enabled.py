"""IAM Access Analyzer has an active external access analyzer in every region."""

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

ANALYZER = "AWS::AccessAnalyzer::Analyzer"
EXTERNAL_ACCESS_TYPES = frozenset({"ACCOUNT", "ORGANIZATION"})

meta = CheckMeta(
    id="accessanalyzer_enabled",
    title="IAM Access Analyzer has an active external access analyzer in the region",
    service="accessanalyzer",
    resource_type="AWS::::Region",
    severity=Severity.MEDIUM,
    layer=Layer.POSTURE,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.SAAS,
    description=(
        "CIS AWS Foundations v5.0 1.19 (IAM External Access Analyzer enabled for all regions), evaluated "
        "per region. Passes when ListAnalyzers returns an analyzer of type ACCOUNT or ORGANIZATION (the "
        "external access analyzers) with status ACTIVE. Unused-access and internal-access analyzers do not "
        "count, nor do analyzers that are CREATING, DISABLED or FAILED. When the analyzers cannot be "
        "listed (AccessDenied, or an emulator that does not implement the API) the result is ERROR."
    ),
    risk=(
        "Access Analyzer reports buckets, keys, roles, queues and snapshots shared with other accounts or "
        "with the public. Without it in a region, a resource policy that grants an outsider access there "
        "(left by a mistake or planted by an intruder for persistence) is found by nobody."
    ),
    remediation=Remediation(
        summary="Create an account (or organization) external access analyzer in the region.",
        console=(
            "Open the IAM console in the region and choose Access analyzer > Analyzer settings.",
            "Choose Create analyzer, select External access analysis, and the account or organization as "
            "the zone of trust.",
            "Repeat in every region in use (or deploy it with a StackSet).",
        ),
        cli="aws accessanalyzer create-analyzer --analyzer-name external-access --type ACCOUNT --region REGION",
        terraform=(
            'resource "aws_accessanalyzer_analyzer" "external" {\n'
            '  analyzer_name = "external-access"\n'
            '  type          = "ACCOUNT"\n'
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-getting-started.html",
        "https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_ListAnalyzers.html",
        "https://www.cisecurity.org/benchmark/amazon_web_services",
    ),
    requires=(ANALYZER,),
    tags=("cis",),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """PASS naming the active external access analyzer; FAIL naming each analyzer's type and status."""
    analyzers = inventory.of_type(ANALYZER, resource.region)
    seen: list[str] = []
    for analyzer in analyzers:
        configuration = analyzer.configuration or {}
        kind = str(configuration.get("type") or "unknown")
        status = str(configuration.get("status") or "unknown")
        if kind in EXTERNAL_ACCESS_TYPES and status == "ACTIVE":
            return CheckResult.passed(f"analyzer {analyzer.name}: type={kind}, status=ACTIVE")
        seen.append(f"analyzer {analyzer.name}: type={kind}, status={status}")
    if not seen:
        return CheckResult.failed(f"no IAM Access Analyzer analyzer in {resource.region}")
    return CheckResult.failed(f"no active external access analyzer in {resource.region}: {'; '.join(seen)}")
