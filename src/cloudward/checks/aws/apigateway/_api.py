"""Reading a REST API's ``Stages`` and ``Methods`` supplements for the API Gateway checks."""

from __future__ import annotations

from typing import Any

from cloudward.inventory import Resource, UnknownAttributeError


def _objects(resource: Resource, name: str, key: str) -> list[dict[str, Any]]:
    found = resource.supplement(name)
    if not isinstance(found, list) or not all(isinstance(item, dict) and item.get(key) for item in found):
        raise UnknownAttributeError(name, f"not a list of objects with {key}")
    return found


def stages(resource: Resource) -> list[dict[str, Any]]:
    """The API's stages as GetStages returns them (each with a stageName).

    Raises:
        UnknownAttributeError: the supplement is unreadable or of an unexpected shape.
    """
    return _objects(resource, "Stages", "stageName")


def methods(resource: Resource) -> list[dict[str, Any]]:
    """The API's methods, one object per resource path and HTTP method (each with an httpMethod).

    Raises:
        UnknownAttributeError: the supplement is unreadable or of an unexpected shape.
    """
    return _objects(resource, "Methods", "httpMethod")
