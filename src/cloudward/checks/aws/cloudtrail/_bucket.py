"""The S3 bucket a CloudTrail trail delivers its log files to, found in the inventory. Not a check."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from cloudward.inventory import Inventory, Resource, UnknownAttributeError

BUCKET = "AWS::S3::Bucket"


def trail_bucket(trail: Resource, inventory: Inventory) -> Resource:
    """The inventory's bucket named by the trail's S3BucketName.

    Raises:
        UnknownAttributeError: the trail names no bucket, the bucket listing failed or was not collected,
            or the bucket is not in the inventory (it belongs to another account, such as a central log
            archive account, or was deleted): nothing can be said about it then.
    """
    name = trail.require("S3BucketName")
    for bucket in inventory.of_type(BUCKET):
        if bucket.name == name:
            return bucket
    raise UnknownAttributeError(
        "S3BucketName",
        f"the trail's bucket {name} is not in the inventory (another account's bucket, or deleted?)",
    )


@contextmanager
def about_bucket(bucket: Resource) -> Iterator[None]:
    """Re-raise an unreadable bucket setting with the bucket's name, so the ERROR says whose setting it is."""
    try:
        yield
    except UnknownAttributeError as exc:
        raise UnknownAttributeError(f"log bucket {bucket.name}: {exc.name}", exc.reason) from exc
