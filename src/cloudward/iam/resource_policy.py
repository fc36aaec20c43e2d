"""Resource-based policies (queue, topic, repository) that grant access to everyone: one rule for SQS, SNS and ECR.

Every element is read through :mod:`cloudward.iam.statements`; this module only decides which public
Allow statements a Condition or a Deny confines, and words the result.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cloudward.iam.statements import (
    Statement,
    applies_to_everyone,
    covers_statement,
    describe_actions,
    negated_pins,
    pinned,
    pinned_network,
    public_principal,
    statement_label,
    statements,
)

PINNING_KEYS = (
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
)
"""Condition keys whose fixed value ties a request to an organization, an account or a caller."""

NETWORK_KEYS = ("aws:SourceIp", "aws:SourceVpc", "aws:SourceVpce")
"""Network keys: a Deny for everyone that negates these (or the pinning keys) confines a public Allow."""

RULE = (
    'An Allow statement is public when its Principal is everyone: "*" (also ["*"], or "*" under any '
    'principal type), {"AWS": "*"}, an AWS principal ARN with a wildcard account id such as '
    "arn:aws:iam::*:root (also inside a list), or a NotPrincipal. It is not public when its Condition "
    "restricts it under one strict rule: StringEquals, StringEqualsIgnoreCase, StringLike, ArnEquals or "
    "ArnLike (operator names case-insensitive, optionally ForAnyValue:, never ForAllValues: or ...IfExists) "
    "on aws:SourceAccount, aws:SourceArn, aws:SourceOwner, aws:SourceOrgID, aws:SourceOrgPaths, "
    "aws:PrincipalAccount, aws:PrincipalArn, aws:PrincipalOrgID, aws:PrincipalOrgPaths or aws:userid with "
    "every value concrete (no * or ? anywhere, no policy variable, none empty; a wildcard only below a "
    "literal account id in an ARN, or below a literal organization id in an org path, is allowed); "
    "IpAddress aws:SourceIp with every network /8 or narrower (IPv6: /32 or narrower); or StringEquals "
    "aws:SourceVpc / aws:SourceVpce with concrete values. Nor is it public when a Deny statement for "
    "everyone whose Condition consists only of negated restrictions (StringNotEquals, StringNotLike, "
    "ArnNotEquals... optionally ...IfExists, with concrete values on those keys, aws:SourceVpc or "
    "aws:SourceVpce, or NotIpAddress aws:SourceIp with networks /8 or narrower) covers all of its actions "
    "and resources. Any action counts. Other conditions (sns:Protocol, aws:SecureTransport...) do not "
    "restrict who calls. A policy without a Statement, or whose statements, principals, actions or "
    "conditions have an unexpected shape, is ERROR, never read as empty."
)
"""The rule, for the descriptions of the checks that apply it."""


def _restricting(statement: Statement, pinning_keys: Sequence[str]) -> list[str]:
    """The statement's conditions that confine it to a network, organization, account or caller."""
    condition = statement.get("Condition")
    return pinned(condition, pinning_keys) + pinned_network(condition)


def public_statements(
    policy: Any,
    name: str,
    pinning_keys: Sequence[str] = PINNING_KEYS,
    public_suffix: str = " with no restricting condition",
) -> tuple[list[str], list[str]]:
    """The public Allow statements of a resource policy, and those a Condition or a Deny confines.

    Args:
        policy: the policy document (a dict, or its JSON text).
        name: what the policy is, for errors (``"Policy"``, ``"RepositoryPolicy"``).
        pinning_keys: the condition keys that confine a statement to known callers (S3 adds its access
            point keys); a Deny guard may negate these and the network keys.
        public_suffix: appended to each public statement's phrase.

    Returns:
        ``(public, confined)``: each a list of phrases such as ``Sid 'pub' allows sqs:SendMessage to
        Principal *``, the confined ones saying what confines them.

    Raises:
        UnknownAttributeError: the policy, or an element read here, has an unexpected shape.
    """
    labelled = [(statement_label(item, index), item) for index, item in enumerate(statements(policy, name))]
    guard_keys = (*pinning_keys, *NETWORK_KEYS)
    guards = [
        (label, deny, negated_pins(deny.get("Condition"), guard_keys))
        for label, deny in labelled
        if deny["Effect"] == "Deny" and applies_to_everyone(deny)
    ]
    public: list[str] = []
    confined: list[str] = []
    for label, statement in labelled:
        principal = public_principal(statement)
        if principal is None:
            continue
        described = f"{label} allows {describe_actions(statement)} to {principal}"
        conditions = _restricting(statement, pinning_keys)
        if conditions:
            confined.append(f"{described} only under {', '.join(conditions)}")
            continue
        guard = next((g for g in guards if g[2] and covers_statement(g[1], statement)), None)
        if guard is not None:
            confined.append(f"{described}, but {guard[0]} denies it under {', '.join(guard[2])}")
            continue
        public.append(f"{described}{public_suffix}")
    return public, confined
