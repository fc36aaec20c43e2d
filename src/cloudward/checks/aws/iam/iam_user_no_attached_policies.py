"""IAM users get their permissions only through groups (or roles), never from policies on the user."""

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
    id="iam_user_no_attached_policies",
    title="IAM user has no attached or inline policies",
    service="iam",
    resource_type="AWS::IAM::User",
    severity=Severity.LOW,
    layer=Layer.IDENTITY,
    threat=Threat.MISCONFIGURATION,
    service_model=ServiceModel.PAAS,
    description=(
        "CIS AWS Foundations v5.0 1.14 (IAM users receive permissions only through groups). Reads the user's "
        "entry of GetAccountAuthorizationDetails and fails when AttachedManagedPolicies (AWS or customer "
        "managed policies attached directly to the user) or UserPolicyList (inline policies embedded in the "
        "user) is not empty, naming each policy. What the policies allow is not judged here (see "
        "iam_user_no_attached_admin_policy and iam_inline_policy_no_full_admin). Group memberships and "
        "roles the user may assume are the intended paths and are not counted; a permissions boundary "
        "grants nothing and is not counted either. An absent UserPolicyList means no inline policy (AWS "
        "omits the empty list); an absent AttachedManagedPolicies is an error."
    ),
    risk=(
        "Permissions granted one user at a time escape the group reviews that keep access in line with a "
        "role: they pile up, outlive job changes, and a compromised user turns out to hold far more than "
        "anyone expected."
    ),
    remediation=Remediation(
        summary=(
            "Put the user in a group that holds the permissions (or have them assume a role), then detach the "
            "managed policies and delete the inline policies from the user."
        ),
        console=(
            "Open the IAM console > Users and choose the user.",
            "Permissions tab: note each policy listed as 'Attached directly' or inline.",
            "Add the user to a group with the equivalent permissions (Groups tab > Add user to groups).",
            "Back on the Permissions tab, select the directly attached and inline policies and choose Remove.",
        ),
        cli=(
            "aws iam add-user-to-group --group-name GROUP --user-name USER\n"
            "aws iam detach-user-policy --user-name USER --policy-arn POLICY_ARN\n"
            "aws iam delete-user-policy --user-name USER --policy-name INLINE_POLICY_NAME"
        ),
        terraform=(
            "# grant through a group instead of aws_iam_user_policy / aws_iam_user_policy_attachment:\n"
            'resource "aws_iam_user_group_membership" "user" {\n'
            "  user   = aws_iam_user.user.name\n"
            "  groups = [aws_iam_group.team.name]\n"
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html",
        "https://www.cisecurity.org/benchmark/amazon_web_services",
    ),
    tags=("cis",),
)


def _names(value: object, element: str, key: str) -> list[str]:
    if not isinstance(value, list):
        raise UnknownAttributeError(element, f"expected a list, got {type(value).__name__}")
    return [str(item.get(key, "?")) if isinstance(item, dict) else "?" for item in value]


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL naming every managed policy attached to, and every inline policy embedded in, the user."""
    attached = _names(resource.require("AttachedManagedPolicies"), "AttachedManagedPolicies", "PolicyArn")
    inline = _names(resource.configuration.get("UserPolicyList") or [], "UserPolicyList", "PolicyName")
    found = [f"managed policy {arn} attached" for arn in attached] + [f"inline policy {name!r}" for name in inline]
    if found:
        return CheckResult.failed("; ".join(found))
    groups = resource.configuration.get("GroupList") or []
    return CheckResult.passed(f"no policies on the user (groups: {', '.join(map(str, groups)) or 'none'})")
