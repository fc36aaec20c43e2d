"""Reading IAM policy documents for the IAM checks: statements, principals, conditions. Not a check.

Policy documents arrive as dicts (boto3 decodes GetAccountAuthorizationDetails' URL-encoded JSON);
a URL-encoded or plain JSON string, as other importers may give, is decoded here too.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import unquote

from cloudward.checks.model import CheckResult
from cloudward.inventory import Unknown, UnknownAttributeError

FULL_ADMIN_ACTIONS = frozenset({"*", "*:*"})
RESTRICTING_OPERATORS = frozenset({"StringEquals", "StringEqualsIgnoreCase", "StringLike"})
ACCOUNT_ID = re.compile(r"^\d{12}$")
ANY_ACCOUNT = "*"


def document(value: Any, name: str) -> dict[str, Any]:
    """A policy document as a dict.

    Args:
        value: the document as found in the configuration (dict, JSON string or Unknown).
        name: what the document is, for the error ("inline policy 'x'").

    Raises:
        UnknownAttributeError: the document is Unknown, missing, or not a JSON object.
    """
    if isinstance(value, Unknown):
        raise UnknownAttributeError(name, value.reason)
    if isinstance(value, str):
        text = value if value.lstrip().startswith("{") else unquote(value)
        try:
            value = json.loads(text)
        except ValueError:
            raise UnknownAttributeError(name, "the policy document is not valid JSON") from None
    if not isinstance(value, dict):
        raise UnknownAttributeError(name, "the policy document is missing or not a JSON object")
    return value


def statements(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The document's statements (``Statement`` may be one object or a list)."""
    raw = doc.get("Statement", [])
    items = raw if isinstance(raw, list) else [raw]
    return [item for item in items if isinstance(item, dict)]


def as_list(value: Any) -> list[str]:
    """A policy element that may be a string or a list of strings, as a list."""
    if value is None:
        return []
    if isinstance(value, list):
        return [str(item) for item in value]
    return [str(value)]


def is_allow(statement: dict[str, Any]) -> bool:
    """Whether the statement's Effect is Allow."""
    return statement.get("Effect") == "Allow"


def label(statement: dict[str, Any], index: int) -> str:
    """How a reason names a statement: its Sid, or its 1-based position."""
    sid = statement.get("Sid")
    return f"statement {sid!r}" if sid else f"statement #{index + 1}"


def grants_full_admin(statement: dict[str, Any]) -> bool:
    """An Allow statement whose Action includes "*" or "*:*" and whose Resource includes "*".

    ``NotAction`` statements are not considered (they are not "Action": "*"), and a Condition does not
    exempt the statement.
    """
    if not is_allow(statement) or "Action" not in statement:
        return False
    actions = {action.strip() for action in as_list(statement.get("Action"))}
    resources = {resource.strip() for resource in as_list(statement.get("Resource"))}
    return bool(actions & FULL_ADMIN_ACTIONS) and "*" in resources


def full_admin_statements(doc: dict[str, Any]) -> list[str]:
    """Labels of the document's statements that grant full administrator access."""
    return [
        f"{label(statement, index)} allows Action={_compact(statement.get('Action'))} "
        f"on Resource={_compact(statement.get('Resource'))}"
        for index, statement in enumerate(statements(doc))
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
        doc = document(policy.get("PolicyDocument"), f"inline policy {name!r}")
        found.extend(f"inline policy {name!r} {item}" for item in full_admin_statements(doc))
    if found:
        return CheckResult.failed("; ".join(found))
    names = ", ".join(repr(str(policy.get("PolicyName", "?"))) for policy in policies)
    return CheckResult.passed(f'no inline policy allows "*" on "*" ({names})')


def _compact(value: Any) -> str:
    items = as_list(value)
    return items[0] if len(items) == 1 else "[" + ", ".join(items) + "]"


def aws_principals(statement: dict[str, Any]) -> list[str]:
    """The statement's AWS principals; a bare ``"Principal": "*"`` is the AWS principal "*"."""
    principal = statement.get("Principal")
    if principal is None:
        return []
    if isinstance(principal, dict):
        return [item.strip() for item in as_list(principal.get("AWS"))]
    return [item.strip() for item in as_list(principal)]


def has_wildcard_principal(statement: dict[str, Any]) -> bool:
    """Whether an Allow statement admits any AWS principal.

    True for ``"Principal": "*"``, ``{"AWS": "*"}`` (string or in a list), and for an Allow with
    ``NotPrincipal``, which admits everyone not listed.
    """
    if not is_allow(statement):
        return False
    return "NotPrincipal" in statement or ANY_ACCOUNT in aws_principals(statement)


def principal_account(principal: str) -> str | None:
    """The account id an AWS principal belongs to.

    ``"*"`` gives ``"*"`` (any account); a 12-digit id or an IAM/STS ARN gives its account; anything
    else (the unique id AWS shows after a trusted principal was deleted) gives None.
    """
    if principal == ANY_ACCOUNT:
        return ANY_ACCOUNT
    if ACCOUNT_ID.match(principal):
        return principal
    parts = principal.split(":")
    if len(parts) >= 6 and parts[0] == "arn" and ACCOUNT_ID.match(parts[4]):
        return parts[4]
    return None


def restricted_keys(statement: dict[str, Any], keys: frozenset[str]) -> list[str]:
    """Which of ``keys`` (lower-case condition keys) the statement's Condition pins to fixed values.

    Returns the keys as the policy spells them.

    A key counts when it appears under StringEquals, StringEqualsIgnoreCase or StringLike (no
    ``ForAnyValue:``/``ForAllValues:`` prefix, no ``IfExists`` suffix, since those also match when the
    key is absent) with at least one value, none of them empty or containing ``*`` or ``?``.
    """
    condition = statement.get("Condition")
    if not isinstance(condition, dict):
        return []
    found: set[str] = set()
    for operator, block in condition.items():
        if operator not in RESTRICTING_OPERATORS or not isinstance(block, dict):
            continue
        for key, value in block.items():
            values = as_list(value)
            if key.lower() in keys and values and all(item and "*" not in item and "?" not in item for item in values):
                found.add(key)
    return sorted(found)
