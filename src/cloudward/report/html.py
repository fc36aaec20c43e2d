"""The single-file HTML report: summary charts, collection errors and a filterable findings table.

The page opens offline: CSS and JavaScript are inline, charts are inline SVG, and nothing is loaded from
the network. A Content-Security-Policy with ``default-src 'none'`` and SHA-256 hashes of the one inline
style and the one inline script keeps it that way, so even a resource name that slipped past escaping
could not run code. Each check's description, risk and remediation appear once, in a per-check block;
finding rows point at that block instead of repeating it.

Muted findings (see :mod:`cloudward.findings.mutelist`) keep their status badge and get a MUTED badge next
to it; status counts leave them out and a Muted count stands apart, and the mutelist's entries (with
expired and unused ones flagged) get their own section.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, TextIO
from urllib.parse import urlsplit

import jinja2
import markupsafe

from cloudward.checks.model import CheckMeta, Layer, Owner, Severity, Status
from cloudward.findings.model import Finding, Summary
from cloudward.findings.mutelist import MuteReport
from cloudward.report.context import ScanContext

if TYPE_CHECKING:
    from cloudward.report.attack_graph import AttackGraph

TEMPLATE_PACKAGE = "cloudward.report.templates"
TEMPLATE_NAME = "report.html.j2"

#: Display order of statuses in counts and charts: what needs action first.
STATUS_ORDER: tuple[Status, ...] = (Status.FAIL, Status.ERROR, Status.PASS, Status.NOT_APPLICABLE)
#: Statuses drawn in the stacked bars (N/A says nothing about the account's posture).
CHART_STATUSES: tuple[Status, ...] = (Status.FAIL, Status.ERROR, Status.PASS)
STATUS_LABELS: dict[Status, str] = {
    Status.FAIL: "FAIL",
    Status.ERROR: "ERROR",
    Status.PASS: "PASS",
    Status.NOT_APPLICABLE: "N/A",
}
SEVERITY_ORDER: tuple[Severity, ...] = tuple(sorted(Severity, key=lambda level: level.rank, reverse=True))

# Chart geometry, in SVG user units (the SVG scales to the page width through its viewBox).
_LABEL_WIDTH = 96
_BAR_AREA = 380
_TEXT_WIDTH = 184
_BAR_HEIGHT = 18
_BAR_GAP = 8
_TOP = 6


@dataclass(frozen=True, slots=True)
class CountRow:
    """One row of a summary table: a layer, severity or owner and its counts by status."""

    label: str
    counts: dict[str, int]
    """Findings that are not muted, by status."""
    total: int
    """All findings of the row, muted ones included."""
    muted: int = 0


@dataclass(frozen=True, slots=True)
class Segment:
    """One coloured piece of a stacked bar."""

    status: str
    label: str
    count: int
    x: str
    width: str


@dataclass(frozen=True, slots=True)
class Bar:
    """One horizontal stacked bar: PASS/FAIL/ERROR counts of one layer or severity."""

    label: str
    y: str
    text_y: str
    segments: tuple[Segment, ...]
    text: str


@dataclass(frozen=True, slots=True)
class Chart:
    """A horizontal stacked bar chart drawn as inline SVG."""

    id: str
    title: str
    width: int
    height: int
    label_width: int
    text_x: int
    bars: tuple[Bar, ...]


@dataclass(frozen=True, slots=True)
class _AttackSection:
    """The rendered attack-path section and the inline style and script the page's CSP must allow."""

    html: markupsafe.Markup
    style: markupsafe.Markup
    script: markupsafe.Markup
    paths: int


def write_html(
    findings: Iterable[Finding],
    out: TextIO,
    context: ScanContext,
    mutes: MuteReport | None = None,
    *,
    attack_paths: AttackGraph | None = None,
) -> None:
    """Write the self-contained HTML report of a scan.

    Args:
        findings: The scan's findings, in any order; they are listed FAILs first, most severe first
            (within a status, muted findings after the others).
        out: Where the page is written (UTF-8 text); the caller owns and closes it.
        context: The account, regions, time, counts and collection errors of the scan.
        mutes: What the mutelist did, when one was applied: adds a Mutelist section listing every
            entry, with expired and unused ones flagged.
        attack_paths: The account's attack-path graph, when one was built: adds an Attack paths section
            (see :mod:`cloudward.report.attack_graph`) with the interactive graph and the ranked paths.
    """
    ordered = sorted(findings, key=_report_order)
    summary = Summary.of(ordered)
    by_owner: dict[Owner, Counter[Status]] = {owner: Counter() for owner in Owner}
    muted_by_owner: dict[Owner, Counter[Status]] = {owner: Counter() for owner in Owner}
    for finding in ordered:
        (muted_by_owner if finding.muted else by_owner)[finding.check.owner][finding.status] += 1
    show_muted = mutes is not None or summary.muted > 0

    layer_rows = [_count_row(layer.value, summary.by_layer[layer], summary.muted_by_layer[layer]) for layer in Layer]
    severity_rows = [
        _count_row(level.value, summary.by_severity[level], summary.muted_by_severity[level])
        for level in SEVERITY_ORDER
    ]
    owner_rows = [_count_row(owner.value, by_owner[owner], muted_by_owner[owner]) for owner in Owner]

    chunks = _template().generate(
        context=context,
        collected_at=context.collected_at,
        regions=", ".join(context.regions) if context.regions else "none",
        extra=sorted(context.extra.items()),
        errors=sorted(
            context.errors,
            key=lambda error: (
                error.service,
                error.region,
                error.resource_type,
                error.operation,
                error.supplement,
            ),
        ),
        error_calls=sum(error.count for error in context.errors),
        findings=ordered,
        total=summary.findings,
        totals=_count_row("all", summary.total, summary.muted_total),
        show_muted=show_muted,
        mutes=mutes,
        statuses=[(status.value, STATUS_LABELS[status]) for status in STATUS_ORDER],
        chart_statuses=[(status.value, STATUS_LABELS[status]) for status in CHART_STATUSES],
        severities=[level.value for level in SEVERITY_ORDER],
        layers=[layer.value for layer in Layer],
        services=sorted({finding.check.service for finding in ordered}),
        layer_rows=layer_rows,
        severity_rows=severity_rows,
        owner_rows=owner_rows,
        layer_chart=_chart("chart-layer", "Results by defence layer", layer_rows),
        severity_chart=_chart("chart-severity", "Results by severity", severity_rows),
        checks=_checks_of(ordered),
        attack=_attack_section(attack_paths) if attack_paths is not None else None,
    )
    out.writelines(chunks)


def _attack_section(attack: AttackGraph) -> _AttackSection:
    # Imported here: the graph module needs networkx, which a report without attack paths does not.
    from cloudward.report.attack_graph import ATTACK_GRAPH_SCRIPT, ATTACK_GRAPH_STYLE, render_attack_graph

    return _AttackSection(
        html=markupsafe.Markup(render_attack_graph(attack).rstrip("\n")),
        style=markupsafe.Markup(ATTACK_GRAPH_STYLE),
        script=markupsafe.Markup(ATTACK_GRAPH_SCRIPT),
        paths=len(attack.paths),
    )


def _report_order(finding: Finding) -> tuple[int, bool, int, str, str]:
    """Finding.sort_key, with muted findings after the others of the same status."""
    status, severity, check_id, arn = finding.sort_key
    return (status, bool(finding.muted), severity, check_id, arn)


def _count_row(label: str, counts: Counter[Status], muted: Counter[Status]) -> CountRow:
    muted_count = sum(muted[status] for status in STATUS_ORDER)
    return CountRow(
        label=label,
        counts={status.value: counts[status] for status in STATUS_ORDER},
        total=sum(counts[status] for status in STATUS_ORDER) + muted_count,
        muted=muted_count,
    )


def _chart(chart_id: str, title: str, rows: Sequence[CountRow]) -> Chart:
    """Lay out one stacked bar per row, all on the same scale (the largest row fills the bar area)."""
    scale_max = max((sum(row.counts[status.value] for status in CHART_STATUSES) for row in rows), default=0)
    bars: list[Bar] = []
    for index, row in enumerate(rows):
        top = _TOP + index * (_BAR_HEIGHT + _BAR_GAP)
        x = float(_LABEL_WIDTH)
        segments: list[Segment] = []
        for status in CHART_STATUSES:
            count = row.counts[status.value]
            if not count or not scale_max:
                continue
            width = _BAR_AREA * count / scale_max
            segments.append(Segment(status.value, STATUS_LABELS[status], count, f"{x:.1f}", f"{width:.1f}"))
            x += width
        parts = [f"{row.counts[status.value]} {STATUS_LABELS[status].lower()}" for status in CHART_STATUSES]
        if row.muted:
            parts.append(f"{row.muted} muted")
        bars.append(
            Bar(
                label=row.label,
                y=str(top),
                text_y=str(top + _BAR_HEIGHT - 5),
                segments=tuple(segments),
                text=" · ".join(parts),
            )
        )
    height = _TOP * 2 + len(rows) * (_BAR_HEIGHT + _BAR_GAP) - _BAR_GAP
    return Chart(
        id=chart_id,
        title=title,
        width=_LABEL_WIDTH + _BAR_AREA + _TEXT_WIDTH,
        height=height,
        label_width=_LABEL_WIDTH - 8,
        text_x=_LABEL_WIDTH + _BAR_AREA + 8,
        bars=tuple(bars),
    )


def _checks_of(findings: Iterable[Finding]) -> list[CheckMeta]:
    """Each check that has findings, once, ordered by id."""
    checks: dict[str, CheckMeta] = {}
    for finding in findings:
        checks.setdefault(finding.check.id, finding.check)
    return [checks[check_id] for check_id in sorted(checks)]


def _when(moment: datetime) -> str:
    """A timestamp for people: UTC when the time zone is known, else as recorded."""
    if moment.tzinfo is None:
        return moment.isoformat(sep=" ", timespec="seconds")
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _csp_hash(text: str) -> str:
    """The CSP source expression that allows exactly this inline script or style."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _is_web_url(value: object) -> bool:
    """True for http(s) URLs with a host: only those become links (never ``javascript:`` and the like)."""
    if not isinstance(value, str):
        return False
    parts = urlsplit(value.strip())
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


@lru_cache(maxsize=1)
def _template() -> jinja2.Template:
    """The report template, read from the package data with autoescaping on."""
    source = resources.files(TEMPLATE_PACKAGE).joinpath(TEMPLATE_NAME).read_text(encoding="utf-8")
    environment = jinja2.Environment(
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["when"] = _when
    environment.filters["csp_hash"] = _csp_hash
    environment.filters["status_label"] = lambda status: STATUS_LABELS[Status(status)]
    environment.tests["web_url"] = _is_web_url
    return environment.from_string(source)
