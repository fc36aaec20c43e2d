"""cloudward's Sigma engine against pysigma-backend-sqlite on every SigmaHQ AWS CloudTrail rule.

For each of the 57 rules: records that satisfy each branch of its condition, near misses (one field
changed, its case changed, absent, null, or typed as JSON true/number), and a set of everyday records
go into one event table; the rule must match exactly the same eventIDs in cloudward (DuckDB over the
event store schema) as in the sqlite oracle (the backend's own SQL over the flattened records), and
must match something.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest
from sigma.collection import SigmaCollection
from sigma.rule import SigmaRule

from cloudward.detect.rows import records_to_table
from cloudward.detect.sigma import load_rules, match_events
from tests.detect.sigma_oracle import SIGMA_AWS, RecordFactory, benign_records, rule_records, sqlite_matches

RULE_FILES = sorted(SIGMA_AWS.glob("*.yml"))

# Rules whose matches cannot be compared with the oracle, with the reason. Kept empty: every one of
# the 57 rules is compared.
NOT_COMPARABLE: dict[str, str] = {}


@pytest.fixture(scope="module")
def outcome() -> tuple[dict[str, set[str]], dict[str, set[str]], list[dict[str, Any]]]:
    """(cloudward's matches, the oracle's matches, the records) over one table for all 57 rules."""
    collection = SigmaCollection.load_ruleset(list(RULE_FILES))
    factory = RecordFactory("oracle")
    records: list[dict[str, Any]] = []
    for rule in collection.rules:
        assert isinstance(rule, SigmaRule)
        records.extend(rule_records(rule, factory))
    records.extend(benign_records(factory))
    oracle = sqlite_matches(RULE_FILES, records)
    rules = load_rules(RULE_FILES)
    assert not rules.errors, [str(error) for error in rules.errors]
    connection = duckdb.connect()
    try:
        connection.register("events", records_to_table(records))
        ours = {rule_id: set(ids) for rule_id, ids in match_events(connection, rules).items()}
    finally:
        connection.close()
    return ours, oracle, records


def test_all_57_sigmahq_rules_are_present() -> None:
    assert len(RULE_FILES) == 57, f"expected SigmaHQ's 57 AWS CloudTrail rules in {SIGMA_AWS}"


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda path: Path(path).stem)
def test_rule_matches_the_oracle(
    path: Path, outcome: tuple[dict[str, set[str]], dict[str, set[str]], list[dict[str, Any]]]
) -> None:
    ours, oracle, _ = outcome
    (rule,) = SigmaCollection.load_ruleset([path]).rules
    rule_id = str(rule.id)
    if rule_id in NOT_COMPARABLE:
        pytest.skip(NOT_COMPARABLE[rule_id])
    assert oracle[rule_id], "the synthesised records should make the oracle match"
    assert ours[rule_id] == oracle[rule_id]


def test_near_misses_are_part_of_the_comparison(
    outcome: tuple[dict[str, set[str]], dict[str, set[str]], list[dict[str, Any]]],
) -> None:
    """The records are not all matches: most near misses match nothing, so the sets compare for real."""
    ours, _, records = outcome
    matched = set().union(*ours.values())
    unmatched = [record["eventID"] for record in records if record["eventID"] not in matched]
    assert len(unmatched) > len(records) / 3
    assert any("-case" in event_id for event_id in matched), (
        "case-changed values still match (Sigma is case-insensitive)"
    )
    assert any("-absent" in event_id for event_id in unmatched)
