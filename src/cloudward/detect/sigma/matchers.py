"""One Sigma value against one field, as a SQL boolean expression (DuckDB).

Sigma's matching rules, as pySigma hands them over after applying the modifiers:

* strings match case-insensitively, as a whole; ``*`` and ``?`` are wildcards (``\\*`` a literal star),
  so ``contains``/``startswith``/``endswith`` arrive as wildcards around the text;
* ``|cased`` strings match case-sensitively; ``|re`` is a case-sensitive regular expression searched
  anywhere in the value (``|i``, ``|m``, ``|s`` set its flags);
* numbers and booleans match the value as CloudTrail writes it (JSON ``true`` or the string ``"true"``);
* ``null`` matches a field that is absent or null; ``|exists`` tests presence;
* ``|cidr`` matches IP addresses inside a network; ``|fieldref`` compares with another field;
* ``|gt``/``|gte``/``|lt``/``|lte``/``|neq`` compare numerically; ``|hour`` and friends compare a time part;
* ``|windash``/``|base64offset`` expand into alternatives, any of which may match.

Every expression here may evaluate to NULL for a missing field; the condition compiler folds NULL
into false where it matters (under NOT).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

import duckdb
from sigma.types import (
    CompareOperators,
    Placeholder,
    SigmaBool,
    SigmaCasedString,
    SigmaCIDRExpression,
    SigmaCompareExpression,
    SigmaExists,
    SigmaExpansion,
    SigmaFieldReference,
    SigmaNull,
    SigmaNumber,
    SigmaRegularExpression,
    SigmaRegularExpressionFlag,
    SigmaString,
    SigmaTimestampPart,
    SigmaType,
    SpecialChars,
    TimestampPart,
)

from cloudward.detect.sigma.fields import RAW_COLUMN, FieldSql, quote_literal, resolve_field


class RuleCompileError(ValueError):
    """A rule uses something that cannot be expressed over the event store."""


@dataclass(frozen=True)
class Sql:
    """A SQL boolean expression and the event-store columns it reads."""

    text: str
    columns: frozenset[str]


_TIME_PARTS = {
    TimestampPart.MINUTE: "minute",
    TimestampPart.HOUR: "hour",
    TimestampPart.DAY: "day",
    TimestampPart.WEEK: "week",
    TimestampPart.MONTH: "month",
    TimestampPart.YEAR: "year",
}
_COMPARE = {
    CompareOperators.LT: "<",
    CompareOperators.LTE: "<=",
    CompareOperators.GT: ">",
    CompareOperators.GTE: ">=",
    CompareOperators.NEQ: "<>",
}
_REGEX_FLAGS = {
    SigmaRegularExpressionFlag.IGNORECASE: "i",
    SigmaRegularExpressionFlag.MULTILINE: "m",
    SigmaRegularExpressionFlag.DOTALL: "s",
}
_OCTET = r"(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_IPV4 = _OCTET + r"(\." + _OCTET + "){3}"

Part = str | SpecialChars


def string_parts(value: SigmaString) -> list[Part]:
    """The parts of a Sigma string: literal text and wildcards (placeholders are an error)."""
    parts: list[Part] = []
    for part in value.s:
        if isinstance(part, Placeholder):
            raise RuleCompileError(f"placeholder %{part.name}% needs a processing pipeline that fills it in")
        if isinstance(part, str) and parts and isinstance(parts[-1], str):
            parts[-1] += part
        elif part != "":
            parts.append(part)
    return parts


def _like_pattern(parts: list[Part]) -> str:
    out: list[str] = []
    for part in parts:
        if part is SpecialChars.WILDCARD_MULTI:
            out.append("%")
        elif part is SpecialChars.WILDCARD_SINGLE:
            out.append("_")
        else:
            assert isinstance(part, str)
            out.append(re.sub(r"([%_\\])", r"\\\1", part))
    return "".join(out)


def string_match(text: str, parts: list[Part], *, cased: bool) -> str:
    """SQL matching the text expression against a Sigma string (wildcards, case rules)."""
    subject = text if cased else f"lower({text})"

    def lit(value: str) -> str:
        return quote_literal(value if cased else value.lower())

    literals = [part for part in parts if isinstance(part, str)]
    wildcards = [part for part in parts if not isinstance(part, str)]
    if not wildcards:
        return f"{subject} = {lit(''.join(literals))}"
    if not literals and all(part is SpecialChars.WILDCARD_MULTI for part in wildcards):
        return f"{text} IS NOT NULL"
    multi = SpecialChars.WILDCARD_MULTI
    if len(parts) == 3 and parts[0] is multi and parts[2] is multi and isinstance(parts[1], str):
        return f"contains({subject}, {lit(parts[1])})"
    if len(parts) == 2 and parts[1] is multi and isinstance(parts[0], str):
        return f"starts_with({subject}, {lit(parts[0])})"
    if len(parts) == 2 and parts[0] is multi and isinstance(parts[1], str):
        return f"ends_with({subject}, {lit(parts[1])})"
    return f"{subject} LIKE {lit(_like_pattern(parts))} ESCAPE '\\'"


def required_literal(regex: str) -> str | None:
    """A substring every match of the regular expression must contain, if one is evident.

    Conservative: only literal runs outside groups and character classes count, any alternation or
    inline flag gives up, and a character followed by ``?``, ``*`` or ``{`` is optional.
    """
    if re.search(r"(?<!\\)\|", regex) or "(?" in regex:
        return None
    runs: list[str] = []
    run: list[str] = []
    depth = 0
    i = 0

    def close() -> None:
        if run:
            runs.append("".join(run))
            run.clear()

    while i < len(regex):
        char = regex[i]
        if char == "\\" and i + 1 < len(regex):
            escaped = regex[i + 1]
            i += 2
            if depth:
                continue
            if escaped.isalnum():
                close()
            else:
                run.append(escaped)
            continue
        i += 1
        if char == "[":
            close()
            while i < len(regex) and regex[i] != "]":
                i += 2 if regex[i] == "\\" else 1
            i += 1
        elif char == "(":
            depth += 1
            close()
        elif char == ")":
            depth = max(0, depth - 1)
        elif depth:
            continue
        elif char in "*?{":
            if run:
                run.pop()
            close()
            if char == "{":
                while i < len(regex) and regex[i] != "}":
                    i += 1
                i += 1
        elif char in ".^$+":
            close()
        else:
            run.append(char)
    close()
    best = max(runs, key=len, default="")
    return best if len(best) >= 3 else None


def regex_match(text: str, value: SigmaRegularExpression) -> str:
    """SQL searching the text with a Sigma regular expression (RE2 syntax, DuckDB's regexp_matches)."""
    pattern = str(value.regexp)
    flags = "".join(sorted(_REGEX_FLAGS[flag] for flag in value.flags))
    full = f"(?{flags}){pattern}" if flags else pattern
    _check_regex(full)
    expression = f"regexp_matches({text}, {quote_literal(full)})"
    literal = required_literal(pattern)
    if literal is None:
        return expression
    # CASE, not AND: DuckDB may reorder the operands of an AND, and the literal test must come first.
    if "i" in flags:
        return f"(CASE WHEN contains(lower({text}), {quote_literal(literal.lower())}) THEN {expression} ELSE false END)"
    return f"(CASE WHEN contains({text}, {quote_literal(literal)}) THEN {expression} ELSE false END)"


def _check_regex(pattern: str) -> None:
    try:
        duckdb.execute(f"SELECT regexp_matches('', {quote_literal(pattern)})").fetchall()
    except duckdb.Error as error:
        raise RuleCompileError(f"regular expression {pattern!r} is not valid RE2: {error}") from error


def cidr_match(text: str, value: SigmaCIDRExpression) -> str:
    """SQL testing that the text is an IP address inside the network."""
    network = value.network
    if isinstance(network, ipaddress.IPv4Network):
        octets = " + ".join(
            f"TRY_CAST(split_part({text}, '.', {index + 1}) AS BIGINT) * {256 ** (3 - index)}" for index in range(4)
        )
        low, high = int(network.network_address), int(network.broadcast_address)
        return f"(regexp_full_match({text}, {quote_literal(_IPV4)}) AND ({octets}) BETWEEN {low} AND {high})"
    # IPv6: the textual patterns of the network (RFC 5952 spelling), matched case-insensitively.
    patterns = [SigmaString(pattern) for pattern in value.expand()]
    alternatives = [string_match(text, string_parts(pattern), cased=False) for pattern in patterns]
    return "(" + " OR ".join(alternatives) + ")"


def number_match(text: str, number: int | float) -> str:
    """SQL: the value is the number, written as JSON number or string."""
    return f"({text} = {quote_literal(str(number))} OR TRY_CAST({text} AS DOUBLE) = {number!r})"


def field_value_match(field: FieldSql, value: SigmaType) -> Sql:
    """SQL matching one Sigma value (already modified by pySigma) against a field."""
    text = field.text
    columns = field.columns
    if isinstance(value, SigmaExpansion):
        parts = [field_value_match(field, item) for item in value.values]
        return Sql(
            "(" + " OR ".join(part.text for part in parts) + ")",
            frozenset().union(*(part.columns for part in parts)),
        )
    if isinstance(value, SigmaString):
        return Sql(string_match(text, string_parts(value), cased=isinstance(value, SigmaCasedString)), columns)
    if isinstance(value, SigmaRegularExpression):
        return Sql(regex_match(text, value), columns)
    if isinstance(value, SigmaBool):
        return Sql(f"lower({text}) = {quote_literal(str(value.boolean).lower())}", columns)
    if isinstance(value, SigmaTimestampPart):
        part = _TIME_PARTS[value.timestamp_part]
        return Sql(f"date_part('{part}', {field.timestamp}) = {int(value.number)}", columns)
    if isinstance(value, SigmaNumber):
        return Sql(number_match(text, value.number), columns)
    if isinstance(value, SigmaNull):
        return Sql(f"{text} IS NULL", columns)
    if isinstance(value, SigmaExists):
        return Sql(field.exists if value.exists else f"NOT {field.exists}", field.exists_columns)
    if isinstance(value, SigmaCIDRExpression):
        return Sql(cidr_match(text, value), columns)
    if isinstance(value, SigmaCompareExpression):
        operator = _COMPARE[value.op]
        return Sql(f"TRY_CAST({text} AS DOUBLE) {operator} {value.number.number!r}", columns)
    if isinstance(value, SigmaFieldReference):
        other = resolve_field(value.field)
        left, right = f"lower({text})", f"lower({other.text})"
        if value.starts_with and value.ends_with:
            expression = f"contains({left}, {right})"
        elif value.starts_with:
            expression = f"starts_with({left}, {right})"
        elif value.ends_with:
            expression = f"ends_with({left}, {right})"
        else:
            expression = f"{left} = {right}"
        return Sql(expression, columns | other.columns)
    raise RuleCompileError(f"field {field.name!r}: value type {type(value).__name__} is not supported")


def keyword_match(value: SigmaType) -> Sql:
    """SQL matching a keyword (a value without a field) anywhere in the record as delivered (``raw``)."""
    columns = frozenset({RAW_COLUMN})
    if isinstance(value, SigmaExpansion):
        alternatives = [keyword_match(item) for item in value.values]
        return Sql("(" + " OR ".join(part.text for part in alternatives) + ")", columns)
    if isinstance(value, SigmaString):
        parts = string_parts(value)
        multi = SpecialChars.WILDCARD_MULTI
        if not parts or parts[0] is not multi:
            parts.insert(0, multi)
        if parts[-1] is not multi:
            parts.append(multi)
        return Sql(string_match(RAW_COLUMN, parts, cased=isinstance(value, SigmaCasedString)), columns)
    if isinstance(value, SigmaNumber):
        return Sql(f"contains({RAW_COLUMN}, {quote_literal(str(value.number))})", columns)
    if isinstance(value, SigmaRegularExpression):
        return Sql(regex_match(RAW_COLUMN, value), columns)
    raise RuleCompileError(f"keyword value of type {type(value).__name__} is not supported")
