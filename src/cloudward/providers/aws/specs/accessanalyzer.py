"""IAM Access Analyzer: the region's analyzers (type, status) as ListAnalyzers returns them."""

from __future__ import annotations

from cloudward.providers.aws.spec import Listing, ResourceSpec, Scope

ANALYZER = "AWS::AccessAnalyzer::Analyzer"

SPECS = (
    ResourceSpec(
        type=ANALYZER,
        service="accessanalyzer",
        scope=Scope.REGIONAL,
        listing=Listing(
            "list_analyzers",
            "access-analyzer:ListAnalyzers",
            items=lambda page: page.get("analyzers") or [],
        ),
        arn=lambda item, ctx: str(item["arn"]),
        name=lambda item: str(item["name"]),
        tags=lambda item: {str(key): str(value) for key, value in (item.get("tags") or {}).items()},
    ),
)
