"""The ``Condition`` element of a policy statement, evaluated against a request context, in three values.

AWS decides a condition with every context key of the request known. An analysis often does not know
them all (the caller's source IP, MFA, tags of a resource not yet created), so this module answers
:class:`Tri` ``TRUE``, ``FALSE`` or ``UNKNOWN``: UNKNOWN only when the answer depends on a key the
context does not know, and FALSE whenever no value of the unknown keys could make the condition hold
(``StringEquals`` with no values, ``DateLessThan aws:CurrentTime 2001-01-01`` with the time known):
the "condition that can never be true" an escalation search must not count as a grant.

Semantics (AWS's "Condition operators" and "multivalued context keys" pages):

- Operators AND, keys of one operator AND, values of one key OR; the negated operators (``StringNot...``,
  ``NumericNotEquals``, ``DateNotEquals``, ``NotIpAddress``, ``ArnNot...``) NOR their values.
- Operator names and context key names are case-insensitive (``aws:PrincipalTag/Team`` is
  ``aws:principaltag/team``).
- Key absent from the request: positive operators FALSE, negated operators TRUE, ``...IfExists`` TRUE,
  ``ForAllValues:`` TRUE, ``ForAnyValue:`` FALSE (with ``IfExists`` as well: TRUE).
  ``Null: true`` holds exactly when the key is absent. A key with an empty list of values counts as absent.
- Several request values without a qualifier: the (positive) operator holds when any request value
  matches any policy value; a negated one when none does. ``ForAnyValue:`` holds when some request value
  satisfies the operator, ``ForAllValues:`` when every one does.
- A request value the operator cannot read (``"abc"`` for ``NumericLessThan``, a malformed IP) matches
  no policy value. A *policy* value AWS would reject raises :class:`ConditionError`.
- Policy variables (``${aws:username}``, ``${aws:PrincipalTag/team, 'default'}``, ``${*}``, ``${?}``,
  ``${$}``) are replaced in the values of String and ARN operators. The replaced text is literal (its
  ``*`` and ``?`` are not wildcards). A value whose variable has no value (absent key, no default, or
  a multivalued key) matches nothing; one whose variable the context does not know matches UNKNOWN.

Compile once, evaluate often: :func:`compile_condition` parses a block into a :class:`CompiledCondition`;
wildcard regexes are cached.
"""

from __future__ import annotations

import base64
import binascii
import enum
import ipaddress
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, Literal, TypeAlias

ContextValue: TypeAlias = tuple[str, ...] | None
"""A context key's value(s): a tuple of strings (several for a multivalued key), or None for absent."""


class Tri(enum.Enum):
    """A three-valued truth (Kleene logic): TRUE, FALSE, or UNKNOWN (depends on what the context lacks)."""

    TRUE = "true"
    FALSE = "false"
    UNKNOWN = "unknown"

    @classmethod
    def of(cls, value: bool) -> Tri:
        """TRUE or FALSE from a bool."""
        return cls.TRUE if value else cls.FALSE

    @classmethod
    def every(cls, values: Iterable[Tri]) -> Tri:
        """Kleene AND of many values (TRUE for none): any FALSE gives FALSE, else any UNKNOWN gives UNKNOWN."""
        result = cls.TRUE
        for value in values:
            if value is cls.FALSE:
                return cls.FALSE
            if value is cls.UNKNOWN:
                result = cls.UNKNOWN
        return result

    @classmethod
    def some(cls, values: Iterable[Tri]) -> Tri:
        """Kleene OR of many values (FALSE for none): any TRUE gives TRUE, else any UNKNOWN gives UNKNOWN."""
        result = cls.FALSE
        for value in values:
            if value is cls.TRUE:
                return cls.TRUE
            if value is cls.UNKNOWN:
                result = cls.UNKNOWN
        return result

    def __and__(self, other: Tri) -> Tri:
        """Kleene AND."""
        return Tri.every((self, other))

    def __or__(self, other: Tri) -> Tri:
        """Kleene OR."""
        return Tri.some((self, other))

    def __invert__(self) -> Tri:
        """Kleene NOT: TRUE and FALSE swap, UNKNOWN stays."""
        return _NOT[self]

    def __bool__(self) -> bool:
        """Refused: ``if outcome:`` would read FALSE as true. Compare with ``is Tri.TRUE`` or use :attr:`maybe_true`."""
        raise TypeError("a Tri has no truth value; use `is Tri.TRUE`, .maybe_true or .maybe_false")

    @property
    def maybe_true(self) -> bool:
        """TRUE or UNKNOWN: the condition may hold."""
        return self is not Tri.FALSE

    @property
    def maybe_false(self) -> bool:
        """FALSE or UNKNOWN: the condition may fail."""
        return self is not Tri.TRUE


_NOT = {Tri.TRUE: Tri.FALSE, Tri.FALSE: Tri.TRUE, Tri.UNKNOWN: Tri.UNKNOWN}
_TRUE, _FALSE, _UNKNOWN = Tri.TRUE, Tri.FALSE, Tri.UNKNOWN


class ConditionError(ValueError):
    """A condition AWS would reject: unknown operator, malformed block, or a value the operator cannot read."""


def _context_value(key: str, value: Any) -> ContextValue:
    """A context value as a tuple of strings (None for absent; an empty list is absent too)."""
    if value is None:
        return None
    items = tuple(value) if isinstance(value, list | tuple) else (value,)
    if not items:
        return None
    if not all(isinstance(item, str | bool | int | float) for item in items):
        raise TypeError(f"context key {key!r}: values must be strings, not {value!r}")
    return tuple(_text(item) for item in items)


@dataclass(frozen=True)
class RequestContext:
    """What is known of a request's context keys.

    Build it with the constructor or :meth:`of`; both lower-case the keys and turn values into tuples
    of strings (a bare string, bool or number becomes a 1-tuple; an empty list becomes None).

    Attributes:
        values: key (lower-cased) to its value(s), or None when the key is known to be absent.
        closed: True: a key missing from ``values`` is absent (AWS at request time). False: a key
            missing from ``values`` is unknown (could be absent or have any value).
    """

    values: Mapping[str, ContextValue] = field(default_factory=dict)
    closed: bool = False

    def __post_init__(self) -> None:
        """Lower-case the keys and normalise the values."""
        normalised = {str(key).lower(): _context_value(key, value) for key, value in self.values.items()}
        object.__setattr__(self, "values", normalised)

    @classmethod
    def of(cls, values: Mapping[str, Any], closed: bool = False) -> RequestContext:
        """A context from loosely typed values: strings, bools, numbers, lists of them, or None for absent."""
        return cls(dict(values), closed)

    def with_values(self, values: Mapping[str, Any]) -> RequestContext:
        """A copy with ``values`` added (replacing keys already set), as loosely typed as in :meth:`of`."""
        return RequestContext({**self.values, **values}, self.closed)

    def get(self, key: str) -> tuple[str, ...] | Literal[Tri.UNKNOWN] | None:
        """A key's values (case-insensitive name): a tuple, None when absent, ``Tri.UNKNOWN`` when not known."""
        return self._lookup(key.lower())

    def _lookup(self, lowered: str) -> tuple[str, ...] | Literal[Tri.UNKNOWN] | None:
        values = self.values
        if lowered in values:
            return values[lowered]
        return None if self.closed else Tri.UNKNOWN

    def __hash__(self) -> int:
        """Hash of the key/value pairs and ``closed`` (``values`` is a dict, so the default hash would fail)."""
        return hash((frozenset(self.values.items()), self.closed))


# --- policy values ------------------------------------------------------------------------------


def _text(value: Any) -> str:
    """A scalar JSON value as AWS reads it: booleans as ``true``/``false``, numbers as their decimal text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _policy_values(operator: str, key: str, raw: Any) -> list[str]:
    """A key's condition values as strings; a string/bool/number is one value."""
    items = raw if isinstance(raw, list) else [raw]
    texts: list[str] = []
    for item in items:
        if not isinstance(item, str | bool | int | float):
            raise ConditionError(f"{operator} {key}: condition value {item!r} is not a string, number or boolean")
        texts.append(_text(item))
    return texts


@dataclass(frozen=True, slots=True)
class _Var:
    """A policy variable ``${key}`` or ``${key, 'default'}``."""

    key: str  # lower-cased
    default: str | None
    written: str


@dataclass(frozen=True, slots=True)
class _Lit:
    """Literal text in a policy value (from ``${*}``, ``${?}``, ``${$}``): never a wildcard."""

    text: str


_Part: TypeAlias = str | _Lit | _Var  # str: pattern text, where * and ? are wildcards under the Like operators
_Resolved: TypeAlias = tuple[tuple[bool, str], ...]  # (literal?, text) runs
_VARIABLE = re.compile(r"\$\{([^{}]*)\}")
_DEFAULT = re.compile(r"\s*'([^']*)'\s*")
_ESCAPES = {"*": "*", "?": "?", "$": "$"}


def _template(text: str, variables: bool) -> tuple[_Part, ...]:
    """Split a policy value into pattern text, literal text and variables (malformed ``${...}`` stays text)."""
    if not variables or "${" not in text:
        return (text,)
    parts: list[_Part] = []
    position = 0
    for found in _VARIABLE.finditer(text):
        inner = found.group(1)
        part: _Part
        if inner in _ESCAPES:
            part = _Lit(_ESCAPES[inner])
        else:
            name, comma, rest = inner.partition(",")
            default = _DEFAULT.fullmatch(rest) if comma else None
            if not name.strip() or (comma and default is None):
                continue
            part = _Var(name.strip().lower(), default.group(1) if default else None, found.group(0))
        if found.start() > position:
            parts.append(text[position : found.start()])
        parts.append(part)
        position = found.end()
    if position < len(text):
        parts.append(text[position:])
    return tuple(parts)


def _resolve(parts: tuple[_Part, ...], context: RequestContext) -> tuple[Tri, _Resolved, str]:
    """Replace a template's variables: (TRUE, runs, "") or (FALSE/UNKNOWN, (), why)."""
    runs: list[tuple[bool, str]] = []
    for part in parts:
        if isinstance(part, str):
            runs.append((False, part))
        elif isinstance(part, _Lit):
            runs.append((True, part.text))
        else:
            found = context._lookup(part.key)
            if found is Tri.UNKNOWN:
                return _UNKNOWN, (), f"{part.written} not in the context"
            if found is not None and len(found) == 1:
                runs.append((True, found[0]))
            elif part.default is not None:
                runs.append((True, part.default))
            else:
                why = "is multivalued" if found else "has no value"
                return _FALSE, (), f"{part.written} {why}"
    return _TRUE, tuple(runs), ""


def substitute_variables(text: str, context: RequestContext) -> str | None:
    """Replace the policy variables in a policy value (a Resource or a condition value).

    ``${aws:username}`` and other keys become their value, ``${key, 'default'}`` the default when the
    key is absent, and ``${*}``, ``${?}``, ``${$}`` the characters ``*``, ``?``, ``$``. (The result
    cannot tell a literal ``*`` from a wildcard; condition matching here keeps them apart.)

    Returns:
        The text, or None when a variable's value is unknown, absent (without a default) or multivalued:
        the caller then treats the element as UNKNOWN or as not matching.
    """
    if "${" not in text:
        return text
    outcome, runs, _ = _resolve(_template(text, True), context)
    if outcome is not _TRUE:
        return None
    return "".join(run for _, run in runs)


# --- wildcard patterns --------------------------------------------------------------------------


def _wildcards(text: str, star: str, one: str) -> str:
    return "".join(star if char == "*" else one if char == "?" else re.escape(char) for char in text)


def _like_source(runs: _Resolved) -> str:
    """Regex source of a StringLike value: ``*`` and ``?`` in pattern runs are wildcards."""
    return "".join(re.escape(text) if literal else _wildcards(text, ".*", ".") for literal, text in runs)


def _arn_source(runs: _Resolved) -> str | None:
    """Regex source of an ARN pattern: six components, wildcards within one; None for fewer components.

    The sixth component (the resource) is the rest of the ARN, colons included.
    """
    components: list[list[tuple[bool, str]]] = [[]]
    for literal, text in runs:
        rest = text
        while len(components) < 6:
            head, colon, rest = rest.partition(":")
            components[-1].append((literal, head))
            if not colon:
                break
            components.append([])
        else:
            components[-1].append((literal, rest))
    if len(components) < 6:
        return None
    sources = []
    for index, component in enumerate(components):
        star, one = (".*", ".") if index == 5 else ("[^:]*", "[^:]")
        sources.append("".join(re.escape(t) if lit else _wildcards(t, star, one) for lit, t in component))
    return ":".join(sources)


@lru_cache(maxsize=8192)
def _regex(sources: tuple[str, ...]) -> re.Pattern[str] | None:
    """One compiled regex matching any of the sources in full (None for no sources)."""
    if not sources:
        return None
    return re.compile("|".join(f"(?:{source})" for source in sources), re.DOTALL)


# --- parsing request and policy values ----------------------------------------------------------

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_EPOCH = re.compile(r"[+-]?\d+(?:\.\d+)?")


def _number(text: str) -> Decimal | None:
    stripped = text.strip()
    return Decimal(stripped) if _NUMBER.fullmatch(stripped) else None


def _date(text: str) -> datetime | None:
    """An ISO 8601 date/time (UTC when no offset) or epoch seconds, or None."""
    stripped = text.strip()
    try:
        if _EPOCH.fullmatch(stripped):
            return datetime.fromtimestamp(float(Decimal(stripped)), UTC)
        parsed = datetime.fromisoformat(stripped)
    except (ValueError, OverflowError, OSError, InvalidOperation):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@lru_cache(maxsize=8192)
def _address(text: str) -> tuple[int, int] | None:
    """An IP address as (version, integer), or None."""
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    return address.version, int(address)


def _binary(text: str) -> bytes | None:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "equals": lambda a, b: bool(a == b),
    "lessthan": lambda a, b: bool(a < b),
    "lessthanequals": lambda a, b: bool(a <= b),
    "greaterthan": lambda a, b: bool(a > b),
    "greaterthanequals": lambda a, b: bool(a >= b),
}


# --- operators ----------------------------------------------------------------------------------

# lower-case base operator -> (family, comparison, negated)
_OPERATORS: dict[str, tuple[str, str, bool]] = {
    "stringequals": ("string", "", False),
    "stringnotequals": ("string", "", True),
    "stringequalsignorecase": ("stringignorecase", "", False),
    "stringnotequalsignorecase": ("stringignorecase", "", True),
    "stringlike": ("stringlike", "", False),
    "stringnotlike": ("stringlike", "", True),
    "bool": ("bool", "", False),
    "binaryequals": ("binary", "", False),
    "ipaddress": ("ip", "", False),
    "notipaddress": ("ip", "", True),
    "arnequals": ("arn", "", False),
    "arnlike": ("arn", "", False),
    "arnnotequals": ("arn", "", True),
    "arnnotlike": ("arn", "", True),
    "null": ("null", "", False),
    "numericnotequals": ("numeric", "equals", True),
    "datenotequals": ("date", "equals", True),
}
for _comparison in _COMPARE:
    _OPERATORS["numeric" + _comparison] = ("numeric", _comparison, False)
    _OPERATORS["date" + _comparison] = ("date", _comparison, False)
_QUALIFIERS = frozenset({"forallvalues", "foranyvalue"})
_VARIABLE_FAMILIES = frozenset({"string", "stringignorecase", "stringlike", "arn"})
_SHOWN_VALUES = 5

_Matcher: TypeAlias = Callable[[str], Tri]


def _show(values: Sequence[str]) -> str:
    """``value 'ops'`` / ``values 'a', 'b'`` (the first few) for an explanation line."""
    shown = ", ".join(repr(value) for value in values[:_SHOWN_VALUES])
    more = f", ... ({len(values)} in all)" if len(values) > _SHOWN_VALUES else ""
    return f"value {shown}" if len(values) == 1 else f"values {shown}{more}"


def _parse_operator(operator: str) -> tuple[str, str, bool, bool, str]:
    """``ForAnyValue:StringLikeIfExists`` -> (family, comparison, negated, if_exists, qualifier)."""
    lowered = operator.lower()
    qualifier, colon, base = lowered.partition(":")
    if not colon:
        qualifier, base = "", lowered
    elif qualifier not in _QUALIFIERS:
        raise ConditionError(
            f"unknown condition operator {operator!r} (the qualifier must be ForAllValues or ForAnyValue)"
        )
    if_exists = base.endswith("ifexists") and base not in _OPERATORS
    base = base.removesuffix("ifexists") if if_exists else base
    if base not in _OPERATORS:
        raise ConditionError(f"unknown condition operator {operator!r}")
    family, comparison, negated = _OPERATORS[base]
    if family == "null" and (if_exists or qualifier):
        raise ConditionError(f"condition operator {operator!r}: Null takes neither IfExists nor a set qualifier")
    return family, comparison, negated, if_exists, qualifier


def _true_false(operator: str, key: str, values: list[str]) -> frozenset[bool]:
    """The values of a Bool or Null clause, each ``true`` or ``false`` (any case)."""
    flags = set()
    for value in values:
        if value.lower() not in ("true", "false"):
            raise ConditionError(f"{operator} {key}: condition value {value!r} is not true or false")
        flags.add(value.lower() == "true")
    return frozenset(flags)


class _Clause:
    """One operator applied to one context key, compiled."""

    __slots__ = (
        "_absent",
        "_dynamic",
        "_empty",
        "_negated",
        "_null",
        "_qualifier",
        "_static",
        "_unknown",
        "family",
        "key",
        "label",
        "reads",
    )

    def __init__(self, operator: str, key: Any, raw: Any, variables: bool) -> None:
        family, comparison, negated, if_exists, qualifier = _parse_operator(operator)
        if not isinstance(key, str) or not key:
            raise ConditionError(f"{operator}: condition key {key!r} is not a non-empty string")
        values = _policy_values(operator, key, raw)
        self.key = key.lower()
        self.family = family
        self._qualifier = qualifier
        self._negated = negated
        self._empty = not values
        shown = f"={values[0]}" if family in ("bool", "null") and len(values) == 1 else f" in {values!r}"
        self.label = f"{operator} {key}{shown}"
        self._dynamic: tuple[tuple[_Part, ...], ...] = ()
        self._null: frozenset[bool] = frozenset()
        self._static: _Matcher = _never
        universal = False
        if family == "null":
            self._null = _true_false(operator, key, values)
        elif family in _VARIABLE_FAMILIES:
            fixed: list[_Resolved] = []
            dynamic: list[tuple[_Part, ...]] = []
            for parts in (_template(text, variables) for text in values):
                if any(isinstance(part, _Var) for part in parts):
                    dynamic.append(parts)
                else:
                    fixed.append(tuple((isinstance(p, _Lit), p.text if isinstance(p, _Lit) else str(p)) for p in parts))
            self._dynamic = tuple(dynamic)
            self._static = _string_matcher(family, fixed)
            # StringLike "*" matches every string: the outcome no longer depends on the value.
            universal = family == "stringlike" and any(
                any(not literal and text for literal, text in runs)
                and all(not literal and not text.strip("*") for literal, text in runs)
                for runs in fixed
            )
        else:
            self._static = _typed_matcher(family, comparison, operator, key, values)
        self.reads = frozenset({self.key, *(p.key for parts in self._dynamic for p in parts if isinstance(p, _Var))})
        self._absent, self._unknown = self._fixed_outcomes(family, negated, if_exists, qualifier, universal)

    def _fixed_outcomes(
        self, family: str, negated: bool, if_exists: bool, qualifier: str, universal: bool
    ) -> tuple[Tri, Tri]:
        """The outcome when the key is absent, and when nothing is known of it.

        Unknown is UNKNOWN unless absence and every possible value give the same outcome: no values
        (nothing matches), or a StringLike ``*`` (everything matches).
        """
        if family == "null":
            absent = Tri.of(True in self._null)
            if not self._null:
                return absent, _FALSE
            return absent, (_TRUE if len(self._null) == 2 else _UNKNOWN)
        if if_exists or qualifier == "forallvalues":
            absent = _TRUE
        else:
            absent = _FALSE if qualifier == "foranyvalue" else Tri.of(negated)
        if self._empty:
            present = {Tri.of(negated)}
        elif universal:
            present = {Tri.of(not negated)}
        else:
            present = {_TRUE, _FALSE}
        possible = present | {absent}
        return absent, (possible.pop() if len(possible) == 1 else _UNKNOWN)

    def _bind(self, context: RequestContext) -> tuple[_Matcher, list[str]]:
        """The per-request-value matcher in this context (policy variables replaced), and notes on them."""
        if not self._dynamic:
            return self._static, []
        notes: list[str] = []
        unknown = False
        sources: list[_Resolved] = []
        for parts in self._dynamic:
            outcome, runs, why = _resolve(parts, context)
            if outcome is _TRUE:
                sources.append(runs)
            else:
                unknown = unknown or outcome is _UNKNOWN
                notes.append(why)
        static, resolved = self._static, _cached_string_matcher(self.family, tuple(sources))
        fallback = _UNKNOWN if unknown else _FALSE

        def match(value: str) -> Tri:
            if static(value) is _TRUE or resolved(value) is _TRUE:
                return _TRUE
            return fallback

        return match, notes

    def outcome(self, context: RequestContext, explain: bool) -> tuple[Tri, str]:
        """The clause's outcome, and (when ``explain``) what decided it, for the explanation line."""
        found = context._lookup(self.key)
        if found is Tri.UNKNOWN:
            return self._unknown, "no values in the condition" if self._empty else "not in the context"
        if found is None:
            return self._absent, "absent"
        if self.family == "null":
            return Tri.of(False in self._null), _show(found) if explain else ""
        match, notes = self._bind(context) if self._dynamic else (self._static, _NO_NOTES)
        negated = self._negated
        if not self._qualifier:
            if len(found) == 1:
                result = match(found[0])
            else:
                result = _FALSE
                for value in found:
                    matched = match(value)
                    if matched is _TRUE:
                        result = _TRUE
                        break
                    if matched is _UNKNOWN:
                        result = _UNKNOWN
            if negated:
                result = _NOT[result]
        else:
            each = (_NOT[match(value)] if negated else match(value) for value in found)
            result = Tri.some(each) if self._qualifier == "foranyvalue" else Tri.every(each)
        return result, "; ".join([_show(found), *notes]) if explain else ""


_NO_NOTES: list[str] = []


def _never(value: str) -> Tri:
    return _FALSE


def _string_matcher(family: str, values: list[_Resolved]) -> _Matcher:
    """Matcher for String and ARN values already free of variables."""
    if not values:
        return _never
    if family == "stringlike" and any(
        not lit and ("*" in text or "?" in text) for runs in values for lit, text in runs
    ):
        regex = _regex(tuple(_like_source(runs) for runs in values))
    elif family == "arn":
        regex = _regex(tuple(source for runs in values if (source := _arn_source(runs)) is not None))
    else:
        texts = ["".join(text for _, text in runs) for runs in values]
        if family == "stringignorecase":
            lowered = frozenset(text.lower() for text in texts)
            return lambda value: _TRUE if value.lower() in lowered else _FALSE
        exact = frozenset(texts)
        return lambda value: _TRUE if value in exact else _FALSE
    if regex is None:
        return _never
    fullmatch = regex.fullmatch
    return lambda value: _FALSE if fullmatch(value) is None else _TRUE


@lru_cache(maxsize=8192)
def _cached_string_matcher(family: str, values: tuple[_Resolved, ...]) -> _Matcher:
    """:func:`_string_matcher` for values resolved in a context (the same resolutions recur)."""
    return _string_matcher(family, list(values))


def _typed_matcher(family: str, comparison: str, operator: str, key: str, values: list[str]) -> _Matcher:
    """Matcher for Numeric, Date, Bool, Binary and IP values; policy values that do not parse raise."""

    def bad(value: str, what: str) -> ConditionError:
        return ConditionError(f"{operator} {key}: condition value {value!r} is not {what}")

    if family == "bool":
        flags = _true_false(operator, key, values)
        texts = frozenset("true" if flag else "false" for flag in flags)
        return lambda value: _TRUE if value.lower() in texts else _FALSE
    if family == "binary":
        decoded = []
        for value in values:
            data = _binary(value)
            if data is None:
                raise bad(value, "base64")
            decoded.append(data)
        wanted = frozenset(decoded)
        return lambda value: _TRUE if _binary(value) in wanted else _FALSE
    if family == "ip":
        networks = []
        for value in values:
            try:
                networks.append(ipaddress.ip_network(value.strip(), strict=False))
            except ValueError:
                raise bad(value, "an IP address or CIDR block") from None

        ranges = tuple((n.version, int(n.network_address), int(n.broadcast_address)) for n in networks)

        def in_networks(value: str) -> Tri:
            address = _address(value)
            if address is None:
                return _FALSE
            version, number = address
            for net_version, low, high in ranges:
                if net_version == version and low <= number <= high:
                    return _TRUE
            return _FALSE

        return in_networks
    parse: Callable[[str], Any] = _number if family == "numeric" else _date
    limits = []
    for value in values:
        parsed = parse(value)
        if parsed is None:
            raise bad(value, "a number" if family == "numeric" else "an ISO 8601 date or epoch seconds")
        limits.append(parsed)
    compare = _COMPARE[comparison]

    def compares(value: str) -> Tri:
        parsed = parse(value)
        return Tri.of(parsed is not None and any(compare(parsed, limit) for limit in limits))

    return compares


class CompiledCondition:
    """A ``Condition`` block parsed once: evaluate it against many contexts.

    Attributes:
        keys: the lower-cased context keys the outcome depends on: the clauses' keys and the keys of
            policy variables in their values.
    """

    __slots__ = ("_clauses", "keys")

    def __init__(self, clauses: Sequence[_Clause]) -> None:
        """Use :func:`compile_condition`."""
        self._clauses = tuple(clauses)
        self.keys: frozenset[str] = frozenset(key for clause in self._clauses for key in clause.reads)

    def __len__(self) -> int:
        """The number of clauses (operator and key pairs)."""
        return len(self._clauses)

    def evaluate(self, context: RequestContext) -> tuple[Tri, list[str]]:
        """The outcome (Kleene AND of the clauses) and one explanation line per clause.

        A line reads ``StringEquals aws:PrincipalTag/team in ['dev']: false (value 'ops')``.
        """
        result = _TRUE
        lines: list[str] = []
        for clause in self._clauses:
            outcome, detail = clause.outcome(context, True)
            if outcome is _FALSE:
                result = _FALSE
            elif outcome is _UNKNOWN and result is _TRUE:
                result = _UNKNOWN
            lines.append(f"{clause.label}: {outcome.value} ({detail})")
        return result, lines

    def outcome(self, context: RequestContext) -> Tri:
        """The outcome alone, stopping at the first FALSE clause (faster than :meth:`evaluate`)."""
        result = _TRUE
        for clause in self._clauses:
            outcome = clause.outcome(context, False)[0]
            if outcome is _FALSE:
                return _FALSE
            if outcome is _UNKNOWN:
                result = _UNKNOWN
        return result


def compile_condition(condition: Any, *, policy_variables: bool = True) -> CompiledCondition:
    """Parse a ``Condition`` block (``{operator: {key: value or [values]}}``).

    Args:
        condition: the block; None or ``{}`` is no condition (always TRUE).
        policy_variables: replace ``${...}`` in String and ARN values; False for policies of
            ``"Version": "2008-10-17"`` (or none), where AWS reads them literally.

    Raises:
        ConditionError: the block is not an object of objects, an operator is unknown (or ``Null`` has
            ``IfExists`` or a set qualifier), a value is not a string, number or boolean, or a value
            does not parse for its operator (Numeric, Date, Bool, Null, BinaryEquals, IpAddress).
    """
    if condition is None:
        return CompiledCondition(())
    if not isinstance(condition, dict):
        raise ConditionError(f"Condition is {type(condition).__name__}, not an object of operators")
    clauses: list[_Clause] = []
    for operator, block in condition.items():
        if not isinstance(operator, str):
            raise ConditionError(f"condition operator {operator!r} is not a string")
        if not isinstance(block, dict):
            raise ConditionError(f"condition operator {operator!r} maps to {type(block).__name__}, not to keys")
        clauses.extend(_Clause(operator, key, values, policy_variables) for key, values in block.items())
    return CompiledCondition(clauses)


def evaluate_condition(
    condition: Any, context: RequestContext, *, policy_variables: bool = True
) -> tuple[Tri, list[str]]:
    """Evaluate a ``Condition`` block: AND over operators and keys, OR over a key's values (NOR if negated).

    A thin wrapper: ``compile_condition(condition).evaluate(context)``; compile once when evaluating often.

    Returns:
        The outcome and one line per clause, e.g. ``Bool aws:MultiFactorAuthPresent=true: unknown (not in
        the context)``. None or ``{}`` gives ``(Tri.TRUE, [])``.

    Raises:
        ConditionError: see :func:`compile_condition`.
    """
    return compile_condition(condition, policy_variables=policy_variables).evaluate(context)
