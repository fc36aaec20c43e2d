"""Options shared by several commands, and their parsing into API values."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer

from cloudward.api import ReportFormat
from cloudward.checks.model import Check, Severity
from cloudward.checks.registry import Registry
from cloudward.frameworks import Framework

RegionsOption = Annotated[
    list[str] | None,
    typer.Option(
        "--regions", "-r", help="Regions to scan (comma-separated or repeated). Default: every enabled region."
    ),
]
ServicesOption = Annotated[
    list[str] | None, typer.Option("--services", "-s", help="Only checks of these services (e.g. s3,iam,ec2).")
]
ChecksOption = Annotated[list[str] | None, typer.Option("--checks", "-c", help="Only these check ids.")]
SeverityOption = Annotated[
    Severity | None, typer.Option("--severity", help="Only checks of at least this severity.", case_sensitive=False)
]
ChecksDirOption = Annotated[
    list[Path] | None, typer.Option("--checks-dir", help="Also load your own checks from this folder.")
]
OutputDirOption = Annotated[
    Path, typer.Option("--output-dir", "-o", help="Folder for findings.ocsf.json, findings.csv and report.html.")
]
FormatOption = Annotated[
    list[str] | None, typer.Option("--format", "-f", help="Report formats: ocsf, csv, html (default: all).")
]
FailOnErrorOption = Annotated[
    bool,
    typer.Option("--fail-on-error", help="Exit with code 3 if any check could not be evaluated (ERROR)."),
]
FailOnOption = Annotated[
    Severity | None,
    typer.Option("--fail-on", help="Exit with code 1 if any FAIL has at least this severity.", case_sensitive=False),
]

MutelistOption = Annotated[
    Path | None,
    typer.Option(
        "--mutelist",
        help="YAML file of accepted findings to mute (README: Suppressions). Muted FAIL/ERROR findings stay in "
        "the reports, marked muted with the reason, and do not count for --fail-on or --fail-on-error.",
        dir_okay=False,
    ),
]


def split_list(values: Sequence[str] | None) -> list[str]:
    """Accept both ``--x a,b`` and ``--x a --x b``."""
    return [part.strip() for value in values or () for part in value.split(",") if part.strip()]


def parse_formats(values: Sequence[str] | None) -> list[ReportFormat]:
    """Report formats from the command line (all when none given)."""
    names = split_list(values)
    if not names:
        return list(ReportFormat)
    known = {item.value: item for item in ReportFormat}
    unknown = [name for name in names if name.lower() not in known]
    if unknown:
        raise typer.BadParameter(f"unknown format(s) {', '.join(unknown)}; choose from {', '.join(known)}")
    return [known[name.lower()] for name in names]


FrameworkOption = Annotated[
    str | None,
    typer.Option("--framework", help="Only the checks of this framework, and its assessment (cis-aws-7.0, ...)."),
]


def choose_checks(
    registry: Registry,
    checks: Sequence[str] | None,
    services: Sequence[str] | None,
    severity: Severity | None,
    framework: Framework | None = None,
) -> list[Check]:
    """The checks selected by the common filters (and a framework's check ids, when given)."""
    selected = registry.select(split_list(checks), split_list(services), severity)
    if framework is not None:
        wanted = framework.check_ids()
        selected = [check for check in selected if check.meta.id in wanted]
    if not selected:
        raise typer.BadParameter("no check matches the given --checks/--services/--severity/--framework filters")
    return selected
