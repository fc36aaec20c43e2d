"""A Sigma rule's detection as one SQL predicate over the event store, plus its prefilter anchor.

The condition (``selection and not 1 of filter_*``) arrives from pySigma as a tree of AND/OR/NOT
over field/value leaves, with ``1 of``/``all of`` already expanded. Each leaf becomes a matcher (see
:mod:`cloudward.detect.sigma.matchers`). SQL has three-valued logic, Sigma two: a comparison with a
missing field is NULL in SQL but false in Sigma, so the operand of every NOT is folded with
``COALESCE(..., false)``; under AND/OR a NULL leaf then behaves as false wherever it decides the result.

The anchor is what makes one scan over the store enough for many rules: a necessary condition on
``eventName`` (or, failing that, ``eventSource``) read off the condition tree. Only the rows that
satisfy some rule's anchor are read in full.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sigma.conditions import (
    ConditionAND,
    ConditionFieldEqualsValueExpression,
    ConditionItem,
    ConditionNOT,
    ConditionOR,
    ConditionValueExpression,
)
from sigma.exceptions import SigmaError
from sigma.rule import SigmaRule
from sigma.types import SigmaCasedString, SigmaExpansion, SigmaString, SigmaType, SpecialChars

from cloudward.detect.sigma.fields import quote_identifier, quote_literal, resolve_field
from cloudward.detect.sigma.matchers import RuleCompileError, Sql, field_value_match, keyword_match, string_parts

ConditionNode = ConditionItem | ConditionFieldEqualsValueExpression | ConditionValueExpression

ANCHOR_FIELDS = ("eventName", "eventSource")
MIN_PREFIX = 10  # a shorter eventName prefix (Get, List, Describe) selects too many records to anchor on


@dataclass(frozen=True)
class Anchor:
    """A necessary condition on one column: its lower-cased value is in ``values`` or starts with a prefix."""

    field: str
    values: frozenset[str]
    prefixes: frozenset[str]

    def sql(self, lowered: str | None = None) -> str:
        """The anchor as SQL over ``lower(<field>)`` (or over an already lower-cased expression)."""
        subject = lowered or f"lower({quote_identifier(self.field)})"
        terms: list[str] = []
        if self.values:
            terms.append(f"{subject} IN ({', '.join(quote_literal(value) for value in sorted(self.values))})")
        terms.extend(f"starts_with({subject}, {quote_literal(prefix)})" for prefix in sorted(self.prefixes))
        return "(" + " OR ".join(terms) + ")"

    def size(self) -> int:
        """How many alternatives the anchor has (smaller is more selective)."""
        return len(self.values) + 4 * len(self.prefixes)


@dataclass(frozen=True)
class CompiledDetection:
    """A rule's detection compiled to SQL."""

    predicate: Sql
    anchor: Anchor | None


def parse_conditions(rule: SigmaRule) -> list[ConditionNode]:
    """The rule's condition trees (one per ``condition`` entry), parsed by pySigma."""
    trees: list[ConditionNode] = []
    try:
        for condition in rule.detection.parsed_condition:
            tree = condition.parse()
            if tree is None:
                raise RuleCompileError(f"condition {condition.condition!r} selects nothing")
            trees.append(tree)
    except SigmaError as error:
        raise RuleCompileError(str(error)) from error
    if not trees:
        raise RuleCompileError("the rule has no condition")
    return trees


def _plain_string(value: SigmaType) -> str | None:
    """The literal text of a string value without wildcards (case-insensitive), else None."""
    if isinstance(value, SigmaString) and not isinstance(value, SigmaCasedString):
        parts = string_parts(value)
        if all(isinstance(part, str) for part in parts):
            return "".join(part for part in parts if isinstance(part, str))
    return None


def compile_condition(node: ConditionNode) -> Sql:
    """One condition tree as a SQL boolean expression."""
    if isinstance(node, ConditionFieldEqualsValueExpression):
        return field_value_match(resolve_field(node.field), node.value)
    if isinstance(node, ConditionValueExpression):
        return keyword_match(node.value)
    if isinstance(node, ConditionNOT):
        inner = compile_condition(_child(node.args[0]))
        return Sql(f"NOT COALESCE(({inner.text}), false)", inner.columns)
    if isinstance(node, ConditionOR):
        in_list = _in_list(node)
        if in_list is not None:
            return in_list
        return _join(" OR ", (compile_condition(_child(arg)) for arg in node.args))
    if isinstance(node, ConditionAND):
        return _join(" AND ", (compile_condition(_child(arg)) for arg in node.args))
    raise RuleCompileError(f"condition element {type(node).__name__} is not supported")


def _child(arg: object) -> ConditionNode:
    if isinstance(arg, ConditionItem | ConditionFieldEqualsValueExpression | ConditionValueExpression):
        return arg
    raise RuleCompileError(f"condition element {type(arg).__name__} is not supported")


def _join(operator: str, parts: Iterable[Sql]) -> Sql:
    compiled = list(parts)
    return Sql(
        "(" + operator.join(part.text for part in compiled) + ")",
        frozenset().union(*(part.columns for part in compiled)),
    )


def _in_list(node: ConditionOR) -> Sql | None:
    """``field: [a, b, c]`` (plain strings on one field) as one ``lower(field) IN (...)``."""
    fields = set()
    values: list[str] = []
    for arg in node.args:
        if not isinstance(arg, ConditionFieldEqualsValueExpression):
            return None
        text = _plain_string(arg.value)
        if text is None:
            return None
        fields.add(arg.field)
        values.append(text.lower())
    if len(fields) != 1 or len(values) < 2:
        return None
    field = resolve_field(fields.pop())
    listed = ", ".join(quote_literal(value) for value in dict.fromkeys(values))
    return Sql(f"lower({field.text}) IN ({listed})", field.columns)


def _value_bound(value: SigmaType) -> tuple[frozenset[str], frozenset[str]] | None:
    if isinstance(value, SigmaExpansion):
        bounds = [_value_bound(item) for item in value.values]
        if any(bound is None for bound in bounds):
            return None
        return _union(bound for bound in bounds if bound is not None)
    if not isinstance(value, SigmaString):
        return None
    parts = string_parts(value)
    if all(isinstance(part, str) for part in parts):
        return frozenset({"".join(part for part in parts if isinstance(part, str)).lower()}), frozenset()
    if len(parts) == 2 and isinstance(parts[0], str) and parts[1] is SpecialChars.WILDCARD_MULTI:
        return frozenset(), frozenset({parts[0].lower()})
    return None


def _union(bounds: Iterable[tuple[frozenset[str], frozenset[str]]]) -> tuple[frozenset[str], frozenset[str]]:
    values: set[str] = set()
    prefixes: set[str] = set()
    for bound_values, bound_prefixes in bounds:
        values |= bound_values
        prefixes |= bound_prefixes
    return frozenset(values), frozenset(prefixes)


def field_bound(node: ConditionNode, field: str) -> tuple[frozenset[str], frozenset[str]] | None:
    """Values (and prefixes) the field must take for the condition to hold, or None when unbounded."""
    if isinstance(node, ConditionFieldEqualsValueExpression):
        return _value_bound(node.value) if node.field == field else None
    if isinstance(node, ConditionAND):
        bounds = [bound for bound in (field_bound(_child(arg), field) for arg in node.args) if bound is not None]
        if not bounds:
            return None
        return min(bounds, key=lambda bound: len(bound[0]) + 4 * len(bound[1]))
    if isinstance(node, ConditionOR):
        maybe = [field_bound(_child(arg), field) for arg in node.args]
        if any(bound is None for bound in maybe):
            return None
        return _union(bound for bound in maybe if bound is not None)
    return None


def anchor_of(trees: list[ConditionNode]) -> Anchor | None:
    """The anchor every condition tree implies, on eventName or eventSource.

    eventName is the more selective field, unless its anchor has a short prefix
    (``eventName|startswith: Get`` matches far more records than ``eventSource: iam.amazonaws.com``).
    """
    anchors = []
    for field in ANCHOR_FIELDS:
        bounds = [field_bound(tree, field) for tree in trees]
        if all(bound is not None for bound in bounds):
            values, prefixes = _union(bound for bound in bounds if bound is not None)
            if values or prefixes:
                anchors.append(Anchor(field, values, prefixes))
    good = [anchor for anchor in anchors if all(len(prefix) >= MIN_PREFIX for prefix in anchor.prefixes)]
    chosen = good or anchors
    return chosen[0] if chosen else None


def compile_rule(rule: SigmaRule) -> CompiledDetection:
    """Compile a Sigma rule's detection (all its conditions, OR-ed) to SQL."""
    trees = parse_conditions(rule)
    predicate = _join(" OR ", (compile_condition(tree) for tree in trees)) if len(trees) > 1 else None
    if predicate is None:
        predicate = compile_condition(trees[0])
    return CompiledDetection(predicate=predicate, anchor=anchor_of(trees))
