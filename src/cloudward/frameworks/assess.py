"""A framework assessment: each requirement's status from the findings of its checks, and scores."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from cloudward.checks.model import Status
from cloudward.findings.model import Finding
from cloudward.frameworks.model import Framework, Requirement


class RequirementStatus(StrEnum):
    """A requirement's outcome."""

    PASS = "PASS"
    FAIL = "FAIL"
    ERROR = "ERROR"
    NOT_APPLICABLE = "NOT_APPLICABLE"
    MANUAL = "MANUAL"


@dataclass
class RequirementResult:
    """One requirement, its status and the counts of its checks' findings (muted ones apart)."""

    requirement: Requirement
    status: RequirementStatus
    counts: Counter[Status] = field(default_factory=Counter)
    muted: int = 0
    failing: list[Finding] = field(default_factory=list)


@dataclass
class Score:
    """Passed out of evaluated requirements (PASS, FAIL and ERROR count; N/A and MANUAL do not)."""

    passed: int = 0
    evaluated: int = 0

    @property
    def percent(self) -> float:
        """0-100; 100 when nothing was evaluated is misleading, so that case is 0."""
        return round(100 * self.passed / self.evaluated, 1) if self.evaluated else 0.0


@dataclass
class Assessment:
    """The framework's requirements with their results, per-section and overall scores."""

    framework: Framework
    results: list[RequirementResult]
    sections: dict[str, Score]
    overall: Score

    def manual(self) -> list[Requirement]:
        """The requirements a person has to verify."""
        return [result.requirement for result in self.results if result.status is RequirementStatus.MANUAL]


def _status(counts: Counter[Status]) -> RequirementStatus:
    if counts[Status.FAIL]:
        return RequirementStatus.FAIL
    if counts[Status.ERROR]:
        return RequirementStatus.ERROR
    if counts[Status.PASS]:
        return RequirementStatus.PASS
    return RequirementStatus.NOT_APPLICABLE


def assess(framework: Framework, findings: Iterable[Finding]) -> Assessment:
    """Judge every requirement from the findings of its checks.

    A requirement FAILs when any of its checks has an unmuted FAIL, is ERROR when none FAILs but one
    could not be evaluated, PASSes when the rest pass, and is NOT_APPLICABLE when no resource was in
    scope. Muted findings are accepted risks: they do not fail a requirement but are counted.
    """
    by_check: dict[str, list[Finding]] = {}
    for finding in findings:
        by_check.setdefault(finding.check.id, []).append(finding)
    results: list[RequirementResult] = []
    sections = {section: Score() for section in framework.sections()}
    overall = Score()
    for requirement in framework.requirements:
        if not requirement.automated:
            results.append(RequirementResult(requirement, RequirementStatus.MANUAL))
            continue
        counts: Counter[Status] = Counter()
        muted = 0
        failing: list[Finding] = []
        for check_id in requirement.checks:
            for finding in by_check.get(check_id, []):
                if finding.muted and finding.status in (Status.FAIL, Status.ERROR):
                    muted += 1
                    continue
                counts[finding.status] += 1
                if finding.status is Status.FAIL:
                    failing.append(finding)
        status = _status(counts)
        results.append(RequirementResult(requirement, status, counts, muted, failing))
        if status in (RequirementStatus.PASS, RequirementStatus.FAIL, RequirementStatus.ERROR):
            for score in (sections[requirement.section], overall):
                score.evaluated += 1
                score.passed += status is RequirementStatus.PASS
    return Assessment(framework, results, sections, overall)
