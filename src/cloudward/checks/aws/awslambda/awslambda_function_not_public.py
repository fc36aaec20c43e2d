"""Lambda functions' resource-based policies do not grant access to everyone."""

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
from cloudward.iam.statements import (
    Statement,
    as_list,
    clauses,
    describe_actions,
    pinned,
    public_principal,
    statement_label,
    statements,
)
from cloudward.inventory import Inventory, Resource

# Condition keys that tie a grant to a known caller (compared case-insensitively).
RESTRICTING_KEYS = (
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceOwner",
    "aws:PrincipalOrgID",
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
)

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
        'everyone (Principal "*", ["*"], {"AWS": "*"}, "*" under any principal type or inside a list, an '
        "AWS principal ARN with a wildcard account id such as arn:aws:iam::*:root, or a NotPrincipal) and "
        "that is not narrowed by a condition on aws:SourceAccount, aws:SourceArn, aws:SourceOwner, "
        "aws:PrincipalOrgID, aws:PrincipalAccount or aws:PrincipalArn. One strict rule decides: "
        "StringEquals, StringEqualsIgnoreCase, StringLike, ArnEquals or ArnLike (operator names "
        "case-insensitive, optionally ForAnyValue:, never ForAllValues: or ...IfExists), with at least one "
        "value and no value empty or containing * or ? anywhere or a policy variable, so a partially "
        'wildcarded value such as aws:SourceArn "arn:*" or aws:PrincipalArn "arn:aws:iam::*:*" does not '
        "narrow. lambda:FunctionUrlAuthType does not narrow: the statement Lambda adds for a function URL "
        'with AuthType=NONE (lambda:InvokeFunctionUrl to "*") is public, and with AuthType=AWS_IAM it '
        "still admits every AWS account. Deny statements are not weighed. Any action counts. No policy "
        "passes; grants to named accounts or services pass. A policy without a Statement, or whose "
        "statements, principals or conditions have an unexpected shape, is ERROR, never read as empty."
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


def _url_auth_none(statement: Statement) -> bool:
    return any(
        clause.key.lower() == "lambda:functionurlauthtype" and "NONE" in as_list(clause.values)
        for clause in clauses(statement.get("Condition"))
    )


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL naming each public Allow statement (Sid, principal, actions)."""
    policy = resource.supplement("Policy")
    if policy is None:
        return CheckResult.passed("no resource-based policy")
    found = statements(policy, "Policy")
    public: list[str] = []
    narrowed: list[str] = []
    for index, statement in enumerate(found):
        principal = public_principal(statement)
        if principal is None:
            continue
        label = statement_label(statement, index)
        narrowing = pinned(statement.get("Condition"), RESTRICTING_KEYS)
        if narrowing:
            narrowed.append(f"{label} ({', '.join(narrowing)})")
            continue
        detail = f"{label}: {principal} allowed {describe_actions(statement)} with no source or org condition"
        if _url_auth_none(statement):
            detail += " (function URL with AuthType=NONE)"
        public.append(detail)
    if public:
        return CheckResult.failed("; ".join(public))
    if narrowed:
        return CheckResult.passed(f"wildcard principals narrowed by conditions: {'; '.join(narrowed)}")
    return CheckResult.passed(f"{len(found)} statement(s), none grants access to everyone")
