"""CloudTrail: trails in their home region, with their logging status and event selectors."""

from __future__ import annotations

from cloudward.providers.aws.spec import Call, Listing, ResourceSpec, Scope

SPECS = (
    ResourceSpec(
        type="AWS::CloudTrail::Trail",
        service="cloudtrail",
        scope=Scope.REGIONAL,
        listing=Listing(
            "describe_trails",
            "cloudtrail:DescribeTrails",
            items=lambda page: page.get("trailList") or [],
            params={"includeShadowTrails": False},
        ),
        arn=lambda item, ctx: str(item["TrailARN"]),
        name=lambda item: str(item["Name"]),
        supplements={
            "TrailStatus": Call(
                "get_trail_status",
                "cloudtrail:GetTrailStatus",
                params=lambda item, ctx: {"Name": item["TrailARN"]},
            ),
            "EventSelectors": Call(
                "get_event_selectors",
                "cloudtrail:GetEventSelectors",
                params=lambda item, ctx: {"TrailName": item["TrailARN"]},
                select=lambda r: {
                    "EventSelectors": r.get("EventSelectors") or [],
                    "AdvancedEventSelectors": r.get("AdvancedEventSelectors") or [],
                },
            ),
        },
    ),
)
