"""The detector model: triggers, candidates, the scan context and the detector record."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from cloudward.secrets.model import Confidence

CRITICAL = "critical"
HIGH = "high"
MEDIUM = "medium"
LOW = "low"

NameKind = Literal["password", "secret"]


@dataclass(frozen=True, slots=True)
class Trigger:
    """A prefilter pattern and the window its hits open for validation.

    Attributes:
        pattern: A regular expression (bytes) in the subset of syntax shared by hyperscan and ``re``.
        keywords: Lower-case literals of which every match of ``pattern`` contains one (ignoring case): what
            the pure-``re`` fallback looks for before it tries ``pattern``.
        caseless: Match ignoring ASCII case.
        before: Bytes before the hit's end offset to include in the window.
        after: Bytes after the hit's end offset to include in the window.
        lines_before: Whole lines before the hit's line to include (a name on one line, its value on the next).
        multiline: Do not clip the window to the hit's line (PEM blocks, JSON documents).
    """

    pattern: bytes
    keywords: tuple[bytes, ...]
    caseless: bool = False
    before: int = 256
    after: int = 1024
    lines_before: int = 0
    multiline: bool = False


@dataclass(slots=True)
class Candidate:
    """A validated match inside a buffer, before redaction (holds the value: never leaves the scanner)."""

    start: int
    """Offset of the value's first byte (line and column are computed from it)."""
    end: int
    """Offset just past the value (``start``..``end`` is the span claimed against other detectors)."""
    value: bytes = field(repr=False)
    """The bytes that are fingerprinted (for a private key: its base64 body without line breaks)."""
    confidence: Confidence
    context: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    title: str | None = None
    severity: str | None = None
    partner: bytes | None = field(default=None, repr=False)
    claims: list[tuple[int, int]] = field(default_factory=list)
    """Further spans this finding owns (the secret paired with an AWS key id)."""


class ScanContext:
    """What a validator may look at: the buffer and facts about where it came from."""

    __slots__ = ("code_file", "config_value", "data", "filename", "test_path")

    def __init__(
        self,
        data: bytes,
        *,
        test_path: bool = False,
        code_file: bool = False,
        config_value: bool = False,
        filename: str = "",
    ) -> None:
        """Describe one buffer.

        Args:
            data: The bytes being scanned.
            test_path: The path looks like a test fixture (generic findings drop to LOW).
            code_file: The file is source code in which an unquoted right-hand side is an expression, not a
                literal (Python, JS, Go, Java, Terraform...).
            config_value: The buffer is one cloud configuration value (unquoted values are literals).
            filename: The file's base name, lower-case (``.netrc``), or empty.
        """
        self.data = data
        self.filename = filename
        self.test_path = test_path
        self.code_file = code_file
        self.config_value = config_value


Validator = Callable[[ScanContext, int, int], list[Candidate]]
"""``validate(ctx, lo, hi)``: candidates inside ``ctx.data[lo:hi]``."""
Finalizer = Callable[[ScanContext, list[Candidate]], list[Candidate]]
"""``finalize(ctx, candidates)``: a whole-buffer pass over one detector's candidates (AWS pairing)."""


@dataclass(frozen=True, slots=True)
class Detector:
    """One kind of credential."""

    id: str
    title: str
    severity: str
    keywords: tuple[Trigger, ...]
    """Prefilter triggers; only their hits are validated."""
    validate: Validator
    finalize: Finalizer | None = None
