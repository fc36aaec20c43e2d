"""Judging IAM policy documents for full administrator access ("*" on "*"). Not a check.

Reading documents, statements and their elements is :mod:`cloudward.iam.statements`; this module only
holds the full-admin rule shared by the managed-policy and inline-policy checks.
"""

from __future__ import annotations

from typing import Any

from cloudward.checks.model import CheckResult
from cloudward.iam.statements import Statement, actions, resources, statement_label, statements

FULL_ADMIN_ACTIONS = frozenset({"*", "*:*"})


def grants_full_admin(statement: Statement) -> bool:
    """An Allow statement whose Action includes "*" or "*:*" and whose Resource includes "*".

    ``NotAction`` statements are not considered (they are not "Action": "*"), and a Condition does not
    exempt the statement.
    """
    if statement["Effect"] != "Allow" or "Action" not in statement:
        return False
    return bool(set(actions(statement)) & FULL_ADMIN_ACTIONS) and "*" in resources(statement)


def full_admin_statements(policy: Any, name: str) -> list[str]:
    """The document's statements that grant full administrator access, described for a reason.

    Args:
        policy: the policy document (dict, JSON or URL-encoded JSON string, or Unknown).
        name: what the document is, for the error ("policy version v2").

    Raises:
        UnknownAttributeError: the document is Unknown, missing or of an unexpected shape.
    """
    return [
        f"{statement_label(statement, index)} allows Action={_compact(actions(statement))} "
        f"on Resource={_compact(resources(statement))}"
        for index, statement in enumerate(statements(policy, name))
        if grants_full_admin(statement)
    ]


def inline_full_admin(configuration: dict[str, Any], list_key: str) -> CheckResult:
    """Judge a user's or role's inline policies (``UserPolicyList``/``RolePolicyList``) for "*" on "*".

    NOT_APPLICABLE without inline policies, FAIL naming each offending policy and statement, else PASS.
    """
    policies = [item for item in configuration.get(list_key) or [] if isinstance(item, dict)]
    if not policies:
        return CheckResult.not_applicable("no inline policies")
    found: list[str] = []
    for policy in policies:
        name = str(policy.get("PolicyName", "?"))
        found.extend(
            f"inline policy {name!r} {item}"
            for item in full_admin_statements(policy.get("PolicyDocument"), f"inline policy {name!r}")
        )
    if found:
        return CheckResult.failed("; ".join(found))
    names = ", ".join(repr(str(policy.get("PolicyName", "?"))) for policy in policies)
    return CheckResult.passed(f'no inline policy allows "*" on "*" ({names})')


def _compact(items: list[str]) -> str:
    return items[0] if len(items) == 1 else "[" + ", ".join(items) + "]"
