"""No IAM role trust policy lets any AWS principal assume the role."""

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
from cloudward.iam.statements import pinned, public_principal, statement_label, statements
from cloudward.inventory import Inventory, Resource

# Condition keys that tie the caller to known accounts (compared case-insensitively).
LIMITING_KEYS = ("aws:PrincipalAccount", "aws:PrincipalOrgID", "aws:SourceAccount", "sts:ExternalId")

meta = CheckMeta(
    id="iam_role_trust_no_wildcard_principal",
    title="IAM role trust policy does not trust every AWS principal",
    service="iam",
    resource_type="AWS::IAM::Role",
    severity=Severity.CRITICAL,
    layer=Layer.IDENTITY,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.PAAS,
    description=(
        "Reads the role's trust policy (AssumeRolePolicyDocument). A statement with Effect Allow whose "
        'Principal is "*", ["*"] or {"AWS": "*"} (string, or "*" inside a list; also "*" under any '
        "principal type), an AWS principal ARN with a wildcard account id such as arn:aws:iam::*:root, or "
        "an Allow statement using NotPrincipal, admits any AWS principal of any account. Such a statement "
        "fails unless its Condition pins at least one of aws:PrincipalAccount, aws:PrincipalOrgID, "
        "aws:SourceAccount or sts:ExternalId under one strict rule: StringEquals, StringEqualsIgnoreCase, "
        "StringLike, ArnEquals or ArnLike (operator names case-insensitive, optionally ForAnyValue:, which "
        "does not match when the key is absent; never ForAllValues: or ...IfExists, which do), with at "
        "least one value and no value empty or containing * or ? anywhere or a policy variable. Any other "
        "condition (source IP, MFA, tags, a wildcard value) does not rescue it. Other Federated and "
        "service principals are not judged here. A trust policy that is missing, has no Statement, or "
        "whose statements, principals or conditions have an unexpected shape, is ERROR."
    ),
    risk=(
        "Anyone with an AWS account can call sts:AssumeRole on the role and act with its permissions; "
        "attackers scan for such roles by ARN."
    ),
    remediation=Remediation(
        summary=(
            "Name the trusted accounts or roles in the Principal, or pin the principal's account or "
            "organization in a Condition."
        ),
        console=(
            "Open the IAM console > Roles and choose the role.",
            "Trust relationships tab > Edit trust policy.",
            'Replace "*" with the trusted principals\' ARNs, or add a StringEquals condition on '
            "aws:PrincipalOrgID (or aws:PrincipalAccount), and update the policy.",
        ),
        cli="aws iam update-assume-role-policy --role-name ROLE --policy-document file://trust.json",
        terraform=(
            'resource "aws_iam_role" "this" {\n'
            '  name = "ROLE"\n'
            "  assume_role_policy = jsonencode({\n"
            '    Version   = "2012-10-17"\n'
            "    Statement = [{\n"
            '      Effect    = "Allow"\n'
            '      Action    = "sts:AssumeRole"\n'
            '      Principal = { AWS = "arn:aws:iam::111122223333:root" }\n'
            "    }]\n"
            "  })\n"
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html",
    ),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL naming each Allow statement open to any principal without an account-limiting condition."""
    configuration = resource.configuration or {}
    open_statements: list[str] = []
    limited: list[str] = []
    trust = configuration.get("AssumeRolePolicyDocument")
    for index, statement in enumerate(statements(trust, "AssumeRolePolicyDocument")):
        principal = public_principal(statement)
        if principal is None:
            continue
        label = statement_label(statement, index)
        conditions = pinned(statement.get("Condition"), LIMITING_KEYS)
        if conditions:
            limited.append(f"{label} ({principal}) limited by {', '.join(conditions)}")
        else:
            open_statements.append(f"{label} allows {principal} with no account-limiting condition")
    if open_statements:
        return CheckResult.failed("; ".join(open_statements))
    if limited:
        return CheckResult.passed("; ".join(limited))
    return CheckResult.passed("no Allow statement trusts every AWS principal")
