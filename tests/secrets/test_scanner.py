"""The scanner: fingerprints and redaction, cloud values, chunked scans, both prefilters, and no value leaks."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import stat
from pathlib import Path

import pytest

import cloudward.secrets.scanner as scanner_module
from cloudward.secrets.detectors import DETECTOR_IDS
from cloudward.secrets.fingerprint import ENV_VAR, FingerprintKey, redact
from cloudward.secrets.model import Confidence, SecretFinding
from cloudward.secrets.scanner import SecretMatch, SecretScanner, is_code_path, is_test_path
from tests.secrets import (
    aws_key_id,
    aws_secret,
    aws_session_token,
    azure_sas_key,
    azure_storage_key,
    basic_credentials,
    gcp_service_account,
    github_token,
    gitlab_token,
    google_api_key,
    jwt,
    password,
    pem_body,
    putty_key,
    rand,
    rsa_pem,
    slack_token,
    slack_webhook,
    stripe_key,
    token,
)

KEY = FingerprintKey(bytes(range(32)))
OTHER_KEY = FingerprintKey(bytes(range(1, 33)))


# ---- fingerprints and redaction ---------------------------------------------------------------------------


def test_fingerprint_format_and_stability() -> None:
    value = token()
    first = KEY.fingerprint(value)
    assert first.startswith("hmac-sha256:") and len(first) == len("hmac-sha256:") + 32
    assert FingerprintKey(bytes(range(32))).fingerprint(value.encode()) == first
    assert OTHER_KEY.fingerprint(value) != first
    assert KEY.fingerprint(value + "x") != first


def test_same_secret_same_fingerprint_across_scanners_and_not_across_keys() -> None:
    text = f"GITHUB_TOKEN={github_token()}\nDB_PASSWORD={password()}\n".encode()
    one = SecretScanner(FingerprintKey(bytes(range(32)))).scan_bytes(text, "a.env")
    two = SecretScanner(FingerprintKey(bytes(range(32))), prefilter="re").scan_bytes(text, "b/c.env")
    other = SecretScanner(OTHER_KEY).scan_bytes(text, "a.env")
    assert len(one) == 2
    assert [f.fingerprint for f in one] == [f.fingerprint for f in two]
    assert not {f.fingerprint for f in one} & {f.fingerprint for f in other}


@pytest.mark.parametrize(
    ("value", "shown"),
    [("AKIA" + "ABCDEFGHIJKLMNOP", "AKIA…"), ("hunter22", "hu…"), ("abc", "…"), ("", "…"), ("abcdefghijkl", "abc…")],
)
def test_redact(value: str, shown: str) -> None:
    assert redact(value) == shown
    assert redact(value.encode()) == shown


def test_key_repr_hides_the_key() -> None:
    key = FingerprintKey(b"\x01" * 32)
    assert repr(key) == "FingerprintKey(<32 bytes>)"
    assert "01" not in repr(key)
    with pytest.raises(ValueError):
        FingerprintKey(b"")


def test_key_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.setenv(ENV_VAR, "ab" * 32)
    assert FingerprintKey.load() == FingerprintKey(b"\xab" * 32)
    assert not (tmp_path / "cloudward").exists()
    monkeypatch.setenv(ENV_VAR, "not-hex-zz")
    with pytest.raises(ValueError) as bad:
        FingerprintKey.load()
    assert "not-hex-zz" not in str(bad.value)
    monkeypatch.setenv(ENV_VAR, "ab" * 8)
    with pytest.raises(ValueError, match="at least 16 bytes"):
        FingerprintKey.load()


def test_key_file_created_private_and_reused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    first = FingerprintKey.load()
    path = tmp_path / "cloudward" / "fingerprint.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(bytes.fromhex(path.read_text())) == 32
    assert FingerprintKey.load() == first
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "elsewhere"))
    assert FingerprintKey.load() != first


def test_scanner_without_key_loads_the_user_key(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(ENV_VAR, "cd" * 32)
    value = token()
    [finding] = SecretScanner().scan_bytes(f"api_key = '{value}'\n".encode(), "a.py")
    assert finding.fingerprint == FingerprintKey(b"\xcd" * 32).fingerprint(value)


# ---- cloud configuration values ---------------------------------------------------------------------------


@pytest.fixture
def scanner() -> SecretScanner:
    """The default scanner."""
    return SecretScanner(KEY)


def test_scan_value_uses_the_name_as_context(scanner: SecretScanner) -> None:
    location = "arn:aws:lambda:us-east-1:123456789012:function:f#Environment.DB_PASSWORD"
    [finding] = scanner.scan_value("hunter2-prod-9f3k", location, "DB_PASSWORD")
    assert (finding.detector, finding.context, finding.location) == ("generic-password", "DB_PASSWORD", location)
    assert (finding.line, finding.column, finding.confidence) == (0, 0, Confidence.MEDIUM)
    assert finding.fingerprint == KEY.fingerprint("hunter2-prod-9f3k")


def test_scan_value_without_secret_name_or_with_lookalike(scanner: SecretScanner) -> None:
    assert scanner.scan_value("hunter2-prod-9f3k", "x", "LOG_LEVEL") == []
    assert scanner.scan_value("hunter2-prod-9f3k", "x") == []
    assert scanner.scan_value("changeme", "x", "DB_PASSWORD") == []
    assert scanner.scan_value("{{resolve:ssm-secure:/prod/db}}", "x", "DB_PASSWORD") == []
    assert scanner.scan_value("arn:aws:secretsmanager:us-east-1:1:secret:db", "x", "DB_SECRET_ARN") == []
    assert scanner.scan_value("", "x", "DB_PASSWORD") == []


def test_scan_value_finds_structured_tokens_and_names_them(scanner: SecretScanner) -> None:
    value = github_token()
    [finding] = scanner.scan_value(value, "arn:...#Environment.GH", "GH")
    assert (finding.detector, finding.context, finding.line, finding.column) == ("github-token", "GH", 1, 1)
    url = f"postgres://app:{rand(20)}@db.internal:5432/app"
    [finding] = scanner.scan_value(url, "ssm:/app/db", "DATABASE_URL")
    assert finding.detector == "url-password"
    same = scanner.scan_bytes(f"DATABASE_URL={url}\n".encode(), ".env")
    assert [f.fingerprint for f in same] == [finding.fingerprint]


def test_scan_value_scans_scripts_with_relative_lines(scanner: SecretScanner) -> None:
    secret = token()
    user_data = f"#!/bin/bash\nyum install -y app\nexport API_TOKEN={secret}\n/opt/app/start\n"
    [finding] = scanner.scan_value(user_data, "arn:aws:ec2:...:instance/i-1#UserData", "UserData")
    assert (finding.detector, finding.context, finding.line, finding.column) == ("generic-secret", "API_TOKEN", 3, 18)


def test_scan_value_json_parameter(scanner: SecretScanner) -> None:
    value = json.dumps({"username": "app", "password": password()})
    [finding] = scanner.scan_value(value, "arn:aws:ssm:...:parameter/app/db", "/app/db")
    assert (finding.detector, finding.context) == ("generic-password", "password")


# ---- matches and the values they hold ---------------------------------------------------------------------


def test_match_repr_never_shows_the_value(scanner: SecretScanner) -> None:
    key_id, secret = aws_key_id(), aws_secret()
    [match] = scanner.matches(f"id={key_id}\nsecret={secret}\n".encode(), "x.env")
    assert isinstance(match, SecretMatch)
    assert match.value == key_id.encode() and match.partner == secret.encode()
    for text in (repr(match), str(match)):
        assert key_id not in text and secret not in text
        assert key_id[4:12] not in text and secret[:12] not in text


def test_min_confidence_filters(scanner: SecretScanner) -> None:
    text = f"api_key = '{rand(18, 'abcdef0123456789')}'\n".encode()  # hex, short: LOW only
    assert scanner.scan_bytes(text, "a.py") == []
    low = SecretScanner(KEY, min_confidence=Confidence.LOW).scan_bytes(text, "a.py")
    assert [f.confidence for f in low] == [Confidence.LOW]
    high = SecretScanner(KEY, min_confidence=Confidence.HIGH)
    mixed = f"GITHUB_TOKEN={github_token()}\nDB_PASSWORD={password()}\n".encode()
    assert [f.detector for f in high.scan_bytes(mixed, ".env")] == ["github-token"]


def test_code_and_test_paths() -> None:
    assert is_code_path("src/app.py") and is_code_path("main.TF") and not is_code_path("app.yaml")
    assert not is_code_path("Dockerfile") and not is_code_path(".env")
    assert is_test_path("pkg/tests/x.env") and is_test_path("a.zip!fixtures/k.pem") and is_test_path("db_test.go")
    assert is_test_path("web/app.spec.ts") and is_test_path("src/__tests__/a.js") and is_test_path("FooTest.java")
    assert not is_test_path("src/contest.py") and not is_test_path("latest/config.yaml")


# ---- never a value in any output --------------------------------------------------------------------------


def _canary_document() -> tuple[str, list[str]]:
    """A file with one fake credential of every detector type, and the values that must never show."""
    sa_document, sa_pem = gcp_service_account()
    pem = rsa_pem()
    key_id, secret = aws_key_id(), aws_secret()
    values = {
        "aws-pair": (f"aws_access_key_id = {key_id}\naws_secret_access_key = {secret}\n", [key_id, secret]),
        "session": ("aws_session_token = {v}\n", [aws_session_token()]),
        "github": ("GITHUB_TOKEN={v}\n", [github_token()]),
        "gitlab": ("GITLAB={v}\n", [gitlab_token()]),
        "slack": ("SLACK={v}\n", [slack_token()]),
        "webhook": ("HOOK={v}\n", [slack_webhook()]),
        "stripe": ("STRIPE={v}\n", [stripe_key()]),
        "google": ("MAPS={v}\n", [google_api_key()]),
        "azure-key": ("STORE=DefaultEndpointsProtocol=https;AccountName=a;AccountKey={v};\n", [azure_storage_key()]),
        "azure-conn": (
            "BUS=Endpoint=sb://n.servicebus.windows.net/;SharedAccessKeyName=R;SharedAccessKey={v}\n",
            [azure_sas_key()],
        ),
        "jwt": ("JWT={v}\n", [jwt()]),
        "url": ("DB=postgres://app:{v}@db.internal/app\n", [rand(22)]),
        "basic": ("AUTH_HEADER=Authorization: Basic {v}\n", [basic_credentials()]),
        "bearer": ('CURL=curl -H "Authorization: Bearer {v}"\n', [token(44)]),
        "password": ("DB_PASSWORD={v}\n", [password()]),
        "secret": ("API_KEY={v}\n", [token()]),
    }
    parts: list[str] = []
    leaks: list[str] = []
    for template, secrets in values.values():
        parts.append(template.replace("{v}", secrets[0]))
        leaks += secrets
    second_secret = aws_secret()
    parts.append("\n" * 30 + f"aws_secret_access_key = {second_secret}\n")
    leaks.append(second_secret)
    parts.append(pem)
    leaks.append(pem_body(pem))
    putty = putty_key()
    parts.append(putty)
    private_lines = putty.split("Private-Lines: ")[1].splitlines()[1:4]
    leaks.append("".join(private_lines))
    parts.append(sa_document + "\n")
    leaks.append(pem_body(sa_pem))
    return "".join(parts), leaks


def test_canaries_of_every_detector_never_appear_in_findings() -> None:
    text, leaks = _canary_document()
    findings = SecretScanner(KEY).scan_bytes(text.encode(), "canary/app.env")
    assert {f.detector for f in findings} == set(DETECTOR_IDS)
    rendered: list[str] = []
    for finding in findings:
        rendered.append(repr(finding))
        rendered.append(str(finding))
        rendered.append(json.dumps(finding.to_json(), ensure_ascii=False))
        rendered += [str(v) for v in dataclasses.asdict(finding).values()]
        assert finding.redacted.endswith("…") and len(finding.redacted) <= 5
    everything = "\n".join(rendered)
    for leak in leaks:
        windows = {leak[i : i + 8] for i in range(0, max(1, len(leak) - 7))}
        shown = [w for w in windows if w in everything]
        assert not shown, f"a canary value of length {len(leak)} shows in output"


def test_finding_fields_are_plain_data() -> None:
    [finding] = SecretScanner(KEY).scan_bytes(f"DB_PASSWORD={password()}\n".encode(), "x.env")
    assert isinstance(finding, SecretFinding)
    assert json.loads(json.dumps(finding.to_json()))["detector"] == "generic-password"


# ---- both prefilters, chunked scans -----------------------------------------------------------------------


def _mixed_corpus() -> bytes:
    text, _ = _canary_document()
    filler = "".join(f"def f{i}(x):\n    return x * {i}  # token count, password policy\n" for i in range(2000))
    lookalikes = "password = os.environ['X']\napi_key: ${API_KEY}\nsecret: changeme\n"
    return (filler + text + lookalikes + filler + text).encode()


def test_fallback_prefilter_finds_the_same(scanner: SecretScanner) -> None:
    data = _mixed_corpus()
    fast = [(f.detector, f.line, f.column, f.fingerprint) for f in scanner.scan_bytes(data, "mix/app.env")]
    slow = SecretScanner(KEY, prefilter="re")
    assert slow.prefilter == "re" and scanner.prefilter == "hyperscan"
    assert [(f.detector, f.line, f.column, f.fingerprint) for f in slow.scan_bytes(data, "mix/app.env")] == fast
    assert len(fast) >= 2 * len(DETECTOR_IDS)


def test_without_hyperscan_the_scanner_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scanner_module, "HAVE_HYPERSCAN", False)
    assert SecretScanner(KEY).prefilter == "re"
    with pytest.raises(RuntimeError, match="hyperscan"):
        SecretScanner(KEY, prefilter="hyperscan")


def _single_line_corpus() -> bytes:
    """Single-line credentials every few hundred bytes, so that many fall on chunk boundaries."""
    makers = [github_token, google_api_key, slack_token, stripe_key, jwt, password, token]
    lines = []
    for i in range(1500):
        lines.append(f"# filler line {i} with nothing in it, token policy and password rules apply")
        if i % 3 == 0:
            lines.append(f"KEY_{i}_SECRET = '{makers[i % len(makers)]()}'")
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize(
    ("corpus", "chunk", "overlap"),
    [("single", 4096, 1024), ("single", 10000, 3000), ("mixed", 65536, 8192), ("mixed", 10**7, 65536)],
)
def test_stream_in_chunks_equals_whole_scan(scanner: SecretScanner, corpus: str, chunk: int, overlap: int) -> None:
    data = _single_line_corpus() if corpus == "single" else _mixed_corpus()
    assert len(data) > 2 * chunk or chunk == 10**7
    whole = [(f.detector, f.line, f.column, f.fingerprint) for f in scanner.scan_bytes(data, "big.env")]
    streamed = [
        (m.finding.detector, m.finding.line, m.finding.column, m.finding.fingerprint)
        for m in scanner.scan_stream(io.BytesIO(data), "big.env", chunk_bytes=chunk, overlap_bytes=overlap)
    ]
    assert len(whole) > 100 if corpus == "single" else len(whole) > 30
    assert streamed == whole


def test_stream_rejects_bad_overlap(scanner: SecretScanner) -> None:
    with pytest.raises(ValueError):
        list(scanner.scan_stream(io.BytesIO(b"x"), "x", chunk_bytes=100, overlap_bytes=100))


def test_empty_and_binaryish_inputs(scanner: SecretScanner) -> None:
    assert scanner.scan_bytes(b"", "empty") == []
    assert scanner.scan_bytes(os.urandom(1 << 16), "random.bin") == []
    assert list(scanner.scan_stream(io.BytesIO(b""), "empty")) == []


def test_every_trigger_match_contains_one_of_its_keywords() -> None:
    """The fallback finds triggers through their keywords: a keyword-less match would be missed."""
    import re

    from cloudward.secrets.detectors import all_triggers

    text, _ = _canary_document()
    data = (text + _single_line_corpus().decode()).encode()
    matched = 0
    for _, trigger in all_triggers():
        pattern = re.compile(trigger.pattern, re.IGNORECASE if trigger.caseless else 0)
        for m in pattern.finditer(data):
            matched += 1
            assert any(k in m.group(0).lower() for k in trigger.keywords), (trigger.pattern, trigger.keywords)
    assert matched > 100


def test_long_minified_line(scanner: SecretScanner) -> None:
    """A megabyte line: windows stay bounded, the column is right, generic hits there are only LOW."""
    value = github_token()
    unit = '{"a":1,"token":"' + rand(12) + '","key":2},'
    line = unit * 40_000 + f'"gh":"{value}"' + "," + unit * 10
    [finding] = [f for f in scanner.scan_bytes(line.encode(), "dist/app.min.js") if f.detector == "github-token"]
    assert (finding.line, finding.column) == (1, line.index(value) + 1)
    code = ("var a=1;" * 200 + 'e.apiToken="' + rand(32) + '";') * 10
    assert scanner.scan_bytes(code.encode(), "bundle.min.js") == []
    low = SecretScanner(KEY, min_confidence=Confidence.LOW).scan_bytes(code.encode(), "bundle.min.js")
    assert len(low) == 10 and {f.confidence for f in low} == {Confidence.LOW}


def test_one_scanner_shared_by_threads(scanner: SecretScanner) -> None:
    from concurrent.futures import ThreadPoolExecutor

    data = _mixed_corpus()
    expected = [f.fingerprint for f in scanner.scan_bytes(data, "x.env")]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: [f.fingerprint for f in scanner.scan_bytes(data, "x.env")], range(8)))
    assert results == [expected] * 8
