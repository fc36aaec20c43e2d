"""Reading S3 bucket policies: statements, principals, wildcard actions and restricting conditions.

Shared by the S3 checks that inspect a bucket policy. IAM matches action names case-insensitively with
``*`` and ``?`` wildcards; condition keys are case-insensitive, condition operators are not.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# Condition keys whose fixed value ties a request to a network, an organization, an account or a
# caller: a statement conditioned on one of them does not grant access to anyone on the internet.
RESTRICTING_KEYS = frozenset(
    key.lower()
    for key in (
        "aws:SourceIp",
        "aws:SourceVpc",
        "aws:SourceVpce",
        "aws:SourceAccount",
        "aws:SourceArn",
        "aws:SourceOwner",
        "aws:SourceOrgID",
        "aws:SourceOrgPaths",
        "aws:PrincipalAccount",
        "aws:PrincipalArn",
        "aws:PrincipalOrgID",
        "aws:PrincipalOrgPaths",
        "aws:userid",
        "s3:DataAccessPointAccount",
        "s3:DataAccessPointArn",
    )
)

# Operators that only match when the key is present and equal to (or like) one of the values.
# Negated operators (StringNotEquals, NotIpAddress, ...) and ...IfExists variants let requests that
# lack the key through, so they never restrict an Allow.
POSITIVE_OPERATORS = frozenset(
    ("StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike", "IpAddress")
)


@dataclass(frozen=True, slots=True)
class Statement:
    """One policy statement with a human label: ``Sid 'PublicRead'`` or ``statement #2`` (1-based)."""

    label: str
    body: Mapping[str, Any]

    @property
    def effect(self) -> str:
        """``Allow`` or ``Deny``."""
        return str(self.body.get("Effect", ""))

    def describe_actions(self) -> str:
        """The statement's actions as a short phrase: ``s3:GetObject, s3:ListBucket``."""
        if "NotAction" in self.body:
            return "all actions except " + ", ".join(str(a) for a in as_list(self.body["NotAction"]))
        actions = [str(action) for action in as_list(self.body.get("Action"))]
        return ", ".join(actions) if actions else "no actions"

    def covers_action(self, action: str) -> bool:
        """Whether the statement's Action (or NotAction) applies to ``action``."""
        if "NotAction" in self.body:
            return not any(wildcard_match(str(p), action) for p in as_list(self.body["NotAction"]))
        return any(wildcard_match(str(p), action) for p in as_list(self.body.get("Action")))

    def covers_resource(self, arn: str) -> bool:
        """Whether the statement's Resource (or NotResource) applies to ``arn``."""
        if "NotResource" in self.body:
            excluded = as_list(self.body["NotResource"])
            return not any(wildcard_match(str(p), arn, ignore_case=False) for p in excluded)
        return any(wildcard_match(str(p), arn, ignore_case=False) for p in as_list(self.body.get("Resource")))


def as_list(value: Any) -> list[Any]:
    """A policy element that may be one value or a list of values, as a list (None is empty)."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def statements(policy: Any) -> list[Statement]:
    """The statements of a policy document (``Statement`` may be one object or a list)."""
    if not isinstance(policy, Mapping):
        return []
    found: list[Statement] = []
    for index, body in enumerate(as_list(policy.get("Statement")), start=1):
        if not isinstance(body, Mapping):
            continue
        sid = body.get("Sid")
        found.append(Statement(label=f"Sid {sid!r}" if sid else f"statement #{index}", body=body))
    return found


@lru_cache(maxsize=512)
def _wildcard_regex(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    parts = (".*" if char == "*" else "." if char == "?" else re.escape(char) for char in pattern)
    return re.compile("".join(parts), re.IGNORECASE if ignore_case else 0)


def wildcard_match(pattern: str, value: str, *, ignore_case: bool = True) -> bool:
    """IAM wildcard matching: ``*`` is any run of characters, ``?`` any one character."""
    return _wildcard_regex(pattern, ignore_case).fullmatch(value) is not None


def principal_values(principal: Any) -> list[str]:
    """Every AWS principal a ``Principal`` element names; the bare ``"*"`` is returned as ``"*"``.

    Accepts ``"*"``, ``{"AWS": "*"}``, ``{"AWS": [...]}`` and, leniently, a bare list of strings.
    Service, Federated and CanonicalUser principals are not AWS accounts or users and are skipped.
    """
    if isinstance(principal, str):
        return [principal]
    if isinstance(principal, list):
        return [str(value) for value in principal]
    if isinstance(principal, Mapping):
        return [str(value) for value in as_list(principal.get("AWS"))]
    return []


def everyone(statement: Statement) -> bool:
    """The statement's Principal is everyone: ``"*"`` or an AWS principal of exactly ``"*"``."""
    return "*" in principal_values(statement.body.get("Principal"))


def _open_principal(value: str) -> bool:
    parts = value.split(":")
    if len(parts) >= 6 and parts[0] == "arn":
        return "*" in parts[4] or "?" in parts[4]
    return "*" in value


def wildcard_principals(statement: Statement) -> list[str]:
    """AWS principals any account can match: ``*``, or an ARN with a wildcard account (``arn:aws:iam::*:root``).

    A wildcard only in the resource part of an ARN of a fixed account is not open to other accounts.
    """
    return [value for value in principal_values(statement.body.get("Principal")) if _open_principal(value)]


def _restricting_value(key: str, operator: str, value: Any) -> bool:
    text = str(value).strip()
    if not text or text == "*":
        return False
    if key == "aws:sourceip" or operator == "IpAddress":
        try:
            return ipaddress.ip_network(text, strict=False).prefixlen > 0
        except ValueError:
            return False
    return not (operator.endswith("Like") and set(text) <= {"*", "?"})


def restricting_conditions(condition: Any) -> list[str]:
    """The conditions of a statement that confine it to a fixed network, organization or account.

    Each is described as ``Operator key`` (``StringEquals aws:SourceVpce``). A condition restricts when
    its key is in :data:`RESTRICTING_KEYS`, its operator is positive (optionally ``ForAnyValue:``) and
    none of its values is a wildcard or a ``/0`` network.
    """
    if not isinstance(condition, Mapping):
        return []
    found: list[str] = []
    for raw_operator, clauses in condition.items():
        operator = str(raw_operator)
        base = operator.removeprefix("ForAnyValue:")
        if base not in POSITIVE_OPERATORS or not isinstance(clauses, Mapping):
            continue
        for raw_key, values in clauses.items():
            key = str(raw_key).lower()
            if key not in RESTRICTING_KEYS:
                continue
            items = as_list(values)
            if items and all(_restricting_value(key, base, item) for item in items):
                found.append(f"{operator} {raw_key}")
    return found


NEGATED_OPERATORS = frozenset(
    (
        "StringNotEquals",
        "StringNotEqualsIgnoreCase",
        "StringNotLike",
        "ArnNotEquals",
        "ArnNotLike",
        "NotIpAddress",
    )
)


def negated_restrictions(condition: Any) -> list[str]:
    """For a Deny: the conditions that deny every request from outside a fixed network, org or account.

    Returns the conditions (``StringNotEquals aws:SourceVpce``) only when every clause of the Condition
    is such a negated restriction, since any other clause narrows the Deny; otherwise an empty list.
    Negated operators match when the key is absent, so requests from the internet are denied.
    """
    if not isinstance(condition, Mapping) or not condition:
        return []
    found: list[str] = []
    for raw_operator, clauses in condition.items():
        operator = str(raw_operator)
        base = operator.removesuffix("IfExists")
        if base not in NEGATED_OPERATORS or not isinstance(clauses, Mapping) or not clauses:
            return []
        for raw_key, values in clauses.items():
            key = str(raw_key).lower()
            items = as_list(values)
            positive = "IpAddress" if base == "NotIpAddress" else "StringEquals"
            if key not in RESTRICTING_KEYS or not items:
                return []
            if not all(_restricting_value(key, positive, item) for item in items):
                return []
            found.append(f"{operator} {raw_key}")
    return found


def _patterns_cover(deny: list[Any], allow: list[Any], *, ignore_case: bool) -> bool:
    """Every Allow pattern, read as a literal string, is matched by some Deny pattern."""
    return bool(allow) and all(
        any(wildcard_match(str(d), str(a), ignore_case=ignore_case) for d in deny) for a in allow
    )


def deny_covers(deny: Statement, allow: Statement) -> bool:
    """Whether a Deny statement applies to every action and resource an Allow statement grants.

    Conservative: a NotAction or NotResource on either side is never considered covered.
    """
    for element in ("NotAction", "NotResource"):
        if element in deny.body or element in allow.body:
            return False
    return _patterns_cover(
        as_list(deny.body.get("Action")), as_list(allow.body.get("Action")), ignore_case=True
    ) and _patterns_cover(as_list(deny.body.get("Resource")), as_list(allow.body.get("Resource")), ignore_case=False)
