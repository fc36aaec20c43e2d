"""An IAM user's active access keys do not reach administrator."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cloudward.checks.aws.iam._identity import (
    EVALUATION_LOGIC,
    PATHFINDING,
    PRIVESC_REQUIRES,
    Identity,
    describe_escalation,
    identity,
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
from cloudward.iam.catalogue import ACCESS_LEVELS, default_catalogue
from cloudward.iam.conditions import Tri
from cloudward.iam.model import Principal
from cloudward.iam.policy import ANY_RESOURCE
from cloudward.inventory import Inventory, Resource, UnknownAttributeError

ACCESS_KEYS = "AccessKeys"
SENSITIVE_ACTIONS = (
    "s3:GetObject",
    "secretsmanager:GetSecretValue",
    "kms:Decrypt",
    "ssm:GetParameter",
    "dynamodb:Scan",
    "rds:ModifyDBInstance",
    "ec2:RunInstances",
    "lambda:UpdateFunctionCode",
    "iam:PassRole",
)
"""The fixed sample of sensitive actions a PASS summarises: data reads, compute and identity levers."""
KEY_PREFIXES = ("AKIA", "ASIA")

meta = CheckMeta(
    id="iam_user_access_key_blast_radius",
    title="IAM user access keys do not reach administrator",
    service="iam",
    resource_type="AWS::IAM::User",
    severity=Severity.HIGH,
    layer=Layer.IDENTITY,
    threat=Threat.COMPROMISED_CREDENTIALS,
    service_model=ServiceModel.PAAS,
    description=(
        "For users with at least one access key whose Status is Active (ListAccessKeys), asks what a leaked "
        "key reaches. Fails when the key's user is an effective administrator (see iam_user_admin_equivalent) "
        "or can escalate to administrator (see iam_user_privilege_escalation), naming each active key by its "
        "last four characters only, with the statements or the escalation path. Otherwise passes with the "
        "blast radius over a fixed sample of sensitive actions (s3:GetObject, secretsmanager:GetSecretValue, "
        "kms:Decrypt, ssm:GetParameter, dynamodb:Scan, rds:ModifyDBInstance, ec2:RunInstances, "
        "lambda:UpdateFunctionCode, iam:PassRole), counted by access level of the Service Authorization "
        'Reference: each action is allowed on every resource ("*"), on some resources (an Allow with a narrower '
        "Resource), only under conditions, or not at all, as the user's identity policies, permissions boundary "
        "and any known SCPs decide (grants in resource policies of individual buckets or keys are not counted). "
        "Users without an active key are not applicable. ERROR when the keys could not be listed, a key has no "
        "Status, or the user's policies could not be read."
    ),
    risk=(
        "Access keys leak through source code, CI logs, laptops and backups, and work from anywhere without "
        "MFA. A key that reaches administrator turns one leak into the loss of the whole account."
    ),
    remediation=Remediation(
        summary=(
            "Take administrator and escalation permissions away from users with access keys: move the "
            "workload to a role (instance profile, IAM Roles Anywhere, OIDC federation for CI), or scope the "
            "user's policies to what the key is for; deactivate keys nobody uses."
        ),
        console=(
            "Open the IAM console > Users and choose the user.",
            "Security credentials tab > Access keys: find the key named in the finding and who uses it (Last used).",
            "Permissions tab: remove the policies or actions named in the finding, or move the workload to a "
            "role and choose Actions > Deactivate on the key.",
        ),
        cli=(
            "aws iam list-access-keys --user-name USER\n"
            "aws iam get-access-key-last-used --access-key-id KEY_ID\n"
            "aws iam update-access-key --user-name USER --access-key-id KEY_ID --status Inactive\n"
            "aws iam detach-user-policy --user-name USER --policy-arn POLICY_ARN"
        ),
        terraform=(
            "# Prefer a role the workload assumes (here: GitHub Actions through OIDC) to a user with keys:\n"
            'resource "aws_iam_role" "ci" {\n'
            '  name               = "ci"\n'
            "  assume_role_policy = data.aws_iam_policy_document.github_oidc_trust.json\n"
            "}\n"
            'resource "aws_iam_role_policy_attachment" "ci" {\n'
            "  role       = aws_iam_role.ci.name\n"
            "  policy_arn = aws_iam_policy.ci_least_privilege.arn\n"
            "}"
        ),
    ),
    references=(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#bp-workloads-use-roles",
        PATHFINDING,
        EVALUATION_LOGIC,
    ),
    requires=(ACCESS_KEYS, *PRIVESC_REQUIRES),
)


def evaluate(resource: Resource, inventory: Inventory) -> CheckResult:
    """FAIL naming the active keys (last four characters) when their user reaches administrator."""
    keys = _active_keys(resource)
    if not keys:
        return CheckResult.not_applicable("no active access key")
    found = identity(inventory)
    principal = found.readable(found.principal(resource))
    which = ", ".join(keys)
    subject = f"key {which}" if len(keys) == 1 else f"keys {which}"
    reaches = "reaches" if len(keys) == 1 else "reach"
    if found.evaluator.is_admin(principal):
        allowed_by = "; ".join(found.admin_statements(principal)) or "no statement recorded"
        return CheckResult.failed(
            f"{subject} {reaches} administrator: {principal.short} is an administrator (allowed by {allowed_by})"
        )
    escalation = found.escalation(principal)
    if escalation is not None:
        return CheckResult.failed(f"{subject} {reaches} administrator: {describe_escalation(escalation)}")
    blocked = found.reachable_unreadable(principal)
    if blocked:
        raise UnknownAttributeError(
            "escalation of " + principal.short,
            "it can obtain the permissions of principals whose policies could not be read: " + "; ".join(blocked),
        )
    return CheckResult.passed(f"{subject} cannot reach administrator; {_blast_radius(found, principal)}")


def _active_keys(resource: Resource) -> list[str]:
    """The active keys, each shown by its last four characters (``AKIA...WXYZ``).

    Raises:
        UnknownAttributeError: the keys could not be listed, or one has no Status or no AccessKeyId.
    """
    keys: Any = resource.supplement(ACCESS_KEYS) or []
    if not isinstance(keys, list):
        raise UnknownAttributeError(ACCESS_KEYS, f"unexpected ListAccessKeys result: {type(keys).__name__}")
    active: list[str] = []
    for index, key in enumerate(keys):
        if not isinstance(key, Mapping) or not isinstance(key.get("Status"), str):
            raise UnknownAttributeError(ACCESS_KEYS, f"access key #{index + 1} has no Status")
        if key["Status"] != "Active":
            continue
        key_id = key.get("AccessKeyId")
        if not isinstance(key_id, str) or len(key_id) < 8:
            raise UnknownAttributeError(ACCESS_KEYS, f"active access key #{index + 1} has no AccessKeyId")
        active.append(masked(key_id))
    return active


def masked(key_id: str) -> str:
    """An access key id shown by its type prefix and last four characters: ``AKIA...WXYZ``."""
    prefix = key_id[:4] if key_id[:4] in KEY_PREFIXES else ""
    return f"{prefix}...{key_id[-4:]}"


def _blast_radius(found: Identity, principal: Principal) -> str:
    """Which sample actions the user may call, counted by access level."""
    catalogue = default_catalogue()
    by_level: dict[str, list[str]] = {}
    for action in SENSITIVE_ACTIONS:
        reach = _reach(found, principal, action)
        if reach is None:
            continue
        info = catalogue.info(action)
        level = info.access_level if info else "Unknown"
        by_level.setdefault(level, []).append(f"{action} {reach}")
    total = sum(len(items) for items in by_level.values())
    if not total:
        return f"none of {len(SENSITIVE_ACTIONS)} sensitive actions is allowed ({', '.join(SENSITIVE_ACTIONS)})"
    order = {level: position for position, level in enumerate(ACCESS_LEVELS)}
    parts = [
        f"{level} {len(items)} ({', '.join(items)})"
        for level, items in sorted(by_level.items(), key=lambda item: order.get(item[0], len(order)))
    ]
    return f"{total} of {len(SENSITIVE_ACTIONS)} sensitive actions reachable: " + "; ".join(parts)


def _reach(found: Identity, principal: Principal, action: str) -> str | None:
    """``on every resource``, ``on some resources``, ``only under conditions``, or None when not allowed."""
    everywhere = found.evaluator.outcome(principal, action, "*")
    if everywhere is Tri.TRUE:
        return "on every resource"
    somewhere = found.evaluator.outcome(principal, action, ANY_RESOURCE)
    if somewhere is Tri.TRUE:
        return "on some resources"
    if Tri.UNKNOWN in (everywhere, somewhere):
        return "only under conditions"
    return None
