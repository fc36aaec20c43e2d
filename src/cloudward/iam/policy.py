"""Policies compiled once for fast evaluation: statements with their matchers and a name for reasons.

Every document is read through :mod:`cloudward.iam.statements` (one strict reading of the grammar); this
module turns each statement into lower-cased action patterns, resource patterns, principal patterns and
a compiled condition, and answers "does this statement apply to this request?" as a tri-state: a
condition on a context key nobody knows makes the answer UNKNOWN, never a silent yes or no.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from cloudward.iam.catalogue import wildcard_regex
from cloudward.iam.conditions import CompiledCondition, RequestContext, Tri, compile_condition, substitute_variables
from cloudward.iam.statements import as_list, statements
from cloudward.inventory import UnknownAttributeError


@dataclass(frozen=True, slots=True)
class StatementRef:
    """Names one statement of one policy, for the reason of a decision."""

    policy: str
    """What the policy is: ``managed policy ReadOnlyAccess``, ``inline policy 'p' of user/a``."""
    index: int
    sid: str | None

    def __str__(self) -> str:
        """``managed policy X statement "Sid"`` or ``... statement #2``."""
        label = f'"{self.sid}"' if self.sid else f"#{self.index + 1}"
        return f"{self.policy} statement {label}"


def action_matches(pattern: str, action: str) -> bool:
    """Whether a lower-cased action pattern (``s3:get*``, ``*``) matches a lower-cased action."""
    if pattern in ("*", action):
        return True
    if "*" not in pattern and "?" not in pattern:
        return False
    if pattern.endswith(":*") and "*" not in pattern[:-2] and "?" not in pattern:
        return action.startswith(pattern[:-1])
    return wildcard_regex(pattern).fullmatch(action) is not None


_VARIABLE = re.compile(r"\$\{([^},]+)\}")
"""A policy variable without a default value: ``${aws:username}``."""


def arn_matches(pattern: str, arn: str, context: RequestContext | None) -> Tri:
    """Whether a Resource pattern matches an ARN (case-sensitive; ``*`` and ``?``; policy variables).

    A pattern with a policy variable whose value the context does not know is UNKNOWN; one whose key is
    known to be absent (``${aws:username}`` for a role) matches nothing.
    """
    if "${" in pattern:
        if context is None:
            return Tri.UNKNOWN
        resolved = substitute_variables(pattern, context)
        if resolved is None:
            absent = any(context.get(key) is None for key in _VARIABLE.findall(pattern))
            return Tri.FALSE if absent else Tri.UNKNOWN
        pattern = resolved
    if pattern in ("*", arn):
        return Tri.TRUE
    if "*" not in pattern and "?" not in pattern:
        return Tri.FALSE
    return Tri.of(wildcard_regex(pattern).fullmatch(arn) is not None)


ANY_RESOURCE = "<any resource the caller chooses>"
"""A resource the caller names itself (a function it creates): an Allow on any Resource pattern covers it.
A Deny covers it only when it covers every name the caller could pick: the evaluator asks Deny statements
about a probe ARN of the action's resource type instead (see :meth:`ActionCatalogue.probe_arn`)."""


@dataclass(frozen=True, slots=True)
class Caller:
    """Who makes a request, as a resource policy's ``Principal`` element sees it."""

    arn: str
    """The user's ARN, the role's ARN (sessions of a role match it), or a service principal name."""
    account_id: str
    kind: str
    """``user``, ``role`` or ``service``."""


class Grant:
    """How a resource policy statement's Principal covers a caller."""

    NONE = 0
    ACCOUNT = 1
    """The caller's account (``arn:aws:iam::ACCOUNT:root`` or the bare id): the identity policy must also allow."""
    DIRECT = 2
    """The caller itself, or everyone (``*``)."""


@dataclass(slots=True)
class Statement:
    """One compiled statement."""

    allow: bool
    actions: tuple[str, ...]
    not_action: bool
    resources: tuple[str, ...] | None
    """Resource patterns; None when the statement has no Resource element (trust policies)."""
    not_resource: bool
    principals: tuple[str, ...] | None
    """Principal patterns (``AWS:arn``, ``Service:name``, ``*``); None for identity policies."""
    not_principal: bool
    condition: CompiledCondition | None
    ref: StatementRef
    _action_memo: dict[str, bool] = field(default_factory=dict, repr=False)

    def covers_action(self, action: str) -> bool:
        """Whether the statement's Action (or NotAction) covers a lower-cased action."""
        found = self._action_memo.get(action)
        if found is None:
            hit = any(action_matches(pattern, action) for pattern in self.actions)
            found = hit != self.not_action
            self._action_memo[action] = found
        return found

    def covers_resource(self, arn: str, context: RequestContext | None) -> Tri:
        """Whether the statement's Resource (or NotResource) covers an ARN."""
        if self.resources is None:
            return Tri.TRUE
        if arn == ANY_RESOURCE:
            everything = "*" in self.resources
            if self.not_resource:
                return Tri.of(self.allow and not everything)
            return Tri.of(bool(self.resources) and (self.allow or everything))
        best = Tri.FALSE
        for pattern in self.resources:
            outcome = arn_matches(pattern, arn, context)
            if outcome is Tri.TRUE:
                best = Tri.TRUE
                break
            if outcome is Tri.UNKNOWN:
                best = Tri.UNKNOWN
        if not self.not_resource:
            return best
        return {Tri.TRUE: Tri.FALSE, Tri.FALSE: Tri.TRUE, Tri.UNKNOWN: Tri.UNKNOWN}[best]

    def grant(self, caller: Caller) -> int:
        """How the Principal (or NotPrincipal) covers a caller: :class:`Grant` NONE, ACCOUNT or DIRECT."""
        if self.principals is None:
            return Grant.DIRECT
        found = Grant.NONE
        for pattern in self.principals:
            found = max(found, _principal_grant(pattern, caller))
            if found == Grant.DIRECT:
                break
        if self.not_principal:
            return Grant.NONE if found != Grant.NONE else Grant.DIRECT
        return found

    def condition_outcome(self, context: RequestContext) -> Tri:
        """The condition's outcome in a context (TRUE without a condition)."""
        if self.condition is None:
            return Tri.TRUE
        return self.condition.outcome(context)

    def explain_condition(self, context: RequestContext) -> list[str]:
        """One line per condition clause: what it tested and how it came out."""
        return [] if self.condition is None else self.condition.evaluate(context)[1]


def _principal_grant(pattern: str, caller: Caller) -> int:
    if pattern == "*":
        return Grant.DIRECT
    kind, _, value = pattern.partition(":")
    if kind == "Service":
        return Grant.DIRECT if caller.kind == "service" and value == caller.arn else Grant.NONE
    if kind != "AWS" or caller.kind == "service":
        return Grant.NONE
    if value == "*":
        return Grant.DIRECT
    if value == caller.arn:
        return Grant.DIRECT
    if value in (caller.account_id, f"arn:aws:iam::{caller.account_id}:root"):
        return Grant.ACCOUNT
    return Grant.NONE


@dataclass(slots=True)
class Policy:
    """A compiled policy document with the label that names it in reasons."""

    label: str
    statements: tuple[Statement, ...]
    arn: str | None = None

    def applicable(self, action: str) -> Iterable[Statement]:
        """The statements whose Action/NotAction covers a lower-cased action."""
        return (statement for statement in self.statements if statement.covers_action(action))


def compile_policy(document: Any, label: str, *, arn: str | None = None) -> Policy:
    """Compile a policy document (dict, JSON or URL-encoded JSON).

    Raises:
        UnknownAttributeError: the document or a statement is malformed, or a condition uses an operator
            or value AWS would reject. The caller decides what an unreadable policy means.
    """
    compiled = [_compile_statement(item, index, label) for index, item in enumerate(statements(document, label))]
    return Policy(label, tuple(compiled), arn)


def _patterns(statement: dict[str, Any], element: str, label: str) -> tuple[str, ...]:
    values = as_list(statement.get(element))
    if not all(isinstance(value, str) for value in values):
        raise UnknownAttributeError(label, f"{element} holds a value that is not a string")
    return tuple(values)


def _compile_statement(statement: dict[str, Any], index: int, label: str) -> Statement:
    sid = statement.get("Sid")
    ref = StatementRef(label, index, sid if isinstance(sid, str) and sid else None)
    not_action = "NotAction" in statement
    actions = tuple(p.lower() for p in _patterns(statement, "NotAction" if not_action else "Action", str(ref)))
    if "Action" not in statement and not not_action:
        raise UnknownAttributeError(label, f"{ref} has neither Action nor NotAction")
    not_resource = "NotResource" in statement
    resources: tuple[str, ...] | None = None
    if not_resource or "Resource" in statement:
        resources = _patterns(statement, "NotResource" if not_resource else "Resource", str(ref))
    not_principal = "NotPrincipal" in statement
    principals: tuple[str, ...] | None = None
    if not_principal or "Principal" in statement:
        principals = _principal_patterns(statement["NotPrincipal" if not_principal else "Principal"], str(ref))
    try:
        condition = compile_condition(statement["Condition"]) if statement.get("Condition") else None
    except ValueError as exc:
        raise UnknownAttributeError(label, f"{ref}: {exc}") from None
    return Statement(
        allow=statement["Effect"] == "Allow",
        actions=actions,
        not_action=not_action,
        resources=resources,
        not_resource=not_resource,
        principals=principals,
        not_principal=not_principal,
        condition=condition,
        ref=ref,
    )


def _principal_patterns(element: Any, label: str) -> tuple[str, ...]:
    if element == "*":
        return ("*",)
    if not isinstance(element, dict):
        raise UnknownAttributeError(label, 'Principal is neither "*" nor an object')
    found: list[str] = []
    for kind, values in element.items():
        for value in as_list(values):
            if not isinstance(value, str):
                raise UnknownAttributeError(label, f"Principal {kind} holds a value that is not a string")
            found.append(f"{kind}:{value}")
    return tuple(found)
