"""Reading the secrets records the collector keeps in place of configuration values (data-layer checks).

The collector replaces each value that may hold a credential by ``{"length": N, "findings": [...]}``
(:mod:`cloudward.providers.aws.secret_values`); a finding names its detector and confidence, and for file-like
values (user data) its line and the name it was assigned to. The value itself is never in the inventory,
so these helpers and the reasons they build cannot show it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cloudward.inventory import UnknownAttributeError

NOT_SCANNED = "collected without secret detection (a raw or older redacted value); collect again"


def recorded_findings(record: Any, attribute: str) -> list[dict[str, Any]]:
    """The findings of one value's record.

    Args:
        record: what the inventory holds for the value.
        attribute: the attribute's path, for the ERROR reason (``Environment.Variables.DB_PASSWORD``).

    Raises:
        UnknownAttributeError: the record shows a failed scan, or the value was never scanned (a snapshot
            from an older collector, an import from another source).
    """
    if isinstance(record, dict):
        findings = record.get("findings")
        if isinstance(findings, list) and all(isinstance(found, dict) and found.get("detector") for found in findings):
            return findings
        if record.get("error"):
            raise UnknownAttributeError(attribute, str(record["error"]))
    raise UnknownAttributeError(attribute, NOT_SCANNED)


def user_data_findings(record: Any, attribute: str) -> list[dict[str, Any]]:
    """The findings of a user data record; a scan cut short (decompressed content past 20 MiB) without any
    finding is unknown, not clean.

    Raises:
        UnknownAttributeError: as :func:`recorded_findings`, or the scan was cut short and found nothing.
    """
    findings = recorded_findings(record, attribute)
    if record.get("truncated") and not findings:
        raise UnknownAttributeError(attribute, "decompressed user data exceeds 20 MiB; the rest was not scanned")
    return findings


def user_data_summary(record: dict[str, Any]) -> str:
    """``1843 bytes of user data (gzip)``: the size and encoding of a user data record, never its content."""
    return f"{record.get('length', '?')} bytes of user data ({record.get('encoding', 'text')})"


def label(finding: dict[str, Any]) -> str:
    """``aws-access-key (high)``, with ``at line 4``, ``of part 2`` and ``for DB_PASSWORD`` when known."""
    text = f"{finding['detector']} ({finding.get('confidence', '?')})"
    if finding.get("line"):
        text += f" at line {finding['line']}"
    if finding.get("part"):
        text += f" of part {finding['part']}"
    if finding.get("context"):
        text += f" for {finding['context']}"
    return text


def labels(findings: Iterable[dict[str, Any]]) -> str:
    """The distinct labels of some findings, in order, comma-separated."""
    return ", ".join(dict.fromkeys(label(found) for found in findings))


SECRETS_FIX = "move them to Secrets Manager or Parameter Store (SecureString)"
"""The end of every FAIL reason of these checks."""
