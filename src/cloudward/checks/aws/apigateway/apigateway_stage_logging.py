"""Every deployed stage of a REST API logs its requests."""

from __future__ import annotations

from typing import Any

from cloudward.checks.aws.apigateway._api import stages
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

LOGGING_LEVELS = frozenset({"INFO", "ERROR"})
ALL_METHODS = "*/*"

meta = CheckMeta(
    id="apigateway_stage_logging",
    title="API Gateway REST API stages log requests",
    service="apigateway",
    resource_type="AWS::ApiGateway::RestApi",
    severity=Severity.MEDIUM,
    layer=Layer.DETECTION,
    threat=Threat.INSECURE_API,
    service_model=ServiceModel.PAAS,
    description=(
        "Checks every stage of the REST API. A stage passes when access logging is on (accessLogSettings "
        "with a destinationArn), or when CloudWatch execution logging is on for all methods: methodSettings "
        "'*/*' with loggingLevel INFO or ERROR and no method-level override (another methodSettings key) "
        "setting loggingLevel OFF. The API fails when any stage does not, naming the stage and its settings. "
        "A REST API without stages (never deployed) is NOT_APPLICABLE. Whether the account's API Gateway "
        "CloudWatch role lets execution logs be written is not checked."
    ),
    risk=(
        "Without request logs, abuse of the API (credential stuffing, enumeration, injection attempts, data "
        "scraping) leaves no trace to alert on or to investigate after an incident."
    ),
    remediation=Remediation(
        summary="Turn on access logging (or execution logging at INFO/ERROR for all methods) on every stage.",
        console=(
            "Open the API Gateway console, choose the API, then Stages and the stage.",
            "Logs and tracing > Edit: choose Errors and info logs (or Errors only) for CloudWatch logs, and/or "
            "turn on Custom access logging with a log group ARN and a log format, then save.",
        ),
        cli=(
            "aws apigateway update-stage --rest-api-id API_ID --stage-name STAGE --patch-operations "
            "op=replace,path=/*/*/logging/loglevel,value=INFO "
            "op=replace,path=/accessLogSettings/destinationArn,value=LOG_GROUP_ARN "
            "'op=replace,path=/accessLogSettings/format,value=$context.requestId $context.identity.sourceIp "
            "$context.httpMethod $context.resourcePath $context.status'"
        ),
        terraform=(
            'resource "aws_api_gateway_stage" "prod" {\n'
            "  rest_api_id   = aws_api_gateway_rest_api.this.id\n"
            "  deployment_id = aws_api_gateway_deployment.this.id\n"
            '  stage_name    = "prod"\n'
            "  access_log_settings {\n"
            "    destination_arn = aws_cloudwatch_log_group.api.arn\n"
            '    format          = "$context.requestId $context.identity.sourceIp $context.status"\n'
            "  }\n"
            "}\n"
            'resource "aws_api_gateway_method_settings" "all" {\n'
            "  rest_api_id = aws_api_gateway_rest_api.this.id\n"
            "  stage_name  = aws_api_gateway_stage.prod.stage_name\n"
            '  method_path = "*/*"\n'
            "  settings {\n"
            '    logging_level = "INFO"\n'
            "  }\n"
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html",
        "https://docs.aws.amazon.com/apigateway/latest/api/API_Stage.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/apigateway-controls.html",
    ),
    requires=("Stages",),
)


def _level(settings: Any) -> str:
    level = settings.get("loggingLevel") if isinstance(settings, dict) else None
    return str(level).upper() if level else "OFF"


def _overrides_off(settings: dict[str, Any]) -> list[str]:
    """Method-level settings (keys other than */*) that turn execution logging OFF explicitly."""
    return sorted(
        key
        for key, value in settings.items()
        if key != ALL_METHODS and isinstance(value, dict) and str(value.get("loggingLevel", "")).upper() == "OFF"
    )


def how(stage: dict[str, Any]) -> str | None:
    """How a stage logs every request (``access logs to ARN``, ``execution logs at INFO``), or None."""
    destination = (stage.get("accessLogSettings") or {}).get("destinationArn")
    if destination:
        return f"stage {stage['stageName']}: access logs to {destination}"
    settings = stage.get("methodSettings") or {}
    level = _level(settings.get(ALL_METHODS))
    if level in LOGGING_LEVELS and not _overrides_off(settings):
        return f"stage {stage['stageName']}: execution logs at {level} for */*"
    return None


def stage_gap(stage: dict[str, Any]) -> str | None:
    """Why a stage's requests are not all logged (for a FAIL reason), or None when they are."""
    if how(stage):
        return None
    settings = stage.get("methodSettings") or {}
    level = _level(settings.get(ALL_METHODS))
    if level not in LOGGING_LEVELS:
        return f"stage {stage['stageName']}: no access log destination and execution logging {level} for */*"
    off = ", ".join(_overrides_off(settings))
    return f"stage {stage['stageName']}: no access log destination and execution logging OFF for {off}"


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL naming each stage whose requests are not all logged."""
    found = stages(resource)
    if not found:
        return CheckResult.not_applicable("the API has no stages (never deployed)")
    gaps = [gap for gap in map(stage_gap, found) if gap]
    if gaps:
        return CheckResult.failed("; ".join(gaps))
    return CheckResult.passed("; ".join(filter(None, map(how, found))))
