"""The terminal: a progress bar per service and region, and the scan summary by defence layer."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from types import TracebackType

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from cloudward.checks.model import Layer, Severity, Status
from cloudward.findings.model import Finding, Summary
from cloudward.findings.mutelist import MuteReport
from cloudward.report.context import ScanContext

_STATUS_STYLE = {Status.PASS: "green", Status.FAIL: "red", Status.ERROR: "yellow", Status.NOT_APPLICABLE: "dim"}
_SEVERITY_STYLE = {
    Severity.CRITICAL: "bold red",
    Severity.HIGH: "red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}


class CollectionProgress:
    """Rich progress bars, one per (service, region), fed by the collector's threads."""

    def __init__(self, console: Console) -> None:
        self._progress = Progress(
            TextColumn("[bold]{task.description:<28}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("calls"),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        self._tasks: dict[tuple[str, str], TaskID] = {}
        self._totals: dict[TaskID, int] = {}
        self._lock = threading.Lock()

    def _task(self, service: str, region: str) -> TaskID:
        key = (service, region)
        with self._lock:
            task = self._tasks.get(key)
            if task is None:
                task = self._progress.add_task(f"{service} {region}", total=0)
                self._tasks[key] = task
            return task

    def planned(self, service: str, region: str, calls: int) -> None:
        """More calls queued for this service and region."""
        task = self._task(service, region)
        with self._lock:
            self._totals[task] = self._totals.get(task, 0) + calls
            self._progress.update(task, total=self._totals[task])

    def done(self, service: str, region: str, calls: int = 1) -> None:
        """Calls finished."""
        self._progress.advance(self._task(service, region), calls)

    def __enter__(self) -> CollectionProgress:
        self._progress.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._progress.stop()


def _count(value: int, status: Status) -> str:
    return f"[{_STATUS_STYLE[status]}]{value}[/]" if value else "[dim]0[/]"


def _muted(value: int) -> str:
    return f"[magenta]{value}[/]" if value else "[dim]0[/]"


def print_mutes(console: Console, mutes: MuteReport, summary: Summary) -> None:
    """The mutelist line: how many findings were muted, then one line per expired and unused entry."""
    by_status = ", ".join(
        f"{status.value} {summary.muted_total[status]}" for status in Status if summary.muted_total[status]
    )
    console.print(
        f"MUTED {summary.muted} finding(s){f' ({by_status})' if by_status else ''} by mutelist "
        f"{escape(mutes.source)}; muted findings stay in the reports but do not count toward FAIL/ERROR or exit codes"
    )
    for outcome in mutes.expired:
        expires = outcome.entry.expires.isoformat() if outcome.entry.expires else "?"
        console.print(
            f"[yellow]warning:[/] mutelist entry {escape(outcome.label)} expired on {expires} (scan collected "
            f"{mutes.as_of.isoformat()}) and no longer mutes: {outcome.matched} finding(s) it matched are "
            f"reported again; {escape(outcome.entry.describe())}",
            highlight=False,
        )
    for outcome in mutes.unused:
        console.print(
            f"[dim]unused:[/] mutelist entry {escape(outcome.label)} matched no FAIL or ERROR finding; "
            f"{escape(outcome.entry.describe())}",
            highlight=False,
        )


def print_summary(
    console: Console,
    findings: Sequence[Finding],
    context: ScanContext,
    top: int = 15,
    mutes: MuteReport | None = None,
) -> None:
    """The summary table by defence layer, collection errors, and the most severe failures.

    Status columns count findings that are not muted; muted ones have their own MUTED column (shown
    when a mutelist was applied or any finding is muted), followed by the mutelist's expired and
    unused entries.
    """
    summary = Summary.of(findings)
    show_muted = mutes is not None or summary.muted > 0
    console.print(
        f"\n[bold]Account[/] {context.account_id}  [bold]Regions[/] {', '.join(context.regions)}  "
        f"[bold]Resources[/] {context.resources}  [bold]Checks[/] {context.checks_run}"
    )
    table = Table(title="Findings by defence layer", title_justify="left")
    table.add_column("layer")
    for status in Status:
        table.add_column(status.value.replace("_", " "), justify="right")
    if show_muted:
        table.add_column("MUTED", justify="right")
    for layer in Layer:
        counts = summary.by_layer[layer]
        muted = [_muted(sum(summary.muted_by_layer[layer].values()))] if show_muted else []
        table.add_row(layer.value, *(_count(counts[status], status) for status in Status), *muted)
    table.add_section()
    muted_total = [_muted(summary.muted)] if show_muted else []
    table.add_row("[bold]total[/]", *(_count(summary.total[status], status) for status in Status), *muted_total)
    console.print(table)

    severity_line = "  ".join(
        f"[{_SEVERITY_STYLE[severity]}]{severity.value}[/] {summary.by_severity[severity][Status.FAIL]}"
        for severity in reversed(Severity)
    )
    console.print(f"FAIL by severity: {severity_line}")
    if mutes is not None:
        print_mutes(console, mutes, summary)

    if context.errors:
        errors = Table(title="Could not collect (these produced ERROR results, never PASS)", title_justify="left")
        for column in ("service", "region", "operation", "error", "affected"):
            errors.add_column(column)
        for error in context.errors:
            affected = f"{error.count} x {error.supplement}" if error.supplement else f"all {error.resource_type}"
            errors.add_row(error.service, error.region, error.operation, error.code, affected)
        console.print(errors)

    failures = [finding for finding in findings if finding.status is Status.FAIL and not finding.muted][:top]
    if failures:
        worst = Table(title=f"Most severe failures (first {len(failures)})", title_justify="left")
        for column in ("severity", "check", "resource", "reason"):
            worst.add_column(column, overflow="fold")
        for finding in failures:
            severity = finding.check.severity
            worst.add_row(
                f"[{_SEVERITY_STYLE[severity]}]{severity.value}[/]",
                finding.check.id,
                escape(finding.resource.name),
                escape(finding.reason),
            )
        console.print(worst)
