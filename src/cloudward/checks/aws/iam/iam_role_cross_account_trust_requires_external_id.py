"""Roles that another account may assume require an sts:ExternalId."""

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
    ANY_ACCOUNT,
    pinned,
    principal_account,
    principals,
    statement_label,
    statements,
)
from cloudward.inventory import Inventory, Resource

EXTERNAL_ID = ("sts:ExternalId",)

meta = CheckMeta(
    id="iam_role_cross_account_trust_requires_external_id",
    title="Cross-account role trust requires an external ID",
    service="iam",
    resource_type="AWS::IAM::Role",
    severity=Severity.MEDIUM,
    layer=Layer.IDENTITY,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.PAAS,
    description=(
        "Reads the role's trust policy (AssumeRolePolicyDocument). An Allow statement trusts another "
        "account when one of its AWS principals (a 12-digit id or an ARN) belongs to an account other "
        'than the role\'s, or is "*", ["*"], an ARN with a wildcard account id such as arn:aws:iam::*:root, '
        "or the statement uses NotPrincipal (any account). Each such statement fails unless its Condition "
        "pins sts:ExternalId under one strict rule: StringEquals, StringEqualsIgnoreCase, StringLike, "
        "ArnEquals or ArnLike (operator names case-insensitive, optionally ForAnyValue:; never "
        "ForAllValues: or ...IfExists), with at least one value and no value empty or containing * or ? "
        "or a policy variable. This applies to every other account, including accounts of your own "
        "organization; suppress those deliberately. Roles trusting only service or federated principals, "
        "or only their own account, are not applicable; principals shown as unique ids (deleted "
        "principals) are ignored. A trust policy that is missing, has no Statement, or whose statements, "
        "principals or conditions have an unexpected shape, is ERROR."
    ),
    risk=(
        "Without an external ID a third party that assumes roles on behalf of many customers can be "
        "tricked into using its access to your role for someone else (the confused deputy problem)."
    ),
    remediation=Remediation(
        summary="Add a StringEquals condition on sts:ExternalId, with the id agreed with the trusted party.",
        console=(
            "Open the IAM console > Roles and choose the role.",
            "Trust relationships tab > Edit trust policy.",
            'Add "Condition": {"StringEquals": {"sts:ExternalId": "EXTERNAL_ID"}} to the statement '
            "trusting the other account, and update the policy.",
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
            '      Condition = { StringEquals = { "sts:ExternalId" = var.external_id } }\n'
            "    }]\n"
            "  })\n"
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user_externalid.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html",
    ),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL naming each statement trusting another account without an sts:ExternalId condition."""
    configuration = resource.configuration or {}
    missing: list[str] = []
    protected: list[str] = []
    trust = configuration.get("AssumeRolePolicyDocument")
    for index, statement in enumerate(statements(trust, "AssumeRolePolicyDocument")):
        if statement["Effect"] != "Allow":
            continue
        others = sorted(
            {
                account
                for account in map(principal_account, principals(statement))
                if account is not None and account != resource.account_id
            }
        )
        if "NotPrincipal" in statement:
            others = [ANY_ACCOUNT]
        if not others:
            continue
        label = statement_label(statement, index)
        accounts = ", ".join("any account (*)" if account == ANY_ACCOUNT else account for account in others)
        conditions = pinned(statement.get("Condition"), EXTERNAL_ID)
        if conditions:
            protected.append(f"{label} trusts {accounts} with {', '.join(conditions)}")
        else:
            missing.append(f"{label} trusts {accounts} without an sts:ExternalId condition")
    if missing:
        return CheckResult.failed("; ".join(missing))
    if protected:
        return CheckResult.passed("; ".join(protected))
    return CheckResult.not_applicable("the role trusts no principal of another account")
