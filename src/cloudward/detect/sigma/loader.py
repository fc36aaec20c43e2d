"""Load Sigma rule files (SigmaHQ's, unchanged, or cloudward's own Sigma-shaped rules) into a RuleSet.

pySigma parses the YAML. Each file is parsed on its own, so a broken file becomes one
:class:`RuleError` naming it while every other file still loads. Rules for another log source than
AWS CloudTrail are skipped with a note. Correlation rules are resolved against the detection rules of
all the files loaded together (by ``id`` or ``name``). Sigma filters (``filter:`` documents) are
applied to the rules they name.

One extension of pySigma's parsing: a correlation ``condition`` with two operators defines a range
(``{gt: 10, lte: 100}``, as the Sigma correlation specification allows); pySigma accepts one, so the
full condition is kept aside and the engine checks both bounds.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml
from sigma.collection import SigmaCollection
from sigma.correlations import (
    CorrelationConditionAND,
    CorrelationConditionItem,
    CorrelationConditionNOT,
    CorrelationConditionOR,
    SigmaCorrelationCondition,
    SigmaCorrelationRule,
    SigmaCorrelationType,
    SigmaExtendedCorrelationCondition,
    SigmaRuleReference,
)
from sigma.exceptions import SigmaRuleLocation
from sigma.filters import SigmaFilter
from sigma.rule import SigmaRule

from cloudward.detect.sigma.compiler import compile_rule
from cloudward.detect.sigma.matchers import RuleCompileError
from cloudward.detect.sigma.rules import (
    DEFAULT_LEVEL,
    CorrelationRule,
    DetectionRule,
    Rule,
    RuleError,
    RuleSet,
    attack_tactics,
    attack_techniques,
    level_severity,
)

RULE_SUFFIXES = (".yml", ".yaml")
CORRELATION_TYPES = ("event_count", "value_count", "temporal", "temporal_ordered")
_OPERATORS = ("gt", "gte", "lt", "lte", "eq", "neq")
_RANGE_KEY = "x-cloudward-correlation-condition"

AnyRule = SigmaRule | SigmaCorrelationRule


def rule_files(paths: Sequence[Path]) -> tuple[list[Path], list[RuleError]]:
    """The rule files under the given files and directories (``*.yml``, ``*.yaml``, recursively)."""
    files: list[Path] = []
    errors: list[RuleError] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix.lower() in RULE_SUFFIXES and p.is_file()))
        elif path.is_file():
            files.append(path)
        else:
            errors.append(RuleError(path, None, "no such file or directory"))
    return files, errors


def _documents(path: Path) -> list[dict[str, Any]]:
    """The YAML documents of a rule file, with correlation ranges set aside for pySigma."""
    documents: list[dict[str, Any]] = []
    for loaded in yaml.safe_load_all(path.read_text(encoding="utf-8")):
        if loaded is None:
            continue
        if not isinstance(loaded, dict):
            raise ValueError(f"a rule document must be a mapping, not {type(loaded).__name__}")
        document: dict[str, Any] = loaded
        correlation = document.get("correlation")
        if isinstance(correlation, dict) and isinstance(correlation.get("condition"), dict):
            condition = correlation["condition"]
            operators = [key for key in condition if key in _OPERATORS]
            if len(operators) > 1:
                document = copy.deepcopy(document)
                document[_RANGE_KEY] = dict(condition)
                narrowed = {operators[0]: condition[operators[0]]}
                if "field" in condition:
                    narrowed["field"] = condition["field"]
                document["correlation"]["condition"] = narrowed
        documents.append(document)
    return documents


def _label(rule: AnyRule | SigmaFilter) -> str:
    return rule.title or str(rule.id or rule.name or "untitled rule")


def _parse_file(path: Path, errors: list[RuleError]) -> tuple[list[AnyRule], list[SigmaFilter]]:
    try:
        documents = _documents(path)
        collection = SigmaCollection.from_dicts(
            documents,
            collect_errors=True,
            source=SigmaRuleLocation(path),
            collect_filters=True,
            resolve_references=False,
        )
    except Exception as error:  # a broken file must not stop the others: report it, whatever it is
        errors.append(RuleError(path, None, f"cannot parse: {type(error).__name__}: {error}"))
        return [], []
    rules: list[AnyRule] = []
    reported: set[int] = set()
    for rule in collection.rules:
        if rule.errors:
            errors.append(RuleError(path, _label(rule), "; ".join(str(problem) for problem in rule.errors)))
            reported.update(id(problem) for problem in rule.errors)
        else:
            rules.append(rule)
    filters: list[SigmaFilter] = []
    for sigma_filter in collection.filters:
        if sigma_filter.errors:
            errors.append(RuleError(path, _label(sigma_filter), "; ".join(str(e) for e in sigma_filter.errors)))
            reported.update(id(problem) for problem in sigma_filter.errors)
        else:
            filters.append(sigma_filter)
    for problem in collection.errors:
        if id(problem) not in reported:
            errors.append(RuleError(path, None, str(problem)))
    if not documents:
        errors.append(RuleError(path, None, "the file holds no rule"))
    return rules, filters


def _source_path(rule: AnyRule | SigmaFilter, default: Path) -> Path:
    return rule.source.path if rule.source is not None and rule.source.path is not None else default


def _metadata(rule: AnyRule, path: Path, fallback_id: str, origin: str | None) -> dict[str, Any]:
    tags = tuple(str(tag) for tag in rule.tags)
    level = str(rule.level) if rule.level is not None else DEFAULT_LEVEL
    uuid = str(rule.id) if rule.id is not None else None
    return {
        "rule_id": rule.name or uuid or fallback_id,
        "title": rule.title,
        "level": level,
        "severity": level_severity(level),
        "techniques": attack_techniques(tags),
        "tactics": attack_tactics(tags),
        "description": (rule.description or "").strip(),
        "path": path,
        "uuid": uuid,
        "name": rule.name,
        "tags": tags,
        "emits": True,
        "origin": origin,
    }


def _is_cloudtrail(rule: SigmaRule) -> bool:
    product = (rule.logsource.product or "").lower()
    service = (rule.logsource.service or "").lower()
    return product == "aws" and service == "cloudtrail"


def _expression(node: CorrelationConditionItem | SigmaRuleReference, resolve: dict[str, str]) -> tuple[object, ...]:
    if isinstance(node, SigmaRuleReference):
        return ("rule", resolve[node.reference])
    args = [_expression(arg, resolve) for arg in node.args]
    if isinstance(node, CorrelationConditionNOT):
        return ("not", args[0])
    if isinstance(node, CorrelationConditionAND):
        return ("and", *args)
    if isinstance(node, CorrelationConditionOR):
        return ("or", *args)
    raise RuleCompileError(f"correlation condition element {type(node).__name__} is not supported")


class _Loader:
    """Holds the state of one load_rules call."""

    def __init__(self, origin: str | None) -> None:
        self.origin = origin
        self.result = RuleSet()
        self.by_key: dict[str, AnyRule] = {}
        self.compiled: dict[int, Rule] = {}
        self.failed: dict[int, str] = {}
        self.skipped: dict[int, str] = {}
        self.paths: dict[int, Path] = {}

    def register(self, rule: AnyRule, path: Path) -> bool:
        keys = [key for key in (str(rule.id).lower() if rule.id else None, rule.name) if key]
        for key in keys:
            if key in self.by_key:
                other = self.paths[id(self.by_key[key])]
                self.result.errors.append(
                    RuleError(path, _label(rule), f"duplicate rule id/name {key!r} (also in {other})")
                )
                return False
        for key in keys:
            self.by_key[key] = rule
        self.paths[id(rule)] = path
        return True

    def lookup(self, reference: str) -> AnyRule | None:
        return self.by_key.get(reference.lower()) or self.by_key.get(reference)

    def detection(self, rule: SigmaRule, path: Path, fallback_id: str) -> None:
        if rule.status is not None and str(rule.status) == "unsupported":
            reason = "status: unsupported (its authors mark it as not usable as written)"
            self.skipped[id(rule)] = reason
            self.result.skipped.append(RuleError(path, _label(rule), reason))
            return
        if not _is_cloudtrail(rule):
            source = "/".join(
                f"{key}={value}"
                for key, value in (
                    ("product", rule.logsource.product),
                    ("service", rule.logsource.service),
                    ("category", rule.logsource.category),
                )
                if value
            )
            reason = f"log source {source or 'unspecified'} is not aws/cloudtrail"
            self.skipped[id(rule)] = reason
            self.result.skipped.append(RuleError(path, _label(rule), reason))
            return
        try:
            compiled = compile_rule(rule)
        except Exception as error:  # one rule that cannot compile must not stop the others
            message = str(error) if isinstance(error, RuleCompileError) else f"{type(error).__name__}: {error}"
            self.failed[id(rule)] = message
            self.result.errors.append(RuleError(path, _label(rule), message))
            return
        self.compiled[id(rule)] = DetectionRule(
            **_metadata(rule, path, fallback_id, self.origin),
            predicate=compiled.predicate.text,
            columns=compiled.predicate.columns,
            anchor=compiled.anchor,
        )

    def correlation(self, rule: SigmaCorrelationRule, path: Path, fallback_id: str) -> None:
        try:
            self.compiled[id(rule)] = self._correlation(rule, path, fallback_id)
        except _SkipCorrelationError as skip:
            self.result.skipped.append(RuleError(path, _label(rule), str(skip)))
        except Exception as error:  # one rule that cannot compile must not stop the others
            message = str(error) if isinstance(error, RuleCompileError) else f"{type(error).__name__}: {error}"
            self.result.errors.append(RuleError(path, _label(rule), message))

    def _correlation(self, rule: SigmaCorrelationRule, path: Path, fallback_id: str) -> CorrelationRule:
        kind = rule.type.name.lower() if isinstance(rule.type, SigmaCorrelationType) else str(rule.type)
        if kind not in CORRELATION_TYPES:
            raise RuleCompileError(
                f"correlation type {kind} is not supported (supported: {', '.join(CORRELATION_TYPES)})"
            )
        references = list(rule.rules or [])
        condition = rule.condition
        if not references and isinstance(condition, SigmaExtendedCorrelationCondition):
            references = [SigmaRuleReference(name) for name in condition.get_referenced_rules()]
        if not references:
            raise RuleCompileError("the correlation names no rules")
        resolve: dict[str, str] = {}
        base_ids: list[str] = []
        for reference in references:
            target = self.lookup(reference.reference)
            if target is None:
                raise RuleCompileError(f"refers to unknown rule {reference.reference!r}")
            if isinstance(target, SigmaCorrelationRule):
                raise RuleCompileError(
                    f"refers to correlation {reference.reference!r}: chained correlations are not supported"
                )
            if id(target) in self.skipped:
                raise _SkipCorrelationError(f"base rule {reference.reference!r} is skipped: {self.skipped[id(target)]}")
            if id(target) in self.failed:
                raise RuleCompileError(f"base rule {reference.reference!r} failed: {self.failed[id(target)]}")
            base = self.compiled[id(target)]
            resolve[reference.reference] = base.rule_id
            base_ids.append(base.rule_id)
        conditions: tuple[tuple[str, float], ...] = ()
        expression: tuple[object, ...] | None = None
        value_field: str | None = None
        if isinstance(condition, SigmaExtendedCorrelationCondition):
            expression = _expression(condition.parsed, resolve)
        elif isinstance(condition, SigmaCorrelationCondition):
            full = rule.custom_attributes.get(_RANGE_KEY) or {condition.op.name.lower(): condition.count}
            conditions = tuple((op, float(full[op])) for op in _OPERATORS if op in full)
            field_ref = condition.fieldref
            if isinstance(field_ref, list):
                if len(field_ref) != 1:
                    raise RuleCompileError("value_count counts one field")
                field_ref = field_ref[0]
            value_field = field_ref
        if kind == "value_count" and not value_field:
            raise RuleCompileError("value_count needs a condition field")
        aliases: dict[str, dict[str, str]] = {}
        for alias in rule.aliases:
            mapping: dict[str, str] = {}
            for reference, field_name in alias.mapping.items():
                if reference.reference not in resolve:
                    raise RuleCompileError(
                        f"alias {alias.alias!r} names rule {reference.reference!r}, not in the correlation"
                    )
                mapping[resolve[reference.reference]] = field_name
            aliases[alias.alias] = mapping
        for reference in references:
            target = self.lookup(reference.reference)
            assert target is not None
            if not rule.generate:
                self.compiled[id(target)] = dataclasses.replace(self.compiled[id(target)], emits=False)
        return CorrelationRule(
            **_metadata(rule, path, fallback_id, self.origin),
            kind=kind,
            rules=tuple(base_ids),
            group_by=tuple(rule.group_by or ()),
            timespan=timedelta(seconds=rule.timespan.seconds),
            conditions=conditions,
            value_field=value_field,
            aliases=aliases,
            expression=expression,
        )


class _SkipCorrelationError(Exception):
    """A correlation over rules that do not apply to CloudTrail."""


def load_rules(paths: Sequence[Path], *, source: str | None = None) -> RuleSet:
    """Load Sigma rules from files and directories (searched recursively for ``*.yml``/``*.yaml``).

    Args:
        paths: rule files and directories.
        source: the ``source`` of these rules' alerts (``builtin``, ``sigma``); without it, run_rules'
            ``source`` applies. Lets rule sets of both kinds, added together, run in one pass.

    Returns:
        The rules that compiled, plus one error per file or rule that did not (naming the file) and one
        note per rule skipped because its log source is not AWS CloudTrail.
    """
    loader = _Loader(source)
    files, loader.result.errors = rule_files(paths)
    parsed: list[tuple[AnyRule, Path, str]] = []
    filters: list[SigmaFilter] = []
    for path in files:
        rules, file_filters = _parse_file(path, loader.result.errors)
        filters.extend(file_filters)
        for index, rule in enumerate(rules):
            rule_path = _source_path(rule, path)
            fallback = path.stem if len(rules) == 1 else f"{path.stem}#{index + 1}"
            if loader.register(rule, rule_path):
                parsed.append((rule, rule_path, fallback))
    for sigma_filter in filters:
        for rule, path, _ in parsed:
            if isinstance(rule, SigmaRule):
                try:
                    sigma_filter.apply_on_rule(rule)
                except Exception as error:  # a filter that breaks a rule is that filter's error
                    loader.result.errors.append(
                        RuleError(
                            _source_path(sigma_filter, path),
                            _label(sigma_filter),
                            f"applying to {_label(rule)}: {error}",
                        )
                    )
    for rule, path, fallback in parsed:
        if isinstance(rule, SigmaRule):
            loader.detection(rule, path, fallback)
    for rule, path, fallback in parsed:
        if isinstance(rule, SigmaCorrelationRule):
            loader.correlation(rule, path, fallback)
    loader.result.rules = [loader.compiled[id(rule)] for rule, _, _ in parsed if id(rule) in loader.compiled]
    return loader.result
