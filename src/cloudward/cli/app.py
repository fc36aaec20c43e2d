"""The `cloudward` command."""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from cloudward import __version__
from cloudward.cli import checks, events, frameworks, iam, lab
from cloudward.cli.baseline import baseline
from cloudward.cli.detect import detect_command
from cloudward.cli.iam import paths
from cloudward.cli.policy import policy
from cloudward.cli.responsibility import responsibility
from cloudward.cli.scan import check, collect, scan
from cloudward.cli.secrets import secrets_command
from cloudward.core.errors import CloudwardError
from cloudward.core.memory import limit_malloc_arenas

app = typer.Typer(
    help="cloudward: find, explain and fix weaknesses on the customer's side of the AWS shared responsibility model.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.command()(scan)
app.command()(collect)
app.command()(check)
app.command()(policy)
app.command()(responsibility)
app.command()(baseline)
app.command("detect")(detect_command)
app.command("paths")(paths)
app.command("secrets")(secrets_command)
app.add_typer(checks.app, name="checks")
app.add_typer(frameworks.app, name="frameworks")
app.add_typer(events.app, name="events")
app.add_typer(iam.app, name="iam")
app.add_typer(lab.app, name="lab")


@app.command()
def version() -> None:
    """Print the cloudward version."""
    typer.echo(__version__)


def main() -> None:
    """Entry point: user errors print one clear line and exit 2, never a traceback."""
    limit_malloc_arenas()
    try:
        app()
    except CloudwardError as exc:
        Console(stderr=True).print(f"[red]error:[/] {exc}")
        sys.exit(2)
