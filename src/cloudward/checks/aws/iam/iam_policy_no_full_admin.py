"""No customer-managed policy grants full administrator access ("*" on "*")."""

from __future__ import annotations

from typing import Any

from cloudward.checks.aws.iam._policy import full_admin_statements
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
    id="iam_policy_no_full_admin",
    title='Customer-managed IAM policies do not allow "*" on "*"',
    service="iam",
    resource_type="AWS::IAM::Policy",
    severity=Severity.HIGH,
    layer=Layer.IDENTITY,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.PAAS,
    description=(
        "Reads the default version of each customer-managed policy (GetAccountAuthorizationDetails). "
        'Fails when a statement has Effect Allow, an Action of "*" or "*:*" (as a string or in a '
        'list) and a Resource of "*" (string or list). A Condition does not exempt the statement. '
        'Statements using NotAction are not judged here, although an Allow with NotAction on "*" can '
        'be nearly as broad; service-wide wildcards such as "iam:*" are not full admin either. Only the '
        "default version counts; the policy fails whether or not it is attached (the reason gives its "
        "attachment count), since an unattached admin policy is one attach call away. AWS-managed "
        "policies such as AdministratorAccess are covered by iam_user_no_attached_admin_policy."
    ),
    risk=(
        "Every principal the policy is attached to becomes a full administrator: one compromised user "
        "or role gives the attacker the whole account, including the power to hide their tracks."
    ),
    remediation=Remediation(
        summary="Replace the wildcard statement with the specific actions and resources that are needed.",
        console=(
            "Open the IAM console > Policies and choose the policy.",
            'Edit, replace Action "*" / Resource "*" with the needed actions and resource ARNs, and '
            "save as the default version.",
            "Use IAM Access Analyzer policy generation to derive the needed actions from CloudTrail.",
        ),
        cli=(
            "aws iam create-policy-version --policy-arn POLICY_ARN "
            "--policy-document file://least-privilege.json --set-as-default"
        ),
        terraform=(
            'resource "aws_iam_policy" "this" {\n'
            '  name   = "app"\n'
            "  policy = jsonencode({\n"
            '    Version   = "2012-10-17"\n'
            "    Statement = [{\n"
            '      Effect   = "Allow"\n'
            '      Action   = ["s3:GetObject"]\n'
            '      Resource = ["arn:aws:s3:::my-bucket/*"]\n'
            "    }]\n"
            "  })\n"
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html",
        "https://www.cisecurity.org/benchmark/amazon_web_services",
    ),
    tags=("cis",),
)


def _default_version(configuration: dict[str, Any]) -> dict[str, Any]:
    versions = configuration.get("PolicyVersionList")
    if not isinstance(versions, list):
        raise UnknownAttributeError("PolicyVersionList", "the policy's versions were not listed")
    default_id = configuration.get("DefaultVersionId")
    for version in versions:
        if isinstance(version, dict) and (
            version.get("IsDefaultVersion") is True or (default_id and version.get("VersionId") == default_id)
        ):
            return version
    raise UnknownAttributeError("PolicyVersionList", "no default version among the listed versions")


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL naming each statement of the default version that allows "*" on "*"."""
    configuration = resource.configuration or {}
    version = _default_version(configuration)
    version_id = version.get("VersionId", "default")
    found = full_admin_statements(version.get("Document"), f"policy version {version_id}")
    if not found:
        return CheckResult.passed(f'default version {version_id} allows no "*" action on "*"')
    attached = configuration.get("AttachmentCount")
    where = f"AttachmentCount={attached}" if attached else "not attached"
    return CheckResult.failed(f"default version {version_id} ({where}): " + "; ".join(found))
