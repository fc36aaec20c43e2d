"""Lambda function URLs require IAM authentication."""

from __future__ import annotations

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
    id="awslambda_function_url_auth",
    title="Lambda function URL requires IAM authentication",
    service="lambda",
    resource_type="AWS::Lambda::Function",
    severity=Severity.CRITICAL,
    layer=Layer.NETWORK,
    threat=Threat.INSECURE_API,
    service_model=ServiceModel.PAAS,
    description=(
        "Applies to functions with a function URL on the unqualified function (GetFunctionUrlConfig "
        "without a qualifier; URLs on aliases are not collected). Passes when the URL's AuthType is "
        "AWS_IAM; fails when it is NONE (or any other value), whatever the resource-based policy says: the "
        "policy is judged by awslambda_function_not_public, and an unauthenticated URL is one policy "
        "statement away from the internet. Functions without a URL are NOT_APPLICABLE."
    ),
    risk=(
        "A function URL with AuthType=NONE is a public HTTPS endpoint: anyone who finds it can invoke the "
        "function with arbitrary input, run up cost, reach whatever its execution role can reach, and "
        "exploit injection flaws in its code, with no credentials and no API Gateway in front."
    ),
    remediation=Remediation(
        summary=("Switch the function URL to AWS_IAM auth (or delete it and front the function with API Gateway)."),
        console=(
            "Open the Lambda console and choose the function.",
            "Configuration tab > Function URL > Edit.",
            "Set Auth type to AWS_IAM and save; grant lambda:InvokeFunctionUrl only to the callers that need it.",
        ),
        cli="aws lambda update-function-url-config --function-name FUNCTION --auth-type AWS_IAM",
        terraform=(
            'resource "aws_lambda_function_url" "this" {\n'
            "  function_name      = aws_lambda_function.this.function_name\n"
            '  authorization_type = "AWS_IAM"\n'
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html",
        "https://docs.aws.amazon.com/lambda/latest/dg/urls-configuration.html",
    ),
    requires=("FunctionUrlConfig",),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """N/A without a URL; FAIL naming the URL unless its AuthType is AWS_IAM."""
    url_config = resource.supplement("FunctionUrlConfig")
    if url_config is None:
        return CheckResult.not_applicable("no function URL")
    auth = url_config.get("AuthType")
    if not auth:
        raise UnknownAttributeError("FunctionUrlConfig.AuthType", "absent from GetFunctionUrlConfig output")
    url = url_config.get("FunctionUrl") or "(URL not reported)"
    if auth == "AWS_IAM":
        return CheckResult.passed(f"function URL {url}: AuthType=AWS_IAM")
    return CheckResult.failed(f"function URL {url}: AuthType={auth} (invocable without AWS credentials)")
