"""What a secret finding is, and the one rule for showing a secret: never.

A finding carries a redacted prefix, the length and a keyed fingerprint of the value
(:mod:`cloudward.secrets.fingerprint`), so the same secret is recognised across scans, baselines and
repositories without being stored anywhere. No field of :class:`SecretFinding` ever holds the value.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class Confidence(enum.Enum):
    """How sure a detector is that a match is a live credential, not a look-alike."""

    HIGH = "high"
    """A structured token with a checksum, a known prefix and length, or a pair (key id with its secret)."""
    MEDIUM = "medium"
    """A structured value without a checksum, or a generic assignment with strong context."""
    LOW = "low"
    """A generic assignment that passed the entropy and context rules only just (reported with --all)."""


@dataclass(frozen=True, slots=True)
class SecretFinding:
    """One plaintext credential found somewhere, described without its value."""

    detector: str
    """Stable id: ``aws-access-key``, ``github-token``, ``private-key``, ``generic-password``, ..."""
    title: str
    """``AWS access key id with its secret access key``."""
    severity: str
    """critical, high, medium or low."""
    confidence: Confidence
    redacted: str
    """A short prefix and a mask: ``AKIA…`` or ``gh…``; never more than 4 characters of the value."""
    length: int
    """Length of the secret value in characters."""
    fingerprint: str
    """``hmac-sha256:<32 hex>``: a keyed hash of the value, stable across scans with the same key."""
    location: str
    """Where: a file path (``src/app/settings.py``), ``archive.zip!inner/path``, or a cloud resource ARN
    with the attribute (``arn:aws:lambda:...:function:f#Environment.DB_PASSWORD``)."""
    line: int = 0
    """1-based line number (0 when not applicable)."""
    column: int = 0
    """1-based column of the first character of the value (0 when not applicable)."""
    context: str = ""
    """What names the value, never the value: the variable or key name (``DB_PASSWORD``), or empty."""
    commit: str | None = None
    """For ``--git``: the commit that added the line."""
    author_date: str | None = None
    """For ``--git``: the commit's author date, ISO 8601."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Detector-specific facts that are not secret (``{"paired": true}``, ``{"key_id_prefix": "AKIA"}``,
    ``{"verified": "live"}``)."""

    def to_json(self) -> dict[str, Any]:
        """The finding as JSON output shows it (no value, by construction)."""
        return {
            "detector": self.detector,
            "title": self.title,
            "severity": self.severity,
            "confidence": self.confidence.value,
            "location": self.location,
            "line": self.line,
            "column": self.column,
            "context": self.context,
            "redacted": self.redacted,
            "length": self.length,
            "fingerprint": self.fingerprint,
            "commit": self.commit,
            "author_date": self.author_date,
            **({"extra": self.extra} if self.extra else {}),
        }
