"""With --snapshot of the lab account, alerts name the posture findings their activity exploits."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cloudward.api import collect_inventory, select_checks
from cloudward.cli.app import app
from cloudward.inventory.snapshot import write_snapshot
from cloudward.lab.events import generate
from cloudward.lab.seed import LAB_REGIONS
from cloudward.providers.aws.clients import Boto3Clients


def test_alerts_name_the_weakness_they_exploit(lab_clients: Boto3Clients, tmp_path: Path) -> None:
    checks = select_checks(services=["iam", "s3"])
    inventory, needs = collect_inventory(checks, lab_clients, list(LAB_REGIONS))
    snapshot = write_snapshot(inventory, tmp_path / "snapshot", needs)
    corpus = tmp_path / "corpus"
    generate(corpus, days=1, events_per_day=2000, seed=3, scenarios=["root_console_login", "s3_mass_download"])
    out = tmp_path / "alerts.jsonl"
    result = CliRunner().invoke(
        app,
        [
            "detect",
            str(corpus / "AWSLogs"),
            "--store",
            str(tmp_path / "s"),
            "--snapshot",
            str(snapshot),
            "-o",
            str(out),
        ],
        env={"COLUMNS": "300"},
    )
    assert result.exit_code == 0, result.output
    findings = {
        json.loads(line)["finding_info"]["analytic"]["uid"]: json.loads(line) for line in out.read_text().splitlines()
    }
    root = findings["cloudward.root_account_use"]
    assert "iam_root_mfa_enabled is FAIL" in root["risk_details"]
    exploited = {
        posture["check_id"] for resource in root["resources"] for posture in resource.get("data", {}).get("posture", [])
    }
    assert "iam_root_mfa_enabled" in exploited
