"""REST API methods require a caller to be authorized."""

from __future__ import annotations

from cloudward.checks.aws.apigateway._api import methods
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
    id="apigateway_method_authorization",
    title="API Gateway REST API methods require authorization",
    service="apigateway",
    resource_type="AWS::ApiGateway::RestApi",
    severity=Severity.HIGH,
    layer=Layer.IDENTITY,
    threat=Threat.INSECURE_API,
    service_model=ServiceModel.PAAS,
    description=(
        "Fails when any method other than OPTIONS has authorizationType NONE and apiKeyRequired is not true, "
        "naming each such method as HTTP method and resource path (GET /orders). Methods with AWS_IAM, "
        "COGNITO_USER_POOLS or CUSTOM (Lambda authorizer) authorization pass, and so do NONE methods that "
        "require an API key (a weak but deliberate gate). OPTIONS methods are exempt: they answer CORS "
        "preflight requests, which browsers send without credentials. Private APIs (endpoint type PRIVATE) "
        "are not exempt: a resource policy and VPC endpoints limit the network path, not the caller. The "
        "API's resource policy is not weighed. A REST API without methods is NOT_APPLICABLE; a method "
        "without authorizationType is ERROR."
    ),
    risk=(
        "Anyone who finds the invoke URL (they are enumerable and end up in front-end code and logs) can call "
        "the method: read or change data behind it, run up backend cost, and reach internal systems through "
        "its integration."
    ),
    remediation=Remediation(
        summary="Give each method an authorizer: IAM (AWS_IAM), a Cognito user pool, or a Lambda authorizer.",
        console=(
            "Open the API Gateway console, choose the API, then Resources.",
            "Select each listed method, Method request > Edit.",
            "Set Authorization to AWS IAM, a Cognito user pool or a Lambda authorizer, save, and deploy the API "
            "to its stages.",
        ),
        cli=(
            "aws apigateway update-method --rest-api-id API_ID --resource-id RESOURCE_ID --http-method GET "
            "--patch-operations op=replace,path=/authorizationType,value=AWS_IAM && "
            "aws apigateway create-deployment --rest-api-id API_ID --stage-name STAGE"
        ),
        terraform=(
            'resource "aws_api_gateway_method" "get_orders" {\n'
            "  rest_api_id   = aws_api_gateway_rest_api.this.id\n"
            "  resource_id   = aws_api_gateway_resource.orders.id\n"
            '  http_method   = "GET"\n'
            '  authorization = "AWS_IAM" # or "COGNITO_USER_POOLS" / "CUSTOM" with authorizer_id\n'
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-control-access-to-api.html",
        "https://docs.aws.amazon.com/apigateway/latest/api/API_Method.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/apigateway-controls.html",
    ),
    requires=("Methods",),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL naming each method (HTTP method and path) that anyone may call."""
    found = methods(resource)
    if not found:
        return CheckResult.not_applicable("the API has no methods")
    open_methods: list[str] = []
    kinds: set[str] = set()
    for method in found:
        verb = str(method["httpMethod"]).upper()
        where = f"{verb} {method.get('path') or '?'}"
        authorization = method.get("authorizationType")
        if not authorization:
            raise UnknownAttributeError("Methods", f"{where} has no authorizationType")
        if verb == "OPTIONS":
            continue
        if str(authorization).upper() == "NONE" and method.get("apiKeyRequired") is not True:
            open_methods.append(where)
        else:
            kinds.add("API key" if str(authorization).upper() == "NONE" else str(authorization))
    if open_methods:
        return CheckResult.failed(
            f"authorizationType NONE and no API key on {len(open_methods)} method(s): {', '.join(open_methods)}"
        )
    if not kinds:
        return CheckResult.not_applicable("the API has only OPTIONS (CORS preflight) methods")
    return CheckResult.passed(f"every non-OPTIONS method is authorized ({', '.join(sorted(kinds))})")
