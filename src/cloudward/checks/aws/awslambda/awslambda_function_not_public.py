"""Lambda functions' resource-based policies do not grant access to everyone."""

from __future__ import annotations

import json
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

# Condition keys that tie a grant to a known caller (lower-cased; IAM keys are case-insensitive).
RESTRICTING_KEYS = frozenset(
    {
        "aws:sourceaccount",
        "aws:sourcearn",
        "aws:sourceowner",
        "aws:principalorgid",
        "aws:principalaccount",
        "aws:principalarn",
    }
)
# Operators that only match when the key is present and equal to / like the given values.
MATCHING_OPERATORS = frozenset({"stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike"})

meta = CheckMeta(
    id="awslambda_function_not_public",
    title="Lambda function policy does not grant access to everyone",
    service="lambda",
    resource_type="AWS::Lambda::Function",
    severity=Severity.CRITICAL,
    layer=Layer.IDENTITY,
    threat=Threat.INSECURE_API,
    service_model=ServiceModel.PAAS,
    description=(
        "Fails when the function's resource-based policy has an Allow statement whose principal is "
        'everyone (Principal "*", {"AWS": "*"} or any principal list containing "*", or a NotPrincipal) '
        "and that is not narrowed by a condition on aws:SourceAccount, aws:SourceArn, aws:SourceOwner, "
        "aws:PrincipalOrgID, aws:PrincipalAccount or aws:PrincipalArn. A narrowing condition must use a "
        "matching operator (StringEquals, StringEqualsIgnoreCase, StringLike, ArnEquals, ArnLike, optionally "
        "ForAnyValue:), not an ...IfExists or ForAllValues: form, and a value other than a bare wildcard; "
        "partially wildcarded values are taken at face value. lambda:FunctionUrlAuthType does not narrow: "
        "the statement Lambda adds for a function URL with AuthType=NONE (lambda:InvokeFunctionUrl to "
        '"*") is public, and with AuthType=AWS_IAM it still admits every AWS account. Deny statements are '
        "not weighed. Any action counts. No policy passes; grants to named accounts or services pass."
    ),
    risk=(
        "A public grant lets anyone, or any AWS account, invoke the function or read its configuration: "
        "attackers feed it crafted input, abuse its execution role's permissions, and run up cost."
    ),
    remediation=Remediation(
        summary=("Remove the public statement, or narrow it with a source account/ARN or organization condition."),
        console=(
            "Open the Lambda console and choose the function.",
            "Configuration tab > Permissions > Resource-based policy statements.",
            'Delete each statement whose principal is "*", or re-add it with a Source account, Source ARN '
            "or PrincipalOrgID.",
        ),
        cli=(
            "aws lambda remove-permission --function-name FUNCTION --statement-id SID && "
            "aws lambda add-permission --function-name FUNCTION --statement-id SID "
            "--action lambda:InvokeFunction --principal s3.amazonaws.com --source-account ACCOUNT_ID "
            "--source-arn SOURCE_ARN"
        ),
        terraform=(
            'resource "aws_lambda_permission" "this" {\n'
            '  statement_id   = "AllowFromSource"\n'
            '  action         = "lambda:InvokeFunction"\n'
            "  function_name  = aws_lambda_function.this.function_name\n"
            '  principal      = "s3.amazonaws.com"\n'
            "  source_account = data.aws_caller_identity.current.account_id\n"
            "  source_arn     = aws_s3_bucket.source.arn\n"
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html",
        "https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/lambda-controls.html#lambda-1",
    ),
    requires=("Policy",),
)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _public_principal(statement: dict[str, Any]) -> str | None:
    """How the statement names everyone as principal, or None."""
    if "NotPrincipal" in statement:
        return "NotPrincipal (everyone except the listed principals)"
    principal = statement.get("Principal")
    if principal == "*":
        return 'Principal "*"'
    if isinstance(principal, dict):
        for key, value in principal.items():
            if "*" in _as_list(value):
                return f'Principal {{"{key}": "*"}}'
    return None


def _narrowing_condition(statement: dict[str, Any]) -> str | None:
    """The first condition that ties the grant to a known caller, as text, or None."""
    condition = statement.get("Condition") or {}
    if not isinstance(condition, dict):
        return None
    for operator, clauses in condition.items():
        lowered = str(operator).lower()
        if not isinstance(clauses, dict) or lowered.endswith("ifexists"):
            continue
        if lowered.startswith("forallvalues:"):
            continue
        if lowered.removeprefix("foranyvalue:") not in MATCHING_OPERATORS:
            continue
        for key, values in clauses.items():
            concrete = [str(v) for v in _as_list(values) if str(v).strip("*?")]
            if str(key).lower() in RESTRICTING_KEYS and concrete and len(concrete) == len(_as_list(values)):
                return f"{operator} {key}={','.join(concrete)}"
    return None


def _url_auth_none(statement: dict[str, Any]) -> bool:
    condition = statement.get("Condition") or {}
    if not isinstance(condition, dict):
        return False
    for clauses in condition.values():
        if isinstance(clauses, dict):
            for key, values in clauses.items():
                if str(key).lower() == "lambda:functionurlauthtype" and "NONE" in _as_list(values):
                    return True
    return False


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL naming each public Allow statement (Sid, principal, actions)."""
    policy = resource.supplement("Policy")
    if policy is None:
        return CheckResult.passed("no resource-based policy")
    if isinstance(policy, str):
        policy = json.loads(policy)
    statements = [s for s in _as_list(policy.get("Statement")) if isinstance(s, dict)]
    public: list[str] = []
    narrowed: list[str] = []
    for index, statement in enumerate(statements):
        if statement.get("Effect") != "Allow":
            continue
        principal = _public_principal(statement)
        if principal is None:
            continue
        sid = statement.get("Sid") or f"#{index}"
        narrowing = _narrowing_condition(statement)
        if narrowing:
            narrowed.append(f"{sid} ({narrowing})")
            continue
        actions = ", ".join(str(a) for a in _as_list(statement.get("Action") or statement.get("NotAction")))
        if "NotAction" in statement and "Action" not in statement:
            actions = f"all actions except {actions}"
        detail = f"statement {sid}: {principal} allowed {actions or '(no action)'}"
        detail += " with no source or org condition"
        if _url_auth_none(statement):
            detail += " (function URL with AuthType=NONE)"
        public.append(detail)
    if public:
        return CheckResult.failed("; ".join(public))
    if narrowed:
        return CheckResult.passed(f"wildcard principals narrowed by conditions: {'; '.join(narrowed)}")
    return CheckResult.passed(f"{len(statements)} statement(s), none grants access to everyone")
