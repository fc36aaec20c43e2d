"""Systems Manager Parameter Store: parameters, and the values of the plaintext ones scanned for secrets.

DescribeParameters lists parameters without values. The ``Value`` supplement reads a ``String`` or
``StringList`` parameter with GetParameter (``WithDecryption=False``; these types are stored in plain text
anyway), scans it and keeps only its secrets record (:mod:`cloudward.providers.aws.secret_values`), plus
whether the value is a literal rather than a reference. ``SecureString`` values are never read: their
supplement is None (encrypted, nothing to scan).
"""

from __future__ import annotations

from typing import Any

from cloudward.providers.aws.secret_values import Record, literal_value, scan_value
from cloudward.providers.aws.spec import Call, Context, Item, Listing, ResourceSpec, Response, Scope

PLAINTEXT_TYPES = frozenset({"String", "StringList"})
_SKIPPED = "SkippedEncrypted"


def parameter_arn(item: Item, ctx: Context) -> str:
    """A parameter's ARN: the name follows ``parameter/`` without its leading slash."""
    return f"arn:{ctx.partition}:ssm:{ctx.region}:{ctx.account_id}:parameter/{str(item['Name']).lstrip('/')}"


def read_plaintext_value(client: Any, params: dict[str, Any]) -> Response:
    """GetParameter without decryption for a String or StringList parameter; no call for any other type."""
    if params.get("Type") not in PLAINTEXT_TYPES:
        return {_SKIPPED: True}
    return dict(client.get_parameter(Name=params["Name"], WithDecryption=False))


def parameter_value(response: Response) -> Record | None:
    """The parameter's value as its secrets record with ``literal`` (see :func:`secret_values.literal_value`).

    None for a SecureString (not read). The parameter's name is the engine's assignment context.
    """
    if response.get(_SKIPPED):
        return None
    parameter = response["Parameter"]
    value = str(parameter.get("Value") or "")
    name = str(parameter.get("Name") or "")
    return {**scan_value(value, f"parameter:{name}", name), "literal": literal_value(value)}


def _params(item: Item, ctx: Context) -> dict[str, Any]:
    return {"Name": item["Name"], "Type": item.get("Type")}


SPECS = (
    ResourceSpec(
        type="AWS::SSM::Parameter",
        service="ssm",
        scope=Scope.REGIONAL,
        listing=Listing(
            "describe_parameters", "ssm:DescribeParameters", items=lambda page: page.get("Parameters") or []
        ),
        arn=parameter_arn,
        name=lambda item: str(item["Name"]),
        supplements={
            "Value": Call(
                "get_parameter",
                "ssm:GetParameter",
                params=_params,
                custom=read_plaintext_value,
                select=parameter_value,
            ),
        },
    ),
)
