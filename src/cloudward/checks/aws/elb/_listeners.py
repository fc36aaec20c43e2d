"""Reading a load balancer's listeners (the ``Listeners`` supplement) for the ELB checks."""

from __future__ import annotations

from typing import Any

from cloudward.inventory import Resource, UnknownAttributeError


def listeners(resource: Resource) -> list[dict[str, Any]]:
    """The load balancer's listeners, each checked to be an object with a Protocol.

    Raises:
        UnknownAttributeError: the supplement is unreadable, or not a list of listener objects.
    """
    found = resource.supplement("Listeners")
    if not isinstance(found, list) or not all(isinstance(item, dict) and item.get("Protocol") for item in found):
        raise UnknownAttributeError("Listeners", "not a list of listeners with a Protocol")
    return found


def label(listener: dict[str, Any]) -> str:
    """How a reason names a listener: ``HTTPS:443``."""
    return f"{listener['Protocol']}:{listener.get('Port', '?')}"


def scheme(resource: Resource) -> str:
    """``internet-facing`` or ``internal`` (``scheme unknown`` when the item lacks it), for reasons."""
    configuration = resource.configuration
    value = configuration.get("Scheme") if isinstance(configuration, dict) else None
    return str(value) if value else "scheme unknown"
