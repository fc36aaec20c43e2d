"""`lab serve`: the seeded lab account in the foreground, for the aws CLI, Prowler or a browser."""

from __future__ import annotations

import threading
from typing import Annotated

import typer
from rich.console import Console

from cloudward.cli.lab_events import events

app = typer.Typer(help="The built-in lab account (an emulated AWS on 127.0.0.1).", no_args_is_help=True)
console = Console()


@app.command("serve")
def serve(
    port: Annotated[int, typer.Option("--port", help="Port on 127.0.0.1 (0 picks a free one).", min=0)] = 0,
    scale: Annotated[int, typer.Option("--scale", help="Add N extra buckets, groups, users, functions.", min=0)] = 0,
) -> None:
    """Start the seeded lab and keep it running until Ctrl-C."""
    from cloudward.lab import LAB_CREDENTIALS, LabServer
    from cloudward.lab.seed import LAB_REGIONS, seed_lab

    with LabServer(port) as server:
        endpoint = server.endpoint_url
        with console.status("Seeding the lab account ..."):
            summary = seed_lab(endpoint, scale=scale)
        console.print(f"[bold green]Lab account ready[/] at [bold]{endpoint}[/] ({summary})")
        console.print(
            "Point tools at it:\n"
            f"  export AWS_ENDPOINT_URL={endpoint} AWS_ACCESS_KEY_ID={LAB_CREDENTIALS.access_key_id} "
            "AWS_SECRET_ACCESS_KEY=lab AWS_DEFAULT_REGION=us-east-1\n"
            "  aws s3 ls\n"
            f"  cloudward scan --endpoint-url {endpoint} --regions {','.join(LAB_REGIONS)}\n"
            "Press Ctrl-C to stop."
        )
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            console.print("stopping the lab")


app.command("events")(events)
