"""`events ingest`, `events sql`, `events info`: the CloudTrail event store, and threat hunting over it."""

from __future__ import annotations

import contextlib
import csv
import functools
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import orjson
import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from cloudward.cli.scan import EndpointOption, ProfileOption
from cloudward.core.errors import CloudwardError
from cloudward.detect import DEFAULT_STORE
from cloudward.providers.aws.clients import Boto3Clients

if TYPE_CHECKING:  # the detection modules (DuckDB, Arrow, msgspec) load when a command runs, not at start-up
    import duckdb

    from cloudward.detect.ingest import IngestProgress, IngestReport
    from cloudward.detect.sources import Source, TimeWindow
    from cloudward.detect.store import EventStore

app = typer.Typer(help="The CloudTrail event store: ingest logs, hunt with SQL.", no_args_is_help=True)
console = Console()
errors = Console(stderr=True)

StoreOption = Annotated[
    Path, typer.Option("--store", help="Event store directory (Parquet parts under a manifest).", file_okay=False)
]
SinceOption = Annotated[
    str | None, typer.Option("--since", help="Only events at or after this time (ISO date/time, or 7d, 12h).")
]
UntilOption = Annotated[str | None, typer.Option("--until", help="Only events before this time.")]
WorkersOption = Annotated[int, typer.Option("--workers", min=1, max=64, help="Decoding processes.")]
RegionOption = Annotated[str | None, typer.Option("--region", help="Home region for S3 and LookupEvents.")]
ProgressOption = Annotated[bool, typer.Option("--progress/--no-progress", help="Show a progress bar.")]
TABLE_ROWS = 200


def open_sources(
    paths: Sequence[str],
    store: EventStore,
    since: str | None,
    until: str | None,
    profile: str | None,
    region: str | None,
    endpoint_url: str | None,
) -> tuple[list[Source], TimeWindow]:
    """The sources command-line paths name, and the --since/--until window (raises CloudwardError)."""
    from cloudward.detect.sources import TimeWindow, open_source, parse_time_bound

    now = datetime.now(UTC)
    window = TimeWindow(
        parse_time_bound(since, now) if since else None, parse_time_bound(until, now) if until else None
    )
    clients = functools.partial(Boto3Clients, profile=profile, region=region, endpoint_url=endpoint_url)
    return [open_source(path, clients, exclude=store.path) for path in paths], window


class OutputFormat(StrEnum):
    """How `events sql` prints its result."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"


def _fail(message: str) -> typer.Exit:
    errors.print(f"[red]error:[/] {message}")
    return typer.Exit(2)


def _rate(progress: IngestProgress) -> str:
    rate = progress.events / progress.seconds if progress.seconds > 0 else 0.0
    files = f"{progress.files_done}/{progress.files_found}" + ("" if progress.listing_done else "+")
    return (
        f"{progress.events:,} events · {rate:,.0f} events/s · {files} files · {progress.bytes_read / 1e6:,.1f} MB read"
    )


def ingest_summary(report: IngestReport, store: EventStore) -> Table:
    """The summary table of an ingestion: files ingested, skipped (by reason), failed (with reasons), events."""
    table = Table(title=f"Ingested into {store.path}", show_lines=False)
    table.add_column("", overflow="fold")
    table.add_column("count", justify="right")
    table.add_column("detail", overflow="fold")
    rate = f"{report.events_per_second:,.0f} events/s over {report.seconds:.1f} s with {report.workers} worker(s)"
    table.add_row("files ingested", f"{report.files_ingested:,}", rate)
    table.add_row("files already in the store", f"{report.files_unchanged:,}", "")
    for reason, count in Counter(outcome.reason for outcome in report.skipped).most_common():
        table.add_row("[dim]files skipped[/]", f"{count:,}", reason)
    for outcome in report.failed[:20]:
        table.add_row("[red]file failed[/]", "1", f"{outcome.key}: {outcome.reason}")
    if len(report.failed) > 20:
        table.add_row("[red]files failed[/]", f"{len(report.failed) - 20:,}", "more (not shown)")
    table.add_row("events added", f"{report.events:,}", f"the store now holds {store.count():,}")
    if report.rejected:
        detail = f"written with their reasons to {store.rejected_dir}/"
        for outcome in report.with_rejections[:5]:
            detail += f"\n{outcome.key}: {outcome.reason}"
        table.add_row("[yellow]records rejected[/]", f"{report.rejected:,}", detail)
    if report.filtered:
        table.add_row("records outside --since/--until", f"{report.filtered:,}", "left out")
    return table


@contextlib.contextmanager
def ingest_progress(enabled: bool) -> Iterator[Callable[[IngestProgress], None] | None]:
    """A progress bar showing events/s, files and bytes; yields the callback for ``ingest`` (None if disabled)."""
    if not enabled:
        yield None
        return
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console, transient=True
    ) as progress:
        task = progress.add_task("listing files ...", total=None)

        def update(state: IngestProgress) -> None:
            progress.update(task, description=_rate(state))

        yield update


@app.command("ingest")
def ingest_command(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="CloudTrail logs: files or directories (.json, .json.gz, JSON Lines), s3://bucket/prefix, "
            "or lookup-events[:REGION,...] for the LookupEvents API (last 90 days)."
        ),
    ],
    store: StoreOption = DEFAULT_STORE,
    since: SinceOption = None,
    until: UntilOption = None,
    workers: WorkersOption = 2,
    profile: ProfileOption = None,
    region: RegionOption = None,
    endpoint_url: EndpointOption = None,
    progress: ProgressOption = True,
) -> None:
    """Add new or changed CloudTrail log files to the event store (files already ingested are skipped).

    Exit code 1 when a file could not be read (it is retried by the next run), 2 on a usage error.
    """
    from cloudward.detect.ingest import IngestInterruptedError, ingest
    from cloudward.detect.store import EventStore

    event_store = EventStore(store)
    try:
        sources, window = open_sources(paths, event_store, since, until, profile, region, endpoint_url)
        with ingest_progress(progress and console.is_terminal) as update:
            report = ingest(
                sources, event_store, since=window.since, until=window.until, workers=workers, progress=update
            )
    except IngestInterruptedError as exc:
        console.print(ingest_summary(exc.report, event_store))
        raise _fail(f"{exc} (committed files stay in the store; the rest is retried by the next run)") from None
    except CloudwardError as exc:
        raise _fail(str(exc)) from None
    console.print(ingest_summary(report, event_store))
    if report.failed:
        raise typer.Exit(1)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, dict | list):
        return orjson.dumps(value, default=str).decode()
    return str(value)


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return _cell(value)
    return str(value) if not isinstance(value, int | float | str | bool | dict | list | None) else value


@app.command("sql")
def sql_command(
    query: Annotated[str, typer.Argument(help="SQL over the view `events` (one row per CloudTrail record).")],
    store: StoreOption = DEFAULT_STORE,
    output: Annotated[OutputFormat, typer.Option("--format", "-f", help="table, json or csv.")] = OutputFormat.TABLE,
    max_rows: Annotated[int, typer.Option("--max-rows", min=1, help="Rows shown in table format.")] = TABLE_ROWS,
) -> None:
    """Hunt over the event store with DuckDB SQL (read-only: the query can read the store and nothing else).

    Example: cloudward events sql "SELECT eventName, count(*) FROM events WHERE errorCode = 'AccessDenied'
    GROUP BY 1 ORDER BY 2 DESC"
    """
    import duckdb

    from cloudward.detect.store import EventStore

    event_store = EventStore(store)
    try:
        if not event_store.manifest_path.exists():
            errors.print(f"[yellow]note:[/] no event store at {event_store.path} yet: `events` is empty")
        connection = event_store.connect(read_only=True)
    except CloudwardError as exc:
        raise _fail(str(exc)) from None
    with contextlib.closing(connection):
        try:
            cursor = connection.execute(query)
        except duckdb.Error as exc:
            raise _fail(f"SQL: {exc}") from None
        columns = [column[0] for column in cursor.description or ()]
        try:
            _print_rows(cursor, columns, output, max_rows)
        except duckdb.Error as exc:
            raise _fail(f"SQL: {exc}") from None


def _print_rows(cursor: duckdb.DuckDBPyConnection, columns: list[str], output: OutputFormat, max_rows: int) -> None:
    if output is OutputFormat.CSV:
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        while rows := cursor.fetchmany(10_000):
            writer.writerows([_cell(value) for value in row] for row in rows)
        return
    if output is OutputFormat.JSON:
        first = True
        sys.stdout.write("[")
        while rows := cursor.fetchmany(10_000):
            for row in rows:
                record = {name: _json_value(value) for name, value in zip(columns, row, strict=True)}
                sys.stdout.write(("\n" if first else ",\n") + orjson.dumps(record, default=str).decode())
                first = False
        sys.stdout.write("\n]\n")
        return
    table = Table(show_lines=False)
    for name in columns:
        table.add_column(name, overflow="fold")
    shown = cursor.fetchmany(max_rows)
    for row in shown:
        table.add_row(*(_cell(value) for value in row))
    more = len(cursor.fetchall())
    console.print(table)
    note = f"{len(shown) + more:,} row(s)" + (f"; first {len(shown):,} shown (--max-rows)" if more else "")
    console.print(f"[dim]{note}[/]")


@app.command("info")
def info_command(store: StoreOption = DEFAULT_STORE) -> None:
    """What the event store holds: events, time range, files, parts."""
    from cloudward.detect.store import EventStore

    event_store = EventStore(store)
    try:
        manifest = event_store.read_manifest()
        span = event_store.time_range()
    except CloudwardError as exc:
        raise _fail(str(exc)) from None
    files = sum(len(unit.files) for unit in manifest.units)
    rejected = sum(unit.rejected.rows for unit in manifest.units if unit.rejected is not None)
    table = Table(title=f"Event store {event_store.path}", show_header=False)
    table.add_column("")
    table.add_column("", overflow="fold")
    table.add_row("events", f"{manifest.rows():,}")
    table.add_row("from", _cell(span[0]) if span else "-")
    table.add_row("to", _cell(span[1]) if span else "-")
    table.add_row("files ingested", f"{files:,}")
    table.add_row("parts", f"{len(manifest.parts()):,}")
    table.add_row("records rejected", f"{rejected:,}" + (f" (in {event_store.rejected_dir}/)" if rejected else ""))
    console.print(table)
