"""Writers: JSON, SARIF 2.1.0, CSV and the console table, read back the way their consumers read them."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import Any

import pytest

from cloudward import __version__
from cloudward.secrets.fingerprint import FingerprintKey
from cloudward.secrets.model import Confidence, SecretFinding
from cloudward.secrets.output import (
    CSV_COLUMNS,
    SARIF_FINGERPRINT_KEY,
    ScanError,
    sarif_document,
    write_csv,
    write_json,
    write_sarif,
    write_text,
)

KEY = FingerprintKey(b"output-tests-key-0123456789abcdef")


def _finding(
    detector: str,
    severity: str,
    location: str,
    line: int = 0,
    column: int = 0,
    *,
    value: str = "",
    **fields: Any,
) -> SecretFinding:
    value = value or f"{detector}-value-{location}-{line}"
    return SecretFinding(
        detector=detector,
        title=f"{detector} title",
        severity=severity,
        confidence=fields.pop("confidence", Confidence.HIGH),
        redacted=value[:2] + "…",
        length=len(value),
        fingerprint=KEY.fingerprint(value),
        location=location,
        line=line,
        column=column,
        **fields,
    )


FINDINGS = [
    _finding("generic-password", "medium", "src/settings.py", 12, 14, context="DB_PASSWORD"),
    _finding(
        "aws-access-key",
        "critical",
        "deploy/.env",
        3,
        19,
        extra={"paired": True, "verified": "live", "caller_arn": "arn:aws:iam::1:user/ci"},
    ),
    _finding("jwt", "low", "docs/my notes.md", 7, 1, confidence=Confidence.LOW),
    _finding("private-key", "high", "release.zip!keys/id_rsa", 1, 1),
    _finding("github-token", "high", "app/config.yml", 2, 9, commit="a" * 40, author_date="2024-01-02T03:04:05+00:00"),
    _finding("generic-secret", "medium", "arn:aws:lambda:us-east-1:1:function:f#Environment.API_SECRET"),
    _finding("slack-webhook", "medium", "/abs/path/hooks.txt", 4, 2),
]
ERRORS = [ScanError("broken.zip", "corrupt archive (BadZipFile)")]


def test_json_document_has_tool_version_findings_errors_and_summary() -> None:
    out = io.StringIO()
    write_json(FINDINGS, out, errors=ERRORS, accepted=2, stale_baseline_entries=1)
    document = json.loads(out.getvalue())
    assert document["tool"] == "cloudward"
    assert document["version"] == __version__
    assert document["findings"] == [finding.to_json() for finding in FINDINGS]
    assert document["errors"] == [{"location": "broken.zip", "message": "corrupt archive (BadZipFile)"}]
    summary = document["summary"]
    assert summary["findings"] == 7
    assert summary["by_severity"] == {"critical": 1, "high": 2, "medium": 3, "low": 1}
    assert summary["by_detector"]["generic-password"] == 1
    assert summary["accepted_by_baseline"] == 2
    assert summary["stale_baseline_entries"] == 1
    assert summary["errors"] == 1


def test_json_with_no_findings_is_valid_and_streams_from_a_generator() -> None:
    out = io.StringIO()
    write_json(iter(()), out)
    document = json.loads(out.getvalue())
    assert document["findings"] == []
    assert document["summary"]["findings"] == 0
    out = io.StringIO()
    write_json((finding for finding in FINDINGS[:2]), out)
    assert len(json.loads(out.getvalue())["findings"]) == 2


# The requirements of SARIF 2.1.0 this writer relies on, as a JSON schema (the OASIS schema is not shipped with
# the project; set CLOUDWARD_SARIF_SCHEMA to its path to validate against it as well).
SARIF_SUBSET: dict[str, Any] = {
    "type": "object",
    "required": ["version", "runs"],
    "properties": {
        "version": {"const": "2.1.0"},
        "$schema": {"type": "string"},
        "runs": {"type": "array", "minItems": 1, "items": {"$ref": "#/definitions/run"}},
    },
    "definitions": {
        "message": {"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}}},
        "rule": {
            "type": "object",
            "required": ["id", "shortDescription", "help", "defaultConfiguration"],
            "properties": {
                "id": {"type": "string"},
                "name": {"type": "string", "pattern": "^[A-Z][A-Za-z]*$"},
                "shortDescription": {"$ref": "#/definitions/message"},
                "fullDescription": {"$ref": "#/definitions/message"},
                "help": {"type": "object", "required": ["text"], "properties": {"markdown": {"type": "string"}}},
                "helpUri": {"type": "string", "format": "uri"},
                "defaultConfiguration": {
                    "type": "object",
                    "properties": {"level": {"enum": ["none", "note", "warning", "error"]}},
                },
                "properties": {
                    "type": "object",
                    "properties": {"security-severity": {"type": "string", "pattern": r"^\d+\.\d$"}},
                },
            },
        },
        "region": {
            "type": "object",
            "required": ["startLine"],
            "properties": {
                "startLine": {"type": "integer", "minimum": 1},
                "startColumn": {"type": "integer", "minimum": 1},
            },
            "additionalProperties": False,
        },
        "artifactLocation": {
            "type": "object",
            "required": ["uri"],
            "properties": {"uri": {"type": "string", "pattern": "^[^ \\\\]*$"}, "uriBaseId": {"type": "string"}},
            "additionalProperties": False,
        },
        "result": {
            "type": "object",
            "required": ["ruleId", "ruleIndex", "level", "message", "locations", "partialFingerprints"],
            "properties": {
                "ruleId": {"type": "string"},
                "ruleIndex": {"type": "integer", "minimum": 0},
                "level": {"enum": ["none", "note", "warning", "error"]},
                "message": {"$ref": "#/definitions/message"},
                "locations": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "required": ["physicalLocation"],
                        "properties": {
                            "physicalLocation": {
                                "type": "object",
                                "required": ["artifactLocation"],
                                "properties": {
                                    "artifactLocation": {"$ref": "#/definitions/artifactLocation"},
                                    "region": {"$ref": "#/definitions/region"},
                                },
                                "additionalProperties": False,
                            }
                        },
                    },
                },
                "partialFingerprints": {"type": "object", "additionalProperties": {"type": "string"}},
                "properties": {"type": "object"},
            },
        },
        "run": {
            "type": "object",
            "required": ["tool", "results"],
            "properties": {
                "tool": {
                    "type": "object",
                    "required": ["driver"],
                    "properties": {
                        "driver": {
                            "type": "object",
                            "required": ["name", "rules"],
                            "properties": {
                                "name": {"type": "string"},
                                "version": {"type": "string"},
                                "rules": {"type": "array", "items": {"$ref": "#/definitions/rule"}},
                            },
                        }
                    },
                },
                "results": {"type": "array", "items": {"$ref": "#/definitions/result"}},
                "columnKind": {"enum": ["utf16CodeUnits", "unicodeCodePoints"]},
                "invocations": {
                    "type": "array",
                    "items": {"type": "object", "required": ["executionSuccessful"]},
                },
            },
        },
    },
}


def _validate_sarif(document: dict[str, Any]) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(document, SARIF_SUBSET)
    official = os.environ.get("CLOUDWARD_SARIF_SCHEMA")
    if official:
        jsonschema.validate(document, json.loads(Path(official).read_text()))


def test_sarif_validates_and_has_one_rule_per_detector_with_the_fix() -> None:
    out = io.StringIO()
    detectors = {"stripe-key": ("Stripe secret key", "high")}  # a detector with no result is listed too
    write_sarif(FINDINGS, out, detectors=detectors, errors=ERRORS)
    document = json.loads(out.getvalue())
    _validate_sarif(document)
    run = document["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == sorted({f.detector for f in FINDINGS} | {"stripe-key"})
    for rule in rules:
        assert "Secrets Manager" in rule["help"]["text"]
        assert "Parameter Store" in rule["help"]["text"]
        assert "Secrets Manager" in rule["help"]["markdown"]
    by_id = {rule["id"]: rule for rule in rules}
    assert by_id["aws-access-key"]["defaultConfiguration"]["level"] == "error"
    assert float(by_id["aws-access-key"]["properties"]["security-severity"]) >= 9.0
    assert "update-access-key" in by_id["aws-access-key"]["help"]["text"]
    assert by_id["stripe-key"]["shortDescription"]["text"] == "Stripe secret key"
    assert run["tool"]["driver"]["version"] == __version__
    notifications = run["invocations"][0]["toolExecutionNotifications"]
    assert notifications[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "broken.zip"


def _results_by_detector() -> dict[str, dict[str, Any]]:
    document = sarif_document(FINDINGS)
    run = document["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    results = {result["ruleId"]: result for result in run["results"]}
    for result in results.values():
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    return results


def test_sarif_results_carry_region_fingerprint_and_level() -> None:
    results = _results_by_detector()
    password = results["generic-password"]
    location = password["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "src/settings.py", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 12, "startColumn": 14}
    assert password["partialFingerprints"] == {SARIF_FINGERPRINT_KEY: FINDINGS[0].fingerprint}
    assert password["level"] == "warning"
    assert "DB_PASSWORD" in password["message"]["text"]
    assert results["jwt"]["level"] == "note"
    assert results["private-key"]["level"] == "error"
    assert "live (arn:aws:iam::1:user/ci)" in results["aws-access-key"]["message"]["text"]
    assert results["github-token"]["properties"]["commit"] == "a" * 40
    assert "aaaaaaaaaaaa" in results["github-token"]["message"]["text"]


def test_sarif_uris_for_spaces_archives_absolute_paths_and_cloud_resources() -> None:
    results = _results_by_detector()

    def artifact(detector: str) -> dict[str, Any]:
        physical: dict[str, Any] = results[detector]["locations"][0]["physicalLocation"]
        return physical

    assert artifact("jwt")["artifactLocation"]["uri"] == "docs/my%20notes.md"
    archive = artifact("private-key")
    assert archive["artifactLocation"] == {"uri": "release.zip", "uriBaseId": "%SRCROOT%"}
    assert "region" not in archive  # a line inside the member is not a line of the archive
    assert "keys/id_rsa" in results["private-key"]["message"]["text"]
    assert artifact("slack-webhook")["artifactLocation"] == {"uri": "file:///abs/path/hooks.txt"}
    cloud = artifact("generic-secret")
    assert cloud["artifactLocation"]["uri"].startswith("arn:aws:lambda:")
    assert "region" not in cloud  # line 0: no region


def test_sarif_official_schema_when_available() -> None:
    """Runs against the OASIS schema when CLOUDWARD_SARIF_SCHEMA points at it; the subset always."""
    document = sarif_document(FINDINGS, errors=ERRORS)
    _validate_sarif(document)
    empty = sarif_document([])
    _validate_sarif(empty)
    assert empty["runs"][0]["results"] == []


def test_csv_rows_and_formula_cells_are_defused() -> None:
    formula = _finding("generic-password", "medium", "=HYPERLINK(evil).txt", 1, 1, context="+cmd")
    out = io.StringIO()
    write_csv([*FINDINGS, formula], out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == len(FINDINGS) + 1
    first = rows[0]
    assert first["location"] == "src/settings.py"
    assert first["line"] == "12"
    assert first["fingerprint"] == FINDINGS[0].fingerprint
    assert first["context"] == "DB_PASSWORD"
    assert rows[1]["verified"] == "live (arn:aws:iam::1:user/ci)"
    assert rows[4]["commit"] == "a" * 40
    assert rows[-1]["location"] == "'=HYPERLINK(evil).txt"
    assert rows[-1]["context"] == "'+cmd"


def test_text_table_lists_most_severe_first_and_prints_names_literally() -> None:
    markup = _finding("generic-secret", "low", "src/[red]weird[/red].py", 5, 3)
    out = io.StringIO()
    write_text([*FINDINGS, markup], out, width=250)
    text = out.getvalue()
    assert text.index("critical") < text.index("high") < text.index("medium") < text.index(" low ")
    assert "src/settings.py:12:14" in text
    assert "ge… (" in text  # redacted value and its length
    assert "DB_PASSWORD" in text
    assert "src/[red]weird[/red].py:5:3" in text  # rich markup in a file name is shown, not interpreted
    assert "live (arn:aws:iam::1:user/ci)" in text
    assert "aaaaaaaaaaaa" in text  # the commit column appears when a finding has one
    assert "8 secrets (1 critical, 2 high, 3 medium, 2 low)" in text
    assert "\x1b[" not in text  # not a terminal: no colour codes


def test_text_without_findings() -> None:
    out = io.StringIO()
    write_text([], out)
    assert out.getvalue().strip() == "No secrets found."
