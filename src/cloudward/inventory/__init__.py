"""The normalized inventory: Resources with Attr/Unknown values, read from any provider."""

from cloudward.inventory.attrs import Unknown, UnknownAttributeError
from cloudward.inventory.inventory import CollectionError, Inventory
from cloudward.inventory.resource import Resource

__all__ = ["CollectionError", "Inventory", "Resource", "Unknown", "UnknownAttributeError"]
