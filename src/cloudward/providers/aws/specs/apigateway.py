"""API Gateway: REST APIs with their stages (stage variable values scanned for secrets, then dropped) and the
authorization of every method."""

from __future__ import annotations

from typing import Any

from cloudward.providers.aws.secret_values import scan_values
from cloudward.providers.aws.spec import Call, Item, Listing, ResourceSpec, Response, Scope

METHOD_FIELDS = ("httpMethod", "authorizationType", "apiKeyRequired", "authorizerId", "authorizationScopes")
"""What is kept of each method: who may call it. Integrations (which may hold static credentials) are not."""


def redact_stage_variables(stage: dict[str, Any]) -> dict[str, Any]:
    """Keep a stage's variable names, never their values: a stage variable may hold a secret.

    Each value becomes ``{"length": N, "findings": [...]}`` (see :mod:`cloudward.providers.aws.secret_values`),
    the variable's name serving as the secrets engine's assignment context.
    """
    variables = stage.get("variables")
    if not variables:
        return stage
    return {**stage, "variables": scan_values(variables, f"stages.{stage.get('stageName')}.variables")}


def _stages(response: Response) -> list[dict[str, Any]]:
    return [redact_stage_variables(dict(stage)) for stage in response["item"]]


def read_methods(client: Any, params: dict[str, Any]) -> dict[str, Any]:
    """Every method of every resource of one REST API (all pages of GetResources with the methods embedded).

    Returns:
        ``{"Methods": [{"path": "/orders", "resourceId": ..., "httpMethod": "GET",
        "authorizationType": "NONE", "apiKeyRequired": False, ...}]}``, in API order.
    """
    methods: list[dict[str, Any]] = []
    for page in client.get_paginator("get_resources").paginate(**params, embed=["methods"]):
        for resource in page.get("items") or []:
            for verb, method in (resource.get("resourceMethods") or {}).items():
                kept = {key: method[key] for key in METHOD_FIELDS if key in method}
                kept.setdefault("httpMethod", verb)
                methods.append({"path": resource.get("path"), "resourceId": resource.get("id"), **kept})
    return {"Methods": methods}


def _api(item: Item, ctx: Any) -> dict[str, Any]:
    return {"restApiId": item["id"]}


SPECS = (
    ResourceSpec(
        type="AWS::ApiGateway::RestApi",
        service="apigateway",
        scope=Scope.REGIONAL,
        listing=Listing("get_rest_apis", "apigateway:GET", items=lambda page: page.get("items") or []),
        arn=lambda item, ctx: f"arn:{ctx.partition}:apigateway:{ctx.region}::/restapis/{item['id']}",
        name=lambda item: str(item["name"]),
        tags=lambda item: {str(key): str(value) for key, value in (item.get("tags") or {}).items()},
        supplements={
            "Stages": Call("get_stages", "apigateway:GET", params=_api, select=_stages),
            "Methods": Call(
                "get_resources", "apigateway:GET", params=_api, custom=read_methods, select=lambda r: r["Methods"]
            ),
        },
    ),
)
