"""`policy`: the least-privilege read-only IAM policy a scan needs, from the collectors' declarations."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from cloudward.api import permissions_by_check, required_policy
from cloudward.checks.registry import default_registry
from cloudward.cli.options import ChecksDirOption, ChecksOption, ServicesOption, SeverityOption, choose_checks


def policy(
    services: ServicesOption = None,
    checks: ChecksOption = None,
    severity: SeverityOption = None,
    checks_dir: ChecksDirOption = None,
    by_check: Annotated[bool, typer.Option("--by-check", help="List the actions each check needs.")] = False,
) -> None:
    """Print the IAM policy (JSON) that lets cloudward scan with the selected checks, and nothing more."""
    selected = choose_checks(default_registry(checks_dir or ()), checks, services, severity)
    document = permissions_by_check(selected) if by_check else required_policy(selected)
    typer.echo(json.dumps(document, indent=2))
