"""`frameworks list` and `frameworks show`: the compliance frameworks and their mapping to checks."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cloudward.frameworks import get_framework, load_frameworks

app = typer.Typer(help="Compliance frameworks (CIS AWS Foundations, AWS FSBP).", no_args_is_help=True)
console = Console()


@app.command("list")
def list_frameworks() -> None:
    """Every framework cloudward can assess."""
    table = Table()
    for column in ("id", "name", "version", "requirements", "automated", "manual"):
        table.add_column(column)
    for framework in load_frameworks().values():
        automated = sum(requirement.automated for requirement in framework.requirements)
        table.add_row(
            framework.id,
            framework.name,
            framework.version,
            str(len(framework.requirements)),
            str(automated),
            str(len(framework.requirements) - automated),
        )
    console.print(table)


@app.command("show")
def show_framework(
    framework_id: Annotated[str, typer.Argument(help="A framework id, as `frameworks list` prints it.")],
) -> None:
    """A framework's requirements: the checks that evaluate each, or MANUAL with what to verify."""
    framework = get_framework(framework_id)
    table = Table(title=f"{framework.name} {framework.version}", title_justify="left")
    for column in ("requirement", "section", "title", "checks or audit"):
        table.add_column(column, overflow="fold")
    for requirement in framework.requirements:
        how = ", ".join(requirement.checks) if requirement.automated else f"MANUAL: {requirement.audit}"
        table.add_row(requirement.id, requirement.section, requirement.title, how)
    console.print(table)
    console.print(f"Source: {framework.url}")
