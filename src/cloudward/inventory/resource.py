"""Resource: one cloud resource, in the shape AWS Config records it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cloudward.inventory.attrs import Unknown, UnknownAttributeError

CONFIGURATION = "configuration"
SUPPLEMENTARY = "supplementaryConfiguration"


@dataclass(frozen=True, slots=True)
class Resource:
    """A resource of any provider, typed by its inventory type name (``AWS::S3::Bucket``).

    ``attrs`` follows the AWS Config configuration item: ``configuration`` holds what the resource's
    list/describe call returned, ``supplementaryConfiguration`` the settings read by further calls
    (bucket policy, public access block, ...), each keyed by its supplement name. A supplement that
    could not be read is :class:`Unknown`; one that was not collected is absent.
    """

    arn: str
    type: str
    account_id: str
    region: str
    name: str
    tags: Mapping[str, str] = field(default_factory=dict)
    attrs: Mapping[str, Any] = field(default_factory=dict)

    @property
    def configuration(self) -> Any:
        """The resource's configuration as its list or describe call returned it."""
        value = self.attrs.get(CONFIGURATION)
        if isinstance(value, Unknown):
            raise UnknownAttributeError(CONFIGURATION, value.reason)
        return value

    def require(self, key: str) -> Any:
        """A field of the configuration that must be present; absent or Unknown raises UnknownAttributeError."""
        configuration = self.configuration
        if not isinstance(configuration, Mapping) or key not in configuration:
            raise UnknownAttributeError(key, "absent from the resource's configuration")
        value = configuration[key]
        if isinstance(value, Unknown):
            raise UnknownAttributeError(key, value.reason)
        return value

    def supplement(self, name: str) -> Any:
        """Return a supplementary setting, raising :class:`UnknownAttributeError` if unreadable.

        A value of ``None`` means "read, and not configured" (for example no bucket policy).
        """
        supplements = self.attrs.get(SUPPLEMENTARY) or {}
        if name not in supplements:
            raise UnknownAttributeError(name, "not collected (run a collection that includes this check)")
        value = supplements[name]
        if isinstance(value, Unknown):
            raise UnknownAttributeError(name, value.reason)
        return value

    def unknowns(self) -> dict[str, str]:
        """Every supplement that could not be read, with its reason."""
        supplements = self.attrs.get(SUPPLEMENTARY) or {}
        return {key: value.reason for key, value in supplements.items() if isinstance(value, Unknown)}
