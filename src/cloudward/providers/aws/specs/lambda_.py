"""Lambda: functions (environment values redacted at collection) and their function URL."""

from __future__ import annotations

import json
from typing import Any

from cloudward.providers.aws.spec import Call, Item, Listing, ResourceSpec, Scope


def redact_environment(item: Item) -> Item:
    """Keep environment variable names, never their values: a value may be a secret.

    Each value becomes ``"<redacted: N chars>"`` before it reaches memory-held inventory, snapshots
    or reports.
    """
    variables = (item.get("Environment") or {}).get("Variables")
    if not variables:
        return item
    redacted = {name: f"<redacted: {len(str(value))} chars>" for name, value in variables.items()}
    return {**item, "Environment": {**item["Environment"], "Variables": redacted}}


def _function(item: Item, ctx: Any) -> dict[str, Any]:
    return {"FunctionName": item["FunctionName"]}


SPECS = (
    ResourceSpec(
        type="AWS::Lambda::Function",
        service="lambda",
        scope=Scope.REGIONAL,
        listing=Listing("list_functions", "lambda:ListFunctions", items=lambda p: p.get("Functions") or []),
        arn=lambda item, ctx: str(item["FunctionArn"]),
        name=lambda item: str(item["FunctionName"]),
        redact=redact_environment,
        supplements={
            "FunctionUrlConfig": Call(
                "get_function_url_config",
                "lambda:GetFunctionUrlConfig",
                params=_function,
                not_configured={"ResourceNotFoundException": None},
            ),
            "Policy": Call(
                "get_policy",
                "lambda:GetPolicy",
                params=_function,
                select=lambda r: json.loads(r["Policy"]),
                not_configured={"ResourceNotFoundException": None},
            ),
        },
    ),
)
