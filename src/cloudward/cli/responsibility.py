"""`responsibility`: the shared responsibility matrix, and which checks cover the customer's part."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cloudward.checks.model import ServiceModel
from cloudward.checks.registry import default_registry
from cloudward.core.errors import CloudwardError
from cloudward.responsibility import load_matrix

console = Console()


def responsibility(
    service: Annotated[str | None, typer.Argument(help="A service (s3, ec2, rds, ...); all when omitted.")] = None,
    model: Annotated[
        ServiceModel | None, typer.Option("--model", help="Only services of this model.", case_sensitive=False)
    ] = None,
) -> None:
    """Who secures what, per service: AWS's part, yours, the shared part, and cloudward's checks for yours."""
    matrix = load_matrix()
    if service is not None and service not in matrix:
        raise CloudwardError(f"unknown service {service!r}; known: {', '.join(sorted(matrix))}")
    checks_by_service: dict[str, list[str]] = {}
    for check in default_registry():
        checks_by_service.setdefault(check.meta.service, []).append(check.meta.id)
    selected = {
        name: entry
        for name, entry in matrix.items()
        if (service is None or name == service) and (model is None or entry.model is model)
    }
    table = Table(title="Shared responsibility", show_lines=True)
    for column in ("service", "model", "AWS secures", "you secure", "shared", "cloudward checks"):
        table.add_column(column, overflow="fold")
    for name, entry in selected.items():
        checks = sorted(checks_by_service.get(name, []))
        table.add_row(
            f"{entry.name}\n[dim]{name}[/]",
            entry.model.value.upper(),
            "\n".join(f"- {item}" for item in entry.provider),
            "\n".join(f"- {item}" for item in entry.customer),
            "\n".join(f"- {item}" for item in entry.shared) or "-",
            "\n".join(checks) if service else f"{len(checks)} checks",
        )
    console.print(table)
