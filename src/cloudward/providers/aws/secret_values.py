"""Secrets in cloud configuration: each value is scanned while it is in memory, then only the findings are kept.

Specs whose items or supplements carry free-form values (Lambda environment variables, EC2 user data, ECS
container environment, SSM parameters, CloudFormation parameters and outputs, API Gateway stage variables)
call these functions from their ``redact`` hook or a supplement's ``select``, so a value never reaches
the inventory, a snapshot, a report or a log. A value becomes a *record*::

    {"length": 21, "findings": [{"detector": "generic-password", "confidence": "medium",
                                 "redacted": "hun…", "fingerprint": "hmac-sha256:…"}]}

``findings`` is empty when nothing was recognised. When the scan itself failed the record has an
``error`` (the exception type, never its message, which could quote the value) instead of ``findings``,
and checks report ERROR for it. File-like values (user data) also keep each finding's ``line`` and
``context`` (the name the value was assigned to, such as ``DB_PASSWORD``).

The secrets engine (:mod:`cloudward.secrets`) decides what is a credential; this module only adds the
collection-time rules: one scanner per process (keyed with the user's fingerprint key, shared by the
collector's threads), and the decoding of EC2 user data (base64, gzip, MIME multipart).
"""

from __future__ import annotations

import base64
import binascii
import email.parser
import email.policy
import re
import threading
import zlib
from collections.abc import Mapping
from itertools import pairwise
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the engine is imported on first scan: checks import this module's name rules only
    from cloudward.secrets.model import SecretFinding
    from cloudward.secrets.scanner import SecretScanner

Record = dict[str, Any]
"""What the inventory keeps of one scanned value (see the module docstring)."""

MAX_USER_DATA_BYTES = 20 << 20
"""User data is at most 16 KB as stored, so at most about 17 MB once decompressed (deflate's ratio is at most
1032:1); content beyond 20 MiB (a crafted stream) is not scanned and the record says ``truncated``."""

GZIP_MAGIC = b"\x1f\x8b"


class _ScannerSlot:
    """The process's scanner, built once on first use (a scanner may be shared by the collector's threads)."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.scanner: SecretScanner | None = None

    def get(self) -> SecretScanner:
        with self.lock:
            if self.scanner is None:
                from cloudward.secrets.fingerprint import FingerprintKey
                from cloudward.secrets.scanner import SecretScanner

                self.scanner = SecretScanner(FingerprintKey.load())
            return self.scanner


_SLOT = _ScannerSlot()


def use_scanner(scanner: SecretScanner | None) -> None:
    """Set the scanner collection uses from now on; None builds the default one on next use.

    The default is ``SecretScanner(FingerprintKey.load())``: the user's fingerprint key, so the
    fingerprints in a snapshot match those of ``cloudward secrets`` on the same machine.
    """
    with _SLOT.lock:
        _SLOT.scanner = scanner


def _finding(found: SecretFinding, *, with_position: bool = False) -> dict[str, Any]:
    """What a record keeps of a finding: detector, confidence, redacted prefix, fingerprint (never the value)."""
    kept: dict[str, Any] = {
        "detector": found.detector,
        "confidence": found.confidence.value,
        "redacted": found.redacted,
        "fingerprint": found.fingerprint,
    }
    if with_position:
        kept["line"] = found.line
        if found.context:
            kept["context"] = found.context
    return kept


def _failed(length: int, exc: BaseException) -> Record:
    # Only the exception's type: its message could quote the value.
    return {"length": length, "error": f"secret scan failed ({type(exc).__name__})"}


def scan_value(value: Any, location: str, context: str = "") -> Record:
    """The record of one configuration value named ``context`` (an environment variable, a parameter name).

    Args:
        value: the value; anything but a string is scanned as its ``str()``.
        location: where it is (an attribute path such as ``Environment.Variables.DB_PASSWORD``); used by
            the engine only, not kept.
        context: the name the value is assigned to; it counts as assignment context for the generic
            detectors (``DB_PASSWORD`` makes a password of a random-looking value).

    Returns:
        ``{"length": N, "findings": [...]}``, or ``{"length": N, "error": ...}`` when the scan failed.
    """
    text = value if isinstance(value, str) else str(value)
    try:
        found = _SLOT.get().scan_value(text, location, context)
    except Exception as exc:
        return _failed(len(text), exc)
    return {"length": len(text), "findings": [_finding(item) for item in found]}


def scan_values(values: Mapping[str, Any], location: str) -> dict[str, Record]:
    """Each value of a name -> value mapping replaced by its record (names are kept: they are not secret)."""
    return {str(name): scan_value(value, f"{location}.{name}", str(name)) for name, value in values.items()}


def scan_document(data: bytes, location: str) -> Record:
    """The record of file-like content (a script, a cloud-config document): findings keep line and context."""
    try:
        found = _SLOT.get().scan_bytes(data, location)
    except Exception as exc:
        return _failed(len(data), exc)
    return {"length": len(data), "findings": [_finding(item, with_position=True) for item in found]}


def _gunzip(data: bytes) -> tuple[bytes, bool]:
    """Decompressed gzip data, at most MAX_USER_DATA_BYTES of it, and whether it was cut there."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = inflater.decompress(data, MAX_USER_DATA_BYTES)
    return out, bool(inflater.unconsumed_tail)


def _mime_parts(data: bytes) -> list[bytes] | None:
    """The decoded leaf parts of a MIME multipart document (cloud-init), or None when it is not one."""
    head = data[:1024].lstrip().lower()
    if not (head.startswith((b"content-type: multipart", b"mime-version:")) and b"multipart/" in head):
        return None
    message = email.parser.BytesParser(policy=email.policy.compat32).parsebytes(data)
    if not message.is_multipart():
        return None
    parts: list[bytes] = []
    for part in message.walk():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            parts.append(payload)
    return parts


def _scan_content(content: bytes, location: str) -> tuple[str, list[Record]]:
    """The encoding seen and one record per scanned piece (the whole text, or each MIME part)."""
    encoding = "text"
    truncated = False
    if content.startswith(GZIP_MAGIC):
        content, truncated = _gunzip(content)
        encoding = "gzip"
    parts = _mime_parts(content)
    if parts is None:
        record = scan_document(content, location)
        if truncated:
            record["truncated"] = True
        return encoding, [record]
    records: list[Record] = []
    for index, payload in enumerate(parts, start=1):
        part, part_truncated = _gunzip(payload) if payload.startswith(GZIP_MAGIC) else (payload, False)
        record = scan_document(part, f"{location}#part{index}")
        if truncated or part_truncated:
            record["truncated"] = True
        records.append(record)
    return f"{encoding}+multipart" if encoding == "gzip" else "multipart", records


def scan_user_data(encoded: str | None, location: str) -> Record | None:
    """The record of EC2 user data as the API returns it (base64), or None when there is none.

    The content is decoded (base64, then gzip when it starts with the gzip magic bytes, then MIME multipart
    parts with their own transfer encoding and gzip), and each piece is scanned as a document. Findings
    from a multipart document carry the 1-based ``part`` they were found in. The record's ``length`` is
    the size of the decoded user data in bytes and ``encoding`` says what was decoded (``text``, ``gzip``,
    ``multipart``, ``gzip+multipart``); ``truncated`` is set when decompressed content past 20 MiB was
    not scanned. A value that is not valid base64, or gzip data that does not decompress, gives an
    ``error`` record.
    """
    if not encoded:
        return None
    try:
        raw = base64.b64decode(encoded, validate=False)
    except (binascii.Error, ValueError) as exc:
        return _failed(len(encoded), exc)
    try:
        encoding, records = _scan_content(raw, location)
    except (zlib.error, EOFError, ValueError, LookupError) as exc:
        return {"length": len(raw), "error": f"user data could not be decoded ({type(exc).__name__})"}
    errors = [record["error"] for record in records if "error" in record]
    if errors:
        return {"length": len(raw), "encoding": encoding, "error": errors[0]}
    multipart = encoding.endswith("multipart")
    findings = [
        {**found, "part": index} if multipart else found
        for index, record in enumerate(records, start=1)
        for found in record["findings"]
    ]
    result: Record = {"length": len(raw), "encoding": encoding, "findings": findings}
    if any(record.get("truncated") for record in records):
        result["truncated"] = True
    return result


# --- names and values that say "secret" without a detector's pattern (SSM parameters) -----------------------

SECRET_NAME_WORDS = ("password", "passwd", "passphrase", "secret", "token", "apikey", "privatekey", "credential")
# A name ending in one of these holds something about a secret (where it is, how long it lives), not the secret.
METADATA_NAME_SUFFIXES = frozenset(
    {"arn", "url", "uri", "endpoint", "name", "id", "path", "file", "dir", "region", "type", "ttl", "timeout"}
    | {"header", "length", "version", "enabled", "mode", "expiry", "expiration", "lifetime", "policy", "rotation"}
)
# Values that point to a secret stored elsewhere, resolved at deploy or run time.
REFERENCE_PREFIXES = ("arn:", "ssm:", "secretsmanager:", "{{resolve:", "${", "/aws/reference/")
MIN_LITERAL_LENGTH = 8
_NAME_PARTS = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])")
_PLAIN_URL = re.compile(r"^[a-z][a-z0-9+.-]*://[^@\s]*$", re.IGNORECASE)
# A KMS ciphertext blob (client-side encryption helpers): base64 of a versioned binary header.
_KMS_CIPHERTEXT = re.compile(r"^AQ[A-Za-z0-9+/]{100,}={0,2}$")


def secret_word(name: str) -> str | None:
    """The word by which a name says it holds a secret (``/prod/db/password`` -> ``password``), or None.

    The name is split at separators and camelCase; its last part must not be metadata about a secret
    (``SECRET_ARN``, ``token-ttl``, ``password_length`` name no secret). Adjacent parts are joined, so
    ``api_key`` and ``private-key`` count as ``apikey`` and ``privatekey``.
    """
    parts = [part.lower() for part in _NAME_PARTS.split(name) if part]
    if not parts or parts[-1] in METADATA_NAME_SUFFIXES:
        return None
    joined = [a + b for a, b in pairwise(parts)]
    for part in parts + joined:
        for word in SECRET_NAME_WORDS:
            if part.endswith(word) or part.endswith(word + "s"):
                return word
    return None


def literal_value(value: str) -> bool:
    """Whether a value is a literal that could be a secret: 8 or more characters, not a reference.

    References (``arn:``, ``ssm:``, ``{{resolve:...}}``, ``${...}``), plain URLs without credentials,
    numbers and KMS ciphertext blobs are not literals.
    """
    text = value.strip()
    if len(text) < MIN_LITERAL_LENGTH or text.lower().startswith(REFERENCE_PREFIXES):
        return False
    return not (text.isdigit() or _PLAIN_URL.match(text) or _KMS_CIPHERTEXT.match(text))
