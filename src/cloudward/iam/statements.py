"""Policy statements, principals, actions and conditions: one strict reading shared by every check.

Identity policies, role trust policies and resource-based policies (bucket, function, ...) share one
grammar, and every check that reads one goes through this module so that they all apply the same rules.

Strictness: a document, ``Statement``, ``Effect``, ``Principal``, ``Action``, ``Resource`` or
``Condition`` of an unexpected shape raises :class:`~cloudward.inventory.UnknownAttributeError`, so the
check reports ERROR instead of reading the policy as empty (and passing). A document of ``None`` (no
policy at all) is the caller's business: handle it before calling :func:`statements`.

Case rules: ``Effect`` values and element names are case-sensitive; action names, condition keys and
condition operator names are compared case-insensitively; resource ARNs case-sensitively.

Conditions: a statement counts as *pinned* to a set of keys only under one rule, see :func:`pinned`: a
positive operator that matches only when the key is present (never ``...IfExists`` or
``ForAllValues:``), and concrete values (no ``*``, ``?`` or policy variable anywhere, none empty).
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any, NamedTuple, TypeAlias
from urllib.parse import unquote

from cloudward.inventory import Unknown, UnknownAttributeError

Statement: TypeAlias = dict[str, Any]
"""One policy statement, as the JSON object it is in the document."""

EFFECTS = frozenset({"Allow", "Deny"})
ANY_ACCOUNT = "*"
"""What :func:`principal_account` returns for a principal that any account matches."""

PRINCIPAL_TYPES = frozenset({"AWS", "Service", "Federated", "CanonicalUser"})

# Operators (lower-case, without qualifier or IfExists) that match only when the key is present and
# equal to, or like, one of the values.
PIN_OPERATORS = frozenset({"stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike"})
# Their negations: for a Deny they match every request whose key is absent or has another value.
NEGATED_PIN_OPERATORS = frozenset(
    {"stringnotequals", "stringnotequalsignorecase", "stringnotlike", "arnnotequals", "arnnotlike"}
)
SOURCE_IP = "aws:sourceip"
SOURCE_NETWORK_KEYS = frozenset({"aws:sourcevpc", "aws:sourcevpce"})
MIN_IPV4_PREFIX = 8
MIN_IPV6_PREFIX = 32
_IPV4_MAPPED = ipaddress.IPv6Network("::ffff:0:0/96")
_ACCOUNT_ID = re.compile(r"\d{12}")
# Anything that makes a condition value match more than one literal string.
_NOT_CONCRETE = ("*", "?", "${")


def _kind(value: Any) -> str:
    """A JSON value's kind, for error reasons: ``a string``, ``a list``, ``null``..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return f"a {type(value).__name__}"


def document(value: Any, name: str = "policy document") -> dict[str, Any]:
    """A policy document as a dict.

    Args:
        value: the document as found in the inventory: a dict, a JSON string, URL-encoded JSON (as
            GetAccountAuthorizationDetails returns it on the wire) or an Unknown.
        name: what the document is, for the error (``"inline policy 'x'"``).

    Returns:
        The decoded document.

    Raises:
        UnknownAttributeError: the value is Unknown, not valid JSON, or not a JSON object.
    """
    if isinstance(value, Unknown):
        raise UnknownAttributeError(name, value.reason)
    if isinstance(value, str):
        text = value if value.lstrip().startswith("{") else unquote(value)
        try:
            value = json.loads(text)
        except (ValueError, RecursionError):
            raise UnknownAttributeError(name, "the policy document is not valid JSON") from None
    if not isinstance(value, dict):
        raise UnknownAttributeError(name, f"the policy document is {_kind(value)}, not a JSON object")
    return value


def statements(value: Any, name: str = "policy document") -> list[Statement]:
    """The statements of a policy document, checked for shape.

    Args:
        value: the document (see :func:`document` for the accepted forms).
        name: what the document is, for the error.

    Returns:
        The statements in document order. ``Statement`` may be one object or a list of objects.

    Raises:
        UnknownAttributeError: the document cannot be decoded, has no ``Statement``, its ``Statement``
            is not an object or a list of objects, or a statement's ``Effect`` is not ``Allow`` or
            ``Deny``. A policy of an unexpected shape must never read as one that grants nothing.
    """
    doc = document(value, name)
    if "Statement" not in doc:
        raise UnknownAttributeError(name, "the policy document has no Statement element")
    raw = doc["Statement"]
    if not isinstance(raw, dict | list):
        raise UnknownAttributeError(name, f"Statement is {_kind(raw)}, not an object or a list of objects")
    found: list[Statement] = []
    for index, item in enumerate(raw if isinstance(raw, list) else [raw]):
        if not isinstance(item, dict):
            raise UnknownAttributeError(name, f"statement #{index + 1} is {_kind(item)}, not an object")
        effect = item.get("Effect")
        if not (isinstance(effect, str) and effect in EFFECTS):
            label = statement_label(item, index)
            raise UnknownAttributeError(name, f"{label} has Effect {effect!r}, not 'Allow' or 'Deny'")
        found.append(item)
    return found


def as_list(value: Any) -> list[Any]:
    """A policy element that may be one value or a list of values, as a list (``None`` is empty)."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def statement_label(statement: Mapping[str, Any], index: int) -> str:
    """How a reason names a statement: ``Sid 'PublicRead'``, else ``statement #2`` (1-based).

    Args:
        statement: the statement.
        index: its 0-based position in the document, as :func:`enumerate` gives it.
    """
    sid = statement.get("Sid")
    if sid is not None and str(sid) != "":
        return f"Sid {str(sid)!r}"
    return f"statement #{index + 1}"


def _strings(value: Any, element: str) -> list[str]:
    """The strings of an element that must be a string or a list of strings."""
    items = as_list(value)
    if not all(isinstance(item, str) for item in items):
        raise UnknownAttributeError(element, f"{_kind(value)} where a string or a list of strings belongs")
    return [item.strip() for item in items]


def principals(statement: Mapping[str, Any]) -> list[str]:
    """The AWS principals the statement's ``Principal`` names (``NotPrincipal`` is not read).

    ``"*"`` gives ``["*"]``; ``{"AWS": x}`` gives x as a list; a bare list of strings (``["*"]``) is
    read as AWS principals. Service, Federated and CanonicalUser principals are not AWS accounts or
    users and are left out, except a value of ``"*"`` under any of them, which is everyone and is
    returned as ``"*"``.

    Raises:
        UnknownAttributeError: ``Principal`` is not a string, a list of strings, or an object mapping
            known principal types to a string or a list of strings.
    """
    principal = statement.get("Principal")
    if principal is None:
        return []
    if isinstance(principal, str | list):
        return _strings(principal, "Principal")
    if not isinstance(principal, dict):
        raise UnknownAttributeError("Principal", f"{_kind(principal)} where a principal belongs")
    found: list[str] = []
    for kind, values in principal.items():
        if kind not in PRINCIPAL_TYPES:
            raise UnknownAttributeError("Principal", f"unknown principal type {kind!r}")
        names = _strings(values, f"Principal {kind}")
        if kind == "AWS":
            found.extend(names)
        elif ANY_ACCOUNT in names:
            found.append(ANY_ACCOUNT)
    return found


def _any_account(principal: str) -> bool:
    """Whether any account matches the principal: ``*``, or an ARN whose account has a wildcard."""
    parts = principal.split(":")
    if len(parts) >= 6 and parts[0] == "arn":
        return "*" in parts[4] or "?" in parts[4]
    return "*" in principal or "?" in principal


def principal_account(principal: str) -> str | None:
    """The account an AWS principal belongs to.

    Returns:
        :data:`ANY_ACCOUNT` for ``"*"`` and for an ARN with a wildcard account
        (``arn:aws:iam::*:root``); the id for a 12-digit account id or an ARN of a fixed account; None
        for anything else (e.g. the unique id AWS shows after a trusted principal was deleted).
    """
    if _any_account(principal):
        return ANY_ACCOUNT
    if _ACCOUNT_ID.fullmatch(principal):
        return principal
    parts = principal.split(":")
    if len(parts) >= 6 and parts[0] == "arn" and _ACCOUNT_ID.fullmatch(parts[4]):
        return parts[4]
    return None


def wildcard_principals(statement: Mapping[str, Any]) -> list[str]:
    """The statement's principals that any account matches: ``*`` or ``arn:aws:iam::*:root`` (deduplicated).

    A wildcard only in the resource part of an ARN of a fixed account (``arn:aws:iam::111122223333:role/*``)
    is not open to other accounts.
    """
    return list(dict.fromkeys(value for value in principals(statement) if _any_account(value)))


def applies_to_everyone(statement: Mapping[str, Any]) -> bool:
    """Whether the statement's ``Principal`` is everyone (``"*"`` in any form) and it has no ``NotPrincipal``.

    Meant for Deny statements: a Deny for ``arn:aws:iam::*:root`` does not cover anonymous requests.
    """
    return "NotPrincipal" not in statement and ANY_ACCOUNT in principals(statement)


def public_principal(statement: Mapping[str, Any]) -> str | None:
    """How an Allow statement admits any principal of any account, or None.

    Returns:
        ``"NotPrincipal (everyone except the listed principals)"`` for an Allow with ``NotPrincipal``;
        ``"Principal *"`` / ``"Principal arn:aws:iam::*:root"`` for wildcard principals (see
        :func:`wildcard_principals`); None for Deny statements and for Allows naming fixed principals.
    """
    if statement.get("Effect") != "Allow":
        return None
    if "NotPrincipal" in statement:
        return "NotPrincipal (everyone except the listed principals)"
    wildcards = wildcard_principals(statement)
    return "Principal " + ", ".join(wildcards) if wildcards else None


def is_public_principal(statement: Mapping[str, Any]) -> bool:
    """Whether the statement is an Allow that admits any principal of any account (see :func:`public_principal`)."""
    return public_principal(statement) is not None


def actions(statement: Mapping[str, Any]) -> list[str]:
    """The statement's ``Action`` as a list (empty for a ``NotAction`` statement).

    Raises:
        UnknownAttributeError: ``Action`` is not a string or a list of strings.
    """
    return _strings(statement.get("Action"), "Action")


def resources(statement: Mapping[str, Any]) -> list[str]:
    """The statement's ``Resource`` as a list (empty for a ``NotResource`` statement).

    Raises:
        UnknownAttributeError: ``Resource`` is not a string or a list of strings.
    """
    return _strings(statement.get("Resource"), "Resource")


def describe_actions(statement: Mapping[str, Any]) -> str:
    """The statement's actions as a short phrase: ``s3:GetObject, s3:ListBucket`` or ``all actions except ...``."""
    if "NotAction" in statement:
        return "all actions except " + ", ".join(_strings(statement["NotAction"], "NotAction"))
    found = actions(statement)
    return ", ".join(found) if found else "no actions"


@lru_cache(maxsize=1024)
def _wildcard_regex(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    parts = (".*" if char == "*" else "." if char == "?" else re.escape(char) for char in pattern)
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL)


def wildcard_match(pattern: str, value: str, *, ignore_case: bool = True) -> bool:
    """IAM wildcard matching of a whole string: ``*`` is any run of characters, ``?`` any one character."""
    return _wildcard_regex(pattern, ignore_case).fullmatch(value) is not None


def covers_action(statement: Mapping[str, Any], action: str) -> bool:
    """Whether the statement's ``Action`` (or ``NotAction``) applies to ``action`` (case-insensitive)."""
    if "NotAction" in statement:
        return not any(wildcard_match(p, action) for p in _strings(statement["NotAction"], "NotAction"))
    return any(wildcard_match(pattern, action) for pattern in actions(statement))


def covers_resource(statement: Mapping[str, Any], arn: str) -> bool:
    """Whether the statement's ``Resource`` (or ``NotResource``) applies to ``arn`` (case-sensitive)."""
    if "NotResource" in statement:
        excluded = _strings(statement["NotResource"], "NotResource")
        return not any(wildcard_match(p, arn, ignore_case=False) for p in excluded)
    return any(wildcard_match(pattern, arn, ignore_case=False) for pattern in resources(statement))


def _patterns_cover(outer: list[str], inner: list[str], *, ignore_case: bool) -> bool:
    """Every inner pattern, read as a literal string, is matched by some outer pattern."""
    return bool(inner) and all(any(wildcard_match(o, i, ignore_case=ignore_case) for o in outer) for i in inner)


def covers_statement(outer: Mapping[str, Any], inner: Mapping[str, Any]) -> bool:
    """Whether ``outer`` (e.g. a Deny) applies to every action and resource ``inner`` (e.g. an Allow) names.

    Conservative: a ``NotAction`` or ``NotResource`` on either side is never considered covered.
    """
    for element in ("NotAction", "NotResource"):
        if element in outer or element in inner:
            return False
    return _patterns_cover(actions(outer), actions(inner), ignore_case=True) and _patterns_cover(
        resources(outer), resources(inner), ignore_case=False
    )


class Clause(NamedTuple):
    """One key test of a ``Condition``: ``{"StringEquals": {"aws:SourceVpce": ["vpce-1"]}}``."""

    operator: str
    """The operator as written, with its qualifier and suffix: ``ForAnyValue:StringLike``."""
    key: str
    """The condition key as written: ``aws:SourceVpce``."""
    values: list[Any]
    """The values, as a list."""

    def describe(self) -> str:
        """``StringEquals aws:SourceVpce``: the operator and key, without the values."""
        return f"{self.operator} {self.key}"


def clauses(condition: Any) -> list[Clause]:
    """The key tests of a statement's ``Condition`` (``None`` has none).

    Raises:
        UnknownAttributeError: the Condition is not an object of operators, each mapping to an object
            of condition keys.
    """
    if condition is None:
        return []
    if not isinstance(condition, dict):
        raise UnknownAttributeError("Condition", f"{_kind(condition)} where an object of operators belongs")
    found: list[Clause] = []
    for operator, block in condition.items():
        if not isinstance(block, dict):
            raise UnknownAttributeError("Condition", f"operator {operator!r} maps to {_kind(block)}, not to keys")
        found.extend(Clause(str(operator), str(key), as_list(values)) for key, values in block.items())
    return found


class _Operator(NamedTuple):
    qualifier: str  # "", "foranyvalue", "forallvalues" or anything else written before a colon
    base: str  # lower-case, without qualifier and IfExists suffix
    if_exists: bool


def _parse_operator(operator: str) -> _Operator:
    lowered = operator.strip().lower()
    qualifier, colon, rest = lowered.partition(":")
    if not colon:
        qualifier, rest = "", lowered
    return _Operator(qualifier, rest.removesuffix("ifexists"), rest.endswith("ifexists"))


def is_concrete(value: Any) -> bool:
    """Whether a condition value matches exactly one literal string.

    False for empty values, values with ``*`` or ``?`` anywhere (a wildcard under ``...Like``
    operators), values with a policy variable (``${aws:PrincipalAccount}`` compares the key with
    itself), and non-scalar values.
    """
    if isinstance(value, bool | int | float):
        text = str(value)
    elif isinstance(value, str):
        text = value.strip()
    else:
        return False
    return bool(text) and not any(mark in text for mark in _NOT_CONCRETE)


_ARN_KEYS = frozenset({"aws:principalarn", "aws:sourcearn"})
_ACCOUNT_ID = re.compile(r"\d{12}")
_ORG_PATH_ROOT = re.compile(r"o-[a-z0-9]{10,32}/")


def restricts(key: str, value: Any) -> bool:
    """Whether one value of a positive condition limits the key to callers of known accounts.

    Stricter than AWS's matching, never looser: a literal string restricts; a value with ``*`` or ``?``
    (even under ``StringEquals``, where they are plain characters but signal a mistaken intent) restricts
    only when the part that names the owner is literal: the 12-digit account of an
    ``aws:PrincipalArn``/``aws:SourceArn`` (``arn:aws:iam::111122223333:role/*``), or the organization id
    that starts an ``...OrgPaths`` value (``o-a1b2c3d4e5/r-ab12/*``). Policy variables never restrict.
    """
    if is_concrete(value):
        return True
    if not isinstance(value, str) or not value.strip() or "${" in value:
        return False
    text = value.strip()
    lowered = key.lower()
    if lowered in _ARN_KEYS:
        parts = text.split(":", 5)
        return len(parts) == 6 and parts[0] == "arn" and _ACCOUNT_ID.fullmatch(parts[4]) is not None
    if lowered.endswith("orgpaths"):
        return _ORG_PATH_ROOT.match(text) is not None
    return False


def narrow_network(value: Any) -> bool:
    """Whether an ``aws:SourceIp`` value is a network no larger than /8 (IPv4) or /32 (IPv6).

    Unparsable values are not narrow. An IPv6 network that overlaps the IPv4-mapped range
    (``::ffff:0:0/96``) must lie inside it with an IPv4 prefix of at least /8.
    """
    if not isinstance(value, str):
        return False
    try:
        network = ipaddress.ip_network(value.strip(), strict=False)
    except ValueError:
        return False
    if isinstance(network, ipaddress.IPv4Network):
        return network.prefixlen >= MIN_IPV4_PREFIX
    if network.overlaps(_IPV4_MAPPED):
        return network.subnet_of(_IPV4_MAPPED) and network.prefixlen >= _IPV4_MAPPED.prefixlen + MIN_IPV4_PREFIX
    return network.prefixlen >= MIN_IPV6_PREFIX


def _positive(operator: _Operator) -> bool:
    """Matches only when the key is present: no ``ForAllValues:`` or other qualifier, no ``IfExists``."""
    return operator.qualifier in ("", "foranyvalue") and not operator.if_exists


def pinned(condition: Any, keys: Iterable[str]) -> list[str]:
    """The clauses of a Condition that fix one of ``keys`` to concrete values, as ``Operator key``.

    One strict rule: the operator is StringEquals, StringEqualsIgnoreCase, StringLike, ArnEquals or
    ArnLike (operator names case-insensitive), optionally with a ``ForAnyValue:`` qualifier; never
    ``ForAllValues:`` or ``...IfExists``, which also match when the key is absent; the key is one of
    ``keys`` (case-insensitive); there is at least one value and every value is concrete (see
    :func:`restricts`: literal, or wildcarded only below a literal account or organization id).

    Raises:
        UnknownAttributeError: the Condition has an unexpected shape (see :func:`clauses`).
    """
    wanted = {key.lower() for key in keys}
    found: list[str] = []
    for clause in clauses(condition):
        operator = _parse_operator(clause.operator)
        if not _positive(operator) or operator.base not in PIN_OPERATORS or clause.key.lower() not in wanted:
            continue
        if clause.values and all(restricts(clause.key, value) for value in clause.values):
            found.append(clause.describe())
    return found


def pins(condition: Any, keys: Iterable[str]) -> bool:
    """Whether the Condition fixes one of ``keys`` to concrete values (see :func:`pinned` for the rule)."""
    return bool(pinned(condition, keys))


def pinned_network(condition: Any) -> list[str]:
    """The clauses of a Condition that confine requests to a network, as ``Operator key``.

    ``aws:SourceIp`` under IpAddress with every value a network of prefix length >= 8 (IPv4) or >= 32
    (IPv6), or ``aws:SourceVpc`` / ``aws:SourceVpce`` under StringEquals with concrete values. Both
    optionally ``ForAnyValue:``, never ``ForAllValues:`` or ``...IfExists``; operator names and keys
    case-insensitive.

    Raises:
        UnknownAttributeError: the Condition has an unexpected shape (see :func:`clauses`).
    """
    found: list[str] = []
    for clause in clauses(condition):
        operator = _parse_operator(clause.operator)
        key = clause.key.lower()
        if not _positive(operator) or not clause.values:
            continue
        if key == SOURCE_IP:
            holds = operator.base == "ipaddress" and all(map(narrow_network, clause.values))
        else:
            holds = key in SOURCE_NETWORK_KEYS and operator.base == "stringequals"
            holds = holds and all(map(is_concrete, clause.values))
        if holds:
            found.append(clause.describe())
    return found


def pins_network(condition: Any) -> bool:
    """Whether the Condition confines requests to a network (see :func:`pinned_network` for the rule)."""
    return bool(pinned_network(condition))


def negated_pins(condition: Any, keys: Iterable[str]) -> list[str]:
    """For a Deny: the clauses that deny every request from outside fixed values of ``keys``.

    Returns them (``StringNotEquals aws:SourceVpce``) only when every clause of the Condition is such
    a negated pin, since any other clause narrows the Deny; otherwise (and for no Condition) an empty
    list. A negated pin is StringNotEquals, StringNotEqualsIgnoreCase, StringNotLike, ArnNotEquals or
    ArnNotLike (``IfExists`` allowed: it denies requests lacking the key too; no qualifier) on one of
    ``keys`` with concrete values, or NotIpAddress on ``aws:SourceIp`` (if among ``keys``) with narrow
    networks (see :func:`narrow_network`).

    Raises:
        UnknownAttributeError: the Condition has an unexpected shape (see :func:`clauses`).
    """
    wanted = {key.lower() for key in keys}
    found: list[str] = []
    all_clauses = clauses(condition)
    for clause in all_clauses:
        operator = _parse_operator(clause.operator)
        key = clause.key.lower()
        if operator.qualifier or key not in wanted or not clause.values:
            return []
        if key == SOURCE_IP:
            holds = operator.base == "notipaddress" and all(map(narrow_network, clause.values))
        else:
            holds = operator.base in NEGATED_PIN_OPERATORS and all(map(is_concrete, clause.values))
        if not holds:
            return []
        found.append(clause.describe())
    return found
