"""KMS: keys with their metadata (manager, state, spec) and rotation status."""

from __future__ import annotations

from cloudward.providers.aws.spec import Call, Listing, ResourceSpec, Scope

SPECS = (
    ResourceSpec(
        type="AWS::KMS::Key",
        service="kms",
        scope=Scope.REGIONAL,
        listing=Listing("list_keys", "kms:ListKeys", items=lambda page: page.get("Keys") or []),
        arn=lambda item, ctx: str(item["KeyArn"]),
        name=lambda item: str(item["KeyId"]),
        supplements={
            "KeyMetadata": Call(
                "describe_key",
                "kms:DescribeKey",
                params=lambda item, ctx: {"KeyId": item["KeyId"]},
                select=lambda r: r["KeyMetadata"],
            ),
            "KeyRotationEnabled": Call(
                "get_key_rotation_status",
                "kms:GetKeyRotationStatus",
                params=lambda item, ctx: {"KeyId": item["KeyId"]},
                select=lambda r: r["KeyRotationEnabled"],
                # asymmetric, HMAC and imported-material keys cannot rotate automatically
                not_configured={"UnsupportedOperationException": None},
            ),
        },
    ),
)
