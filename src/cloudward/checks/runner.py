"""Evaluate checks over an inventory: every resource gets a result, every unreadable input an ERROR."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from cloudward.checks.model import Check, CheckResult, Status
from cloudward.findings.model import Finding, ResourceRef
from cloudward.inventory import Inventory, Resource, UnknownAttributeError


def run_check(check: Check, resource: Resource, inventory: Inventory) -> CheckResult:
    """One check on one resource. Unknown input and crashes are ERROR, never PASS or a silent skip."""
    try:
        result = check.evaluate(resource, inventory)
    except UnknownAttributeError as exc:
        return CheckResult.error(str(exc))
    except Exception as exc:  # a bug in one check must not stop the scan; it is reported, not hidden
        return CheckResult.error(f"check failed: {type(exc).__name__}: {exc}")
    if not isinstance(result, CheckResult):
        return CheckResult.error(f"check returned {type(result).__name__}, not a CheckResult")
    return result


def _scope_ref(inventory: Inventory, resource_type: str, region: str, service: str) -> ResourceRef:
    """A stand-in resource for 'every resource of this type in this region', when listing failed."""
    arn = f"arn:aws:{service}:{'' if region == 'global' else region}:{inventory.account_id}:*"
    return ResourceRef(
        arn=f"{arn}#{resource_type}",
        type=resource_type,
        name=f"(all {resource_type})",
        account_id=inventory.account_id,
        region=region,
    )


def evaluate(checks: Iterable[Check], inventory: Inventory) -> Iterator[Finding]:
    """Yield one Finding per (check, resource), plus ERRORs for what could not be evaluated.

    A region whose listing failed gives one ERROR per check of that type; a type the inventory did not
    collect at all (a snapshot taken with other checks selected) gives one ERROR per check.
    """
    seen = inventory.collected_at
    refs: dict[str, ResourceRef] = {}  # one reference per resource, shared by every check's findings
    for check in checks:
        meta = check.meta
        if inventory.collected is not None and meta.resource_type not in inventory.collected:
            scope = _scope_ref(inventory, meta.resource_type, "global", meta.service)
            reason = f"{meta.resource_type} was not collected in this inventory; collect again with this check selected"
            yield Finding(meta, scope, Status.ERROR, reason, seen, seen)
            continue
        failed_regions = {error.region: error for error in inventory.listing_errors(meta.resource_type)}
        for region, error in sorted(failed_regions.items()):
            scope = _scope_ref(inventory, meta.resource_type, region, error.service)
            reason = f"could not list {meta.resource_type}: {error.reason}"
            yield Finding(meta, scope, Status.ERROR, reason, seen, seen)
        for resource in inventory.of_type_unchecked(meta.resource_type):
            ref = refs.get(resource.arn)
            if ref is None:
                ref = refs[resource.arn] = ResourceRef.of(resource)
            result = run_check(check, resource, inventory)
            yield Finding(meta, ref, result.status, result.reason, seen, seen)
