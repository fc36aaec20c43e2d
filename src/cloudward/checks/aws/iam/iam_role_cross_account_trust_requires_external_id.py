"""Roles that another account may assume require an sts:ExternalId."""

from __future__ import annotations

from cloudward.checks.aws.iam._policy import (
    ANY_ACCOUNT,
    aws_principals,
    document,
    is_allow,
    label,
    principal_account,
    restricted_keys,
    statements,
)
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

EXTERNAL_ID = frozenset({"sts:externalid"})

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
        'than the role\'s, or is "*" (any account). Each such statement fails unless its Condition pins '
        "sts:ExternalId with StringEquals, StringEqualsIgnoreCase or StringLike (no ForAnyValue:/"
        "ForAllValues: prefix, no IfExists suffix) to values without wildcards. This applies to every "
        "other account, including accounts of your own organization; suppress those deliberately. "
        "Roles trusting only service or federated principals, or only their own account, are not "
        "applicable; principals shown as unique ids (deleted principals) are ignored."
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
    trust = document(configuration.get("AssumeRolePolicyDocument"), "AssumeRolePolicyDocument")
    missing: list[str] = []
    protected: list[str] = []
    for index, statement in enumerate(statements(trust)):
        if not is_allow(statement):
            continue
        others = sorted(
            {
                account
                for account in map(principal_account, aws_principals(statement))
                if account is not None and account != resource.account_id
            }
        )
        if not others:
            continue
        accounts = ", ".join("any account (*)" if account == ANY_ACCOUNT else account for account in others)
        if restricted_keys(statement, EXTERNAL_ID):
            protected.append(f"{label(statement, index)} trusts {accounts} with sts:ExternalId")
        else:
            missing.append(f"{label(statement, index)} trusts {accounts} without an sts:ExternalId condition")
    if missing:
        return CheckResult.failed("; ".join(missing))
    if protected:
        return CheckResult.passed("; ".join(protected))
    return CheckResult.not_applicable("the role trusts no principal of another account")
