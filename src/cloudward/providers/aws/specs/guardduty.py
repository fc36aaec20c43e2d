"""GuardDuty: the region's detectors, with their status and data sources."""

from __future__ import annotations

from cloudward.providers.aws.spec import Call, Listing, ResourceSpec, Scope

DETECTOR = "AWS::GuardDuty::Detector"

SPECS = (
    ResourceSpec(
        type=DETECTOR,
        service="guardduty",
        scope=Scope.REGIONAL,
        listing=Listing(
            "list_detectors",
            "guardduty:ListDetectors",
            items=lambda page: [{"DetectorId": detector_id} for detector_id in page.get("DetectorIds") or []],
        ),
        arn=lambda item, ctx: (
            f"arn:{ctx.partition}:guardduty:{ctx.region}:{ctx.account_id}:detector/{item['DetectorId']}"
        ),
        name=lambda item: str(item["DetectorId"]),
        supplements={
            # Status (ENABLED or DISABLED), FindingPublishingFrequency, DataSources, Features
            "Detector": Call(
                "get_detector",
                "guardduty:GetDetector",
                params=lambda item, ctx: {"DetectorId": item["DetectorId"]},
            ),
        },
    ),
)
