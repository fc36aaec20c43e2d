"""CLI end to end: frameworks, scan --framework, baseline and responsibility (lab over HTTP)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cloudward.cli.app import app
from cloudward.lab.seed import LAB_REGIONS

runner = CliRunner()
WIDE = {"COLUMNS": "220"}
LAB_ENV = {"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x", "AWS_DEFAULT_REGION": "us-east-1", **WIDE}


def test_frameworks_list_and_show() -> None:
    listed = runner.invoke(app, ["frameworks", "list"], env=WIDE)
    assert listed.exit_code == 0
    for framework_id in ("cis-aws-5.0", "cis-aws-7.0", "aws-fsbp"):
        assert framework_id in listed.output
    shown = runner.invoke(app, ["frameworks", "show", "cis-aws-7.0"], env=WIDE)
    assert shown.exit_code == 0
    assert "iam_root_mfa_enabled" in shown.output and "MANUAL" in shown.output


def test_scan_with_a_framework_scores_it_and_writes_the_assessment(lab_endpoint: str, tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "scan",
            "--endpoint-url",
            lab_endpoint,
            "--regions",
            ",".join(LAB_REGIONS),
            "--framework",
            "cis-aws-7.0",
            "--format",
            "csv",
            "--output-dir",
            str(tmp_path),
        ],
        env=LAB_ENV,
    )
    assert result.exit_code == 0, result.output
    assert "Score (passed / evaluated requirements)" in result.output
    assert "MANUAL requirement(s) to verify by hand" in result.output
    document = json.loads((tmp_path / "compliance-cis-aws-7.0.json").read_text())
    statuses = {requirement["id"]: requirement["status"] for requirement in document["requirements"]}
    assert statuses["2.5"] == "FAIL"  # the lab's root user has no MFA
    assert statuses["2.1.1"] == "MANUAL"
    assert statuses["6.7"] == "FAIL"  # an IMDSv1 instance
    assert 0 < document["score"]["percent"] < 100
    checks_run = {line.split(",")[2] for line in (tmp_path / "findings.csv").read_text().splitlines()[1:]}
    framework_checks = {check for r in document["requirements"] for check in r["checks"]}
    assert checks_run <= framework_checks  # --framework selects only its checks


def test_baseline_lists_six_steps_and_fails_on_the_lab(lab_endpoint: str) -> None:
    result = runner.invoke(
        app, ["baseline", "--endpoint-url", lab_endpoint, "--regions", ",".join(LAB_REGIONS)], env=LAB_ENV
    )
    assert result.exit_code == 1, result.output  # root has no MFA, eu-west-1 has no Config
    for step in (
        "MFA on the root user",
        "Root not used day to day",
        "CloudTrail recording",
        "AWS Config recording",
        "Billing alerts",
        "CIS AWS Foundations 7.0.0 score",
    ):
        assert step in result.output
    assert "AccountMFAEnabled=0" in result.output  # the failing resource is named


def test_baseline_offline_from_a_snapshot(lab_endpoint: str, tmp_path: Path) -> None:
    collected = runner.invoke(
        app,
        [
            "collect",
            "--endpoint-url",
            lab_endpoint,
            "--regions",
            "us-east-1",
            "--checks",
            "iam_root_mfa_enabled,config_recorder_enabled",
            "-o",
            str(tmp_path / "snap"),
        ],
        env=LAB_ENV,
    )
    assert collected.exit_code == 0, collected.output
    result = runner.invoke(app, ["baseline", "--snapshot", str(tmp_path / "snap")], env=WIDE)
    assert result.exit_code == 1
    assert "ERROR" in result.output  # steps whose checks were not collected are ERROR, never PASS


def test_responsibility_for_one_service_and_by_model() -> None:
    one = runner.invoke(app, ["responsibility", "rds"], env=WIDE)
    assert one.exit_code == 0
    assert "rds_instance_not_public" in one.output and "PAAS" in one.output
    iaas = runner.invoke(app, ["responsibility", "--model", "iaas"], env=WIDE)
    assert "Amazon EC2" in iaas.output and "Amazon RDS" not in iaas.output
