"""Inventory: every collected resource of one scan, plus what could not be collected."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from cloudward.inventory.attrs import UnknownAttributeError
from cloudward.inventory.resource import Resource

GLOBAL_REGION = "global"


@dataclass(frozen=True, slots=True)
class CollectionError:
    """An API call that failed after retries: which service, region and resource type it left unknown.

    ``supplement`` is empty when the listing itself failed (the resources of that type in that region
    are unknown), and names the supplement when only a detail call failed (``count`` resources).
    """

    service: str
    region: str
    resource_type: str
    operation: str
    code: str
    message: str
    supplement: str = ""
    count: int = 1

    @property
    def reason(self) -> str:
        """One line naming the failed call and its error code."""
        return f"{self.code}: {self.service}:{self.operation} in {self.region}"


@dataclass
class Inventory:
    """Resources indexed by type, with collection errors and the time the data was read.

    Checks compute ages against ``collected_at`` rather than the wall clock, so a snapshot re-checked
    later gives the same findings.
    """

    account_id: str
    collected_at: datetime
    regions: tuple[str, ...]
    resources: list[Resource] = field(default_factory=list)
    errors: list[CollectionError] = field(default_factory=list)
    collected: Mapping[str, frozenset[str]] | None = None
    """Resource type -> supplements the collection read; None when unknown (then all are assumed)."""
    _by_type: dict[str, list[Resource]] = field(default_factory=dict, init=False, repr=False)
    _by_arn: dict[str, Resource] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self._reindex()

    def _reindex(self) -> None:
        by_type: dict[str, list[Resource]] = defaultdict(list)
        for resource in self.resources:
            by_type[resource.type].append(resource)
        self._by_type = dict(by_type)
        self._by_arn = {resource.arn: resource for resource in self.resources}

    def add(self, resources: Iterable[Resource]) -> None:
        """Add resources (used by collectors and importers)."""
        self.resources.extend(resources)
        self._reindex()

    def __iter__(self) -> Iterator[Resource]:
        return iter(self.resources)

    def __len__(self) -> int:
        return len(self.resources)

    def types(self) -> set[str]:
        """The resource types present."""
        return set(self._by_type)

    def get(self, arn: str) -> Resource | None:
        """The resource with this ARN, if collected."""
        return self._by_arn.get(arn)

    def listing_errors(self, resource_type: str, region: str | None = None) -> list[CollectionError]:
        """Errors that left the listing of a resource type incomplete (in one region, or anywhere)."""
        return [
            error
            for error in self.errors
            if error.resource_type == resource_type
            and not error.supplement
            and (region is None or error.region in (region, GLOBAL_REGION))
        ]

    def of_type_unchecked(self, resource_type: str) -> list[Resource]:
        """The resources of a type that were collected, even if some region's listing failed."""
        return self._by_type.get(resource_type, [])

    def of_type(self, resource_type: str, region: str | None = None) -> list[Resource]:
        """All resources of a type, optionally in one region.

        Raises:
            UnknownAttributeError: the listing of that type failed, or the type was not collected at all,
                so the answer would be incomplete.
        """
        if self.collected is not None and resource_type not in self.collected:
            raise UnknownAttributeError(resource_type, "not collected in this inventory")
        errors = self.listing_errors(resource_type, region)
        if errors:
            raise UnknownAttributeError(resource_type, "; ".join(sorted({e.reason for e in errors})))
        found = self._by_type.get(resource_type, [])
        if region is None:
            return list(found)
        return [resource for resource in found if resource.region == region]
