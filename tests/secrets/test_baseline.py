"""The baseline file: accepted findings by fingerprint, detector and location, with clear errors for bad files."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from cloudward.secrets.baseline import KEY_CHECK_TEXT, Baseline, BaselineEntry, BaselineError
from cloudward.secrets.fingerprint import FingerprintKey
from cloudward.secrets.model import Confidence, SecretFinding

KEY = FingerprintKey(bytes(range(32)))
OTHER_KEY = FingerprintKey(bytes(range(1, 33)))


def _finding(value: str, location: str, detector: str = "github-token", line: int = 3) -> SecretFinding:
    return SecretFinding(
        detector=detector,
        title="GitHub token",
        severity="high",
        confidence=Confidence.HIGH,
        redacted=value[:4] + "…",
        length=len(value),
        fingerprint=KEY.fingerprint(value),
        location=location,
        line=line,
        column=7,
    )


def test_written_baseline_accepts_its_findings_with_the_reason_and_nothing_else(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    accepted = _finding("value-one-for-the-baseline", "tests/fixtures/a.env")
    assert Baseline.write(path, [accepted], "fake token for parser tests", key=KEY) == 1

    baseline = Baseline.load(path)
    baseline.check_key(KEY)
    # the line moved (an edit above it): still accepted
    assert baseline.accepts(_finding("value-one-for-the-baseline", "tests/fixtures/a.env", line=40)) == (
        "fake token for parser tests"
    )
    assert baseline.accepts(_finding("value-one-for-the-baseline", "./tests/fixtures/a.env")) is not None
    # same value elsewhere, another value, another detector: not accepted
    assert baseline.accepts(_finding("value-one-for-the-baseline", "src/app.py")) is None
    assert baseline.accepts(_finding("value-two-for-the-baseline", "tests/fixtures/a.env")) is None
    assert baseline.accepts(_finding("value-one-for-the-baseline", "tests/fixtures/a.env", "jwt")) is None


def test_file_format_holds_the_documented_fields_and_no_value(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "baseline.json"
    value = "value-that-must-not-be-written-9f3k"
    Baseline.write(path, [_finding(value, "a.env"), _finding(value, "a.env")], "fixture", key=KEY)
    text = path.read_text()
    assert value not in text
    document = json.loads(text)
    assert document["kind"] == "secrets-baseline"
    assert document["version"] == 1
    assert document["key_check"] == KEY.fingerprint(KEY_CHECK_TEXT)
    assert len(document["entries"]) == 1  # the same finding twice is one entry
    entry = document["entries"][0]
    assert set(entry) == {"fingerprint", "detector", "location", "reason", "added"}
    assert entry["fingerprint"] == KEY.fingerprint(value)
    assert entry["location"] == "a.env"
    assert entry["added"].endswith("+00:00")
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_update_extends_and_keeps_existing_entries(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    first = _finding("first-value-for-baseline-test", "a.env")
    second = _finding("second-value-for-baseline-test", "b.env")
    Baseline.write(path, [first], "first reason", key=KEY)
    assert Baseline.write(path, [first, second], "second reason", key=KEY) == 1
    baseline = Baseline.load(path)
    assert baseline.accepts(first) == "first reason"
    assert baseline.accepts(second) == "second reason"
    assert len(baseline.entries) == 2


def test_glob_location_accepts_a_value_under_a_folder(tmp_path: Path) -> None:
    finding = _finding("value-in-many-fixture-files", "tests/fixtures/deep/x.env")
    entry = BaselineEntry(finding.fingerprint, "github-token", "tests/fixtures/*", "fixtures", "2026-01-01")
    baseline = Baseline([entry])
    assert baseline.accepts(finding) == "fixtures"
    assert baseline.accepts(_finding("value-in-many-fixture-files", "src/x.env")) is None
    anywhere = Baseline([BaselineEntry(finding.fingerprint, "github-token", "*", "revoked", "2026-01-01")])
    assert anywhere.accepts(_finding("value-in-many-fixture-files", "src/x.env")) == "revoked"


def test_stale_entries_are_those_that_matched_nothing() -> None:
    used = _finding("value-still-present-in-code", "a.env")
    gone = _finding("value-removed-from-the-code", "b.env")
    baseline = Baseline(
        [
            BaselineEntry(used.fingerprint, used.detector, used.location, "kept", "2026-01-01"),
            BaselineEntry(gone.fingerprint, gone.detector, gone.location, "gone", "2026-01-01"),
        ]
    )
    assert baseline.accepts(used) == "kept"
    assert [entry.reason for entry in baseline.stale()] == ["gone"]


def test_a_baseline_from_another_key_is_an_error_not_a_silent_miss(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    Baseline.write(path, [_finding("value-under-the-first-key", "a.env")], "x", key=KEY)
    baseline = Baseline.load(path)
    with pytest.raises(BaselineError, match="another fingerprint key"):
        baseline.check_key(OTHER_KEY)
    with pytest.raises(BaselineError, match="another fingerprint key"):
        Baseline.write(path, [], "y", key=OTHER_KEY)


def test_write_needs_a_reason(tmp_path: Path) -> None:
    with pytest.raises(BaselineError, match="reason"):
        Baseline.write(tmp_path / "b.json", [_finding("v" * 20, "a")], "  ", key=KEY)
    assert not (tmp_path / "b.json").exists()


VALID_ENTRY = {
    "fingerprint": "hmac-sha256:" + "0" * 32,
    "detector": "jwt",
    "location": "a",
    "reason": "r",
    "added": "2026-01-01",
}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", r"not valid JSON \(line 1, column 2\)"),
        ("[]", "JSON object"),
        ('{"kind": "other", "version": 1, "entries": []}', "not a cloudward secrets baseline"),
        ('{"kind": "secrets-baseline", "version": 9, "entries": []}', "unsupported baseline version"),
        ('{"kind": "secrets-baseline", "version": 1, "entries": {}}', "'entries' must be a list"),
        ('{"kind": "secrets-baseline", "version": 1, "entries": ["x"]}', r"entries\[0\]: an entry is an object"),
        (
            json.dumps({"kind": "secrets-baseline", "version": 1, "entries": [{**VALID_ENTRY, "reason": ""}]}),
            r"entries\[0\]: 'reason' is missing",
        ),
        (
            json.dumps(
                {"kind": "secrets-baseline", "version": 1, "entries": [VALID_ENTRY, {**VALID_ENTRY, "detector": 3}]}
            ),
            r"entries\[1\]: 'detector' is missing or not a non-empty string",
        ),
        (
            json.dumps({"kind": "secrets-baseline", "version": 1, "key_check": "md5:x", "entries": []}),
            "'key_check' must be",
        ),
    ],
)
def test_bad_files_give_clear_errors(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "baseline.json"
    path.write_text(content)
    with pytest.raises(BaselineError, match=message) as raised:
        Baseline.load(path)
    assert str(path) in str(raised.value)


def test_errors_never_echo_a_field_value(tmp_path: Path) -> None:
    """Someone pastes the secret itself where the fingerprint goes: the error names the field, not the value."""
    pasted = "ghp_" + "Zq8w" * 9
    path = tmp_path / "baseline.json"
    path.write_text(
        json.dumps({"kind": "secrets-baseline", "version": 1, "entries": [{**VALID_ENTRY, "fingerprint": pasted}]})
    )
    with pytest.raises(BaselineError, match=r"entries\[0\]: 'fingerprint' must be") as raised:
        Baseline.load(path)
    assert pasted not in str(raised.value)
    assert "Zq8w" not in str(raised.value)


def test_missing_and_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(BaselineError, match="baseline file not found"):
        Baseline.load(tmp_path / "nope.json")
    with pytest.raises(BaselineError, match="cannot read baseline"):
        Baseline.load(tmp_path)  # a directory
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(BaselineError, match="cannot read baseline"):
        Baseline.load(binary)
