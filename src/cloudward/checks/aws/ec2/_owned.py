"""What the EC2 snapshot and image checks share: only the owner of a snapshot or image can share it."""

from __future__ import annotations

from cloudward.checks.model import CheckResult
from cloudward.inventory import Resource


def not_owned(resource: Resource, kind: str) -> CheckResult | None:
    """NOT_APPLICABLE when the ``OwnerId`` is another account than the resource's own; else None."""
    owner = (resource.configuration or {}).get("OwnerId")
    if owner is not None and str(owner) != resource.account_id:
        return CheckResult.not_applicable(
            f"{kind} owned by account {owner}, not {resource.account_id}: only its owner controls who may use it"
        )
    return None
