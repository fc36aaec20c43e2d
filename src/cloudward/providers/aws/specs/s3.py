"""S3: buckets with public access block, ACL, policy, encryption, versioning and logging."""

from __future__ import annotations

import json
from typing import Any

from cloudward.providers.aws.spec import Call, Listing, ResourceSpec, Response, Scope

PUBLIC_ACCESS_BLOCK_FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
"""The four S3 Block Public Access flags, at bucket and at account level."""

NO_PUBLIC_ACCESS_BLOCK = dict.fromkeys(PUBLIC_ACCESS_BLOCK_FLAGS, False)
"""What "no Block Public Access configuration" means: every flag off."""


def bucket_region(response: Response) -> str:
    """GetBucketLocation's answer as a region name (no constraint is us-east-1, "EU" is eu-west-1)."""
    location = response.get("LocationConstraint")
    if not location:
        return "us-east-1"
    return "eu-west-1" if location == "EU" else str(location)


def _bucket(item: Any, ctx: Any) -> dict[str, Any]:
    return {"Bucket": item["Name"]}


def _policy(response: Response) -> Any:
    return json.loads(response["Policy"])


def _versioning(response: Response) -> dict[str, str]:
    return {"Status": response.get("Status", "Off"), "MFADelete": response.get("MFADelete", "Disabled")}


SPECS = (
    ResourceSpec(
        type="AWS::S3::Bucket",
        service="s3",
        scope=Scope.GLOBAL,
        listing=Listing("list_buckets", "s3:ListAllMyBuckets", items=lambda page: page.get("Buckets") or []),
        arn=lambda item, ctx: f"arn:{ctx.partition}:s3:::{item['Name']}",
        name=lambda item: str(item["Name"]),
        region_of=Call("get_bucket_location", "s3:GetBucketLocation", params=_bucket, select=bucket_region),
        supplements={
            "PublicAccessBlockConfiguration": Call(
                "get_public_access_block",
                "s3:GetBucketPublicAccessBlock",
                params=_bucket,
                select=lambda r: r["PublicAccessBlockConfiguration"],
                not_configured={"NoSuchPublicAccessBlockConfiguration": NO_PUBLIC_ACCESS_BLOCK},
            ),
            "BucketPolicy": Call(
                "get_bucket_policy",
                "s3:GetBucketPolicy",
                params=_bucket,
                select=_policy,
                not_configured={"NoSuchBucketPolicy": None},
            ),
            "AccessControlList": Call(
                "get_bucket_acl",
                "s3:GetBucketAcl",
                params=_bucket,
                select=lambda r: {"Owner": r.get("Owner"), "Grants": r.get("Grants", [])},
            ),
            "ServerSideEncryptionConfiguration": Call(
                "get_bucket_encryption",
                "s3:GetEncryptionConfiguration",
                params=_bucket,
                select=lambda r: r["ServerSideEncryptionConfiguration"],
                not_configured={"ServerSideEncryptionConfigurationNotFoundError": None},
            ),
            "BucketVersioningConfiguration": Call(
                "get_bucket_versioning", "s3:GetBucketVersioning", params=_bucket, select=_versioning
            ),
            "ObjectLockConfiguration": Call(
                "get_object_lock_configuration",
                "s3:GetBucketObjectLockConfiguration",
                params=_bucket,
                select=lambda r: r["ObjectLockConfiguration"],
                not_configured={"ObjectLockConfigurationNotFoundError": None},
            ),
            "Tags": Call(
                "get_bucket_tagging",
                "s3:GetBucketTagging",
                params=_bucket,
                select=lambda r: {str(tag["Key"]): str(tag.get("Value", "")) for tag in r.get("TagSet") or []},
                not_configured={"NoSuchTagSet": {}},
            ),
            "BucketLoggingConfiguration": Call(
                "get_bucket_logging",
                "s3:GetBucketLogging",
                params=_bucket,
                select=lambda r: r.get("LoggingEnabled"),
            ),
        },
    ),
)
