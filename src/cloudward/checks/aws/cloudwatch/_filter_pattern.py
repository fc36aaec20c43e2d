"""CloudWatch Logs filter patterns, evaluated against a log event (a CloudTrail record).

The CIS monitoring checks do not compare a metric filter's pattern with the benchmark's text: they
evaluate the pattern against representative CloudTrail records, so spacing, quoting and the order of
terms do not matter, and a pattern that is written differently but matches the same events counts.

Two pattern forms are understood:

- JSON patterns, ``{ ($.eventName = "CreateTrail") || ($.eventName = UpdateTrail) }``: selectors
  ``$.a.b`` and ``$.a[0]``; ``=`` and ``!=`` against a quoted or bare string (``*`` is a wildcard) or a
  number; ``<``, ``>``, ``<=``, ``>=`` against numbers; ``IS NULL``, ``NOT EXISTS``, ``IS TRUE``,
  ``IS FALSE``; ``&&``, ``||`` (``&&`` binds tighter) and parentheses. A bare value runs to the next
  ``)``, ``&&``, ``||`` or the closing brace, so ``$.errorMessage = Failed authentication`` reads as
  written. A selector that is absent from the event makes ``=`` and the numeric comparisons false and
  ``!=`` true.
- Term patterns matched against the event's JSON text: ``AccessDenied Unauthorized`` (every term),
  ``?AccessDenied ?Unauthorized`` (any of them), ``-HeadBucket`` (none of them), ``"quoted phrases"``.
  An empty pattern matches every event.

Regular expressions (``%...%``) and space-delimited patterns (``[ip, user, ...]``) raise
:class:`PatternError`: the caller must report them as not evaluated rather than guess.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

Event = Mapping[str, Any]
Matcher = Callable[[Event], bool]

_MISSING = object()
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
MAX_NESTING = 50
"""Deeper parentheses are rejected (CloudWatch caps patterns at 1,024 characters; no real filter nests this far)."""
_SELECTOR = re.compile(r"\$((?:\.[A-Za-z0-9_@\-]+|\[\d+\])*)")
_SEGMENT = re.compile(r"\.([A-Za-z0-9_@\-]+)|\[(\d+)\]")
_OPERATORS = ("!=", "<=", ">=", "=", "<", ">")
_STATE = re.compile(r"(IS\s+NULL|NOT\s+EXISTS|IS\s+TRUE|IS\s+FALSE)\b", re.IGNORECASE)


class PatternError(ValueError):
    """A filter pattern cloudward cannot evaluate (invalid, or a form it does not implement)."""


@dataclass(frozen=True, slots=True)
class FilterPattern:
    """A parsed filter pattern; ``matches(event)`` says whether CloudWatch Logs would count the event."""

    text: str
    matcher: Matcher

    def matches(self, event: Event) -> bool:
        """True when the pattern matches this log event."""
        return self.matcher(event)


def parse(text: str) -> FilterPattern:
    """Parse a metric filter's pattern.

    Raises:
        PatternError: the pattern is invalid, or uses regular expressions or space-delimited fields.
    """
    stripped = text.strip()
    if stripped.startswith("{"):
        return FilterPattern(text, _JsonParser(stripped).parse())
    if stripped.startswith("["):
        raise PatternError("space-delimited patterns ([field, ...]) are not evaluated")
    return FilterPattern(text, _term_matcher(stripped))


# --- JSON patterns -------------------------------------------------------------------------------


def _lookup(event: Any, path: str) -> Any:
    value = event
    for name, index in _SEGMENT.findall(path):
        if name:
            if not isinstance(value, Mapping) or name not in value:
                return _MISSING
            value = value[name]
        else:
            position = int(index)
            if not isinstance(value, list) or position >= len(value):
                return _MISSING
            value = value[position]
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _wildcard_matches(expected: str, actual: str) -> bool:
    """``*`` matches any run of characters; linear scan, no regex (no catastrophic backtracking)."""
    parts = expected.split("*")
    first, last, middle = parts[0], parts[-1], parts[1:-1]
    if len(actual) < len(first) + len(last) or not actual.startswith(first) or not actual.endswith(last):
        return False
    position, end = len(first), len(actual) - len(last)
    for part in middle:
        found = actual.find(part, position, end)
        if found < 0:
            return False
        position = found + len(part)
    return True


def _equals(actual: Any, expected: str, bare: bool) -> bool:
    if actual is _MISSING:
        return False
    if expected == "*":  # any value at all
        return True
    if bare and _NUMBER.match(expected) and _is_number(actual):
        return bool(actual == float(expected))  # int/float compare exactly, even beyond 1e308
    if isinstance(actual, str):
        return _wildcard_matches(expected, actual) if "*" in expected else actual == expected
    if _is_number(actual) and _NUMBER.match(expected):
        return bool(actual == float(expected))  # int/float compare exactly, even beyond 1e308
    return False


def _compare(path: str, operator: str, expected: str, bare: bool) -> Matcher:
    if operator in ("=", "!="):
        negate = operator == "!="
        return lambda event: _equals(_lookup(event, path), expected, bare) != negate
    if not _NUMBER.match(expected):
        raise PatternError(f"{operator} needs a number, not {expected!r}")
    limit = float(expected)
    compare: Callable[[float | int], bool] = {
        "<": lambda value: value < limit,
        ">": lambda value: value > limit,
        "<=": lambda value: value <= limit,
        ">=": lambda value: value >= limit,
    }[operator]

    def numeric(event: Event) -> bool:
        actual = _lookup(event, path)
        return _is_number(actual) and compare(actual)  # no float(): a huge int compares exactly

    return numeric


def _state(path: str, state: str) -> Matcher:
    checks: dict[str, Callable[[Any], bool]] = {
        "IS NULL": lambda value: value is None,
        "NOT EXISTS": lambda value: value is _MISSING,
        "IS TRUE": lambda value: value is True,
        "IS FALSE": lambda value: value is False,
    }
    check = checks[state]
    return lambda event: check(_lookup(event, path))


def _all(matchers: list[Matcher]) -> Matcher:
    return lambda event: all(matcher(event) for matcher in matchers)


def _any(matchers: list[Matcher]) -> Matcher:
    return lambda event: any(matcher(event) for matcher in matchers)


class _JsonParser:
    """Recursive descent over ``{ expression }``: or := and ('||' and)*, and := atom ('&&' atom)*."""

    def __init__(self, text: str) -> None:
        if not text.endswith("}"):
            raise PatternError("a JSON pattern must end with '}'")
        self.text = text
        self.end = len(text) - 1  # the closing brace: bare values stop before it
        self.pos = 0
        self.depth = 0

    def parse(self) -> Matcher:
        self._expect("{")
        matcher = self._or()
        self._skip()
        if self.pos != self.end:
            raise PatternError(f"unexpected text at position {self.pos}: {self.text[self.pos : self.end]!r}")
        return matcher

    def _skip(self) -> None:
        while self.pos < self.end and self.text[self.pos].isspace():
            self.pos += 1

    def _peek(self, token: str) -> bool:
        self._skip()
        return self.text.startswith(token, self.pos)

    def _expect(self, token: str) -> None:
        if not self._peek(token):
            found = self.text[self.pos : self.pos + 20] or "the end"
            raise PatternError(f"expected {token!r} at position {self.pos}, found {found!r}")
        self.pos += len(token)

    def _or(self) -> Matcher:
        matchers = [self._and()]
        while self._peek("||"):
            self.pos += 2
            matchers.append(self._and())
        return matchers[0] if len(matchers) == 1 else _any(matchers)

    def _and(self) -> Matcher:
        matchers = [self._atom()]
        while self._peek("&&"):
            self.pos += 2
            matchers.append(self._atom())
        return matchers[0] if len(matchers) == 1 else _all(matchers)

    def _atom(self) -> Matcher:
        if self._peek("("):
            self.depth += 1
            if self.depth > MAX_NESTING:
                raise PatternError(f"parentheses nested deeper than {MAX_NESTING} levels")
            self.pos += 1
            matcher = self._or()
            self._expect(")")
            self.depth -= 1
            return matcher
        return self._comparison()

    def _comparison(self) -> Matcher:
        self._skip()
        selector = _SELECTOR.match(self.text, self.pos)
        if selector is None or not selector.group(1):
            raise PatternError(f"expected a selector such as $.eventName at position {self.pos}")
        self.pos = selector.end()
        path = selector.group(1)
        self._skip()
        state = _STATE.match(self.text, self.pos)
        if state is not None:
            self.pos = state.end()
            return _state(path, " ".join(state.group(1).upper().split()))
        for operator in _OPERATORS:
            if self.text.startswith(operator, self.pos):
                self.pos += len(operator)
                value, bare = self._value()
                return _compare(path, operator, value, bare)
        raise PatternError(f"expected an operator after ${path} at position {self.pos}")

    def _value(self) -> tuple[str, bool]:
        self._skip()
        if self.pos >= self.end:
            raise PatternError("a comparison has no value")
        if self.text[self.pos] == '"':
            return self._quoted(), False
        if self.text[self.pos] == "%":
            raise PatternError("regular expressions (%...%) are not evaluated")
        start = self.pos
        while self.pos < self.end:
            if self.text[self.pos] == ")" or self.text.startswith(("&&", "||"), self.pos):
                break
            if self.text[self.pos] in "{}(":
                raise PatternError(f"unexpected {self.text[self.pos]!r} in an unquoted value at position {self.pos}")
            self.pos += 1
        value = self.text[start : self.pos].strip()
        if not value:
            raise PatternError(f"a comparison has no value at position {start}")
        return value, True

    def _quoted(self) -> str:
        self.pos += 1
        chars: list[str] = []
        while self.pos < self.end:
            char = self.text[self.pos]
            if char == "\\" and self.pos + 1 < self.end:
                chars.append(self.text[self.pos + 1])
                self.pos += 2
                continue
            if char == '"':
                self.pos += 1
                return "".join(chars)
            chars.append(char)
            self.pos += 1
        raise PatternError("unterminated quoted string")


# --- term patterns -------------------------------------------------------------------------------

_TERM = re.compile(r'([?-]?)(?:"((?:[^"\\]|\\.)*)"|(\S+))')


def _term_matcher(text: str) -> Matcher:
    required: list[str] = []
    optional: list[str] = []
    excluded: list[str] = []
    for prefix, quoted, bare in _TERM.findall(text):
        term = re.sub(r"\\(.)", r"\1", quoted) if quoted else bare
        if "%" in term and not quoted:
            raise PatternError("regular expressions (%...%) are not evaluated")
        {"": required, "?": optional, "-": excluded}[prefix].append(term)

    def matches(event: Event) -> bool:
        message = json.dumps(event, separators=(",", ":"))
        return (
            all(term in message for term in required)
            and (not optional or any(term in message for term in optional))
            and not any(term in message for term in excluded)
        )

    return matches
