"""`lab events`: generate weeks of the lab company's CloudTrail, with labelled attacks, as AWS delivers it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

console = Console()


def _scenario_list(value: str) -> list[str] | None:
    """``all`` -> every scenario (None), ``none`` -> no scenario, else the comma-separated names."""
    from cloudward.lab.events import SCENARIOS

    text = value.strip()
    if text.lower() == "all":
        return None
    if text.lower() in {"none", ""}:
        return []
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in SCENARIOS]
    if unknown:
        raise typer.BadParameter(
            f"unknown scenario(s): {', '.join(unknown)}; see --list-scenarios", param_hint="--scenarios"
        )
    return names


def _print_scenarios() -> None:
    from cloudward.lab.events import SCENARIOS

    table = Table(title=f"{len(SCENARIOS)} attack scenarios", show_lines=False)
    table.add_column("scenario", style="bold")
    table.add_column("techniques")
    table.add_column("tactic")
    table.add_column("what it does", overflow="fold")
    for name, spec in SCENARIOS.items():
        table.add_row(name, ", ".join(spec.techniques), spec.tactic, spec.description)
    console.print(table)


def events(
    out: Annotated[
        Path | None,
        typer.Argument(help="Folder for AWSLogs/<account>/CloudTrail/..., labels.jsonl and manifest.json."),
    ] = None,
    days: Annotated[int, typer.Option("--days", min=1, help="Days of activity to generate.")] = 21,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: the same arguments give the same bytes.")] = 7,
    events_per_day: Annotated[
        int, typer.Option("--events-per-day", min=100, help="Average records per day (weekdays are busier).")
    ] = 20_000,
    scenarios: Annotated[
        str, typer.Option("--scenarios", help="Attack scenarios to inject: comma-separated names, 'all' or 'none'.")
    ] = "all",
    start: Annotated[
        datetime | None,
        typer.Option("--start", formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"], help="First day (UTC); default 2026-10-05."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the generated files of an earlier run in OUT.")
    ] = False,
    list_scenarios: Annotated[
        bool, typer.Option("--list-scenarios", help="List the attack scenarios and their ATT&CK techniques, then exit.")
    ] = False,
) -> None:
    """Generate the lab company's CloudTrail: weeks of benign activity with labelled attacks injected."""
    from datetime import UTC

    from cloudward.lab.events import generate

    if list_scenarios:
        _print_scenarios()
        return
    if out is None:
        raise typer.BadParameter("give the output folder", param_hint="OUT")
    selected = _scenario_list(scenarios)
    first = start.replace(tzinfo=UTC) if start is not None and start.tzinfo is None else start
    with Progress(
        TextColumn("[bold]generating[/]"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TextColumn("{task.fields[events]:,} events"),
        TextColumn("{task.fields[rate]:,.0f}/s"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("generate", total=days * 288, events=0, rate=0.0)

        def update(done: int, total: int, count: int) -> None:
            elapsed = progress.tasks[0].elapsed or 0.0
            if done % 12 == 0 or done == total:
                progress.update(task, completed=done, events=count, rate=count / elapsed if elapsed else 0.0)

        summary = generate(
            out,
            days=days,
            seed=seed,
            events_per_day=events_per_day,
            scenarios=selected,
            start=first,
            overwrite=force,
            progress=update,
        )
    console.print(
        f"[bold green]{summary.events:,} events[/] in {summary.files:,} files "
        f"({summary.bytes / 1e6:,.1f} MB, {len(summary.regions)} regions) at {summary.out_dir} "
        f"in {summary.seconds:.1f}s ({summary.events_per_second:,.0f} events/s)"
    )
    if summary.scenario_counts:
        table = Table(title=f"{summary.labelled_events:,} labelled attack events (labels.jsonl)")
        table.add_column("scenario")
        table.add_column("events", justify="right")
        for name, count in sorted(summary.scenario_counts.items()):
            table.add_row(name, f"{count:,}")
        console.print(table)
    else:
        console.print("no attack scenarios: every event is benign")
