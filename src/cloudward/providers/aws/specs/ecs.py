"""ECS: task definitions (every ACTIVE revision), their container settings scanned for secrets, then dropped.

ListTaskDefinitions gives only ARNs, so the listing item is ``{"taskDefinitionArn": ...}`` and the
definition itself is the ``TaskDefinition`` supplement (DescribeTaskDefinition with its tags). Every free-text
value of a container that may hold a credential is replaced by its secrets record
(:mod:`cloudward.providers.aws.secret_values`) before it leaves the collector: environment variable values,
the command and entry point, Docker label values, log driver options and the health check command.
``secrets`` and ``secretOptions`` (``valueFrom`` references to Secrets Manager or Parameter Store) and
``environmentFiles`` (S3 object ARNs, not read) are kept as they are.
"""

from __future__ import annotations

from typing import Any

from cloudward.providers.aws.secret_values import scan_value, scan_values
from cloudward.providers.aws.spec import Call, Context, Item, Listing, ResourceSpec, Response, Scope

COMMAND_FIELDS = ("command", "entryPoint")
"""Container fields that are argument lists: each is scanned as one value, its arguments joined by spaces."""


def task_definition_name(arn: str) -> str:
    """``family:revision`` from a task definition ARN."""
    return arn.rsplit("/", 1)[-1]


def _redact_container(container: dict[str, Any], location: str) -> dict[str, Any]:
    kept = dict(container)
    name = str(container.get("name", "?"))
    where = f"{location}.containerDefinitions.{name}"
    if container.get("environment"):
        kept["environment"] = [
            {
                **variable,
                "value": scan_value(variable.get("value", ""), f"{where}.environment", str(variable.get("name", ""))),
            }
            for variable in container["environment"]
        ]
    for field in COMMAND_FIELDS:
        if container.get(field):
            kept[field] = scan_value(" ".join(map(str, container[field])), f"{where}.{field}")
    if container.get("dockerLabels"):
        kept["dockerLabels"] = scan_values(container["dockerLabels"], f"{where}.dockerLabels")
    log = container.get("logConfiguration")
    if isinstance(log, dict) and log.get("options"):
        kept["logConfiguration"] = {**log, "options": scan_values(log["options"], f"{where}.logConfiguration")}
    health = container.get("healthCheck")
    if isinstance(health, dict) and health.get("command"):
        command = " ".join(map(str, health["command"]))
        kept["healthCheck"] = {**health, "command": scan_value(command, f"{where}.healthCheck.command")}
    return kept


def redact_task_definition(response: Response) -> dict[str, Any]:
    """A DescribeTaskDefinition response as kept: the task definition with its containers' values scanned.

    Returns:
        The ``taskDefinition`` object, its ``containerDefinitions`` redacted (see the module docstring), with
        the response's ``tags`` under ``tags``.
    """
    definition = dict(response["taskDefinition"])
    location = str(definition.get("taskDefinitionArn", "taskDefinition"))
    definition["containerDefinitions"] = [
        _redact_container(dict(container), location) for container in definition.get("containerDefinitions") or []
    ]
    definition["tags"] = list(response.get("tags") or [])
    return definition


def _describe(item: Item, ctx: Context) -> dict[str, Any]:
    return {"taskDefinition": item["taskDefinitionArn"], "include": ["TAGS"]}


SPECS = (
    ResourceSpec(
        type="AWS::ECS::TaskDefinition",
        service="ecs",
        scope=Scope.REGIONAL,
        listing=Listing(
            "list_task_definitions",
            "ecs:ListTaskDefinitions",
            items=lambda page: [{"taskDefinitionArn": arn} for arn in page.get("taskDefinitionArns") or []],
            params={"status": "ACTIVE"},
        ),
        arn=lambda item, ctx: str(item["taskDefinitionArn"]),
        name=lambda item: task_definition_name(str(item["taskDefinitionArn"])),
        supplements={
            "TaskDefinition": Call(
                "describe_task_definition",
                "ecs:DescribeTaskDefinition",
                params=_describe,
                select=redact_task_definition,
            ),
        },
    ),
)
