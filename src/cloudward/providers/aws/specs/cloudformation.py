"""CloudFormation: stacks, their parameter and output values scanned for secrets, then dropped.

DescribeStacks returns every parameter's value (``****`` for a ``NoEcho`` parameter), the resolved value
of an ``AWS::SSM::Parameter::Value<...>`` parameter, and every output's value, to anyone allowed
``cloudformation:DescribeStacks``. Each of those values is replaced by its secrets record
(:mod:`cloudward.providers.aws.secret_values`) before it leaves the collector; a masked ``NoEcho`` value
is marked ``"NoEcho": true`` on its parameter. Templates are not read.
"""

from __future__ import annotations

from typing import Any

from cloudward.providers.aws.secret_values import scan_value
from cloudward.providers.aws.spec import Item, Listing, ResourceSpec, Scope, tag_list

NO_ECHO_MASK = "****"
"""What DescribeStacks returns in place of a NoEcho parameter's value."""


def _parameter(parameter: dict[str, Any]) -> dict[str, Any]:
    key = str(parameter.get("ParameterKey", ""))
    kept = dict(parameter)
    value = parameter.get("ParameterValue")
    if value == NO_ECHO_MASK:
        kept["NoEcho"] = True
    if value is not None:
        kept["ParameterValue"] = scan_value(value, f"Parameters.{key}", key)
    if parameter.get("ResolvedValue") is not None:
        kept["ResolvedValue"] = scan_value(parameter["ResolvedValue"], f"Parameters.{key}.ResolvedValue", key)
    return kept


def _output(output: dict[str, Any]) -> dict[str, Any]:
    key = str(output.get("OutputKey", ""))
    kept = dict(output)
    if output.get("OutputValue") is not None:
        kept["OutputValue"] = scan_value(output["OutputValue"], f"Outputs.{key}", key)
    return kept


def redact_stack(item: Item) -> Item:
    """Keep parameter and output keys, never their values: each value becomes its secrets record."""
    return {
        **item,
        **({"Parameters": [_parameter(dict(p)) for p in item["Parameters"]]} if item.get("Parameters") else {}),
        **({"Outputs": [_output(dict(o)) for o in item["Outputs"]]} if item.get("Outputs") else {}),
    }


SPECS = (
    ResourceSpec(
        type="AWS::CloudFormation::Stack",
        service="cloudformation",
        scope=Scope.REGIONAL,
        listing=Listing(
            "describe_stacks", "cloudformation:DescribeStacks", items=lambda page: page.get("Stacks") or []
        ),
        arn=lambda item, ctx: str(item["StackId"]),
        name=lambda item: str(item["StackName"]),
        tags=tag_list,
        redact=redact_stack,
    ),
)
