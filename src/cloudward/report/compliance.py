"""A framework assessment on the terminal and as JSON."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from cloudward.checks.model import Status
from cloudward.frameworks.assess import Assessment, RequirementStatus

_STYLE = {
    RequirementStatus.PASS: "green",
    RequirementStatus.FAIL: "red",
    RequirementStatus.ERROR: "yellow",
    RequirementStatus.NOT_APPLICABLE: "dim",
    RequirementStatus.MANUAL: "cyan",
}


def print_assessment(console: Console, assessment: Assessment) -> None:
    """Requirements with their status, scores per section and overall, and what to verify by hand."""
    framework = assessment.framework
    table = Table(title=f"{framework.name} {framework.version} ({framework.id})", title_justify="left")
    for column in ("requirement", "status", "title", "fail", "pass", "error"):
        table.add_column(column, overflow="fold")
    for result in assessment.results:
        status = result.status
        counts = result.counts
        table.add_row(
            result.requirement.id,
            f"[{_STYLE[status]}]{status.value}[/]",
            result.requirement.title,
            str(counts[Status.FAIL] or ""),
            str(counts[Status.PASS] or ""),
            str(counts[Status.ERROR] or ""),
        )
    console.print(table)
    scores = Table(title="Score (passed / evaluated requirements)", title_justify="left")
    for column in ("section", "passed", "evaluated", "score"):
        scores.add_column(column)
    for section, score in assessment.sections.items():
        scores.add_row(section, str(score.passed), str(score.evaluated), f"{score.percent}%")
    scores.add_section()
    overall = assessment.overall
    scores.add_row("[bold]overall[/]", str(overall.passed), str(overall.evaluated), f"[bold]{overall.percent}%[/]")
    console.print(scores)
    manual = assessment.manual()
    if manual:
        console.print(f"[cyan]{len(manual)} MANUAL requirement(s) to verify by hand:[/]")
        for requirement in manual:
            line = f"  [cyan]{requirement.id}[/] {requirement.title}: [dim]{requirement.audit}[/]"
            console.print(line, highlight=False)


def assessment_document(assessment: Assessment) -> dict[str, Any]:
    """The assessment as a JSON-ready document (requirements, statuses, counts, scores, audit steps)."""
    framework = assessment.framework
    return {
        "framework": {"id": framework.id, "name": framework.name, "version": framework.version, "url": framework.url},
        "score": {
            "passed": assessment.overall.passed,
            "evaluated": assessment.overall.evaluated,
            "percent": assessment.overall.percent,
        },
        "sections": [
            {"section": name, "passed": score.passed, "evaluated": score.evaluated, "percent": score.percent}
            for name, score in assessment.sections.items()
        ],
        "requirements": [
            {
                "id": result.requirement.id,
                "section": result.requirement.section,
                "title": result.requirement.title,
                "status": result.status.value,
                "checks": list(result.requirement.checks),
                "counts": {status.value: count for status, count in sorted(result.counts.items())},
                "muted": result.muted,
                "failing_resources": sorted({finding.resource.arn for finding in result.failing}),
                "audit": result.requirement.audit,
                "note": result.requirement.note,
            }
            for result in assessment.results
        ],
    }
