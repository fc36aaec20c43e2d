"""ECR: private repositories with their repository policy and the registry's scanning configuration."""

from __future__ import annotations

import json
from typing import Any

from cloudward.providers.aws.spec import Bulk, Call, Item, Listing, ResourceSpec, Response, Scope

REGISTRY = "registry"
"""The join key of the registry-wide scanning configuration: every repository of a region shares it."""


def policy_text(text: Any) -> Any:
    """A policy document given as JSON text, parsed; text that is not JSON is kept as is.

    Keeping malformed text (rather than failing the read) lets the policy checks report exactly why it
    cannot be read: :func:`cloudward.iam.statements.statements` turns it into an ERROR with a reason.
    """
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text


def _repository(item: Item, ctx: Any) -> dict[str, Any]:
    return {"registryId": item["registryId"], "repositoryName": item["repositoryName"]}


def _scanning(response: Response) -> dict[str, Any]:
    return {REGISTRY: response["scanningConfiguration"]}


SPECS = (
    ResourceSpec(
        type="AWS::ECR::Repository",
        service="ecr",
        scope=Scope.REGIONAL,
        listing=Listing(
            "describe_repositories", "ecr:DescribeRepositories", items=lambda page: page.get("repositories") or []
        ),
        arn=lambda item, ctx: str(item["repositoryArn"]),
        name=lambda item: str(item["repositoryName"]),
        supplements={
            "RepositoryPolicy": Call(
                "get_repository_policy",
                "ecr:GetRepositoryPolicy",
                params=_repository,
                select=lambda r: policy_text(r["policyText"]),
                not_configured={"RepositoryPolicyNotFoundException": None},
            ),
            # one read per region; ENHANCED scanning and registry-level scan-on-push rules live here
            "RegistryScanningConfiguration": Bulk(
                Call(
                    "get_registry_scanning_configuration",
                    "ecr:GetRegistryScanningConfiguration",
                    select=_scanning,
                ),
                key=lambda item, ctx: REGISTRY,
            ),
        },
    ),
)
