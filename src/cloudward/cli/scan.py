"""`scan`, `collect` and `check`: collection and evaluation, together or around a snapshot."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.console import Console

from cloudward.api import (
    ReportFormat,
    attack_paths_of,
    check_inventory,
    collect_inventory,
    mute_findings,
    scan_context,
    write_reports,
)
from cloudward.checks.model import Check, Severity, Status
from cloudward.checks.registry import Registry, default_registry
from cloudward.cli.options import (
    ChecksDirOption,
    ChecksOption,
    FailOnErrorOption,
    FailOnOption,
    FormatOption,
    FrameworkOption,
    MutelistOption,
    OutputDirOption,
    RegionsOption,
    ServicesOption,
    SeverityOption,
    choose_checks,
    parse_formats,
    split_list,
)
from cloudward.findings.model import Finding, Summary
from cloudward.findings.mutelist import Mutelist, load_mutelist
from cloudward.frameworks import Framework, assess, get_framework
from cloudward.inventory import Inventory
from cloudward.inventory.snapshot import read_snapshot, write_snapshot
from cloudward.providers.aws.clients import Boto3Clients
from cloudward.report.compliance import assessment_document, print_assessment
from cloudward.report.console import CollectionProgress, print_summary

console = Console(stderr=False)

ProfileOption = Annotated[str | None, typer.Option("--profile", "-p", help="AWS profile (standard boto3 chain).")]
EndpointOption = Annotated[
    str | None, typer.Option("--endpoint-url", help="Send every AWS call to this endpoint (an emulator).")
]
LabOption = Annotated[bool, typer.Option("--lab", help="Scan the built-in lab account (an emulated AWS, seeded).")]
WorkersOption = Annotated[int, typer.Option("--max-workers", min=1, max=64, help="Concurrent API calls.")]


@contextmanager
def lab_or_account_clients(
    lab: bool, profile: str | None, endpoint_url: str | None, out: Console | None = None
) -> Iterator[tuple[Boto3Clients, list[str]]]:
    """Clients for a real account, an emulator, or the seeded lab (started here, stopped after).

    Messages about the lab go to ``out`` (default: standard output).
    """
    out = out or console
    if not lab:
        yield Boto3Clients(profile=profile, endpoint_url=endpoint_url), []
        return
    from cloudward.lab import LAB_CREDENTIALS, LabServer
    from cloudward.lab.seed import LAB_REGIONS, seed_lab

    with LabServer() as server:
        with out.status(f"Seeding the lab account at {server.endpoint_url} ..."):
            seed_lab(server.endpoint_url)
        out.print(f"Lab account running at [bold]{server.endpoint_url}[/] (moto, 127.0.0.1)")
        yield Boto3Clients(endpoint_url=server.endpoint_url, credentials=LAB_CREDENTIALS), list(LAB_REGIONS)


def collect_for_cli(
    checks: list[Check], lab: bool, profile: str | None, endpoint_url: str | None, regions: list[str], workers: int
) -> tuple[Inventory, dict[str, frozenset[str]]]:
    """Collect what the checks need from the account, emulator or lab, with progress bars."""
    with (
        lab_or_account_clients(lab, profile, endpoint_url) as (clients, lab_regions),
        CollectionProgress(console) as progress,
    ):
        return collect_inventory(checks, clients, regions or lab_regions or None, progress, workers)


def _select(
    checks_dir: Sequence[Path] | None,
    checks: Sequence[str] | None,
    services: Sequence[str] | None,
    severity: Severity | None,
    framework: str | None,
) -> tuple[Registry, list[Check], Framework | None]:
    """The registry (built-in plus --checks-dir), the selected checks and the --framework, if any."""
    registry = default_registry(checks_dir or ())
    chosen_framework = get_framework(framework) if framework else None
    return registry, choose_checks(registry, checks, services, severity, chosen_framework), chosen_framework


def _mutelist(path: Path | None, registry: Registry) -> Mutelist | None:
    """The --mutelist file, read before any collection so that a typo fails fast; ids checked against all checks."""
    if path is None:
        return None
    return load_mutelist(path, known_checks={check.meta.id for check in registry})


def _report(
    findings: Sequence[Finding],
    inventory: Inventory,
    checks: int,
    output_dir: Path,
    formats: Sequence[str] | None,
    fail_on: Severity | None,
    fail_on_error: bool,
    mutelist: Mutelist | None = None,
    framework: Framework | None = None,
) -> None:
    context = scan_context(inventory, checks)
    mutes = None
    if mutelist is not None:
        findings, mutes = mute_findings(findings, mutelist, inventory)
    print_summary(console, findings, context, mutes=mutes)
    chosen = parse_formats(formats)
    attack = attack_paths_of(inventory) if ReportFormat.HTML in chosen else None
    if attack is not None and attack.paths:
        worst = ", ".join(f"{n} {s}" for s, n in Counter(p.severity for p in attack.paths).most_common())
        console.print(
            f"{len(attack.paths)} attack path(s) from the internet or other accounts ({worst}): see report.html"
        )
    written = write_reports(findings, context, output_dir, chosen, mutes, attack)
    if framework is not None:
        assessment = assess(framework, findings)
        print_assessment(console, assessment)
        path = output_dir / f"compliance-{framework.id}.json"
        path.write_bytes(orjson.dumps(assessment_document(assessment), option=orjson.OPT_INDENT_2))
        written_paths = [*written.values(), path]
    else:
        written_paths = list(written.values())
    for path in written_paths:
        console.print(f"wrote {path}")
    summary = Summary.of(findings)
    unmuted = " that are not muted" if mutes is not None else ""
    if fail_on is not None:
        failing = summary.failures_at_or_above(fail_on)
        if failing:
            console.print(f"[red]{failing} FAIL finding(s){unmuted} at or above {fail_on.value}[/]")
            raise typer.Exit(1)
    if fail_on_error and summary.total[Status.ERROR]:
        console.print(
            f"[yellow]{summary.total[Status.ERROR]} check result(s){unmuted} are ERROR: the scan is incomplete[/]"
        )
        raise typer.Exit(3)


def scan(
    lab: LabOption = False,
    profile: ProfileOption = None,
    regions: RegionsOption = None,
    endpoint_url: EndpointOption = None,
    services: ServicesOption = None,
    checks: ChecksOption = None,
    severity: SeverityOption = None,
    checks_dir: ChecksDirOption = None,
    output_dir: OutputDirOption = Path("cloudward-report"),
    report_format: FormatOption = None,
    fail_on: FailOnOption = None,
    fail_on_error: FailOnErrorOption = False,
    mutelist: MutelistOption = None,
    framework: FrameworkOption = None,
    save_snapshot: Annotated[
        Path | None, typer.Option("--save-snapshot", help="Also keep the collected inventory as a snapshot.")
    ] = None,
    max_workers: WorkersOption = 16,
) -> None:
    """Scan an AWS account: collect what the selected checks need, evaluate, report."""
    registry, selected, chosen_framework = _select(checks_dir, checks, services, severity, framework)
    parse_formats(report_format)
    mutes = _mutelist(mutelist, registry)
    inventory, collected = collect_for_cli(selected, lab, profile, endpoint_url, split_list(regions), max_workers)
    if save_snapshot is not None:
        console.print(f"wrote snapshot {write_snapshot(inventory, save_snapshot, collected)}")
    _report(
        check_inventory(selected, inventory),
        inventory,
        len(selected),
        output_dir,
        report_format,
        fail_on,
        fail_on_error,
        mutes,
        chosen_framework,
    )


def collect(
    output: Annotated[Path, typer.Option("--output", "-o", help="Snapshot directory to write.")],
    lab: LabOption = False,
    profile: ProfileOption = None,
    regions: RegionsOption = None,
    endpoint_url: EndpointOption = None,
    services: ServicesOption = None,
    checks: ChecksOption = None,
    severity: SeverityOption = None,
    checks_dir: ChecksDirOption = None,
    framework: FrameworkOption = None,
    max_workers: WorkersOption = 16,
) -> None:
    """Collect an inventory snapshot (for `cloudward check`, offline, later)."""
    _, selected, _ = _select(checks_dir, checks, services, severity, framework)
    inventory, collected = collect_for_cli(selected, lab, profile, endpoint_url, split_list(regions), max_workers)
    path = write_snapshot(inventory, output, collected)
    console.print(f"wrote snapshot {path}: {len(inventory)} resources, {len(inventory.errors)} collection error(s)")


def check(
    snapshot: Annotated[Path, typer.Argument(help="A snapshot directory written by `cloudward collect`.")],
    services: ServicesOption = None,
    checks: ChecksOption = None,
    severity: SeverityOption = None,
    checks_dir: ChecksDirOption = None,
    output_dir: OutputDirOption = Path("cloudward-report"),
    report_format: FormatOption = None,
    fail_on: FailOnOption = None,
    fail_on_error: FailOnErrorOption = False,
    mutelist: MutelistOption = None,
    framework: FrameworkOption = None,
) -> None:
    """Evaluate checks over a snapshot, offline (no credentials, no network)."""
    registry, selected, chosen_framework = _select(checks_dir, checks, services, severity, framework)
    parse_formats(report_format)
    mutes = _mutelist(mutelist, registry)
    inventory, _ = read_snapshot(snapshot)
    _report(
        check_inventory(selected, inventory),
        inventory,
        len(selected),
        output_dir,
        report_format,
        fail_on,
        fail_on_error,
        mutes,
        chosen_framework,
    )
