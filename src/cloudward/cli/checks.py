"""`checks list` and `checks show`: every check's metadata, remediation and responsibility."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cloudward.checks.docs import catalogue_markdown, check_markdown
from cloudward.checks.model import LAYER_ORDER, Layer, Severity
from cloudward.checks.registry import default_registry
from cloudward.cli.options import ChecksDirOption, ServicesOption, split_list

app = typer.Typer(help="List and explain checks.", no_args_is_help=True)
console = Console()


@app.command("list")
def list_checks(
    layer: Annotated[Layer | None, typer.Option("--layer", case_sensitive=False)] = None,
    services: ServicesOption = None,
    severity: Annotated[
        Severity | None, typer.Option("--severity", help="At least this severity.", case_sensitive=False)
    ] = None,
    checks_dir: ChecksDirOption = None,
) -> None:
    """Every check, filtered by defence layer, service or severity."""
    registry = default_registry(checks_dir or ())
    layers = [layer] if layer else []
    selected = registry.select(services=split_list(services), min_severity=severity, layers=layers)
    table = Table(title=f"{len(selected)} checks")
    for column in ("id", "severity", "layer", "service", "threat", "owner", "title"):
        table.add_column(column, overflow="fold")
    for check in sorted(selected, key=lambda c: (LAYER_ORDER[c.meta.layer], -c.meta.severity.rank, c.meta.id)):
        meta = check.meta
        table.add_row(
            meta.id,
            meta.severity.value,
            meta.layer.value,
            meta.service,
            meta.threat.value,
            meta.owner.value,
            meta.title,
        )
    console.print(table)


@app.command("show")
def show_check(
    check_id: Annotated[str, typer.Argument(help="A check id, as `checks list` prints it.")],
    checks_dir: ChecksDirOption = None,
) -> None:
    """One check: what it verifies, the risk, who owns it, and how to fix it three ways."""
    from rich.markdown import Markdown  # markdown-it is only needed here

    meta = default_registry(checks_dir or ()).get(check_id).meta
    console.print(Markdown(check_markdown(meta)))


@app.command("docs")
def docs(checks_dir: ChecksDirOption = None) -> None:
    """Print the whole check catalogue as Markdown (how docs/checks.md is made)."""
    typer.echo(catalogue_markdown(default_registry(checks_dir or ())), nl=False)
