"""Every deployed stage of a REST API is protected by an AWS WAF web ACL."""

from __future__ import annotations

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

meta = CheckMeta(
    id="apigateway_stage_waf",
    title="API Gateway REST API stages are associated with a WAF web ACL",
    service="apigateway",
    resource_type="AWS::ApiGateway::RestApi",
    severity=Severity.MEDIUM,
    layer=Layer.NETWORK,
    threat=Threat.INSECURE_API,
    service_model=ServiceModel.PAAS,
    description=(
        "Checks every stage of the REST API: a stage passes when its webAclArn is set (an AWS WAF web ACL, "
        "WAFv2 or WAF Classic, is associated). The API fails when any stage has none, naming the stages. The "
        "web ACL's rules are not weighed. A CloudFront distribution with its own web ACL in front of the API "
        "is not seen and does not count. A REST API without stages (never deployed) is NOT_APPLICABLE."
    ),
    risk=(
        "Without a web ACL nothing in front of the API filters common web exploits (SQL injection, XSS, known "
        "bad inputs) or rate-limits floods and credential stuffing; every request reaches the integration."
    ),
    remediation=Remediation(
        summary="Associate a regional AWS WAF web ACL (e.g. with the AWS managed core rule set) with each stage.",
        console=(
            "Open the AWS WAF console, choose Web ACLs (region of the API) and the web ACL, or create one with "
            "the AWS managed rule groups.",
            "Associated AWS resources > Add AWS resources > API Gateway REST API, select the API stage and add.",
        ),
        cli=(
            "aws wafv2 associate-web-acl --web-acl-arn WEB_ACL_ARN "
            "--resource-arn arn:aws:apigateway:REGION::/restapis/API_ID/stages/STAGE"
        ),
        terraform=(
            'resource "aws_wafv2_web_acl_association" "api" {\n'
            "  resource_arn = aws_api_gateway_stage.prod.arn\n"
            "  web_acl_arn  = aws_wafv2_web_acl.this.arn\n"
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-control-access-aws-waf.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/apigateway-controls.html",
    ),
    requires=("Stages",),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL naming each stage without a web ACL."""
    found = stages(resource)
    if not found:
        return CheckResult.not_applicable("the API has no stages (never deployed)")
    missing = [str(stage["stageName"]) for stage in found if not stage.get("webAclArn")]
    if missing:
        return CheckResult.failed(f"no web ACL (webAclArn not set) on stage(s): {', '.join(missing)}")
    return CheckResult.passed("; ".join(f"stage {stage['stageName']}: {stage['webAclArn']}" for stage in found))
