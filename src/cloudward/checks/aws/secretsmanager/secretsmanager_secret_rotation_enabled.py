"""Every Secrets Manager secret is rotated automatically."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cloudward.checks.model import (
    CheckMeta,
    CheckResult,
    Layer,
    Remediation,
    ServiceModel,
    Severity,
    Threat,
)
from cloudward.inventory import Inventory, Resource

meta = CheckMeta(
    id="secretsmanager_secret_rotation_enabled",
    title="Secrets Manager secret has automatic rotation enabled",
    service="secretsmanager",
    resource_type="AWS::SecretsManager::Secret",
    severity=Severity.MEDIUM,
    layer=Layer.IDENTITY,
    threat=Threat.COMPROMISED_CREDENTIALS,
    service_model=ServiceModel.PAAS,
    description=(
        "Passes when the secret's RotationEnabled (ListSecrets) is true; the schedule (RotationRules: "
        "AutomaticallyAfterDays or ScheduleExpression) and the rotation function are named in the reason "
        "but not judged, nor is whether the last rotation succeeded. Fails when RotationEnabled is false "
        "or absent (rotation was never configured, or was cancelled). Secrets managed by another service "
        "(OwningService, such as RDS master user passwords) are evaluated the same way: their owner turns "
        "rotation on. Secrets scheduled for deletion (DeletedDate set) are NOT_APPLICABLE. Only metadata is "
        "read: cloudward never reads a secret value."
    ),
    risk=(
        "A secret that never changes stays valid for as long as any copy of it exists: in old laptops, "
        "logs, CI caches, former employees' notes. A leaked credential that rotates loses its value "
        "within days."
    ),
    remediation=Remediation(
        summary="Turn on automatic rotation with a rotation function (or managed rotation) and a schedule.",
        console=(
            "Open the Secrets Manager console and choose the secret.",
            "Rotation configuration > Edit rotation.",
            "Turn on Automatic rotation, set a schedule (for example every 30 days), choose or create the "
            "rotation function, and save.",
        ),
        cli=(
            "aws secretsmanager rotate-secret --secret-id SECRET_ARN --rotation-lambda-arn FUNCTION_ARN "
            '--rotation-rules \'{"ScheduleExpression": "rate(30 days)"}\''
        ),
        terraform=(
            'resource "aws_secretsmanager_secret_rotation" "this" {\n'
            "  secret_id           = aws_secretsmanager_secret.this.id\n"
            "  rotation_lambda_arn = aws_lambda_function.rotator.arn\n"
            "  rotation_rules {\n"
            "    automatically_after_days = 30\n"
            "  }\n"
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/secretsmanager-controls.html",
    ),
)


def _schedule(rules: Mapping[str, Any]) -> str:
    if rules.get("ScheduleExpression"):
        return f"ScheduleExpression={rules['ScheduleExpression']}"
    if rules.get("AutomaticallyAfterDays"):
        return f"AutomaticallyAfterDays={rules['AutomaticallyAfterDays']}"
    return "no schedule"


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL when RotationEnabled is not true."""
    resource.require("ARN")  # a listing item without it is not a secret description: ERROR
    configuration = resource.configuration
    if configuration.get("DeletedDate"):
        return CheckResult.not_applicable(
            f"secret is scheduled for deletion (DeletedDate={configuration['DeletedDate']})"
        )
    owner = f" (managed by {configuration['OwningService']})" if configuration.get("OwningService") else ""
    enabled = configuration.get("RotationEnabled")
    if enabled is True:
        schedule = _schedule(configuration.get("RotationRules") or {})
        function = configuration.get("RotationLambdaARN")
        rotator = f", function {function}" if function else ""
        return CheckResult.passed(f"RotationEnabled=true, {schedule}{rotator}{owner}")
    if enabled is None:
        return CheckResult.failed(f"RotationEnabled absent: rotation was never configured{owner}")
    last = configuration.get("LastRotatedDate")
    since = f", last rotated {last}" if last else ", never rotated"
    return CheckResult.failed(f"RotationEnabled=false{since}{owner}")
