"""The console summary: the MUTED column and the mutelist's expired and unused entries."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

from rich.console import Console

from cloudward.checks.model import Status
from cloudward.checks.registry import default_registry
from cloudward.findings.model import Finding, ResourceRef
from cloudward.findings.mutelist import MuteReport, parse_mutelist
from cloudward.report.console import print_summary
from cloudward.report.context import ScanContext

COLLECTED = datetime(2026, 11, 1, tzinfo=UTC)
PUBLIC = default_registry().get("s3_bucket_public").meta
CONTEXT = ScanContext(account_id="123456789012", regions=("us-east-1",), collected_at=COLLECTED, checks_run=1)


def _findings() -> list[Finding]:
    def bucket(name: str) -> ResourceRef:
        return ResourceRef(f"arn:aws:s3:::{name}", "AWS::S3::Bucket", name, "123456789012", "us-east-1")

    return [
        Finding(PUBLIC, bucket("acme-public-website"), Status.FAIL, "public-read ACL", COLLECTED, COLLECTED),
        Finding(PUBLIC, bucket("acme-[data]"), Status.FAIL, "policy allows Principal [*]", COLLECTED, COLLECTED),
        Finding(PUBLIC, bucket("acme-logs"), Status.PASS, "not public", COLLECTED, COLLECTED),
    ]


def _cells(line: str) -> list[str]:
    """The cells of one row of the layer table (box-drawing separators), or [] for other lines."""
    parts = re.split(r"[│┃]", line)
    return [part.strip() for part in parts[1:-1]] if len(parts) == 8 else []


def _print(findings: list[Finding], mutes: MuteReport | None = None) -> str:
    out = io.StringIO()
    console = Console(file=out, width=240, color_system=None)
    print_summary(console, findings, CONTEXT, mutes=mutes)
    return out.getvalue()


def test_without_a_mutelist_there_is_no_muted_column() -> None:
    text = _print(_findings())
    assert "MUTED" not in text
    assert "acme-public-website" in text
    assert "acme-[data]" in text and "Principal [*]" in text  # names and reasons are not read as markup


def test_muted_column_counts_and_mutelist_lines() -> None:
    mutelist = parse_mutelist(
        "mutes:\n"
        "  - {checks: [s3_bucket_public], resources: [acme-public-website], reason: the website}\n"
        "  - {checks: ['s3_*'], resources: ['acme-[[]data]'], reason: old, expires: 2026-10-31}\n"
        "  - {checks: ['ec2_*'], regions: [eu-west-1], reason: sandbox}\n",
        "mutes.yaml",
    )
    findings, report = mutelist.apply(_findings(), COLLECTED)
    text = _print(findings, mutes=report)
    rows = {cells[0]: cells[1:] for cells in map(_cells, text.splitlines()) if cells}
    assert rows["layer"] == ["PASS", "FAIL", "ERROR", "NOT APPLICABLE", "MUTED"]
    assert rows["data"] == ["1", "1", "0", "0", "1"]  # the muted FAIL is counted under MUTED only
    assert rows["total"] == ["1", "1", "0", "0", "1"]
    assert "MUTED 1 finding(s) (FAIL 1) by mutelist mutes.yaml" in text
    assert "warning: mutelist entry mutes[1] expired on 2026-10-31 (scan collected 2026-11-01)" in text
    assert "1 finding(s) it matched are reported again; checks s3_*; resources acme-[[]data]" in text
    assert "unused: mutelist entry mutes[2] matched no FAIL or ERROR finding; checks ec2_*; regions eu-west-1" in text
    worst = text[text.index("Most severe failures") :]
    assert "acme-[data]" in worst and "acme-public-website" not in worst  # muted ones are not listed
