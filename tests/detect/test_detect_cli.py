"""`cloudward detect` end to end over the lab company's generated CloudTrail, every attack scenario injected.

The quality bar of the issue, on our own corpus: every scenario raises an alert of medium severity or
above carrying one of its ATT&CK techniques, and benign activity raises at most one high or critical
alert per 10,000 events. Alerts also reach a real webhook on 127.0.0.1.
"""

from __future__ import annotations

import gzip
import http.server
import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from typer.testing import CliRunner

from cloudward.cli.app import app
from cloudward.lab.events import generate

runner = CliRunner()
SIGMA_AWS = Path(__file__).resolve().parents[1] / "fixtures" / "sigma-aws"
RANK = {"Informational": 1, "Low": 2, "Medium": 3, "High": 4, "Critical": 5}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    generate(out, days=2, events_per_day=3000, seed=11)
    return out


class _Hook(http.server.BaseHTTPRequestHandler):
    bodies: ClassVar[list[Any]] = []

    def do_POST(self) -> None:
        _Hook.bodies.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(200)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def webhook() -> Iterator[str]:
    _Hook.bodies = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"webhook+http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()
    server.server_close()


def _labels(corpus: Path) -> dict[str, dict[str, Any]]:
    return {label["eventID"]: label for label in map(json.loads, (corpus / "labels.jsonl").read_text().splitlines())}


def _detect(*args: str) -> Any:
    return runner.invoke(app, ["detect", *args, "--no-progress"], env={"COLUMNS": "400"})


def test_every_scenario_is_detected_and_benign_activity_stays_quiet(corpus: Path, tmp_path: Path, webhook: str) -> None:
    alerts_path = tmp_path / "alerts.jsonl"
    store = tmp_path / "store"
    result = _detect(str(corpus / "AWSLogs"), "--store", str(store), "-o", str(alerts_path), "--sink", webhook)
    assert result.exit_code == 0, result.output
    findings = [json.loads(line) for line in alerts_path.read_text().splitlines()]
    assert findings and all(finding["class_uid"] == 2004 for finding in findings)
    assert len(_Hook.bodies) == len(findings)

    labels = _labels(corpus)
    detected: set[str] = set()
    benign_loud = 0
    for finding in findings:
        event_ids = [event["uid"] for event in finding["finding_info"].get("related_events", [])]
        labelled = [labels[event_id] for event_id in event_ids if event_id in labels]
        if not labelled:
            benign_loud += RANK[finding["severity"]] >= RANK["High"]
            continue
        techniques = {
            attack.get("sub_technique", attack.get("technique", {})).get("uid")
            for attack in finding["finding_info"].get("attacks", [])
        } | {attack.get("technique", {}).get("uid") for attack in finding["finding_info"].get("attacks", [])}
        for label in labelled:
            wanted = set(label["techniques"]) | {technique.split(".")[0] for technique in label["techniques"]}
            if RANK[finding["severity"]] >= RANK["Medium"] and techniques & wanted:
                detected.add(label["scenario"])
    scenarios = {label["scenario"] for label in labels.values()}
    assert scenarios - detected == set()
    events = sum(len(json.loads(gzip.decompress(path.read_bytes()))["Records"]) for path in corpus.rglob("*.json.gz"))
    assert benign_loud <= max(1, events // 10_000)

    # incremental: the same tree again adds no events and raises nothing new
    again = _detect(str(corpus / "AWSLogs"), "--store", str(store), "-o", str(tmp_path / "again.jsonl"))
    assert again.exit_code == 0, again.output
    assert (tmp_path / "again.jsonl").read_text() == ""


def test_sigmahq_rules_run_beside_the_built_in_ones(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "alerts.jsonl"
    result = _detect(
        str(corpus / "AWSLogs"),
        "--store",
        str(tmp_path / "s"),
        "--sigma",
        str(SIGMA_AWS),
        "--no-baselines",
        "-o",
        str(out),
    )
    assert result.exit_code == 0, result.output
    categories = {json.loads(line)["finding_info"]["analytic"]["category"] for line in out.read_text().splitlines()}
    assert {"builtin", "sigma"} <= categories


def test_a_failing_sink_spools_and_the_exit_code_says_so(corpus: Path, tmp_path: Path) -> None:
    sink = f"webhook+http://127.0.0.1:{_closed_port()}/x"
    result = _detect(str(corpus / "AWSLogs"), "--store", str(tmp_path / "s"), "--no-baselines", "--sink", sink)
    assert result.exit_code == 4, result.output
    assert any((tmp_path / "s" / "spool").iterdir())


def test_an_unreadable_file_is_reported_and_the_rest_is_detected(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    record = {
        "eventID": "stop-1",
        "eventTime": "2026-11-02T10:00:00Z",
        "eventSource": "cloudtrail.amazonaws.com",
        "eventName": "StopLogging",
        "awsRegion": "us-east-1",
        "recipientAccountId": "123456789012",
        "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::123456789012:user/mallory"},
    }
    (logs / "good.json.gz").write_bytes(gzip.compress(json.dumps({"Records": [record]}).encode()))
    (logs / "broken.json.gz").write_bytes(gzip.compress(b'{"Records": [{"eventID": "x"')[:-8])
    out = tmp_path / "alerts.jsonl"
    result = _detect(str(logs), "--store", str(tmp_path / "s"), "-o", str(out))
    assert result.exit_code == 1, result.output
    assert "broken.json.gz" in result.output
    [finding] = [json.loads(line) for line in out.read_text().splitlines()]
    assert finding["finding_info"]["analytic"]["uid"] == "cloudward.cloudtrail_stopped"


def test_nothing_to_read_is_a_usage_error(tmp_path: Path) -> None:
    result = _detect("--store", str(tmp_path / "s"))
    assert result.exit_code == 2
    assert "--rescan" in result.output


def _closed_port() -> int:
    """A port on 127.0.0.1 with nothing listening (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port
