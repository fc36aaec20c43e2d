"""ResourceSpec: how to collect one resource type, described as data.

A spec names the list call, the supplement calls, the IAM permission each needs and the error codes
that mean "not configured" with the value that stands for it. The collector owns pagination,
retries, threads, error capture and progress; a spec never calls AWS itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

Item = Mapping[str, Any]
Response = Mapping[str, Any]


class Scope(StrEnum):
    """Where a resource type lives: once per account, or once per region."""

    GLOBAL = "global"
    REGIONAL = "regional"


@dataclass(frozen=True, slots=True)
class Context:
    """What a spec's functions may use besides the item: the account and the region being read."""

    account_id: str
    region: str
    partition: str = "aws"


def no_params(item: Item, ctx: Context) -> dict[str, Any]:
    """A call that takes no parameters."""
    return {}


def whole_response(response: Response) -> Any:
    """The whole response, minus botocore's ResponseMetadata."""
    return {key: value for key, value in response.items() if key != "ResponseMetadata"}


@dataclass(frozen=True, slots=True)
class Call:
    """One read-only API call.

    Attributes:
        operation: boto3 method name (``get_bucket_policy``).
        permission: the IAM action it needs (``s3:GetBucketPolicy``).
        params: builds the call's parameters from the item and context.
        select: picks the value to keep from the response.
        not_configured: error codes that mean "this setting is not configured", mapped to the value
            that stands for it (e.g. ``{"NoSuchBucketPolicy": None}``).
        service: the boto3 service when it differs from the spec's (``s3control``).
        custom: for multi-step reads (the credential report), a function ``(client, params) -> response``
            used instead of calling ``operation`` directly; it may only issue read-only calls.
    """

    operation: str
    permission: str
    params: Callable[[Item, Context], dict[str, Any]] = no_params
    select: Callable[[Response], Any] = whole_response
    not_configured: Mapping[str, Any] = field(default_factory=dict)
    service: str | None = None
    custom: Callable[[Any, dict[str, Any]], Response] | None = None
    extra_permissions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Listing:
    """The call that enumerates a type; ``items`` picks the resources out of each response page.

    ``none_configured`` lists error codes that mean "there are none" (Security Hub answers
    ``InvalidAccessException`` when it is not enabled): the listing is then empty, not failed.
    """

    operation: str
    permission: str
    items: Callable[[Response], Iterable[Item]]
    params: Mapping[str, Any] = field(default_factory=dict)
    none_configured: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Bulk:
    """A supplement read once per scope for all resources, then joined to each by key.

    ``call.select`` must return a mapping from join key to value; ``key`` gives an item's join key;
    ``missing`` is the value for an item absent from the mapping.
    """

    call: Call
    key: Callable[[Item, Context], str]
    missing: Any = None


Supplement = Call | Bulk


def _empty_tags(item: Item) -> dict[str, str]:
    return {}


@dataclass(frozen=True, slots=True)
class ResourceSpec:
    """How to collect one resource type.

    ``listing`` is None for the account and region pseudo-resources, of which the collector makes one
    per account or per scanned region. ``region_of`` reads a global listing's item's home region
    (an S3 bucket's location); supplements are then read in that region.
    """

    type: str
    service: str
    scope: Scope
    listing: Listing | None
    arn: Callable[[Item, Context], str]
    name: Callable[[Item], str]
    supplements: Mapping[str, Supplement] = field(default_factory=dict)
    tags: Callable[[Item], dict[str, str]] = _empty_tags
    region_of: Call | None = None
    redact: Callable[[Item], Item] | None = None
    keep: Callable[[Item, Context], bool] | None = None
    """Drops listed items that are not the account's own (an endpoint that ignores ``OwnerIds``)."""

    def permissions(self, supplements: Iterable[str] | None = None) -> set[str]:
        """IAM actions needed to list this type and read the given supplements (all when None)."""
        wanted = self.supplements if supplements is None else {n: self.supplements[n] for n in supplements}
        actions: set[str] = set()
        if self.listing is not None:
            actions.add(self.listing.permission)
        if self.region_of is not None:
            actions.add(self.region_of.permission)
        for supplement in wanted.values():
            call = supplement.call if isinstance(supplement, Bulk) else supplement
            actions.add(call.permission)
            actions.update(call.extra_permissions)
        return actions


def tag_list(item: Item, key: str = "Tags") -> dict[str, str]:
    """Tags given as ``[{"Key": ..., "Value": ...}]`` as a plain mapping."""
    return {str(tag["Key"]): str(tag.get("Value", "")) for tag in item.get(key) or []}


def name_tag_or(item: Item, fallback_key: str) -> str:
    """The ``Name`` tag when set, otherwise the given identifier field."""
    return tag_list(item).get("Name") or str(item[fallback_key])
