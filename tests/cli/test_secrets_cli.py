"""`cloudward secrets` end to end, and the canary test: no secret value ever reaches any output.

Canary secrets (fake, built at run time from random parts) of every detector go through every output format,
the baseline file, --verify (live through the lab's emulated STS, and errors from an unreachable endpoint),
--git, and error messages; then every byte written to stdout, stderr and files is searched for any piece of
any canary.
"""

from __future__ import annotations

import base64
import json
import os
import random
import shlex
import socket
import string
import subprocess
import sys
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import typer
import yaml
from typer.testing import CliRunner, Result

from cloudward.cli.secrets import secrets_command

ROOT = Path(__file__).resolve().parents[2]
DETECTOR_IDS = (
    "aws-access-key",
    "aws-secret-key",
    "aws-session-token",
    "github-token",
    "gitlab-token",
    "slack-token",
    "slack-webhook",
    "stripe-key",
    "google-api-key",
    "gcp-service-account",
    "azure-storage-key",
    "azure-connection-string",
    "private-key",
    "jwt",
    "url-password",
    "basic-auth",
    "bearer-token",
    "generic-password",
    "generic-secret",
)
TEST_KEY = "5e" * 32

app = typer.Typer()
app.command("secrets")(secrets_command)


@app.callback()
def _root() -> None:
    """A command group holding only `secrets`, as `cloudward` does."""


runner = CliRunner()


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return runner.invoke(app, ["secrets", *args], env=env, catch_exceptions=False)


# ---------------------------------------------------------------------------------------------------- canaries

ALNUM = string.ascii_letters + string.digits
BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase


@dataclass
class Canaries:
    """Fake secrets and the random parts of each: none of these parts may appear in any output."""

    rng: random.Random
    parts: list[str] = field(default_factory=list)

    def random(self, length: int, alphabet: str = ALNUM) -> str:
        part = "".join(self.rng.choice(alphabet) for _ in range(length))
        self.parts.append(part)
        return part

    def leaks(self, text: str) -> list[str]:
        """Pieces of canaries (10 characters or more) found in ``text``."""
        found = []
        for part in self.parts:
            for start in range(0, max(len(part) - 9, 1), 3):
                window = part[start : start + 10]
                if window in text:
                    found.append(window)
                    break
        return found


def _github_token(canaries: Canaries) -> str:
    body = canaries.random(30)
    checksum = zlib.crc32(body.encode())
    digits = ""
    while checksum:
        checksum, digit = divmod(checksum, 62)
        digits = BASE62[digit] + digits
    return "ghp_" + body + digits.rjust(6, "0")


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _private_key_pem(canaries: Canaries) -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    ).decode()
    canaries.parts.extend(line for line in pem.splitlines() if not line.startswith("-----"))
    return pem


def write_canary_tree(root: Path, canaries: Canaries) -> dict[str, str]:
    """One file per detector id; returns {detector id: relative path}."""
    c = canaries
    key_id = "AKIA" + c.random(16, string.ascii_uppercase + "234567")
    aws_secret = c.random(40, ALNUM + "+/")
    lone_secret = c.random(40, ALNUM + "+/")
    session = "IQoJb3JpZ2luX2VjE" + c.random(340, ALNUM + "+/")
    pem_for_sa = _private_key_pem(c)
    service_account = {
        "type": "service_account",
        "project_id": "orbit-prod-4471",
        "private_key_id": c.random(40, "0123456789abcdef"),
        "private_key": pem_for_sa,
        "client_email": "deployer@orbit-prod-4471.iam.gserviceaccount.com",
        "client_id": c.random(21, string.digits),
        "token_uri": "https://oauth2.googleapis.com/token",
    }
    jwt_header = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    jwt_payload = _b64url(json.dumps({"sub": c.random(12), "iat": 1767225600, "name": "Ada"}).encode())
    jwt = f"{jwt_header}.{jwt_payload}.{c.random(43, ALNUM + '-_')}"
    c.parts.append(jwt_payload)
    basic = base64.b64encode(f"deploy:{c.random(18)}".encode()).decode()
    c.parts.append(basic)
    files = {
        "aws-access-key": ("deploy/aws.env", f"aws_access_key_id={key_id}\naws_secret_access_key={aws_secret}\n"),
        "aws-secret-key": ("deploy/ci.env", f"AWS_SECRET_ACCESS_KEY={lone_secret}\n"),
        "aws-session-token": ("deploy/session.env", f"aws_session_token = {session}\n"),
        "github-token": ("src/release.py", f'GITHUB_TOKEN = "{_github_token(c)}"\n'),
        "gitlab-token": ("ci/mirror.yml", f"mirror:\n  token: glpat-{c.random(20, ALNUM + '-_')}\n"),
        "slack-token": (
            "bots/notify.py",
            f'SLACK_BOT_TOKEN = "xoxb-{c.random(12, string.digits)}-{c.random(13, string.digits)}-{c.random(24)}"\n',
        ),
        "slack-webhook": (
            "bots/hook.txt",
            "https://hooks.slack.com/services/T"
            + c.random(10, string.ascii_uppercase + string.digits)
            + "/B"
            + c.random(10, string.ascii_uppercase + string.digits)
            + "/"
            + c.random(24)
            + "\n",
        ),
        "stripe-key": ("billing/stripe.rb", f'Stripe.api_key = "sk_live_{c.random(99)}"\n'),
        "google-api-key": ("web/maps.js", f'const mapsKey = "AIza{c.random(35, ALNUM + "-_")}";\n'),
        "gcp-service-account": ("gcp/deployer.json", json.dumps(service_account, indent=2) + "\n"),
        "azure-storage-key": (
            "azure/storage.config",
            "DefaultEndpointsProtocol=https;AccountName=orbitstore;AccountKey="
            + c.random(86, ALNUM + "+/")
            + "==;EndpointSuffix=core.windows.net\n",
        ),
        "azure-connection-string": (
            "azure/bus.config",
            "Endpoint=sb://orbit.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;"
            f"SharedAccessKey={c.random(43, ALNUM + '+/')}=\n",
        ),
        "private-key": ("keys/deploy_rsa", _private_key_pem(c)),
        "jwt": ("auth/session.txt", f"session={jwt}\n"),
        "url-password": ("db/url.cfg", f"DATABASE_URL=postgres://orbit:{c.random(20)}@db.internal:5432/orbit\n"),
        "basic-auth": ("http/basic.http", f"GET /api HTTP/1.1\nAuthorization: Basic {basic}\n"),
        "bearer-token": ("http/bearer.http", f"GET /api HTTP/1.1\nAuthorization: Bearer {c.random(48)}\n"),
        "generic-password": ("app/settings.py", f'DB_PASSWORD = "{c.random(8)}-Prod-{c.random(6)}"\n'),
        "generic-secret": ("app/oauth.py", f'client_secret = "{c.random(32)}"\n'),
    }
    for relative, content in files.values():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content)
    return {detector: relative for detector, (relative, _) in files.items()}


@pytest.fixture
def workdir(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty directory outside anything named like a test, as the current directory, with a fixed key."""
    with tempfile.TemporaryDirectory(prefix="cw-secrets-") as raw:
        root = Path(raw)
        monkeypatch.chdir(root)
        monkeypatch.setenv("CLOUDWARD_SECRETS_KEY", TEST_KEY)
        yield root


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _git(root: Path, *args: str) -> None:
    environment = {**os.environ, "GIT_AUTHOR_DATE": "@1767225600 +0000", "GIT_COMMITTER_DATE": "@1767225600 +0000"}
    subprocess.run(
        ["git", "-c", "user.name=Canary", "-c", "user.email=canary@cloudward.invalid", *args],
        cwd=root, env=environment, check=True, capture_output=True,
    )  # fmt: skip


def test_no_canary_value_appears_in_any_output(workdir: Path, lab_endpoint: str) -> None:
    canaries = Canaries(random.Random(20261101))
    tree = workdir / "tree"
    paths = write_canary_tree(tree, canaries)
    (tree / "broken.zip").write_bytes(b"PK\x03\x04" + (tree / "deploy/aws.env").read_bytes())  # corrupt archive
    outputs: list[str] = []

    def run(*args: str, expect: int) -> Result:
        result = invoke(*args)
        outputs.extend([result.stdout, result.stderr])
        assert result.exit_code == expect, result.stdout + result.stderr
        return result

    run("tree", expect=1)  # text table on stdout
    run("tree", "--format", "csv", expect=1)
    run("tree", "--all", "--format", "json", "-o", "report.json", expect=1)
    run("tree", "--format", "sarif", "-o", "report.sarif", expect=1)
    run("tree", "--format", "text", "-o", "report.txt", expect=1)
    run("tree", "--format", "csv", "-o", "report.csv", expect=1)

    report = json.loads((workdir / "report.json").read_text())
    found = {finding["detector"] for finding in report["findings"]}
    assert set(DETECTOR_IDS) <= found, f"canaries not detected: {set(DETECTOR_IDS) - found}"
    assert {finding["location"] for finding in report["findings"] if finding["detector"] == "jwt"} == {
        f"tree/{paths['jwt']}"
    }
    assert any(error["location"].endswith("broken.zip") for error in report["errors"])

    # --verify: the canary pair through the lab's STS (moto says live for any key), then an unreachable STS
    verified = run("tree", "--verify", "--endpoint-url", lab_endpoint, "--format", "json", expect=1)
    document = json.loads(verified.stdout)
    aws = [f for f in document["findings"] if f["detector"] == "aws-access-key"]
    assert [f["extra"]["verified"] for f in aws] == ["live"]
    assert "1 live" in verified.stderr
    unreachable = f"http://127.0.0.1:{_closed_port()}"
    failed = run("tree", "--verify", "--endpoint-url", unreachable, "--format", "sarif", expect=1)
    assert "EndpointConnectionError" in failed.stdout
    run("tree", "--verify", "--endpoint-url", unreachable, expect=1)

    # the baseline: written, then used (everything accepted), then with a canary pasted in as a bad entry
    run("tree", "--all", "--baseline", "baseline.json", "--update-baseline", "--reason", "canaries", expect=0)
    run("tree", "--all", "--baseline", "baseline.json", "--format", "json", expect=0)
    bad = json.loads((workdir / "baseline.json").read_text())
    bad["entries"][0]["fingerprint"] = canaries.parts[0]
    (workdir / "bad-baseline.json").write_text(json.dumps(bad))
    rejected = run("tree", "--baseline", "bad-baseline.json", expect=2)
    assert "'fingerprint' must be" in rejected.stderr

    # git history
    _git(tree, "init", "-q", "-b", "main")
    _git(tree, "add", "-A")
    _git(tree, "commit", "-q", "-m", "canaries")
    history = run("--git", "tree", "--format", "json", expect=1)
    assert set(DETECTOR_IDS) - {"generic-password", "generic-secret"} <= {
        f["detector"] for f in json.loads(history.stdout)["findings"]
    }
    history_verified = run("--git", "tree", "--verify", "--endpoint-url", lab_endpoint, "--format", "csv", expect=1)
    assert "2 live, 0 dead" in history_verified.stderr  # read back from the blobs (git sees broken.zip as text)
    assert "live (arn:aws:sts::" in history_verified.stdout

    sources = {f"run output {index}": text for index, text in enumerate(outputs)}
    sources |= {path.name: path.read_text() for path in workdir.iterdir() if path.is_file()}
    del sources["bad-baseline.json"]  # the input holding a pasted canary, not an output
    assert sum(len(text) for text in sources.values()) > 10_000
    assert [name for name, text in sources.items() if canaries.leaks(text)] == []


# ---------------------------------------------------------------------------------------------------- behaviour


def _aws_env(seed: int) -> str:
    rng = random.Random(seed)
    key_id = "AKIA" + "".join(rng.choice(string.ascii_uppercase + "234567") for _ in range(16))
    secret = "".join(rng.choice(ALNUM + "+/") for _ in range(40))
    return f"aws_access_key_id = {key_id}\naws_secret_access_key = {secret}\n"


def test_exit_codes_follow_findings_and_fail_on(workdir: Path) -> None:
    (workdir / "clean").mkdir()
    (workdir / "clean" / "readme.md").write_text("nothing to see\n")
    clean = invoke("clean")
    assert clean.exit_code == 0, clean.stderr
    assert "No secrets found." in clean.stdout
    assert "0 findings" in clean.stderr

    (workdir / "leaky").mkdir()
    (workdir / "leaky" / "deploy.env").write_text(_aws_env(1))
    leaky = invoke("leaky")
    assert leaky.exit_code == 1
    assert "leaky/deploy.env:1:" in leaky.stdout
    assert "aws-access-key" in leaky.stdout
    assert "critical" in leaky.stdout

    (workdir / "mild").mkdir()
    (workdir / "mild" / "settings.py").write_text('DB_PASSWORD = "Tr4vel-Orbit-9f3k"\n')
    mild = json.loads(invoke("mild", "--format", "json").stdout)
    severities = {finding["severity"] for finding in mild["findings"]}
    assert severities and "critical" not in severities
    assert invoke("mild", "--fail-on", "critical").exit_code == 0
    assert invoke("mild").exit_code == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing-dir"], "no such file or directory: missing-dir"),
        ([".", "--update-baseline", "--reason", "x"], "--update-baseline needs --baseline"),
        ([".", "--baseline", "b.json", "--update-baseline"], "--update-baseline needs --reason"),
        ([".", "--reason", "x"], "--reason is only used with --update-baseline"),
        ([".", "--endpoint-url", "http://127.0.0.1:9"], "--endpoint-url is only used with --verify"),
        ([".", "--baseline", "nope.json"], "baseline file not found"),
        (["--git", "."], "is not a git repository"),
    ],
)
def test_usage_errors_exit_2_with_one_clear_line(workdir: Path, args: list[str], message: str) -> None:
    result = invoke(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_key_is_a_usage_error(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLOUDWARD_SECRETS_KEY", "not-hex-zz")
    result = invoke(".")
    assert result.exit_code == 2
    assert "fingerprint key" in result.stderr
    assert "not-hex-zz" not in result.stderr


def test_baseline_accepts_then_reports_new_and_stale_entries(workdir: Path) -> None:
    (workdir / "app").mkdir()
    (workdir / "app" / "one.env").write_text(_aws_env(2))
    created = invoke(".", "--baseline", "baseline.json", "--update-baseline", "--reason", "known fake key")
    assert created.exit_code == 0, created.stderr
    assert "1 entries added" in created.stderr

    accepted = invoke(".", "--baseline", "baseline.json")
    assert accepted.exit_code == 0
    assert "1 accepted by the baseline" in accepted.stderr
    assert "No secrets found." in accepted.stdout

    (workdir / "app" / "two.env").write_text(_aws_env(3))
    new = invoke(".", "--baseline", "baseline.json", "--format", "json")
    assert new.exit_code == 1
    document = json.loads(new.stdout)
    assert [f["location"] for f in document["findings"] if f["detector"] == "aws-access-key"] == ["app/two.env"]
    assert document["summary"]["accepted_by_baseline"] >= 1

    (workdir / "app" / "one.env").unlink()
    stale = invoke(".", "--baseline", "baseline.json")
    assert "matched nothing in this run" in stale.stderr
    assert "known fake key" in stale.stderr

    other_key = invoke(".", "--baseline", "baseline.json", env={"CLOUDWARD_SECRETS_KEY": "7a" * 32})
    assert other_key.exit_code == 2
    assert "another fingerprint key" in other_key.stderr


def test_git_history_reports_removed_secrets_with_their_commit(workdir: Path) -> None:
    repo = workdir / "repo"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    (repo / "deploy.env").write_text(_aws_env(4))
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "add")
    (repo / "deploy.env").write_text("# moved to Secrets Manager\n")
    _git(repo, "commit", "-q", "-am", "remove")
    tree = invoke("repo")
    assert tree.exit_code == 0, tree.stdout  # the working tree is clean now
    history = invoke("--git", "repo", "--format", "json")
    assert history.exit_code == 1
    findings = [f for f in json.loads(history.stdout)["findings"] if f["detector"] == "aws-access-key"]
    assert len(findings) == 1
    assert findings[0]["location"] == "deploy.env"
    assert findings[0]["author_date"] == "2026-01-01T00:00:00+00:00"
    assert len(findings[0]["commit"]) == 40
    assert "commits" in history.stderr


def test_low_confidence_vendored_and_binary_findings_only_when_asked(workdir: Path) -> None:
    password = 'DB_PASSWORD = "Tr4vel-Orbit-9f3k"\n'
    for relative, content in {
        "proj/tests/settings.py": password.encode(),  # a test fixture: low confidence
        "proj/node_modules/lib/settings.py": password.encode(),
        "proj/blob.dat": b"\x00\x01" + password.encode(),
    }.items():
        (workdir / relative).parent.mkdir(parents=True, exist_ok=True)
        (workdir / relative).write_bytes(content)

    def locations(*args: str) -> list[tuple[str, str]]:
        result = invoke("proj", "--format", "json", *args)
        return [(f["location"], f["confidence"]) for f in json.loads(result.stdout)["findings"]]

    assert locations() == []
    assert invoke("proj").exit_code == 0
    assert locations("--all") == [("proj/tests/settings.py", "low")]
    assert locations("--include-vendored") == [("proj/node_modules/lib/settings.py", "medium")]
    assert locations("--include-binary") == [("proj/blob.dat", "medium")]


def test_unreadable_locations_are_reported_and_the_scan_goes_on(workdir: Path) -> None:
    (workdir / "src").mkdir()
    (workdir / "src" / "broken.zip").write_bytes(b"PK\x03\x04 not really a zip")
    (workdir / "src" / "deploy.env").write_text(_aws_env(7))
    result = invoke("src", "--format", "json")
    assert result.exit_code == 1  # the finding decides, the unreadable archive is a warning
    assert "warning: src/broken.zip:" in result.stderr
    assert "1 locations not scanned" in result.stderr
    document = json.loads(result.stdout)
    assert [error["location"] for error in document["errors"]] == ["src/broken.zip"]
    assert [f["location"] for f in document["findings"]] == ["src/deploy.env"]
    (workdir / "src" / "deploy.env").unlink()
    assert invoke("src").exit_code == 0


def test_output_file_gets_the_report_and_stdout_stays_empty(workdir: Path) -> None:
    (workdir / "a.env").write_text(_aws_env(5))
    result = invoke("a.env", "--format", "sarif", "-o", "out/report.sarif")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "wrote sarif report to out/report.sarif" in result.stderr
    document = json.loads((workdir / "out" / "report.sarif").read_text())
    assert document["version"] == "2.1.0"
    assert not [path for path in (workdir / "out").iterdir() if path.name.startswith(".")]  # no staging file left


def test_pre_commit_hook_runs_cloudward_secrets_on_the_staged_files(workdir: Path) -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    hook = next(hook for hook in hooks if hook["id"] == "cloudward-secrets")
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is True
    command = shlex.split(hook["entry"])
    assert command[:2] == ["cloudward", "secrets"]
    (workdir / "ok.py").write_text("print('hello')\n")
    (workdir / "bad.env").write_text(_aws_env(6))
    assert invoke(*command[2:], "ok.py").exit_code == 0  # pre-commit appends the staged file names
    blocked = invoke(*command[2:], "ok.py", "bad.env")
    assert blocked.exit_code == 1
    assert "bad.env" in blocked.stdout


def test_the_command_module_loads_no_engine_at_start_up() -> None:
    probe = "import sys, cloudward.cli.secrets; print(' '.join(sorted(sys.modules)))"
    loaded = set(
        subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    )
    assert loaded.isdisjoint({"cloudward.secrets.scanner", "cloudward.secrets.detectors", "hyperscan", "boto3"})
