"""ECS task definitions hold no plaintext credentials in their containers' environment and settings."""

from __future__ import annotations

from typing import Any

from cloudward.checks.aws._secret_records import SECRETS_FIX, labels, recorded_findings
from cloudward.checks.model import (
    CheckMeta,
    CheckResult,
    Layer,
    Remediation,
    ServiceModel,
    Severity,
    Threat,
)
from cloudward.inventory import Inventory, Resource, UnknownAttributeError

MAPPED_FIELDS = (("dockerLabels", "Docker label"),)
ARGUMENT_FIELDS = (("command", "command"), ("entryPoint", "entry point"))

meta = CheckMeta(
    id="ecs_task_definition_env_no_secrets",
    title="ECS task definitions hold no plaintext secrets in container environment",
    service="ecs",
    resource_type="AWS::ECS::TaskDefinition",
    severity=Severity.HIGH,
    layer=Layer.DATA,
    threat=Threat.COMPROMISED_CREDENTIALS,
    service_model=ServiceModel.PAAS,
    description=(
        "Every ACTIVE revision of every task definition is read (DescribeTaskDefinition). For each container "
        "the collector scans, with cloudward's secrets engine, the value of every `environment` variable (the "
        "variable's name serving as assignment context), the command and entry point, Docker label values, "
        "log driver options (`logConfiguration.options`, e.g. a Splunk token) and the health check command, "
        "and keeps only each value's length and the findings of medium or high confidence, never the value. "
        "The revision fails when any of them has a finding, naming the container, the setting and the "
        "detector. Variables injected through `secrets` and log options through `secretOptions` (valueFrom "
        "a Secrets Manager secret or a Parameter Store parameter) are the fix and pass, as do `environmentFiles` "
        "(S3 objects, not read). A value the collector did not scan (an older snapshot, an import) or whose "
        "scan failed is ERROR."
    ),
    risk=(
        "DescribeTaskDefinition returns container environment values in clear to every principal allowed to "
        "read task definitions, and every revision stays readable after a new one is registered. The values "
        "also show in the console, in `docker inspect` on EC2 hosts and in deployment pipelines. A credential "
        "there leaks with any of them."
    ),
    remediation=Remediation(
        summary=(
            "Rotate the exposed credential, store it in AWS Secrets Manager or Systems Manager Parameter Store "
            "(SecureString), reference it from the container's `secrets` (valueFrom) instead of `environment`, "
            "grant the task execution role read access to it, and deregister the revisions that hold the value."
        ),
        console=(
            "Rotate the credential at its issuer first: it is exposed.",
            "Open the Secrets Manager console > Store a new secret (or Parameter Store > Create parameter, type "
            "SecureString), and store the new value.",
            "In the ECS console > Task definitions > the family > Create new revision: in the container's "
            "Environment variables, change the variable's type from Value to ValueFrom with the secret's ARN, "
            "and create the revision.",
            "Allow the task execution role secretsmanager:GetSecretValue (or ssm:GetParameters) on that secret, "
            "update the services to the new revision, and deregister the old revisions.",
        ),
        cli=(
            "aws secretsmanager create-secret --name app/db-password --secret-string file://secret.txt\n"
            "# in the container definition, replace the environment entry with:\n"
            '#   "secrets": [{"name": "DB_PASSWORD", "valueFrom": "SECRET_ARN"}]\n'
            "aws ecs register-task-definition --cli-input-json file://task-definition.json\n"
            "aws ecs deregister-task-definition --task-definition FAMILY:OLD_REVISION"
        ),
        terraform=(
            'resource "aws_ecs_task_definition" "app" {\n'
            '  family             = "app"\n'
            "  execution_role_arn = aws_iam_role.task_execution.arn\n"
            "  container_definitions = jsonencode([{\n"
            '    name  = "app"\n'
            '    image = "app:latest"\n'
            "    secrets = [{\n"
            '      name      = "DB_PASSWORD"\n'
            "      valueFrom = aws_secretsmanager_secret.db_password.arn\n"
            "    }]\n"
            "  }])\n"
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/specifying-sensitive-data.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html",
    ),
    requires=("TaskDefinition",),
)


def _container_findings(container: dict[str, Any]) -> tuple[list[str], int]:
    """What was found in one container (``environment DB_PASSWORD: generic-password (medium)``) and how many
    values were scanned."""
    name = str(container.get("name", "?"))
    where = f"containerDefinitions.{name}"
    found: list[str] = []
    scanned = 0

    def scan(record: Any, attribute: str, setting: str) -> None:
        nonlocal scanned
        scanned += 1
        if what := labels(recorded_findings(record, f"{where}.{attribute}")):
            found.append(f"container {name} {setting}: {what}")

    for variable in container.get("environment") or []:
        variable_name = str(variable.get("name", "?"))
        scan(variable.get("value"), f"environment.{variable_name}", f"environment {variable_name}")
    for field, setting in ARGUMENT_FIELDS:
        if container.get(field):
            scan(container[field], field, setting)
    for field, setting in MAPPED_FIELDS:
        for key, record in (container.get(field) or {}).items():
            scan(record, f"{field}.{key}", f"{setting} {key}")
    for key, record in ((container.get("logConfiguration") or {}).get("options") or {}).items():
        scan(record, f"logConfiguration.options.{key}", f"log option {key}")
    if (container.get("healthCheck") or {}).get("command"):
        scan(container["healthCheck"]["command"], "healthCheck.command", "health check command")
    return found, scanned


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL naming each container setting in which a credential was recognised, and the detectors."""
    definition = resource.supplement("TaskDefinition")
    if not isinstance(definition, dict) or not isinstance(definition.get("containerDefinitions"), list):
        raise UnknownAttributeError("TaskDefinition", "no containerDefinitions")
    containers = definition["containerDefinitions"]
    found: list[str] = []
    scanned = 0
    references = 0
    for container in containers:
        container_found, container_scanned = _container_findings(container)
        found.extend(container_found)
        scanned += container_scanned
        references += len(container.get("secrets") or [])
    if found:
        return CheckResult.failed(f"plaintext secrets in {'; '.join(found)}; {SECRETS_FIX}")
    return CheckResult.passed(
        f"no secret recognised in {scanned} value(s) of {len(containers)} container(s); "
        f"{references} variable(s) from secrets (valueFrom)"
    )
