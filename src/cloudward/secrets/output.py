"""Writers for secret findings: a console table, JSON, SARIF 2.1.0 (code scanning) and CSV.

Every writer shows what :meth:`SecretFinding.to_json` shows (a redacted prefix, the length and the keyed
fingerprint) and nothing else of the value, because a finding holds nothing else. Writers take the output
stream as an argument, so tests read what a user would.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, TextIO
from urllib.parse import quote

from cloudward import __version__
from cloudward.secrets.model import SecretFinding

SEVERITY_RANK = {"critical": 4, "high": 3, "medium": 2, "low": 1}
"""Severity order, highest first when sorted by descending rank."""
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_FINGERPRINT_KEY = "cloudwardSecretFingerprint/v1"
SECRETS_MANAGER_URI = "https://docs.aws.amazon.com/secretsmanager/latest/userguide/intro.html"
PARAMETER_STORE_URI = (
    "https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-parameter-store.html"
)
_SARIF_LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
# GitHub code scanning reads properties.security-severity: >= 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, < 4 low.
_SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}
_ARCHIVE_SUFFIXES = (
    *(".zip", ".jar", ".war", ".ear", ".whl", ".nupkg", ".aar"),
    *(".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz"),
)
_GENERIC = frozenset({"generic-password", "generic-secret", "bearer-token", "basic-auth", "url-password"})
_CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = (
    "severity",
    "detector",
    "title",
    "confidence",
    "location",
    "line",
    "column",
    "context",
    "redacted",
    "length",
    "fingerprint",
    "commit",
    "author_date",
    "verified",
)

_STORE_IT = (
    "Store the value in AWS Secrets Manager (or SSM Parameter Store as a SecureString) and read it at run time "
    "(an IAM role for the workload, the SDK or the Lambda/ECS secrets integration), never in code, images or "
    "environment variables."
)
_ROTATE = {
    "aws-access-key": "Deactivate and delete the access key in IAM (aws iam update-access-key --status Inactive, "
    "then aws iam delete-access-key), check CloudTrail for its use, and give the workload an IAM role instead "
    "of long-term keys.",
    "aws-secret-key": "Find the access key this secret belongs to, deactivate and delete it in IAM, and check "
    "CloudTrail for its use; use an IAM role instead of long-term keys.",
    "aws-session-token": "Revoke the role's active sessions (IAM console: Revoke active sessions) and check "
    "CloudTrail for the session's use.",
    "github-token": "Revoke the token in GitHub (Settings > Developer settings, or the organization's "
    "credential list) and review the audit log.",
    "gitlab-token": "Revoke the token in GitLab (User or project settings > Access tokens) and review the audit "
    "events.",
    "slack-token": "Revoke the token in the Slack app's settings (OAuth & Permissions) and reinstall the app.",
    "slack-webhook": "Delete the incoming webhook in the Slack app's settings and create a new one.",
    "stripe-key": "Roll the key in the Stripe dashboard (Developers > API keys) and review recent API requests.",
    "google-api-key": "Delete or regenerate the key in Google Cloud (APIs & Services > Credentials) and restrict "
    "the new key to the APIs and callers that need it.",
    "gcp-service-account": "Delete the service-account key in Google Cloud IAM, review its activity, and use "
    "workload identity instead of key files.",
    "azure-storage-key": "Rotate the storage account key (Access keys > Rotate) and prefer Entra ID or SAS "
    "tokens with short expiry.",
    "azure-connection-string": "Regenerate the key or password the connection string carries (Shared access "
    "policies, or the database user's password).",
    "private-key": "Treat the key pair as compromised: replace it wherever the public key is trusted "
    "(authorized_keys, certificates, signing configuration) and revoke certificates issued for it.",
    "jwt": "Invalidate the token (revoke the session or rotate the signing key if it does not expire soon).",
    "url-password": "Change the password of that database or broker user.",
    "basic-auth": "Change the password of that user.",
    "bearer-token": "Revoke the token with the service that issued it.",
    "generic-password": "Change the password wherever it is used.",
    "generic-secret": "Rotate the secret with the service that issued it.",
}


@dataclass(frozen=True, slots=True)
class ScanError:
    """A location that could not be scanned (unreadable file, corrupt archive), and why. Never holds content."""

    location: str
    message: str

    def to_json(self) -> dict[str, str]:
        """The error as JSON output shows it."""
        return {"location": self.location, "message": self.message}


def remediation(detector: str) -> str:
    """What to do about a finding of ``detector``: rotate it, then move it to Secrets Manager or Parameter Store."""
    rotate = _ROTATE.get(detector, "Rotate the credential with the service that issued it.")
    return (
        f"Consider the credential compromised. {rotate} Remove it from the file and from version control "
        f"history (rotation matters more: clones keep the history). {_STORE_IT}"
    )


def severity_counts(findings: Iterable[SecretFinding]) -> dict[str, int]:
    """How many findings of each severity, highest first, zero counts included."""
    counts = Counter(finding.severity for finding in findings)
    return {severity: counts.get(severity, 0) for severity in SEVERITY_RANK}


def sort_findings(findings: Iterable[SecretFinding]) -> list[SecretFinding]:
    """Most severe first, then by location, commit and line."""
    return sorted(
        findings,
        key=lambda f: (-SEVERITY_RANK.get(f.severity, 0), f.location, f.commit or "", f.line, f.column, f.detector),
    )


def verified_label(finding: SecretFinding) -> str:
    """``live (arn:...)``, ``dead``, ``error: reason`` or empty when the finding was not verified."""
    status = finding.extra.get("verified")
    if not status:
        return ""
    if status == "live" and finding.extra.get("caller_arn"):
        return f"live ({finding.extra['caller_arn']})"
    if status != "live" and finding.extra.get("verify_reason"):
        return f"{status}: {finding.extra['verify_reason']}"
    return str(status)


# ---------------------------------------------------------------------------------------------------- JSON


def write_json(
    findings: Iterable[SecretFinding],
    out: TextIO,
    *,
    errors: Sequence[ScanError] = (),
    accepted: int = 0,
    stale_baseline_entries: int = 0,
) -> None:
    """One JSON document: ``tool``, ``version``, ``findings`` (one per line), ``errors`` and ``summary``.

    Findings are streamed: the summary comes last (JSON objects are unordered), so memory stays flat.

    Args:
        findings: What to write.
        out: Where to write it.
        errors: Locations that could not be scanned.
        accepted: How many findings the baseline accepted (and so are not listed).
        stale_baseline_entries: How many baseline entries matched nothing in this run.
    """
    severities: Counter[str] = Counter()
    detectors: Counter[str] = Counter()
    out.write(f'{{\n  "tool": "cloudward",\n  "version": {json.dumps(__version__)},\n  "kind": "secrets",\n')
    out.write('  "findings": [')
    for count, finding in enumerate(findings):
        severities[finding.severity] += 1
        detectors[finding.detector] += 1
        out.write(("," if count else "") + "\n    " + json.dumps(finding.to_json(), ensure_ascii=False))
    out.write("\n  ],\n" if severities else "],\n")
    out.write('  "errors": ' + json.dumps([error.to_json() for error in errors], ensure_ascii=False) + ",\n")
    summary = {
        "findings": sum(severities.values()),
        "by_severity": {severity: severities.get(severity, 0) for severity in SEVERITY_RANK},
        "by_detector": dict(sorted(detectors.items())),
        "accepted_by_baseline": accepted,
        "stale_baseline_entries": stale_baseline_entries,
        "errors": len(errors),
    }
    out.write('  "summary": ' + json.dumps(summary) + "\n}\n")


# ---------------------------------------------------------------------------------------------------- SARIF


def _rule_name(detector: str) -> str:
    return "".join(part.capitalize() for part in detector.split("-"))


def _rule(detector: str, title: str, severity: str) -> dict[str, Any]:
    fix = remediation(detector)
    return {
        "id": detector,
        "name": _rule_name(detector),
        "shortDescription": {"text": title},
        "fullDescription": {"text": f"{title} in plain text. Anyone who can read the file or its history can use it."},
        "help": {
            "text": fix,
            "markdown": f"**{title}** found in plain text.\n\n{fix}\n\n"
            f"See [AWS Secrets Manager]({SECRETS_MANAGER_URI}) and [Parameter Store]({PARAMETER_STORE_URI}).",
        },
        "helpUri": SECRETS_MANAGER_URI,
        "defaultConfiguration": {"level": _SARIF_LEVEL.get(severity, "warning")},
        "properties": {
            "tags": ["security", "secrets", "external/cwe/cwe-798"],
            "precision": "medium" if detector in _GENERIC else "high",
            "security-severity": _SECURITY_SEVERITY.get(severity, "5.5"),
        },
    }


def _artifact(location: str) -> tuple[str, str | None, str | None]:
    """(uri, uriBaseId, member inside an archive) for a finding's location."""
    path, member = location, None
    if "!" in location:
        outer, _, inner = location.partition("!")
        if outer.lower().endswith(_ARCHIVE_SUFFIXES):
            path, member = outer, inner
    posix = path.replace("\\", "/")
    if posix.startswith("arn:"):
        return posix, None, member
    if PurePosixPath(posix).is_absolute():
        return "file://" + quote(posix), None, member
    while posix.startswith("./"):
        posix = posix[2:]
    return quote(posix), "%SRCROOT%", member


def _message(finding: SecretFinding, member: str | None) -> str:
    where = f" in archive member {member}" if member else ""
    named = f" assigned to {finding.context}" if finding.context else ""
    history = f" (added in commit {finding.commit[:12]})" if finding.commit else ""
    verified = verified_label(finding)
    checked = f" Verified: {verified}." if verified else ""
    return (
        f"{finding.title}{named}{where}{history}: {finding.redacted} ({finding.length} characters, "
        f"{finding.confidence.value} confidence).{checked} Rotate it and load it from Secrets Manager or "
        "Parameter Store."
    )


def _result(finding: SecretFinding, rule_index: int) -> dict[str, Any]:
    uri, base, member = _artifact(finding.location)
    artifact: dict[str, Any] = {"uri": uri}
    if base:
        artifact["uriBaseId"] = base
    physical: dict[str, Any] = {"artifactLocation": artifact}
    if finding.line > 0 and member is None:
        region: dict[str, int] = {"startLine": finding.line}
        if finding.column > 0:
            region["startColumn"] = finding.column
        physical["region"] = region
    properties: dict[str, Any] = {
        "confidence": finding.confidence.value,
        "severity": finding.severity,
        "redacted": finding.redacted,
        "length": finding.length,
        "location": finding.location,
    }
    for name in ("context", "commit", "author_date"):
        if getattr(finding, name):
            properties[name] = getattr(finding, name)
    if finding.extra:
        properties["extra"] = finding.extra
    return {
        "ruleId": finding.detector,
        "ruleIndex": rule_index,
        "level": _SARIF_LEVEL.get(finding.severity, "warning"),
        "message": {"text": _message(finding, member)},
        "locations": [{"physicalLocation": physical}],
        "partialFingerprints": {SARIF_FINGERPRINT_KEY: finding.fingerprint},
        "properties": properties,
    }


def sarif_document(
    findings: Iterable[SecretFinding],
    *,
    detectors: Mapping[str, tuple[str, str]] | None = None,
    errors: Sequence[ScanError] = (),
) -> dict[str, Any]:
    """The SARIF 2.1.0 log as a dict (see :func:`write_sarif`)."""
    listed = sort_findings(findings)
    table: dict[str, tuple[str, str]] = dict(detectors or {})
    for finding in listed:
        table.setdefault(finding.detector, (finding.title, finding.severity))
    order = sorted(table)
    index = {detector: position for position, detector in enumerate(order)}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "cloudward",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [_rule(detector, *table[detector]) for detector in order],
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": [_result(finding, index[finding.detector]) for finding in listed],
        "invocations": [
            {
                "executionSuccessful": True,
                "toolExecutionNotifications": [
                    {
                        "level": "warning",
                        "message": {"text": f"not scanned: {error.message}"},
                        "locations": [{"physicalLocation": {"artifactLocation": _error_artifact(error.location)}}],
                    }
                    for error in errors
                ],
            }
        ],
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def _error_artifact(location: str) -> dict[str, str]:
    uri, base, _ = _artifact(location)
    return {"uri": uri, "uriBaseId": base} if base else {"uri": uri}


def write_sarif(
    findings: Iterable[SecretFinding],
    out: TextIO,
    *,
    detectors: Mapping[str, tuple[str, str]] | None = None,
    errors: Sequence[ScanError] = (),
) -> None:
    """A SARIF 2.1.0 log for code-scanning UIs (GitHub code scanning, Azure DevOps, VS Code's SARIF viewer).

    One rule per detector (help text: rotate, then Secrets Manager or Parameter Store), one result per finding
    with its region (``startLine``/``startColumn``), ``partialFingerprints`` holding the keyed fingerprint (so an
    alert follows the secret, not the line), and the level from the severity. Unscanned locations become tool
    execution notifications.

    Args:
        findings: What to write.
        out: Where to write it.
        detectors: ``{detector id: (title, severity)}`` to list as rules even without results.
        errors: Locations that could not be scanned.
    """
    json.dump(sarif_document(findings, detectors=detectors, errors=errors), out, indent=2, ensure_ascii=False)
    out.write("\n")


# ---------------------------------------------------------------------------------------------------- CSV


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # a cell that starts like a formula is run by spreadsheets: make it text
    return "'" + text if text.startswith(_CSV_FORMULA_START) else text


def write_csv(findings: Iterable[SecretFinding], out: TextIO) -> None:
    """One row per finding, columns :data:`CSV_COLUMNS`; cells that a spreadsheet would run as a formula are
    prefixed with ``'``."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for finding in findings:
        row = finding.to_json()
        row["verified"] = verified_label(finding)
        writer.writerow([_cell(row.get(column)) for column in CSV_COLUMNS])


# ---------------------------------------------------------------------------------------------------- text

_SEVERITY_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan"}


def write_text(findings: Iterable[SecretFinding], out: TextIO, *, color: bool | None = None, width: int = 160) -> None:
    """A console table, most severe first, and a one-line summary.

    Args:
        findings: What to show.
        out: Where to write it (a terminal gets colour unless ``color`` says otherwise).
        color: Force colour on or off (None: when ``out`` is a terminal).
        width: Table width when ``out`` is not a terminal.
    """
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    terminal = out.isatty()
    console = Console(
        file=out,
        force_terminal=color if color is not None else terminal,
        no_color=color is False,
        width=None if terminal else width,
        highlight=False,
    )
    listed = sort_findings(findings)
    if not listed:
        console.print("No secrets found.")
        return
    history = any(finding.commit for finding in listed)
    verified = any(finding.extra.get("verified") for finding in listed)
    table = Table(title=f"Secrets found ({len(listed)})", show_lines=False)
    for column in ("severity", "detector", "location", "value", "named"):
        table.add_column(column, overflow="fold")
    if history:
        table.add_column("commit", overflow="fold")
    if verified:
        table.add_column("verified", overflow="fold")
    for finding in listed:
        where = finding.location + (f":{finding.line}" if finding.line else "")
        where += f":{finding.column}" if finding.line and finding.column else ""
        row = [
            Text(finding.severity, style=_SEVERITY_STYLE.get(finding.severity, "")),
            Text(finding.detector),
            Text(where),
            Text(f"{finding.redacted} ({finding.length} chars)"),
            Text(finding.context),
        ]
        if history:
            row.append(Text(f"{finding.commit[:12]} {finding.author_date or ''}" if finding.commit else ""))
        if verified:
            row.append(Text(verified_label(finding)))
        table.add_row(*row)
    console.print(table)
    counts = ", ".join(f"{count} {severity}" for severity, count in severity_counts(listed).items() if count)
    console.print(
        Text(
            f"{len(listed)} secrets ({counts}). Rotate each one, then load it from AWS Secrets Manager "
            "or SSM Parameter Store at run time."
        )
    )
