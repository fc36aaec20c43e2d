"""Loaded rules: the metadata an alert needs, and what the engine runs.

Two kinds, as in Sigma: a :class:`DetectionRule` matches single records (a compiled SQL predicate
over the event store) and a :class:`CorrelationRule` matches groups of records that detection rules
matched (``event_count``, ``value_count``, ``temporal``, ``temporal_ordered``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from cloudward.checks.model import Severity
from cloudward.detect.alert import SIGMA_LEVELS
from cloudward.detect.sigma.compiler import Anchor

DEFAULT_LEVEL = "medium"
_TECHNIQUE = re.compile(r"t\d{4}(\.\d{3})?", re.IGNORECASE)
# ATT&CK object ids that are not tactics: groups, software, mitigations, data sources, campaigns.
_NOT_TACTIC = re.compile(r"(g|s|m|ds|c|ta)\d{4}", re.IGNORECASE)


def attack_techniques(tags: Iterable[str]) -> tuple[str, ...]:
    """``attack.t1562.008`` tags as technique ids (``T1562.008``), in tag order, without repeats."""
    found: dict[str, None] = {}
    for tag in tags:
        namespace, _, name = tag.partition(".")
        if namespace.lower() == "attack" and _TECHNIQUE.fullmatch(name):
            found[name.upper()] = None
    return tuple(found)


def attack_tactics(tags: Iterable[str]) -> tuple[str, ...]:
    """The other ``attack.*`` tags: tactic names (``defense-evasion``), in tag order, without repeats."""
    found: dict[str, None] = {}
    for tag in tags:
        namespace, _, name = tag.partition(".")
        if (
            namespace.lower() == "attack"
            and name
            and not _TECHNIQUE.fullmatch(name)
            and not _NOT_TACTIC.fullmatch(name)
        ):
            found[name.lower().replace("_", "-")] = None
    return tuple(found)


def level_severity(level: str) -> Severity:
    """A Sigma level (``high``) as a cloudward severity."""
    return SIGMA_LEVELS.get(level, SIGMA_LEVELS[DEFAULT_LEVEL])


@dataclass(frozen=True)
class Rule:
    """What every rule carries.

    Attributes:
        rule_id: the rule's ``name`` if it has one, else its ``id`` (a UUID).
        title: the rule's title.
        level: the Sigma level (``informational`` ... ``critical``; ``medium`` when the rule has none).
        severity: the level as a cloudward severity.
        techniques: ATT&CK technique ids from ``attack.tNNNN[.NNN]`` tags (``T1562.008``).
        tactics: ATT&CK tactic names from the other ``attack.*`` tags (``defense-evasion``).
        description: the rule's description.
        path: the file the rule came from.
        uuid: the rule's ``id``, if any.
        name: the rule's ``name``, if any.
        tags: every tag, as written.
        emits: whether the rule raises alerts itself (a rule that only feeds a correlation does not,
            unless the correlation says ``generate: true``).
        origin: the alerts' ``source`` for this rule (``builtin``, ``sigma``), when given to load_rules;
            else run_rules' ``source`` applies.
    """

    rule_id: str
    title: str
    level: str
    severity: Severity
    techniques: tuple[str, ...]
    tactics: tuple[str, ...]
    description: str
    path: Path | None
    uuid: str | None
    name: str | None
    tags: tuple[str, ...]
    emits: bool
    origin: str | None = None


@dataclass(frozen=True)
class DetectionRule(Rule):
    """A rule over single records.

    Attributes:
        predicate: the detection as a SQL boolean over the ``events`` columns.
        columns: the event-store columns the predicate reads.
        anchor: a necessary condition on eventName/eventSource used to prefilter the store, if any.
    """

    predicate: str = ""
    columns: frozenset[str] = frozenset()
    anchor: Anchor | None = None


@dataclass(frozen=True)
class CorrelationRule(Rule):
    """A Sigma correlation over the records its base rules matched.

    Attributes:
        kind: ``event_count``, ``value_count``, ``temporal`` or ``temporal_ordered``.
        rules: the ``rule_id`` of each base rule, in the order the correlation lists them.
        group_by: fields (or aliases) whose values must be equal within a group.
        timespan: the window length.
        conditions: ``(operator, threshold)`` pairs that must all hold (two make a range), operators
            ``gt``, ``gte``, ``lt``, ``lte``, ``eq``, ``neq``. Empty when ``expression`` decides.
        value_field: the field whose distinct values ``value_count`` counts.
        aliases: alias name -> base rule_id -> the field that alias stands for in that rule's records.
        expression: for an extended temporal condition (``rule_a and not rule_b``), the parsed
            expression as nested tuples: ``("rule", rule_id)``, ``("not", x)``, ``("and", x, y...)``,
            ``("or", x, y...)``.
    """

    kind: str = "event_count"
    rules: tuple[str, ...] = ()
    group_by: tuple[str, ...] = ()
    timespan: timedelta = timedelta(minutes=1)
    conditions: tuple[tuple[str, float], ...] = ()
    value_field: str | None = None
    aliases: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    expression: tuple[object, ...] | None = None

    def group_field(self, group: str, rule_id: str) -> str:
        """The record field that a ``group-by`` entry names in the records of one base rule."""
        return self.aliases.get(group, {}).get(rule_id, group)


@dataclass(frozen=True)
class RuleError:
    """A rule file, or a rule in it, that could not be used.

    Attributes:
        path: the file.
        rule: the rule's title or id when the problem is one rule of the file, else None.
        message: what is wrong.
    """

    path: Path
    rule: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.rule}: {self.message}" if self.rule else f"{self.path}: {self.message}"


@dataclass
class RuleSet:
    """Rules loaded from files, with the files or rules that could not be used.

    Attributes:
        rules: detection and correlation rules, in file order.
        errors: rule files or rules that failed to load or compile (each names its file).
        skipped: valid rules that do not apply to CloudTrail (another log source), with the reason.
    """

    rules: list[Rule] = field(default_factory=list)
    errors: list[RuleError] = field(default_factory=list)
    skipped: list[RuleError] = field(default_factory=list)

    @property
    def detections(self) -> list[DetectionRule]:
        """The detection rules."""
        return [rule for rule in self.rules if isinstance(rule, DetectionRule)]

    @property
    def correlations(self) -> list[CorrelationRule]:
        """The correlation rules."""
        return [rule for rule in self.rules if isinstance(rule, CorrelationRule)]

    def __add__(self, other: RuleSet) -> RuleSet:
        """Both sets in one (to run them in one pass); a rule whose rule_id the first set has is an error."""
        known = {rule.rule_id for rule in self.rules}
        combined = RuleSet(list(self.rules), [*self.errors, *other.errors], [*self.skipped, *other.skipped])
        for rule in other.rules:
            if rule.rule_id in known:
                path = rule.path or Path(rule.rule_id)
                combined.errors.append(RuleError(path, rule.title, f"duplicate rule id {rule.rule_id!r}"))
            else:
                combined.rules.append(rule)
        return combined

    def get(self, rule_id: str) -> Rule:
        """The rule with this rule_id (KeyError if none)."""
        for rule in self.rules:
            if rule.rule_id == rule_id:
                return rule
        raise KeyError(rule_id)
