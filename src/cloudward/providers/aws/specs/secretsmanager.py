"""Secrets Manager: secrets' metadata and rotation settings (ListSecrets; secret values are never read)."""

from __future__ import annotations

from cloudward.providers.aws.spec import Listing, ResourceSpec, Scope, tag_list

SPECS = (
    ResourceSpec(
        type="AWS::SecretsManager::Secret",
        service="secretsmanager",
        scope=Scope.REGIONAL,
        # ListSecrets returns names, rotation settings and version stages, never a secret value;
        # cloudward never calls GetSecretValue
        listing=Listing("list_secrets", "secretsmanager:ListSecrets", items=lambda page: page.get("SecretList") or []),
        arn=lambda item, ctx: str(item["ARN"]),
        name=lambda item: str(item["Name"]),
        tags=tag_list,
    ),
)
