"""The Python API behind the CLI: select checks, collect, evaluate, write reports.

``cloudward scan`` is :func:`collect_inventory` then :func:`check_inventory` then :func:`write_reports`;
``collect``/``check`` split the same steps around a snapshot on disk.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from cloudward.checks.model import Check, Layer, Severity
from cloudward.checks.registry import Registry, default_registry
from cloudward.checks.runner import evaluate
from cloudward.findings.model import Finding
from cloudward.findings.mutelist import Mutelist, MuteReport
from cloudward.inventory import Inventory, UnknownAttributeError
from cloudward.providers.aws.clients import ClientFactory
from cloudward.providers.aws.collector import AwsCollector, Progress
from cloudward.providers.aws.specs import ALL_SPECS
from cloudward.report.context import ScanContext
from cloudward.report.csv_writer import write_csv
from cloudward.report.html import write_html
from cloudward.report.ocsf_json import write_ocsf_json

if TYPE_CHECKING:  # networkx loads only when a report draws the graph
    from cloudward.report.attack_graph import AttackGraph

BOOTSTRAP_PERMISSIONS = ("sts:GetCallerIdentity", "ec2:DescribeRegions")


class ReportFormat(StrEnum):
    """Files a scan can write into its output directory."""

    OCSF = "ocsf"
    CSV = "csv"
    HTML = "html"


REPORT_FILES = {
    ReportFormat.OCSF: "findings.ocsf.json",
    ReportFormat.CSV: "findings.csv",
    ReportFormat.HTML: "report.html",
}


def select_checks(
    registry: Registry | None = None,
    check_ids: Iterable[str] = (),
    services: Iterable[str] = (),
    min_severity: Severity | None = None,
    layers: Iterable[Layer] = (),
) -> list[Check]:
    """The checks to run (all built-in ones when no filter is given)."""
    return (registry or default_registry()).select(check_ids, services, min_severity, layers)


def needs_for(checks: Iterable[Check]) -> dict[str, frozenset[str]]:
    """What to collect for these checks: resource type -> supplements (only what they require)."""
    needs: dict[str, set[str]] = {}
    for check in checks:
        for type_name, supplements in check.meta.required_supplements().items():
            needs.setdefault(type_name, set()).update(supplements)
    return {type_name: frozenset(supplements) for type_name, supplements in sorted(needs.items())}


def collect_inventory(
    checks: Iterable[Check],
    clients: ClientFactory,
    regions: Sequence[str] | None = None,
    progress: Progress | None = None,
    max_workers: int = 16,
) -> tuple[Inventory, dict[str, frozenset[str]]]:
    """Collect exactly what the checks need; returns the inventory and what was collected."""
    needs = needs_for(checks)
    collector = AwsCollector(clients, ALL_SPECS, max_workers=max_workers, progress=progress)
    return collector.collect(needs, regions), needs


def check_inventory(checks: Iterable[Check], inventory: Inventory) -> list[Finding]:
    """Evaluate the checks; findings sorted FAIL first, most severe first."""
    return sorted(evaluate(checks, inventory), key=lambda finding: finding.sort_key)


def mute_findings(
    findings: Iterable[Finding], mutelist: Mutelist, inventory: Inventory
) -> tuple[list[Finding], MuteReport]:
    """Apply a mutelist: matching FAIL and ERROR findings keep their status and get the entry's reason.

    Expiry is judged at the inventory's ``collected_at`` date, so re-checking a snapshot mutes what the
    scan that collected it muted. The report lists every entry with what it muted, expired and unused
    ones included; pass it to :func:`write_reports` and the console summary.
    """
    return mutelist.apply(findings, inventory.collected_at)


def scan_context(inventory: Inventory, checks_run: int) -> ScanContext:
    """The report header for this inventory."""
    return ScanContext(
        account_id=inventory.account_id,
        regions=inventory.regions,
        collected_at=inventory.collected_at,
        errors=tuple(inventory.errors),
        checks_run=checks_run,
        resources=len(inventory),
    )


def write_reports(
    findings: Sequence[Finding],
    context: ScanContext,
    output_dir: Path,
    formats: Iterable[ReportFormat] = tuple(ReportFormat),
    mutes: MuteReport | None = None,
    attack_paths: AttackGraph | None = None,
) -> dict[ReportFormat, Path]:
    """Write the chosen report files into ``output_dir``; returns their paths.

    ``mutes`` (from :func:`mute_findings`) adds the mutelist's entries to the HTML report, and
    ``attack_paths`` (from :func:`attack_paths_of`) its interactive attack-path graph.
    """
    output_dir.mkdir(parents=True, exist_ok=True)
    written: dict[ReportFormat, Path] = {}
    for report_format in formats:
        path = output_dir / REPORT_FILES[report_format]
        if report_format is ReportFormat.OCSF:
            with path.open("wb") as binary:
                write_ocsf_json(findings, binary)
        elif report_format is ReportFormat.CSV:
            with path.open("w", encoding="utf-8", newline="") as text:
                write_csv(findings, text)
        else:
            with path.open("w", encoding="utf-8") as text:
                write_html(findings, text, context, mutes, attack_paths=attack_paths)
        written[report_format] = path
    return written


def attack_paths_of(inventory: Inventory) -> AttackGraph | None:
    """The attack paths of a scanned inventory (reusing the identity checks' analysis), or None when the
    scan did not collect IAM (the paths would be incomplete)."""
    from cloudward.checks.aws.iam._identity import identity
    from cloudward.iam.paths import attack_paths

    try:
        found = identity(inventory)
    except UnknownAttributeError:
        return None
    return attack_paths(found.model, found.privesc, inventory=inventory, evaluator=found.evaluator)


def required_policy(checks: Iterable[Check]) -> dict[str, object]:
    """The least-privilege, read-only IAM policy a scan with these checks needs."""
    actions: set[str] = set(BOOTSTRAP_PERMISSIONS)
    for type_name, supplements in needs_for(checks).items():
        actions.update(ALL_SPECS[type_name].permissions(supplements))
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "CloudwardReadOnlyScan",
                "Effect": "Allow",
                "Action": sorted(actions),
                "Resource": "*",
            }
        ],
    }


def permissions_by_check(checks: Iterable[Check]) -> Mapping[str, list[str]]:
    """For each check, the IAM actions its collection needs (for `cloudward policy --by-check`)."""
    return {
        check.meta.id: sorted(
            set(BOOTSTRAP_PERMISSIONS).union(
                *(ALL_SPECS[t].permissions(s) for t, s in check.meta.required_supplements().items())
            )
        )
        for check in checks
    }
