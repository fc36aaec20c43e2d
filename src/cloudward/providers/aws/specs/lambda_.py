"""Lambda: functions (environment values scanned for secrets, then dropped) and their function URL.

Environment variable values never leave the collector. Each variable is kept as the record
:func:`cloudward.providers.aws.secret_values.scan_value` makes while the value is in memory: its length
and what the secrets engine found in it (detector, confidence, redacted prefix, keyed fingerprint).
"""

from __future__ import annotations

import json
from typing import Any

from cloudward.providers.aws.secret_values import scan_values
from cloudward.providers.aws.spec import Call, Item, Listing, ResourceSpec, Scope


def redact_environment(item: Item) -> Item:
    """Keep environment variable names, never their values: a value may be a secret.

    Each value becomes ``{"length": N, "findings": [...]}`` (see :mod:`cloudward.providers.aws.secret_values`)
    before it reaches memory-held inventory, snapshots or reports; the variable's name is the engine's
    assignment context (``DB_PASSWORD`` makes a password of a random-looking value).
    """
    variables = (item.get("Environment") or {}).get("Variables")
    if not variables:
        return item
    redacted = scan_values(variables, "Environment.Variables")
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
