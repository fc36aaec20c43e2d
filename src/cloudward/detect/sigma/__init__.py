"""Sigma rules over the event store: load rule files, compile them to DuckDB SQL, run them into alerts.

``load_rules(paths)`` parses Sigma YAML (SigmaHQ's rules unchanged, or cloudward's Sigma-shaped
built-in rules) with pySigma; ``run_rules(connection, rules)`` evaluates them over the ``events`` view
and returns :class:`cloudward.detect.alert.Alert` objects.
"""

from cloudward.detect.sigma.engine import match_events, run_rules
from cloudward.detect.sigma.loader import load_rules
from cloudward.detect.sigma.rules import CorrelationRule, DetectionRule, Rule, RuleError, RuleSet

__all__ = [
    "CorrelationRule",
    "DetectionRule",
    "Rule",
    "RuleError",
    "RuleSet",
    "load_rules",
    "match_events",
    "run_rules",
]
