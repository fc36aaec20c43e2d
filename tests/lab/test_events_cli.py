"""The `events` command (attached under `cloudward lab`): arguments, progress, summary, files."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from cloudward.cli.lab_events import events

runner = CliRunner()
app = typer.Typer()
app.command("events")(events)
app.command("noop")(lambda: None)  # two commands, so the app dispatches on the name like `cloudward lab`


def test_generates_and_prints_a_summary(tmp_path: Path) -> None:
    out = tmp_path / "trail"
    result = runner.invoke(
        app,
        [
            "events",
            str(out),
            "--days",
            "1",
            "--events-per-day",
            "800",
            "--seed",
            "3",
            "--scenarios",
            "cloudtrail_stop_logging,root_console_login",
        ],
    )
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert f"{manifest['events']:,} events" in result.output
    assert "cloudtrail_stop_logging" in result.output and "root_console_login" in result.output
    assert set(manifest["scenarios"]) == {"cloudtrail_stop_logging", "root_console_login"}
    assert list(out.rglob("*.json.gz"))


def test_none_writes_only_benign_events_and_force_replaces(tmp_path: Path) -> None:
    out = tmp_path / "benign"
    args = ["events", str(out), "--days", "1", "--events-per-day", "300", "--scenarios", "none"]
    assert runner.invoke(app, args).exit_code == 0
    assert (out / "labels.jsonl").read_text() == ""
    again = runner.invoke(app, args)
    assert again.exit_code != 0
    assert "already holds generated events" in str(again.exception) + again.output
    assert runner.invoke(app, [*args, "--force", "--start", "2026-01-05"]).exit_code == 0
    assert json.loads((out / "manifest.json").read_text())["start"] == "2026-01-05T00:00:00Z"


def test_unknown_scenario_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["events", str(tmp_path / "x"), "--scenarios", "root_console_login,nope"])
    assert result.exit_code == 2
    assert "nope" in result.output
    assert not (tmp_path / "x").exists()


def test_list_scenarios_needs_no_output_folder() -> None:
    result = runner.invoke(app, ["events", "--list-scenarios"], env={"COLUMNS": "250"})
    assert result.exit_code == 0
    assert "cloudtrail_stop_logging" in result.output and "T1562.008" in result.output
