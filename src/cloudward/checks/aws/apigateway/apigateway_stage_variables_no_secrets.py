"""API Gateway stage variables hold no plaintext credentials."""

from __future__ import annotations

from cloudward.checks.aws._secret_records import SECRETS_FIX, labels, recorded_findings
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
from cloudward.inventory import Inventory, Resource, UnknownAttributeError

meta = CheckMeta(
    id="apigateway_stage_variables_no_secrets",
    title="API Gateway stage variables hold no plaintext secrets",
    service="apigateway",
    resource_type="AWS::ApiGateway::RestApi",
    severity=Severity.HIGH,
    layer=Layer.DATA,
    threat=Threat.COMPROMISED_CREDENTIALS,
    service_model=ServiceModel.PAAS,
    description=(
        "Checks the variables of every stage of the REST API (GetStages). The collector scans each value with "
        "cloudward's secrets engine, the variable's name serving as assignment context, and keeps only its "
        "length and the findings of medium or high confidence, never the value. The API fails when any "
        "variable of any stage has a finding, naming the stage, the variable and the detector. Stages without "
        "variables pass; a REST API without stages (never deployed) is NOT_APPLICABLE. A value the collector "
        "did not scan (a snapshot from an earlier collector kept only its length) or whose scan failed is "
        "ERROR. HTTP and WebSocket APIs (API Gateway v2) are not covered."
    ),
    risk=(
        "Stage variables are returned in clear by GetStages to every principal allowed apigateway:GET on the "
        "API, shown in the console, and copied into deployment templates and exported API definitions. A "
        "credential for a backend kept there (an API key, a basic-auth password, a token passed on to an "
        "integration) leaks with any of them."
    ),
    remediation=Remediation(
        summary=(
            "Rotate the exposed credential, store it in AWS Secrets Manager or Systems Manager Parameter Store "
            "(SecureString), and have the backend (a Lambda integration or authorizer) read it at run time; "
            "remove the stage variable."
        ),
        console=(
            "Rotate the credential at its issuer first: it is exposed.",
            "Open the Secrets Manager console > Store a new secret, and store the new value.",
            "Give the integration's Lambda function (or the backend) permission to read that secret and have it "
            "read the secret at run time instead of the stage variable.",
            "In the API Gateway console > the API > Stages > the stage > Stage variables > Edit: delete the variable.",
        ),
        cli=(
            "aws secretsmanager create-secret --name api/backend-token --secret-string file://secret.txt\n"
            "aws apigateway update-stage --rest-api-id API_ID --stage-name STAGE "
            "--patch-operations op=remove,path=/variables/VARIABLE"
        ),
        terraform=(
            'resource "aws_api_gateway_stage" "prod" {\n'
            "  rest_api_id   = aws_api_gateway_rest_api.this.id\n"
            "  deployment_id = aws_api_gateway_deployment.this.id\n"
            '  stage_name    = "prod"\n'
            "  variables = {\n"
            "    backendTokenSecret = aws_secretsmanager_secret.backend_token.name # a reference, not the token\n"
            "  }\n"
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/stage-variables.html",
        "https://docs.aws.amazon.com/apigateway/latest/api/API_Stage.html",
        "https://docs.aws.amazon.com/secretsmanager/latest/userguide/retrieving-secrets_lambda.html",
    ),
    requires=("Stages",),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL naming each stage variable in which a credential was recognised, and the detectors."""
    found_stages = stages(resource)
    if not found_stages:
        return CheckResult.not_applicable("the API has no stages (never deployed)")
    found: list[str] = []
    scanned = 0
    for stage in found_stages:
        name = stage["stageName"]
        variables = stage.get("variables") or {}
        if not isinstance(variables, dict):
            raise UnknownAttributeError(f"Stages.{name}.variables", f"unexpected shape: {type(variables).__name__}")
        for variable, record in sorted(variables.items()):
            scanned += 1
            if hits := labels(recorded_findings(record, f"Stages.{name}.variables.{variable}")):
                found.append(f"stage {name} variable {variable}: {hits}")
    if found:
        return CheckResult.failed(f"plaintext secrets in {'; '.join(found)}; {SECRETS_FIX}")
    return CheckResult.passed(f"no secret recognised in {scanned} variable(s) of {len(found_stages)} stage(s)")
