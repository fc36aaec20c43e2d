"""`baseline`: the six first steps for a new account, as a checklist with the exact fixes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cloudward.api import check_inventory
from cloudward.baseline import baseline_check_ids, cis_step_status, evaluate_baseline
from cloudward.checks.model import Status
from cloudward.checks.registry import default_registry
from cloudward.cli.options import RegionsOption, split_list
from cloudward.cli.scan import EndpointOption, LabOption, ProfileOption, WorkersOption, collect_for_cli
from cloudward.inventory.snapshot import read_snapshot

console = Console()
_MARK = {
    Status.PASS: "[green]PASS[/]",
    Status.FAIL: "[red]FAIL[/]",
    Status.ERROR: "[yellow]ERROR[/]",
    Status.NOT_APPLICABLE: "[dim]N/A[/]",
}


def baseline(
    lab: LabOption = False,
    profile: ProfileOption = None,
    regions: RegionsOption = None,
    endpoint_url: EndpointOption = None,
    snapshot: Annotated[
        Path | None, typer.Option("--snapshot", help="Judge a saved snapshot instead of collecting (offline).")
    ] = None,
    max_workers: WorkersOption = 16,
) -> None:
    """The first steps that stop most account compromises: MFA, root hygiene, CloudTrail, Config, billing
    alerts, and the CIS AWS Foundations score. Exit code 1 when a step fails."""
    wanted = baseline_check_ids()
    checks = [check for check in default_registry() if check.meta.id in wanted]
    if snapshot is not None:
        inventory, _ = read_snapshot(snapshot)
    else:
        inventory, _ = collect_for_cli(checks, lab, profile, endpoint_url, split_list(regions), max_workers)
    result = evaluate_baseline(check_inventory(checks, inventory), checks)
    table = Table(title=f"First-steps baseline for account {inventory.account_id}", show_lines=True)
    for column in ("#", "step", "status", "what to fix"):
        table.add_column(column, overflow="fold")
    for number, step in enumerate(result.steps, 1):
        detail = [f"{f.resource.name}: {f.reason}" for f in step.failing[:5]] + step.fixes
        detail += [f"could not evaluate {f.resource.name}: {f.reason}" for f in step.errors[:3]]
        table.add_row(str(number), step.title, _MARK[step.status], "\n".join(detail) or "-")
    cis = result.cis
    cis_status = cis_step_status(cis)
    failing_requirements = [r.requirement.id for r in cis.results if r.status.value in ("FAIL", "ERROR")]
    table.add_row(
        str(len(result.steps) + 1),
        f"CIS AWS Foundations {cis.framework.version} score",
        _MARK[cis_status],
        f"{cis.overall.percent}% ({cis.overall.passed}/{cis.overall.evaluated} automated requirements pass)"
        + (f"; failing: {', '.join(failing_requirements)}" if failing_requirements else "")
        + f"\n`cloudward scan --framework {cis.framework.id}` for the details",
    )
    console.print(table)
    if any(step.status is Status.FAIL for step in result.steps) or cis_status is Status.FAIL:
        raise typer.Exit(1)
