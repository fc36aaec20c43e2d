"""Security Hub: the region's hub, when the account is subscribed there."""

from __future__ import annotations

from cloudward.providers.aws.spec import Listing, ResourceSpec, Response, Scope, whole_response

HUB = "AWS::SecurityHub::Hub"
NOT_SUBSCRIBED = "InvalidAccessException"
"""What DescribeHub answers in a region where the account is not subscribed to Security Hub (AWS and moto)."""


def _hub(page: Response) -> list[dict[str, object]]:
    hub = whole_response(page)
    return [hub] if hub.get("HubArn") else []


SPECS = (
    ResourceSpec(
        type=HUB,
        service="securityhub",
        scope=Scope.REGIONAL,
        listing=Listing(
            "describe_hub",
            "securityhub:DescribeHub",
            items=_hub,
            none_configured=frozenset({NOT_SUBSCRIBED}),
        ),
        arn=lambda item, ctx: str(item["HubArn"]),
        name=lambda item: str(item["HubArn"]).rsplit("/", 1)[-1],
    ),
)
