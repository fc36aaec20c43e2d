"""The first-steps baseline for a new account: six steps that stop most account compromises."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from cloudward.checks.model import Check, Status
from cloudward.findings.model import Finding
from cloudward.frameworks import Assessment, RequirementStatus, assess, get_framework

BASELINE_FRAMEWORK = "cis-aws-7.0"


@dataclass(frozen=True)
class BaselineStep:
    """One step: the checks that decide it."""

    title: str
    checks: tuple[str, ...]


STEPS: tuple[BaselineStep, ...] = (
    BaselineStep(
        "MFA on the root user and on every user who can sign in to the console",
        ("iam_root_mfa_enabled", "iam_user_console_mfa_enabled"),
    ),
    BaselineStep(
        "Root not used day to day: no root access keys, no recent root sign-in",
        ("iam_root_no_access_keys", "iam_root_not_used_recently"),
    ),
    BaselineStep("CloudTrail recording in every region", ("cloudtrail_multi_region_enabled",)),
    BaselineStep("AWS Config recording in every region", ("config_recorder_enabled",)),
    BaselineStep("Billing alerts: a budget or billing alarm that notifies someone", ("billing_alerts_configured",)),
)


@dataclass
class StepResult:
    """A step's status, the findings that failed it, and the fixes for them."""

    title: str
    status: Status
    failing: list[Finding] = field(default_factory=list)
    errors: list[Finding] = field(default_factory=list)
    fixes: list[str] = field(default_factory=list)


@dataclass
class Baseline:
    """The five step results and the CIS score as the sixth step."""

    steps: list[StepResult]
    cis: Assessment


def baseline_check_ids() -> set[str]:
    """Every check the baseline needs: the steps' and the CIS framework's."""
    return {check_id for step in STEPS for check_id in step.checks} | get_framework(BASELINE_FRAMEWORK).check_ids()


def _step_result(title: str, findings: Sequence[Finding]) -> StepResult:
    failing = [f for f in findings if f.status is Status.FAIL and not f.muted]
    errors = [f for f in findings if f.status is Status.ERROR and not f.muted]
    status = Status.FAIL if failing else Status.ERROR if errors else Status.PASS if findings else Status.NOT_APPLICABLE
    fixes: list[str] = []
    for finding in failing:
        remediation = finding.check.remediation
        fix = f"{remediation.summary}" + (f"\n  $ {remediation.cli.splitlines()[-1]}" if remediation.cli else "")
        if fix not in fixes:
            fixes.append(fix)
    return StepResult(title, status, failing, errors, fixes)


def evaluate_baseline(findings: Iterable[Finding], checks: Iterable[Check]) -> Baseline:
    """Judge each step from the findings; the sixth step is the CIS assessment over the same findings."""
    collected = list(findings)
    known = {check.meta.id for check in checks}
    steps: list[StepResult] = []
    for step in STEPS:
        missing = [check_id for check_id in step.checks if check_id not in known]
        if missing:
            steps.append(StepResult(step.title, Status.ERROR, fixes=[f"check(s) not available: {', '.join(missing)}"]))
            continue
        steps.append(_step_result(step.title, [f for f in collected if f.check.id in step.checks]))
    cis = assess(get_framework(BASELINE_FRAMEWORK), collected)
    return Baseline(steps, cis)


def cis_step_status(assessment: Assessment) -> Status:
    """The sixth step: PASS when every evaluated CIS requirement passes."""
    statuses = {result.status for result in assessment.results}
    if RequirementStatus.FAIL in statuses:
        return Status.FAIL
    if RequirementStatus.ERROR in statuses:
        return Status.ERROR
    return Status.PASS
