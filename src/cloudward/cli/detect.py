"""`cloudward detect`: CloudTrail in, alerts out (OCSF Detection Findings), with sinks that never lose one."""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from cloudward.checks.model import Severity
from cloudward.cli.events import (
    ProgressOption,
    RegionOption,
    SinceOption,
    StoreOption,
    UntilOption,
    WorkersOption,
    ingest_progress,
    ingest_summary,
    open_sources,
)
from cloudward.cli.scan import EndpointOption, ProfileOption
from cloudward.core.errors import CloudwardError
from cloudward.detect import DEFAULT_STORE
from cloudward.detect.sink_specs import SINK_HELP

if TYPE_CHECKING:  # detection loads when the command runs, not at start-up
    from cloudward.detect.alert import Alert
    from cloudward.detect.dispatch import DeliveryReport
    from cloudward.detect.pipeline import DetectionRun

console = Console()
errors = Console(stderr=True)
SHOWN_ALERTS = 25
TIMELINE_LINES = 8
EXIT_UNDELIVERED = 4
_SEVERITY_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan", "info": "dim"}


def _usage(message: str) -> typer.Exit:
    errors.print(f"[red]error:[/] {message}")
    return typer.Exit(2)


def _write_output(alerts: Sequence[Alert], path: Path) -> None:
    """This run's alerts as OCSF JSON Lines, replacing the file atomically."""
    from cloudward.detect.ocsf import write_alerts_jsonl

    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, staging = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            write_alerts_jsonl(alerts, handle)
        os.replace(staging, path)
    except BaseException:
        Path(staging).unlink(missing_ok=True)
        raise


def _alert_table(run: DetectionRun) -> Table:
    shown = sorted(run.alerts, key=lambda alert: (-alert.severity.rank, alert.first_seen))[:SHOWN_ALERTS]
    table = Table(title=f"Most severe alerts ({len(shown)} of {len(run.alerts)})", show_lines=False)
    for column in ("severity", "first seen", "rule", "principal", "what happened"):
        table.add_column(column, overflow="fold")
    for alert in shown:
        style = _SEVERITY_STYLE.get(alert.severity.value, "")
        what = alert.description
        if alert.timeline:
            more = len(alert.timeline) - TIMELINE_LINES
            what = "\n".join(alert.timeline[:TIMELINE_LINES]) + (f"\n... {more} more" if more > 0 else "")
        table.add_row(
            f"[{style}]{alert.severity}[/]",
            f"{alert.first_seen:%Y-%m-%d %H:%M:%S}Z",
            alert.rule_id,
            alert.principal,
            what[:600],
        )
    return table


def _summary(run: DetectionRun) -> Table:
    table = Table(title="Detection", show_header=False)
    table.add_column("")
    table.add_column("", overflow="fold")
    rate = run.events / run.seconds["total"] if run.seconds.get("total") else 0.0
    phases = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in run.seconds.items())
    table.add_row("events evaluated", f"{run.events:,} ({rate:,.0f} events/s end to end; {phases})")
    table.add_row("rules", f"{run.rules:,} (+ baselines, outside-account grants and incidents)")
    counts = Counter(alert.severity for alert in run.alerts)
    by_severity = ", ".join(f"{counts[severity]} {severity}" for severity in reversed(Severity) if counts[severity])
    table.add_row("alerts", f"{len(run.alerts):,}" + (f" ({by_severity})" if by_severity else ""))
    incidents = sum(1 for alert in run.alerts if alert.source == "incident")
    if incidents:
        table.add_row("incidents", f"{incidents:,}")
    return table


def _delivery_table(reports: Sequence[DeliveryReport]) -> Table:
    table = Table(title="Sinks")
    for column in ("sink", "delivered", "waiting in spool", "last error"):
        table.add_column(column, overflow="fold")
    for report in reports:
        style = "green" if report.ok else "red"
        table.add_row(f"[{style}]{report.sink}[/]", str(report.delivered), str(report.spooled), report.last_error or "")
    return table


def detect_command(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="CloudTrail logs: files or directories (.json, .json.gz, JSON Lines), s3://bucket/prefix, "
            "or lookup-events[:REGION,...] (LookupEvents API, last 90 days). None with --rescan."
        ),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write this run's alerts here (OCSF JSON Lines).")
    ] = None,
    store: StoreOption = DEFAULT_STORE,
    since: SinceOption = None,
    until: UntilOption = None,
    sigma: Annotated[
        list[Path] | None, typer.Option("--sigma", help="Sigma rule files or directories (SigmaHQ's load unchanged).")
    ] = None,
    builtin: Annotated[bool, typer.Option("--builtin/--no-builtin", help="Run cloudward's built-in rules.")] = True,
    baselines: Annotated[bool, typer.Option("--baselines/--no-baselines", help="Run per-principal baselines.")] = True,
    snapshot: Annotated[
        Path | None,
        typer.Option("--snapshot", help="A snapshot (cloudward collect): name the posture findings alerts exploit."),
    ] = None,
    rescan: Annotated[
        bool, typer.Option("--rescan", help="Evaluate every event in the store, not only those this run added.")
    ] = False,
    sink: Annotated[list[str] | None, typer.Option("--sink", help=f"Send alerts to: {SINK_HELP}. Repeatable.")] = None,
    spool: Annotated[
        Path | None, typer.Option("--spool", help="Where undelivered alerts wait (default: STORE/spool).")
    ] = None,
    fail_on: Annotated[
        Severity | None, typer.Option("--fail-on", help="Exit 1 if an alert at or above this severity.")
    ] = None,
    workers: WorkersOption = 2,
    profile: ProfileOption = None,
    region: RegionOption = None,
    endpoint_url: EndpointOption = None,
    progress: ProgressOption = True,
) -> None:
    """Detect attacks in CloudTrail: ingest new logs, run rules, Sigma, baselines; correlate incidents.

    Exit codes: 0 done; 1 --fail-on matched, or a log file could not be read (retried next run);
    2 usage error; 4 alerts are waiting in the spool because a sink failed (they are sent next run).
    """
    from cloudward.detect.dispatch import Dispatcher
    from cloudward.detect.ingest import IngestInterruptedError
    from cloudward.detect.pipeline import detect
    from cloudward.detect.sink_specs import sink_from_spec
    from cloudward.detect.store import EventStore

    event_store = EventStore(store)
    try:
        if not paths and not rescan:
            raise CloudwardError("give CloudTrail logs to read, or --rescan to evaluate the event store again")
        sources, window = open_sources(paths or [], event_store, since, until, profile, region, endpoint_url)
        sinks = [sink_from_spec(spec) for spec in sink or []]
        with ingest_progress(progress and console.is_terminal) as update:
            run = detect(
                event_store,
                sources,
                since=window.since,
                until=window.until,
                sigma_paths=sigma or [],
                builtin=builtin,
                baselines=baselines,
                snapshot=snapshot,
                rescan=rescan,
                workers=workers,
                progress=update,
            )
    except IngestInterruptedError as exc:
        console.print(ingest_summary(exc.report, event_store))
        raise _usage(f"{exc} (committed files stay in the store; the rest is retried by the next run)") from None
    except CloudwardError as exc:
        raise _usage(str(exc)) from None
    if run.ingest is not None:
        console.print(ingest_summary(run.ingest, event_store))
    for problem in run.rule_errors:
        errors.print(f"[yellow]rule skipped:[/] {problem}")
    console.print(_summary(run))
    if run.alerts:
        console.print(_alert_table(run))
    if output is not None:
        _write_output(run.alerts, output)
        console.print(f"{len(run.alerts)} alert(s) written to {output}")
    undelivered = False
    if sinks:
        reports = Dispatcher(sinks, spool or event_store.path / "spool").dispatch(run.alerts)
        console.print(_delivery_table(reports))
        undelivered = not all(report.ok for report in reports)
    if fail_on is not None and any(alert.severity.rank >= fail_on.rank for alert in run.alerts):
        raise typer.Exit(1)
    if run.ingest is not None and run.ingest.failed:
        raise typer.Exit(1)
    if undelivered:
        raise typer.Exit(EXIT_UNDELIVERED)
