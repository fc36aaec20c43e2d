"""Which trails record S3 object-level (data) events, for reads or for writes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from cloudward.checks.model import CheckResult
from cloudward.inventory import Inventory, Resource, UnknownAttributeError

TRAIL = "AWS::CloudTrail::Trail"
Access = Literal["read", "write"]
_S3_ALL_BUCKETS = ("arn:aws:s3", "arn:aws:s3:::", "arn:aws-us-gov:s3:::", "arn:aws-cn:s3:::")


def _basic_covers(selectors: list[Mapping[str, Any]], access: Access) -> bool:
    wanted = {"read": ("ReadOnly", "All"), "write": ("WriteOnly", "All")}[access]
    for selector in selectors:
        if selector.get("ReadWriteType", "All") not in wanted:
            continue
        for resource in selector.get("DataResources") or []:
            if resource.get("Type") == "AWS::S3::Object" and any(
                value in _S3_ALL_BUCKETS for value in resource.get("Values") or []
            ):
                return True
    return False


def _advanced_covers(selectors: list[Mapping[str, Any]], access: Access) -> bool:
    for selector in selectors:
        fields = {field.get("Field"): field for field in selector.get("FieldSelectors") or []}
        category = fields.get("eventCategory", {}).get("Equals") or []
        resource_type = fields.get("resources.type", {}).get("Equals") or []
        if "Data" not in category or "AWS::S3::Object" not in resource_type:
            continue
        if "resources.ARN" in fields or "eventName" in fields:
            continue  # narrowed to some buckets or some calls: not "all buckets"
        read_only = fields.get("readOnly", {}).get("Equals") or []
        excluded = "true" if access == "write" else "false"
        if read_only == [excluded]:
            continue
        return True
    return False


def evaluate_data_events(resource: Resource, inventory: Inventory, access: Access) -> CheckResult:
    """PASS when a logging multi-region trail records S3 data events of this kind for all buckets."""
    seen: list[str] = []
    unreadable: list[str] = []
    for region in inventory.regions:
        try:
            trails = inventory.of_type(TRAIL, region)
        except UnknownAttributeError as exc:
            unreadable.append(exc.reason)
            continue
        for trail in trails:
            configuration = trail.configuration or {}
            if not configuration.get("IsMultiRegionTrail"):
                seen.append(f"{trail.name}: single-region")
                continue
            try:
                if not (trail.supplement("TrailStatus") or {}).get("IsLogging"):
                    seen.append(f"{trail.name}: not logging")
                    continue
                selectors = trail.supplement("EventSelectors") or {}
            except UnknownAttributeError as exc:
                unreadable.append(f"{trail.name}: {exc.reason}")
                continue
            if _basic_covers(selectors.get("EventSelectors") or [], access) or _advanced_covers(
                selectors.get("AdvancedEventSelectors") or [], access
            ):
                return CheckResult.passed(f"trail {trail.name} records S3 {access} data events for all buckets")
            seen.append(f"{trail.name}: no S3 {access} data events for all buckets")
    if unreadable:
        raise UnknownAttributeError(TRAIL, "; ".join(unreadable))
    return CheckResult.failed(
        f"no logging multi-region trail records S3 {access} data events" + (f" ({'; '.join(seen)})" if seen else "")
    )
