"""S3 Block Public Access as the S3 checks read it: account level first, then the bucket's own."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cloudward.inventory import Inventory, Resource, UnknownAttributeError
from cloudward.providers.aws.specs.s3 import PUBLIC_ACCESS_BLOCK_FLAGS

__all__ = ["PUBLIC_ACCESS_BLOCK_FLAGS", "account_public_access_block"]


def account_public_access_block(resource: Resource, inventory: Inventory) -> Mapping[str, Any]:
    """The account-level Block Public Access flags of the account that owns ``resource``.

    Raises:
        UnknownAttributeError: the owning account is not in the inventory, or its setting was unreadable.
    """
    for account in inventory.of_type("AWS::::Account"):
        if account.account_id == resource.account_id:
            value: Mapping[str, Any] = account.supplement("S3PublicAccessBlock") or {}
            return value
    raise UnknownAttributeError("S3PublicAccessBlock", f"account {resource.account_id} is not in the inventory")
