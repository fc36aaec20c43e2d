"""End-to-end CLI tests: the real `cloudward` command against the lab (moto over HTTP on 127.0.0.1)."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest
from typer.testing import CliRunner

from cloudward.cli.app import app
from cloudward.lab import LAB_CREDENTIALS
from cloudward.lab.seed import LAB_REGIONS

CLOUDWARD = str(Path(sys.executable).parent / "cloudward")
READ_ONLY_PREFIXES = (":Get", ":List", ":Describe", ":GenerateCredentialReport")
# IAM actions that read although their names do not say so: API Gateway authorizes HTTP verbs.
READ_ONLY_ACTIONS = {"apigateway:GET", "budgets:ViewBudget"}
runner = CliRunner()


def _cloudward(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run([CLOUDWARD, *args], check=False, capture_output=True, text=True, timeout=timeout, env=env)


def test_scan_lab_writes_all_three_reports_and_fails_on_critical(tmp_path: Path) -> None:
    """What `make demo` runs, plus --fail-on: the lab holds critical failures, so the exit code is 1."""
    result = _cloudward("scan", "--lab", "--output-dir", str(tmp_path), "--fail-on", "critical")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Findings by defence layer" in result.stdout
    for layer in ("identity", "network", "data", "detection", "posture", "response"):
        assert layer in result.stdout
    findings = json.loads((tmp_path / "findings.ocsf.json").read_text())
    rows = list(csv.DictReader((tmp_path / "findings.csv").open()))
    assert len(findings) == len(rows) > 50
    assert {f["class_uid"] for f in findings} == {2003}
    failed = {
        (f["compliance"]["control"], f["resources"][0]["name"]) for f in findings if f["compliance"]["status"] == "Fail"
    }
    assert ("s3_bucket_public", "acme-public-website") in failed
    assert ("iam_root_mfa_enabled", "123456789012") in failed
    html = (tmp_path / "report.html").read_text()
    assert "acme-public-website" in html and "<script" in html


def test_scan_then_check_of_the_saved_snapshot_gives_identical_findings(lab_endpoint: str, tmp_path: Path) -> None:
    env = {
        "AWS_ACCESS_KEY_ID": LAB_CREDENTIALS.access_key_id,
        "AWS_SECRET_ACCESS_KEY": "lab",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    snapshot = tmp_path / "snap"
    scanned = runner.invoke(
        app,
        [
            "scan",
            "--endpoint-url",
            lab_endpoint,
            "--regions",
            ",".join(LAB_REGIONS),
            "--save-snapshot",
            str(snapshot),
            "--output-dir",
            str(tmp_path / "a"),
        ],
        env=env,
    )
    assert scanned.exit_code == 0, scanned.output
    # offline: no endpoint, no credentials
    checked = runner.invoke(
        app,
        ["check", str(snapshot), "--output-dir", str(tmp_path / "b")],
        env={"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""},
    )
    assert checked.exit_code == 0, checked.output
    for name in ("findings.ocsf.json", "findings.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_collect_then_check_with_filters(lab_endpoint: str, tmp_path: Path) -> None:
    env = {"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x", "AWS_DEFAULT_REGION": "us-east-1"}
    collected = runner.invoke(
        app,
        [
            "collect",
            "--endpoint-url",
            lab_endpoint,
            "--regions",
            "us-east-1",
            "--services",
            "s3",
            "-o",
            str(tmp_path / "snap"),
        ],
        env=env,
    )
    assert collected.exit_code == 0, collected.output
    manifest = json.loads((tmp_path / "snap" / "manifest.json").read_text())
    # need-driven collection: buckets, the account's Block Public Access, and trails (which buckets hold logs)
    assert set(manifest["collected"]) == {"AWS::S3::Bucket", "AWS::::Account", "AWS::CloudTrail::Trail"}
    checked = runner.invoke(
        app,
        [
            "check",
            str(tmp_path / "snap"),
            "--checks",
            "s3_bucket_public",
            "--format",
            "csv",
            "--output-dir",
            str(tmp_path / "out"),
        ],
    )
    assert checked.exit_code == 0, checked.output
    rows = list(csv.DictReader((tmp_path / "out" / "findings.csv").open()))
    assert {row["check_id"] for row in rows} == {"s3_bucket_public"}
    assert not (tmp_path / "out" / "report.html").exists()


def test_checks_list_and_show() -> None:
    listed = runner.invoke(app, ["checks", "list", "--layer", "network"], env={"COLUMNS": "200"})
    assert listed.exit_code == 0
    assert "ec2_sg_no_ssh_from_internet" in listed.output
    assert "iam_root_mfa_enabled" not in listed.output
    shown = runner.invoke(app, ["checks", "show", "s3_bucket_public"], env={"COLUMNS": "200"})
    assert shown.exit_code == 0
    for part in ("Risk", "Console", "AWS CLI", "Terraform", "customer", "References"):
        assert part in shown.output


def test_policy_is_read_only_and_follows_the_selection() -> None:
    full = json.loads(runner.invoke(app, ["policy"]).output)
    actions = full["Statement"][0]["Action"]
    assert all(any(p in action for p in READ_ONLY_PREFIXES) or action in READ_ONLY_ACTIONS for action in actions)
    assert {"s3:GetBucketPolicy", "iam:GetAccountAuthorizationDetails", "ec2:DescribeSecurityGroups"} <= set(actions)
    s3_only = json.loads(runner.invoke(app, ["policy", "--services", "s3"]).output)["Statement"][0]["Action"]
    assert "s3:GetBucketPolicy" in s3_only and "ec2:DescribeSecurityGroups" not in s3_only
    by_check = json.loads(runner.invoke(app, ["policy", "--by-check"]).output)
    assert "s3:GetBucketAcl" in by_check["s3_bucket_public"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "/nonexistent/snapshot"], "does not exist"),
        (["checks", "show", "s3_bucket_publik"], "did you mean"),
        (["scan", "--checks", "nope_nope", "--lab"], "unknown check id"),
        (["scan", "--services", "notaservice"], "unknown service"),
    ],
)
def test_user_errors_are_one_clear_line_and_exit_2(args: list[str], message: str) -> None:
    result = _cloudward(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_lab_serve_answers_the_aws_cli_shape_of_requests_until_stopped() -> None:
    process = subprocess.Popen(
        [CLOUDWARD, "lab", "serve"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    try:
        endpoint = None
        deadline = time.monotonic() + 90
        assert process.stdout is not None
        while endpoint is None and time.monotonic() < deadline:
            line = process.stdout.readline()
            if "Lab account ready at" in line:
                endpoint = line.split(" at ", 1)[1].split()[0]
        assert endpoint and endpoint.startswith("http://127.0.0.1:")
        s3 = boto3.client(
            "s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
        )
        assert "acme-public-website" in {bucket["Name"] for bucket in s3.list_buckets()["Buckets"]}
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)


def test_check_with_a_mutelist_mutes_the_public_bucket_and_changes_the_exit_code(
    lab_endpoint: str, tmp_path: Path
) -> None:
    env = {"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x", "AWS_DEFAULT_REGION": "us-east-1"}
    snapshot = tmp_path / "snap"
    collected = runner.invoke(
        app,
        [
            "collect",
            "--endpoint-url",
            lab_endpoint,
            "--regions",
            ",".join(LAB_REGIONS),
            "--services",
            "s3",
            "-o",
            str(snapshot),
        ],
        env=env,
    )
    assert collected.exit_code == 0, collected.output

    def check(out: str, *extra: str) -> tuple[int, str]:
        args = ["check", str(snapshot), "--checks", "s3_bucket_public", "--fail-on", "critical"]
        result = runner.invoke(app, [*args, "--output-dir", str(tmp_path / out), *extra], env={"COLUMNS": "240"})
        return result.exit_code, result.output

    code, output = check("plain")
    assert code == 1, output  # the lab's public website bucket is a critical FAIL
    failing = {
        row["resource_name"]: row["resource_arn"]
        for row in csv.DictReader((tmp_path / "plain" / "findings.csv").open())
        if row["status"] == "FAIL"
    }
    assert "acme-public-website" in failing
    # Other public buckets the lab may hold are muted in both runs, so the website entry alone makes the difference.
    others = "".join(
        f"  - {{checks: [s3_bucket_public], resources: ['{arn}'], reason: other public bucket}}\n"
        for name, arn in sorted(failing.items())
        if name != "acme-public-website"
    )
    unused = "  - {checks: ['ec2_*'], reason: nothing to mute here}\n"

    reason = "acme-public-website is the public marketing site"
    without_site = tmp_path / "without-site.yaml"
    without_site.write_text(f"mutes:\n{unused}{others}", encoding="utf-8")
    code, output = check("without-site", "--mutelist", str(without_site))
    assert code == 1, output

    mutelist = tmp_path / "mutelist.yaml"
    mutelist.write_text(
        f"mutes:\n{unused}{others}"
        "  - checks: [s3_bucket_public]\n"
        "    resources: ['arn:aws:s3:::acme-public-website']\n"
        f"    reason: {reason}\n",
        encoding="utf-8",
    )
    code, output = check("muted", "--mutelist", str(mutelist))
    assert code == 0, output
    assert f"MUTED {len(failing)} finding(s) (FAIL {len(failing)})" in output
    assert "mutes[0] matched no FAIL or ERROR finding" in output
    rows = list(csv.DictReader((tmp_path / "muted" / "findings.csv").open()))
    assert {row["resource_name"] for row in rows if row["muted"]} == set(failing)
    assert [(row["status"], row["muted"]) for row in rows if row["resource_name"] == "acme-public-website"] == [
        ("FAIL", reason)
    ]
    events = json.loads((tmp_path / "muted" / "findings.ocsf.json").read_text())
    site = next(e for e in events if e["resources"][0]["name"] == "acme-public-website")
    assert (site["status"], site["status_detail"], site["compliance"]["status"]) == ("Suppressed", reason, "Fail")
    html = (tmp_path / "muted" / "report.html").read_text()
    assert 'data-muted="true"' in html and 'id="mutelist"' in html

    expired = tmp_path / "expired.yaml"
    expired.write_text(
        f"mutes:\n{others}"
        "  - {checks: [s3_bucket_public], resources: [acme-public-website], reason: r, expires: 2001-01-01}\n",
        encoding="utf-8",
    )
    code, output = check("expired", "--mutelist", str(expired))
    assert code == 1, output  # an expired entry mutes nothing
    assert f"mutes[{len(failing) - 1}] expired on 2001-01-01" in output


def test_a_bad_mutelist_is_one_clear_line_and_exit_2(tmp_path: Path) -> None:
    mutelist = tmp_path / "mutelist.yaml"
    mutelist.write_text("mutes:\n  - {checks: [s3_bucket_publik], reason: r}\n", encoding="utf-8")
    result = _cloudward("check", str(tmp_path / "no-snapshot"), "--mutelist", str(mutelist))
    assert result.returncode == 2
    assert "mutes[0].checks[0]: unknown check id 's3_bucket_publik' (did you mean s3_bucket_public" in result.stderr
    assert "Traceback" not in result.stderr
    mutelist.write_text("mutes:\n  - {checks: [s3_bucket_public]}\n", encoding="utf-8")
    result = _cloudward("scan", "--lab", "--mutelist", str(mutelist))  # fails before starting the lab
    assert result.returncode == 2
    assert "mutes[0].reason: required field is missing" in result.stderr
    assert "Lab account running" not in result.stdout
