"""The errors cloudward raises on purpose, each with a message meant for the user."""

from __future__ import annotations


class CloudwardError(Exception):
    """Base class: an error whose message is shown to the user as is."""


class SnapshotError(CloudwardError):
    """A snapshot on disk is missing, corrupt, foreign, or from an unsupported format version."""


class RegistryError(CloudwardError):
    """A check could not be registered (duplicate id, malformed module, unknown requirement)."""


class CollectionSetupError(CloudwardError):
    """Collection cannot start: no credentials, no reachable endpoint, unknown region or service."""
