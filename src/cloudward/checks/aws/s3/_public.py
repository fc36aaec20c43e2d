"""Whether an S3 bucket is public through its ACL or bucket policy, after Block Public Access. Not a check.

The rule is described in full in s3_bucket_public's metadata; :func:`bucket_public_result` applies it
to any bucket, so that checks about other resources (a CloudTrail trail's log bucket) judge it the same way.
"""

from __future__ import annotations

from typing import Any

from cloudward.checks.aws.s3._block import account_public_access_block
from cloudward.checks.model import CheckResult
from cloudward.iam import resource_policy
from cloudward.iam.resource_policy import public_statements
from cloudward.inventory import Inventory, Resource

PUBLIC_SUPPLEMENTS = ("AccessControlList", "BucketPolicy", "PublicAccessBlockConfiguration")
"""The bucket supplements :func:`bucket_public_result` reads (plus AWS::::Account.S3PublicAccessBlock)."""

PUBLIC_GROUPS = {
    "http://acs.amazonaws.com/groups/global/AllUsers": "AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers": "AuthenticatedUsers",
}
PINNING_KEYS = (*resource_policy.PINNING_KEYS, "s3:DataAccessPointAccount", "s3:DataAccessPointArn")
"""The general pinning keys, and S3's access-point keys."""


def public_grants(acl: Any) -> list[str]:
    """ACL grants to the public groups, as ``READ to AllUsers``."""
    found: list[str] = []
    for grant in (acl or {}).get("Grants") or []:
        grantee = grant.get("Grantee") or {}
        group = PUBLIC_GROUPS.get(str(grantee.get("URI", "")).replace("https://", "http://").rstrip("/"))
        if group:
            found.append(f"{grant.get('Permission', '?')} to {group}")
    return found


def _neutralized_by(resource: Resource, inventory: Inventory, flag: str) -> str | None:
    """``bucket`` or ``account`` when that level sets the flag, else None (the account is read lazily)."""
    if (resource.supplement("PublicAccessBlockConfiguration") or {}).get(flag):
        return "bucket"
    if account_public_access_block(resource, inventory).get(flag):
        return "account"
    return None


def bucket_public_result(resource: Resource, inventory: Inventory) -> CheckResult:
    """Judge one bucket: FAIL naming every public grant and statement that Block Public Access leaves in force.

    The rule s3_bucket_public describes, for any check that must judge a bucket (its own resource or one
    it refers to, such as a trail's log bucket). Reads the bucket's AccessControlList, BucketPolicy and
    PublicAccessBlockConfiguration supplements and its account's S3PublicAccessBlock.

    Raises:
        UnknownAttributeError: a setting it needs is unreadable, was not collected, or has an unexpected shape.
    """
    grants = public_grants(resource.supplement("AccessControlList"))
    policy = resource.supplement("BucketPolicy")
    policy_public, confined = (
        public_statements(policy, "BucketPolicy", PINNING_KEYS, public_suffix="") if policy is not None else ([], [])
    )
    exposed: list[str] = []
    neutralized: list[str] = []
    for kind, items, flag in (
        ("public ACL grant", grants, "IgnorePublicAcls"),
        ("public policy", policy_public, "RestrictPublicBuckets"),
    ):
        if not items:
            continue
        level = _neutralized_by(resource, inventory, flag)
        listed = "; ".join(items)
        if level:
            neutralized.append(f"{kind} ({listed}) neutralized by {flag}=true at {level} level")
        else:
            exposed.append(f"{kind}: {listed} ({flag}=false at bucket and account level)")
    if exposed:
        return CheckResult.failed("; ".join(exposed))
    notes = neutralized + [f"not public: {item}" for item in confined]
    if notes:
        return CheckResult.passed("; ".join(notes))
    return CheckResult.passed("no public ACL grant and no public bucket policy statement")
