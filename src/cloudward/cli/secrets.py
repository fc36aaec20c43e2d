"""`cloudward secrets`: plaintext credentials in files, archives and git history, for people and for CI.

Exit codes: 0 when nothing unaccepted at or above ``--fail-on`` was found, 1 when something was, 2 on a usage
error or bad input (a missing path, a bad baseline, not a git repository). Files that cannot be read are
reported on stderr and the scan goes on. The engine loads when the command runs, not at start-up.
"""

from __future__ import annotations

import enum
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer
from rich.console import Console
from rich.text import Text

from cloudward.core.errors import CloudwardError

if TYPE_CHECKING:
    from cloudward.secrets.baseline import Baseline
    from cloudward.secrets.fingerprint import FingerprintKey
    from cloudward.secrets.model import SecretFinding
    from cloudward.secrets.output import ScanError
    from cloudward.secrets.scanner import SecretScanner

errors = Console(stderr=True, highlight=False, soft_wrap=True)


class OutputFormat(enum.StrEnum):
    """``--format`` choices."""

    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"
    CSV = "csv"


class FailOn(enum.StrEnum):
    """``--fail-on`` choices: the lowest severity that makes the exit code 1."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


def _usage(message: str) -> typer.Exit:
    errors.print(Text.assemble(("error: ", "red"), message))
    return typer.Exit(2)


class _Rate:
    """Counts scanned units and bytes, and shows them (with MB/s) in a transient progress line on stderr."""

    def __init__(self, unit: str) -> None:
        self.unit = unit
        self.count = 0
        self.bytes = 0
        self.started = time.monotonic()
        self._shown = 0.0
        self.update: Callable[[str], None] | None = None

    def add(self, _name: str, size: int) -> None:
        self.count += 1
        self.bytes += max(size, 0)  # -1: a stream of unknown size
        now = time.monotonic()
        if self.update is not None and now - self._shown >= 0.2:
            self._shown = now
            self.update(self.describe())

    def describe(self) -> str:
        seconds = max(time.monotonic() - self.started, 1e-9)
        megabytes = self.bytes / 1e6
        size = f"{megabytes:,.1f} MB" if megabytes >= 1 else f"{self.bytes / 1e3:,.1f} kB"
        return f"{self.count:,} {self.unit}, {size}, {megabytes / seconds:,.1f} MB/s"


@contextmanager
def _progress(enabled: bool, rate: _Rate) -> Iterator[None]:
    """A progress line on stderr while scanning (nothing when disabled or stderr is not a terminal); messages
    printed on ``errors`` meanwhile appear above it."""
    if not enabled:
        yield
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=errors, transient=True
    ) as progress:
        task = progress.add_task(f"scanning: {rate.describe()}", total=None)
        rate.update = lambda text: progress.update(task, description=f"scanning: {text}")
        yield


def _write_atomically(path: Path, write: Callable[[TextIO], None]) -> None:
    directory = path.parent if str(path.parent) else Path()
    directory.mkdir(parents=True, exist_ok=True)
    descriptor, staging = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            write(handle)
        os.chmod(staging, 0o644)
        os.replace(staging, path)
    except BaseException:
        Path(staging).unlink(missing_ok=True)
        raise


def _scan(
    paths: list[Path],
    scanner: SecretScanner,
    *,
    git: bool,
    include_binary: bool,
    include_vendored: bool,
    rate: _Rate,
    problems: list[ScanError],
) -> list[SecretFinding]:
    from cloudward.secrets.output import ScanError

    def on_error(location: str, message: str) -> None:
        problems.append(ScanError(location, message))
        errors.print(Text.assemble(("warning: ", "yellow"), f"{location}: {message} (not scanned)"))

    found: list[SecretFinding] = []
    if git:
        from cloudward.secrets.git import scan_git

        for repo in paths:
            found.extend(scan_git(repo, scanner, on_error=on_error, on_commit=rate.add))
    else:
        from cloudward.secrets.files import ScanOptions, scan_paths

        options = ScanOptions(include_binary=include_binary, include_vendored=include_vendored)
        found.extend(scan_paths(paths, scanner, options, on_error=on_error, on_file=rate.add))
    return found


def _reader(git: bool, repos: list[Path]) -> Callable[[SecretFinding], bytes]:
    """How ``--verify`` reads a finding's source again: the file (or archive member), or the git blob."""
    from cloudward.secrets.verify import read_location

    if not git:
        return lambda finding: read_location(finding.location)
    from cloudward.secrets.git import GitError, read_blob

    def read(finding: SecretFinding) -> bytes:
        last: GitError | None = None
        for repo in repos:  # findings do not say which repository: the one that has the commit
            try:
                return read_blob(repo, finding.commit or "HEAD", finding.location)
            except GitError as exc:
                last = exc
        raise last or GitError("no repository")

    return read


def secrets_command(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Files and directories to scan (archives are scanned inside); with --git, repositories."),
    ],
    git: Annotated[
        bool, typer.Option("--git", help="Scan every commit of every branch of these repositories (added lines).")
    ] = False,
    output_format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.TEXT,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report here, not to stdout.")] = None,
    baseline: Annotated[
        Path | None, typer.Option("--baseline", help="Hide the findings this baseline file accepts.")
    ] = None,
    update_baseline: Annotated[
        bool,
        typer.Option("--update-baseline", help="Accept every finding of this run into --baseline (needs --reason)."),
    ] = False,
    reason: Annotated[str | None, typer.Option("--reason", help="Why the findings are accepted.")] = None,
    verify: Annotated[
        bool,
        typer.Option("--verify", help="Ask AWS STS whether each AWS key pair found works (sends the key id to AWS)."),
    ] = False,
    endpoint_url: Annotated[
        str | None, typer.Option("--endpoint-url", help="STS endpoint for --verify (an emulator, a VPC endpoint).")
    ] = None,
    include_low: Annotated[
        bool, typer.Option("--all", help="Also report low-confidence findings (generic values that only just pass).")
    ] = False,
    include_binary: Annotated[bool, typer.Option("--include-binary", help="Also scan binary files.")] = False,
    include_vendored: Annotated[
        bool, typer.Option("--include-vendored", help="Also scan node_modules, vendor, .venv, build output...")
    ] = False,
    fail_on: Annotated[
        FailOn, typer.Option("--fail-on", help="Exit 1 when a finding at or above this severity is not accepted.")
    ] = FailOn.LOW,
    progress: Annotated[
        bool, typer.Option("--progress/--no-progress", help="Show progress (MB/s) on stderr while scanning.")
    ] = True,
) -> None:
    """Find plaintext credentials (AWS keys, tokens, private keys, passwords) in files, archives and git history.

    Findings show a redacted prefix, the length and a keyed fingerprint, never the value. Exit code 1 when a
    finding at or above --fail-on is not accepted by --baseline, 2 on a usage error.
    """
    _check_usage(paths, baseline, update_baseline, reason, verify, endpoint_url)
    from cloudward.secrets.model import Confidence
    from cloudward.secrets.scanner import SecretScanner

    key, accepted_by = _load_key_and_baseline(baseline, update_baseline)
    scanner = SecretScanner(key, min_confidence=Confidence.LOW if include_low else Confidence.MEDIUM)
    rate = _Rate("commits" if git else "files")
    problems: list[ScanError] = []
    try:
        with _progress(progress, rate):
            findings = _scan(
                paths,
                scanner,
                git=git,
                include_binary=include_binary,
                include_vendored=include_vendored,
                rate=rate,
                problems=problems,
            )
    except CloudwardError as exc:
        raise _usage(str(exc)) from None
    seconds = time.monotonic() - rate.started
    scanned = rate.describe()
    if update_baseline and baseline is not None and reason is not None:
        accepted_by = _update_baseline(baseline, findings, reason, key)
    visible, accepted, stale = _apply_baseline(findings, accepted_by, baseline, report_stale=not update_baseline)
    if verify and visible:
        visible = _verify(visible, scanner, git, paths, endpoint_url)
    _report(visible, output_format, output, problems, accepted, stale)
    _finish(visible, scanned, seconds, accepted, len(problems), fail_on)


def _check_usage(
    paths: list[Path],
    baseline: Path | None,
    update_baseline: bool,
    reason: str | None,
    verify: bool,
    endpoint_url: str | None,
) -> None:
    if update_baseline and baseline is None:
        raise _usage("--update-baseline needs --baseline FILE")
    if update_baseline and not (reason and reason.strip()):
        raise _usage('--update-baseline needs --reason "why these findings are accepted"')
    if reason is not None and not update_baseline:
        raise _usage("--reason is only used with --update-baseline")
    if endpoint_url is not None and not verify:
        raise _usage("--endpoint-url is only used with --verify")
    missing = [str(path) for path in paths if not os.path.lexists(path)]
    if missing:
        raise _usage(f"no such file or directory: {', '.join(missing)}")


def _load_key_and_baseline(baseline: Path | None, update_baseline: bool) -> tuple[FingerprintKey, Baseline | None]:
    from cloudward.secrets.baseline import Baseline
    from cloudward.secrets.fingerprint import FingerprintKey

    try:
        key = FingerprintKey.load()
    except CloudwardError as exc:
        raise _usage(str(exc)) from None
    except ValueError as exc:  # names the variable or file and the problem, never the key
        raise _usage(f"cannot load the fingerprint key: {exc}") from None
    except OSError as exc:
        raise _usage(f"cannot load or create the fingerprint key file: {exc.strerror or type(exc).__name__}") from None
    if baseline is None or (update_baseline and not baseline.exists()):
        return key, None
    try:
        accepted_by = Baseline.load(baseline)
        accepted_by.check_key(key)
    except CloudwardError as exc:
        raise _usage(str(exc)) from None
    return key, accepted_by


def _update_baseline(path: Path, findings: list[SecretFinding], reason: str, key: FingerprintKey) -> Baseline:
    from cloudward.secrets.baseline import Baseline

    try:
        added = Baseline.write(path, findings, reason, key=key)
        updated = Baseline.load(path)
    except CloudwardError as exc:
        raise _usage(str(exc)) from None
    errors.print(Text(f"baseline {path}: {added} entries added ({len(findings)} findings in this run)"))
    return updated


def _apply_baseline(
    findings: list[SecretFinding], accepted_by: Baseline | None, path: Path | None, *, report_stale: bool
) -> tuple[list[SecretFinding], int, int]:
    """(findings the baseline does not accept, how many it accepted, how many of its entries matched nothing)."""
    if accepted_by is None:
        return findings, 0, 0
    visible = [finding for finding in findings if accepted_by.accepts(finding) is None]
    stale = accepted_by.stale()
    if stale and report_stale:
        errors.print(Text(f"baseline {path}: {len(stale)} entries matched nothing in this run (stale?):"))
        for entry in stale[:20]:
            errors.print(Text(f"  {entry.detector} {entry.location} {entry.fingerprint[:24]}… ({entry.reason})"))
        if len(stale) > 20:
            errors.print(Text(f"  ... {len(stale) - 20} more"))
    return visible, len(findings) - len(visible), len(stale)


def _finish(
    visible: list[SecretFinding], scanned: str, seconds: float, accepted: int, problems: int, fail_on: FailOn
) -> None:
    from cloudward.secrets.output import SEVERITY_RANK, severity_counts

    counts = ", ".join(f"{n} {severity}" for severity, n in severity_counts(visible).items() if n)
    summary = f"scanned {scanned} in {seconds:.1f} s: {len(visible)} findings" + (f" ({counts})" if counts else "")
    if accepted:
        summary += f", {accepted} accepted by the baseline"
    if problems:
        summary += f", {problems} locations not scanned"
    errors.print(Text(summary))
    threshold = SEVERITY_RANK[fail_on.value]
    if any(SEVERITY_RANK.get(finding.severity, 4) >= threshold for finding in visible):
        raise typer.Exit(1)


def _verify(
    findings: list[SecretFinding], scanner: SecretScanner, git: bool, paths: list[Path], endpoint_url: str | None
) -> list[SecretFinding]:
    from cloudward.secrets.verify import PairFinder, verify_aws_key, verify_findings

    verified, summary = verify_findings(
        findings,
        PairFinder(scanner, _reader(git, paths)),
        lambda key_id, secret: verify_aws_key(key_id, secret, endpoint_url=endpoint_url),
    )
    checked = summary.live + summary.dead + summary.errors
    message = f"--verify: {checked} AWS keys with a secret checked with STS: {summary.live} live, {summary.dead} dead, "
    message += f"{summary.errors} could not be checked"
    if summary.unpaired:
        message += f"; {summary.unpaired} key ids without a secret next to them were not checked"
    errors.print(Text(message))
    return verified


def _report(
    findings: list[SecretFinding],
    output_format: OutputFormat,
    output: Path | None,
    problems: list[ScanError],
    accepted: int,
    stale: int,
) -> None:
    from cloudward.secrets.output import write_csv, write_json, write_sarif, write_text

    def write(out: TextIO) -> None:
        if output_format is OutputFormat.JSON:
            write_json(findings, out, errors=problems, accepted=accepted, stale_baseline_entries=stale)
        elif output_format is OutputFormat.SARIF:
            write_sarif(findings, out, detectors=_detector_table(), errors=problems)
        elif output_format is OutputFormat.CSV:
            write_csv(findings, out)
        else:
            write_text(findings, out)

    if output is None:
        write(sys.stdout)
        sys.stdout.flush()
    else:
        _write_atomically(output, write)
        errors.print(Text(f"wrote {output_format.value} report to {output}"))


def _detector_table() -> dict[str, tuple[str, str]]:
    """Every detector as ``{id: (title, severity)}``, so SARIF lists all rules that ran."""
    from cloudward.secrets.detectors import DETECTORS

    return {detector.id: (detector.title, detector.severity) for detector in DETECTORS}
