"""The baseline (allowlist) of accepted secret findings: fingerprints with a reason, never a value.

A baseline is a JSON file, meant to be committed next to the code it describes::

    {
      "tool": "cloudward",
      "kind": "secrets-baseline",
      "version": 1,
      "key_check": "hmac-sha256:<32 hex>",
      "entries": [
        {
          "fingerprint": "hmac-sha256:<32 hex>",
          "detector": "aws-access-key",
          "location": "tests/fixtures/settings.env",
          "reason": "fake key for the settings parser tests",
          "added": "2026-11-01T10:00:00+00:00"
        }
      ]
    }

An entry accepts a finding when the fingerprint and the detector are equal and the location matches: equal
after normalisation (``./a/b`` is ``a/b``, backslashes are slashes), or, when the entry's location holds a
``*``, ``?`` or ``[``, as an :func:`fnmatch.fnmatchcase` pattern (``tests/fixtures/*`` accepts the value in any
file under that folder; ``*`` anywhere). Line numbers are not part of the match, so edits above a line keep it
accepted. ``key_check`` is the fingerprint of a fixed text under the key that wrote the file: a baseline
read with another fingerprint key cannot match anything, and says so instead of silently accepting nothing.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from fnmatch import fnmatchcase
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cloudward.core.errors import CloudwardError
from cloudward.secrets.model import SecretFinding

if TYPE_CHECKING:
    from cloudward.secrets.fingerprint import FingerprintKey

BASELINE_KIND = "secrets-baseline"
BASELINE_VERSION = 1
KEY_CHECK_TEXT = "cloudward secrets baseline key check v1"
"""The fixed text whose fingerprint identifies the key a baseline was written with."""
_FINGERPRINT = re.compile(r"hmac-sha256:[0-9a-f]{32}")
_GLOB_CHARS = frozenset("*?[")
_ENTRY_FIELDS = ("fingerprint", "detector", "location", "reason", "added")


class BaselineError(CloudwardError):
    """A baseline file is missing, unreadable, malformed, or was written with another fingerprint key."""


def normalize_location(location: str) -> str:
    """A location as baselines compare it: forward slashes, no leading ``./``."""
    normal = location.replace("\\", "/")
    while normal.startswith("./"):
        normal = normal[2:]
    return normal


@dataclass(frozen=True, slots=True)
class BaselineEntry:
    """One accepted finding: which value (by fingerprint), which detector, where, and why."""

    fingerprint: str
    detector: str
    location: str
    """A location, or a glob pattern when it holds ``*``, ``?`` or ``[``."""
    reason: str
    added: str
    """When the entry was added, ISO 8601."""

    def matches(self, finding: SecretFinding) -> bool:
        """Whether this entry accepts ``finding`` (fingerprint, detector and location)."""
        if finding.fingerprint != self.fingerprint or finding.detector != self.detector:
            return False
        pattern = normalize_location(self.location)
        location = normalize_location(finding.location)
        if _GLOB_CHARS.intersection(pattern):
            return fnmatchcase(location, pattern)
        return location == pattern

    def to_json(self) -> dict[str, str]:
        """The entry as the baseline file stores it."""
        return {name: getattr(self, name) for name in _ENTRY_FIELDS}


@dataclass
class Baseline:
    """Accepted findings, looked up by fingerprint. Remembers which entries matched, to report stale ones."""

    entries: list[BaselineEntry] = field(default_factory=list)
    key_check: str | None = None
    """``FingerprintKey.fingerprint(KEY_CHECK_TEXT)`` of the key that wrote the file (None: not recorded)."""
    _by_fingerprint: dict[str, list[int]] = field(default_factory=dict, init=False, repr=False)
    _matched: set[int] = field(default_factory=set, init=False, repr=False)

    def __post_init__(self) -> None:
        for index, entry in enumerate(self.entries):
            self._by_fingerprint.setdefault(entry.fingerprint, []).append(index)

    @classmethod
    def load(cls, path: Path) -> Baseline:
        """Read a baseline file.

        Args:
            path: The JSON file.

        Returns:
            The baseline.

        Raises:
            BaselineError: The file is missing, unreadable, not JSON, or not a version 1 secrets baseline; the
                message names the file and the offending entry and field, never a field's value.
        """
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise BaselineError(f"baseline file not found: {path}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise BaselineError(f"cannot read baseline {path}: {type(exc).__name__}") from None
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise BaselineError(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno})") from None
        return cls._from_document(document, path)

    @classmethod
    def _from_document(cls, document: Any, path: Path) -> Baseline:
        if not isinstance(document, dict):
            raise BaselineError(f"{path}: a secrets baseline is a JSON object with an 'entries' list")
        if document.get("kind") != BASELINE_KIND:
            raise BaselineError(f'{path}: not a cloudward secrets baseline (expected "kind": "{BASELINE_KIND}")')
        if document.get("version") != BASELINE_VERSION:
            raise BaselineError(
                f"{path}: unsupported baseline version (this cloudward reads version {BASELINE_VERSION})"
            )
        key_check = document.get("key_check")
        if key_check is not None and not (isinstance(key_check, str) and _FINGERPRINT.fullmatch(key_check)):
            raise BaselineError(f"{path}: 'key_check' must be hmac-sha256:<32 lowercase hex digits>")
        raw_entries = document.get("entries")
        if not isinstance(raw_entries, list):
            raise BaselineError(f"{path}: 'entries' must be a list")
        entries = [_entry(raw, f"{path}: entries[{index}]") for index, raw in enumerate(raw_entries)]
        return cls(entries, key_check)

    def check_key(self, key: FingerprintKey) -> None:
        """Fail when the baseline was written with another fingerprint key (then no entry could ever match).

        Raises:
            BaselineError: The recorded key check differs from ``key``'s.
        """
        if self.key_check is not None and self.key_check != key.fingerprint(KEY_CHECK_TEXT):
            raise BaselineError(
                "the baseline was written with another fingerprint key, so none of its entries can match: use the "
                "key it was written with (CLOUDWARD_SECRETS_KEY, or the key file, see docs/secrets.md)"
            )

    def accepts(self, finding: SecretFinding) -> str | None:
        """The reason ``finding`` is accepted, or None when no entry accepts it."""
        for index in self._by_fingerprint.get(finding.fingerprint, ()):
            entry = self.entries[index]
            if entry.matches(finding):
                self._matched.add(index)
                return entry.reason
        return None

    def stale(self) -> list[BaselineEntry]:
        """The entries that accepted no finding since this baseline was loaded."""
        return [entry for index, entry in enumerate(self.entries) if index not in self._matched]

    @classmethod
    def write(
        cls, path: Path, findings: Iterable[SecretFinding], reason: str, *, key: FingerprintKey | None = None
    ) -> int:
        """Add an entry for each finding the baseline at ``path`` does not accept yet (the file is created when
        missing, replaced atomically otherwise).

        Args:
            path: The baseline file.
            findings: The findings to accept.
            reason: Why they are accepted (required, stored in each new entry).
            key: The fingerprint key the findings were made with; recorded as ``key_check`` (and checked against
                an existing file's).

        Returns:
            The number of entries added.

        Raises:
            BaselineError: An empty reason, an existing file that is not a valid baseline or has another key,
                or the file cannot be written.
        """
        if not reason.strip():
            raise BaselineError("a baseline entry needs a reason (--reason)")
        baseline = cls.load(path) if path.exists() else cls()
        if key is not None:
            baseline.check_key(key)
            baseline.key_check = key.fingerprint(KEY_CHECK_TEXT)
        added = datetime.now(UTC).isoformat(timespec="seconds")
        new: list[BaselineEntry] = []
        seen: set[tuple[str, str, str]] = set()
        for finding in findings:
            identity = (finding.fingerprint, finding.detector, normalize_location(finding.location))
            if identity in seen or baseline.accepts(finding) is not None:
                continue
            seen.add(identity)
            new.append(BaselineEntry(identity[0], identity[1], identity[2], reason.strip(), added))
        _write_document(path, baseline.entries + new, baseline.key_check)
        return len(new)


def _entry(raw: Any, where: str) -> BaselineEntry:
    if not isinstance(raw, dict):
        raise BaselineError(f"{where}: an entry is an object with {', '.join(_ENTRY_FIELDS)}")
    values: dict[str, str] = {}
    for name in _ENTRY_FIELDS:
        value = raw.get(name)
        if not isinstance(value, str) or not value.strip():
            raise BaselineError(f"{where}: '{name}' is missing or not a non-empty string")
        values[name] = value
    if not _FINGERPRINT.fullmatch(values["fingerprint"]):
        raise BaselineError(f"{where}: 'fingerprint' must be hmac-sha256:<32 lowercase hex digits>")
    return BaselineEntry(**values)


def _write_document(path: Path, entries: Sequence[BaselineEntry], key_check: str | None) -> None:
    ordered = sorted(entries, key=lambda entry: (entry.location, entry.detector, entry.fingerprint))
    document: dict[str, Any] = {"tool": "cloudward", "kind": BASELINE_KIND, "version": BASELINE_VERSION}
    if key_check is not None:
        document["key_check"] = key_check
    document["entries"] = [entry.to_json() for entry in ordered]
    directory = path.parent if str(path.parent) else Path()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        descriptor, staging = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    except OSError as exc:
        raise BaselineError(f"cannot write baseline {path}: {exc.strerror or type(exc).__name__}") from None
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(document, handle, indent=2, ensure_ascii=False)
            handle.write("\n")
        os.chmod(staging, 0o644)  # mkstemp's 0600 would hide a file meant to be committed and shared
        os.replace(staging, path)
    except OSError as exc:
        Path(staging).unlink(missing_ok=True)
        raise BaselineError(f"cannot write baseline {path}: {exc.strerror or type(exc).__name__}") from None
