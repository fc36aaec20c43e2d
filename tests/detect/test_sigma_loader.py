"""load_rules: files and directories, rule metadata, and a clear error per bad file that stops nothing else."""

from __future__ import annotations

from pathlib import Path

import yaml

from cloudward.checks.model import Severity
from cloudward.detect.sigma import CorrelationRule, DetectionRule, load_rules
from tests.detect.sigma_oracle import SIGMA_AWS, rule_file

SELECTION = {"selection": {"eventName": "StopLogging"}, "condition": "selection"}


def test_the_sigmahq_directory_loads_with_its_unusable_rules_reported(tmp_path: Path) -> None:
    rules = load_rules([SIGMA_AWS])
    assert len(rules.detections) == 57
    assert not rules.correlations
    skipped = {item.path.name for item in rules.skipped}
    assert len(skipped) == 8
    assert all("status: unsupported" in item.message for item in rules.skipped)
    (error,) = rules.errors
    assert error.path.name == "aws_cloudtrail_console_login_success_from_susp_locations.yml"
    assert "placeholder" in error.message


def test_metadata(tmp_path: Path) -> None:
    path = rule_file(
        tmp_path,
        SELECTION,
        id="5f3c1e0a-1d2b-4c3d-8e9f-0a1b2c3d4e5f",
        level="low",
        tags=["attack.defense_evasion", "attack.t1562.008", "attack.s0001", "cve.2021-1234"],
        description="  CloudTrail stopped.  ",
    )
    (rule,) = load_rules([path]).detections
    assert rule.rule_id == "5f3c1e0a-1d2b-4c3d-8e9f-0a1b2c3d4e5f"
    assert rule.uuid == rule.rule_id
    assert rule.name is None
    assert rule.level == "low"
    assert rule.severity is Severity.LOW
    assert rule.techniques == ("T1562.008",)
    assert rule.tactics == ("defense-evasion",)
    assert rule.description == "CloudTrail stopped."
    assert rule.path == path
    assert rule.emits
    assert rule.anchor is not None
    assert rule.anchor.values == frozenset({"stoplogging"})


def test_a_broken_file_is_reported_and_the_others_load(tmp_path: Path) -> None:
    good = rule_file(tmp_path, SELECTION, stem="good")
    (tmp_path / "broken.yml").write_text("title: x\ndetection: [unclosed\n", encoding="utf-8")
    (tmp_path / "list.yml").write_text("- just\n- a list\n", encoding="utf-8")
    rule_file(tmp_path, {"selection": {"eventName|nosuchmodifier": "x"}, "condition": "selection"}, stem="modifier")
    rule_file(tmp_path, {"selection": {"eventName": "x"}, "condition": "selection and missing"}, stem="condition")
    rule_file(tmp_path, {"selection": {"eventName|re": "(unclosed"}, "condition": "selection"}, stem="regex")
    rules = load_rules([tmp_path, tmp_path / "absent.yml"])
    assert [rule.path for rule in rules.rules] == [good]
    reported = {error.path.name for error in rules.errors}
    assert reported == {"broken.yml", "list.yml", "modifier.yml", "condition.yml", "regex.yml", "absent.yml"}
    assert all(str(error).startswith(str(error.path)) for error in rules.errors)


def test_other_log_sources_are_skipped_with_a_note(tmp_path: Path) -> None:
    rule_file(tmp_path, SELECTION, stem="windows", logsource={"product": "windows", "service": "security"})
    rules = load_rules([tmp_path])
    assert rules.rules == []
    assert rules.errors == []
    (note,) = rules.skipped
    assert "product=windows/service=security" in note.message


def test_names_ids_and_correlation_references(tmp_path: Path) -> None:
    documents = [
        {
            "title": "Access denied",
            "name": "cloudward.access_denied",
            "id": "0b0e7b4a-8f4e-4c1f-9a55-2d3c4b5a6f70",
            "logsource": {"product": "aws", "service": "cloudtrail"},
            "detection": {"selection": {"errorCode|startswith": "AccessDenied"}, "condition": "selection"},
            "level": "informational",
        },
        {
            "title": "Access denied burst",
            "name": "cloudward.access_denied_burst",
            "tags": ["attack.discovery", "attack.t1580"],
            "correlation": {
                "type": "event_count",
                "rules": ["0b0e7b4a-8f4e-4c1f-9a55-2d3c4b5a6f70"],
                "group-by": ["userIdentity.arn"],
                "timespan": "10m",
                "condition": {"gte": 20, "lt": 1000},
            },
            "level": "medium",
        },
        {
            "title": "Dangling",
            "correlation": {
                "type": "event_count",
                "rules": ["nope"],
                "group-by": ["x"],
                "timespan": "1m",
                "condition": {"gte": 1},
            },
        },
    ]
    path = tmp_path / "burst.yml"
    path.write_text(yaml.safe_dump_all(documents), encoding="utf-8")
    rules = load_rules([path])
    base = rules.get("cloudward.access_denied")
    burst = rules.get("cloudward.access_denied_burst")
    assert isinstance(base, DetectionRule)
    assert not base.emits
    assert base.anchor is None
    assert isinstance(burst, CorrelationRule)
    assert burst.rules == ("cloudward.access_denied",)
    assert burst.conditions == (("gte", 20.0), ("lt", 1000.0))
    assert burst.timespan.total_seconds() == 600
    assert burst.techniques == ("T1580",)
    (error,) = rules.errors
    assert error.rule == "Dangling"
    assert "unknown rule 'nope'" in error.message


def test_duplicate_ids_are_reported(tmp_path: Path) -> None:
    first = rule_file(tmp_path, SELECTION, stem="first", id="11111111-2222-3333-4444-555555555555")
    rule_file(tmp_path, SELECTION, stem="second", id="11111111-2222-3333-4444-555555555555")
    rules = load_rules([tmp_path])
    assert [rule.path for rule in rules.rules] == [first]
    (error,) = rules.errors
    assert error.path.name == "second.yml"
    assert "duplicate" in error.message


def test_sigma_filters_apply_to_the_rules_they_name(tmp_path: Path) -> None:
    rule_file(tmp_path, SELECTION, stem="rule", name="stop_logging")
    sigma_filter = {
        "title": "Not the automation role",
        "logsource": {"product": "aws", "service": "cloudtrail"},
        "filter": {
            "rules": ["stop_logging"],
            "selection": {"userIdentity.arn|endswith": ":role/automation"},
            "condition": "not selection",
        },
    }
    (tmp_path / "filter.yml").write_text(yaml.safe_dump(sigma_filter), encoding="utf-8")
    rules = load_rules([tmp_path])
    assert not rules.errors, [str(error) for error in rules.errors]
    (rule,) = rules.detections
    assert ":role/automation" in rule.predicate
