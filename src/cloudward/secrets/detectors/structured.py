"""Structured credentials: AWS, GitHub, GitLab, Slack, Stripe, Google, private keys, service accounts, Azure."""

from __future__ import annotations

import base64
import binascii
import re
import zlib
from typing import Any

from cloudward.secrets.detectors.base import CRITICAL, HIGH, LOW, MEDIUM, Candidate, ScanContext
from cloudward.secrets.detectors.names import name_before
from cloudward.secrets.detectors.values import (
    _HEX,
    _REFERENCE,
    _diverse,
    is_known_example,
    is_placeholder,
    shannon_entropy,
)
from cloudward.secrets.model import Confidence

# ----------------------------------------------------------------------------------------------------------
# AWS
# ----------------------------------------------------------------------------------------------------------

_AWS_KEY_ID = re.compile(rb"(?<![A-Za-z0-9/+])((?:AKIA|ASIA)[A-Z2-7]{16})(?![A-Za-z0-9/+])")
_AWS_SECRET = re.compile(rb"(?<![A-Za-z0-9/+])([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])")
_AWS_SECRET_NAME = re.compile(
    rb"aws[\w.-]{0,20}secret|secret[_.-]?access[_.-]?key|secretaccesskey|secret[_.-]?key", re.IGNORECASE
)
_AWS_SECRET_ASSIGNED = re.compile(
    rb"(?:aws[\w.-]{0,20}secret[\w.-]{0,20}|[\w.-]{0,20}secret[_.-]?access[_.-]?key[\w.-]{0,10})"
    rb"\\?[\"']?[ \t]*(?::=|=>|=|:)[ \t]*[\"']?\\?[\"']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])",
    re.IGNORECASE,
)
_PAIR_LINES = 5
_PAIR_LABELLED_LINES = 25


def valid_aws_secret(value: bytes) -> bool:
    """A 40-character string that can be an AWS secret access key (not hex, mixed case, random-looking)."""
    if b"EXAMPLE" in value or is_known_example(value) or _HEX.match(value):
        return False
    has_upper = any(65 <= b <= 90 for b in value)
    has_lower = any(97 <= b <= 122 for b in value)
    has_digit_or_symbol = any(48 <= b <= 57 or b in b"/+" for b in value)
    return has_upper and has_lower and has_digit_or_symbol and shannon_entropy(value) >= 4.0


def _aws_key_ids(ctx: ScanContext, lo: int, hi: int) -> list[Candidate]:
    out: list[Candidate] = []
    for m in _AWS_KEY_ID.finditer(ctx.data, lo, hi):
        key = m.group(1)
        if key.endswith(b"EXAMPLE") or not _diverse(key[4:], 6):
            continue
        out.append(
            Candidate(
                m.start(1),
                m.end(1),
                key,
                Confidence.HIGH,
                context=name_before(ctx.data, m.start(1), lo),
                extra={"key_id_prefix": key[:4].decode("ascii"), "paired": False},
                title="AWS access key id",
            )
        )
    return out


def _line_bounds_around(data: bytes, pos: int, lines: int, limit: int) -> tuple[int, int]:
    """Offsets spanning ``lines`` whole lines above and below the line of ``pos``, within ``limit`` bytes."""
    floor = max(0, pos - limit)
    lo = pos
    for _ in range(lines + 1):
        newline = data.rfind(b"\n", floor, lo)
        if newline < 0:
            lo = floor
            break
        lo = newline
    else:
        lo += 1
    ceiling = min(len(data), pos + limit)
    hi = pos
    for _ in range(lines + 1):
        newline = data.find(b"\n", hi, ceiling)
        if newline < 0:
            hi = ceiling
            break
        hi = newline + 1
    return lo, hi


def _pair_aws(ctx: ScanContext, keys: list[Candidate]) -> list[Candidate]:
    """Pair each key id with the nearest plausible secret (5 lines; 25 when labelled as a secret key)."""
    data = ctx.data
    used: set[int] = set()
    for key in sorted(keys, key=lambda c: c.start):
        options: list[tuple[int, int, int, bytes]] = []
        lo, hi = _line_bounds_around(data, key.start, _PAIR_LABELLED_LINES, 8192)
        near_lo, near_hi = _line_bounds_around(data, key.start, _PAIR_LINES, 2048)
        key_line = data.count(b"\n", lo, key.start)
        for m in _AWS_SECRET.finditer(data, lo, hi):
            start = m.start(1)
            if start in used or not valid_aws_secret(m.group(1)):
                continue
            line_start = data.rfind(b"\n", lo, start) + 1 or lo
            labelled = bool(_AWS_SECRET_NAME.search(data, line_start, start))
            if not labelled and not near_lo <= start < near_hi:
                continue
            distance = abs(data.count(b"\n", lo, start) - key_line)
            options.append((0 if labelled else 1, distance, start, m.group(1)))
        if not options:
            continue
        _, _, start, secret = min(options)
        used.add(start)
        key.partner = secret
        key.claims.append((start, start + len(secret)))
        key.title = "AWS access key id with its secret access key"
        key.severity = CRITICAL
        key.extra["paired"] = True
    return keys


def _aws_secret_keys(ctx: ScanContext, lo: int, hi: int) -> list[Candidate]:
    out: list[Candidate] = []
    for m in _AWS_SECRET_ASSIGNED.finditer(ctx.data, lo, hi):
        secret = m.group(1)
        if valid_aws_secret(secret):
            out.append(
                Candidate(m.start(1), m.end(1), secret, Confidence.HIGH, context=name_before(ctx.data, m.start(1), lo))
            )
    return out


_SESSION_PREFIXED = re.compile(
    rb"(?<![A-Za-z0-9/+%])((?:FwoGZXIvYXdz|FQoGZXIvYXdz|IQoJb3JpZ2lu|AgoJb3JpZ2lu|AQoDYXdz)[A-Za-z0-9/+=%]{80,4096})"
)
_SESSION_ASSIGNED = re.compile(
    rb"(?:session|security)[_.-]?token\\?[\"']?[ \t]*(?::=|=>|=|:)[ \t]*\\?[\"']?([A-Za-z0-9/+=%]{100,4096})"
    rb"(?![A-Za-z0-9/+=%])",
    re.IGNORECASE,
)


def _aws_session_tokens(ctx: ScanContext, lo: int, hi: int) -> list[Candidate]:
    out: dict[int, Candidate] = {}
    for m in _SESSION_PREFIXED.finditer(ctx.data, lo, hi):
        if b"EXAMPLE" in m.group(1):
            continue
        out[m.start(1)] = Candidate(
            m.start(1), m.end(1), m.group(1), Confidence.HIGH, context=name_before(ctx.data, m.start(1), lo)
        )
    for m in _SESSION_ASSIGNED.finditer(ctx.data, lo, hi):
        token = m.group(1)
        if m.start(1) not in out and b"EXAMPLE" not in token and shannon_entropy(token) >= 4.5:
            out[m.start(1)] = Candidate(
                m.start(1), m.end(1), token, Confidence.MEDIUM, context=name_before(ctx.data, m.start(1), lo)
            )
    return list(out.values())


# ----------------------------------------------------------------------------------------------------------
# Source hosting, chat, payments, Google
# ----------------------------------------------------------------------------------------------------------

_BASE62 = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_BASE62_VALUE = {c: i for i, c in enumerate(_BASE62)}


def github_checksum_ok(token: bytes) -> bool:
    """GitHub's token checksum: the last 6 characters are the base62 CRC32 of the 30 random ones.

    Args:
        token: ``ghp_`` (or ``gho_``, ``ghu_``, ``ghs_``, ``ghr_``) and 36 base62 characters.

    Returns:
        Whether the checksum matches.
    """
    body, check = token[4:34], token[34:40]
    number = 0
    for c in check:
        number = number * 62 + _BASE62_VALUE.get(c, 0)
    return len(token) == 40 and number == zlib.crc32(body)


def base62_checksum(body: bytes) -> bytes:
    """The 6-character base62 CRC32 GitHub appends to a token body (used to build test tokens)."""
    number = zlib.crc32(body)
    digits = bytearray()
    for _ in range(6):
        number, rest = divmod(number, 62)
        digits.append(_BASE62[rest])
    return bytes(reversed(digits))


_GITHUB = re.compile(rb"(?<![A-Za-z0-9_])(gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})(?!\w)")


def _github_tokens(ctx: ScanContext, lo: int, hi: int) -> list[Candidate]:
    out: list[Candidate] = []
    for m in _GITHUB.finditer(ctx.data, lo, hi):
        token = m.group(1)
        extra: dict[str, Any]
        if token.startswith(b"github_pat_"):
            if not _diverse(token[11:], 16):
                continue
            confidence, extra = Confidence.HIGH, {"kind": "fine-grained"}
        else:
            if not _diverse(token[4:], 12) or is_known_example(token[4:]):
                continue
            valid = github_checksum_ok(token)
            confidence = Confidence.HIGH if valid else Confidence.MEDIUM
            extra = {"kind": token[:3].decode(), "checksum_valid": valid}
        out.append(
            Candidate(
                m.start(1), m.end(1), token, confidence, context=name_before(ctx.data, m.start(1), lo), extra=extra
            )
        )
    return out


_GITLAB = re.compile(
    rb"(?<![A-Za-z0-9_-])((?:glpat|gldt|glrt|glptt|glcbt|gloas|glsoat|glffct|glimt|glagent|glwt)-"
    rb"[A-Za-z0-9_-]{20,64}(?:\.[A-Za-z0-9_-]{2,64}){0,3}|GR1348941[A-Za-z0-9_-]{20,40})(?![A-Za-z0-9_-])"
)


def _gitlab_tokens(ctx: ScanContext, lo: int, hi: int) -> list[Candidate]:
    out: list[Candidate] = []
    for m in _GITLAB.finditer(ctx.data, lo, hi):
        token = m.group(1)
        body = token.split(b"-", 1)[1] if token.startswith(b"gl") else token[9:]
        if _diverse(body, 10) and not is_placeholder(body):
            out.append(
                Candidate(m.start(1), m.end(1), token, Confidence.HIGH, context=name_before(ctx.data, m.start(1), lo))
            )
    return out


_SLACK = re.compile(
    rb"(?<![A-Za-z0-9-])(xox[abposr]-[A-Za-z0-9-]{10,250}|xoxe(?:\.xox[bp])?-\d-[A-Za-z0-9-]{20,250}"
    rb"|xapp-\d-[A-Za-z0-9-]{20,250})(?![A-Za-z0-9-])"
)
_DIGITS = re.compile(rb"\d")


def _slack_tokens(ctx: ScanContext, lo: int, hi: int) -> list[Candidate]:
    out: list[Candidate] = []
    for m in _SLACK.finditer(ctx.data, lo, hi):
        token = m.group(1)
        tail = token.rsplit(b"-", 1)[-1]
        if len(token) < 24 or len(_DIGITS.findall(token)) < 6 or len(tail) < 8 or not _diverse(tail, 8):
            continue
        if is_placeholder(tail):
            continue
        out.append(
            Candidate(m.start(1), m.end(1), token, Confidence.HIGH, context=name_before(ctx.data, m.start(1), lo))
        )
    return out


_SLACK_WEBHOOK = re.compile(
    rb"(https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_-]{6,}/[A-Za-z0-9_-]{6,}"
    rb"(?:/[A-Za-z0-9_-]{6,}){1,2})"
)


def _slack_webhooks(ctx: ScanContext, lo: int, hi: int) -> list[Candidate]:
    out: list[Candidate] = []
    for m in _SLACK_WEBHOOK.finditer(ctx.data, lo, hi):
        url = m.group(1)
        secret = url.rsplit(b"/", 1)[-1]
        if len(secret) >= 16 and _diverse(secret, 10) and not is_placeholder(secret):
            out.append(
                Candidate(m.start(1), m.end(1), url, Confidence.HIGH, context=name_before(ctx.data, m.start(1), lo))
            )
    return out


_STRIPE = re.compile(rb"(?<![A-Za-z0-9_])((sk|rk)_(live|test)_[A-Za-z0-9]{20,247})(?![A-Za-z0-9_])")


def _stripe_keys(ctx: ScanContext, lo: int, hi: int) -> list[Candidate]:
    out: list[Candidate] = []
    for m in _STRIPE.finditer(ctx.data, lo, hi):
        token, kind, mode = m.group(1), m.group(2), m.group(3)
        body = token[8:]
        if not _diverse(body, 10) or is_placeholder(body):
            continue
        live = mode == b"live"
        out.append(
            Candidate(
                m.start(1),
                m.end(1),
                token,
                Confidence.HIGH if live else Confidence.LOW,
                context=name_before(ctx.data, m.start(1), lo),
                severity=(CRITICAL if kind == b"sk" else HIGH) if live else LOW,
                extra={"mode": mode.decode(), "kind": "secret" if kind == b"sk" else "restricted"},
            )
        )
    return out


_GOOGLE = re.compile(rb"(?<![A-Za-z0-9_-])(AIza[0-9A-Za-z_-]{35})(?![A-Za-z0-9_-])")


def _google_keys(ctx: ScanContext, lo: int, hi: int) -> list[Candidate]:
    return [
        Candidate(m.start(1), m.end(1), m.group(1), Confidence.HIGH, context=name_before(ctx.data, m.start(1), lo))
        for m in _GOOGLE.finditer(ctx.data, lo, hi)
        if _diverse(m.group(1)[4:], 12) and not is_placeholder(m.group(1)[4:])
    ]


# ----------------------------------------------------------------------------------------------------------
# Private keys and service accounts
# ----------------------------------------------------------------------------------------------------------

_PEM_BEGIN = re.compile(rb"-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----")
_PEM_HEADER_LINE = re.compile(rb"(?m)^[ \t\"']*(?:Proc-Type|DEK-Info|Version|Comment|Hash):[^\n]*$")
_PEM_CONCAT = re.compile(rb"[\"'`][ \t]*\+?[ \t]*(?:\r?\n[ \t]*)?\+?[ \t]*[\"'`]")
_PEM_NOISE = re.compile(rb"[\s\"'`,\\]+")
_BASE64_BODY = re.compile(rb"^[A-Za-z0-9+/=]+$")
_PEM_MAX = 16384


def _pem_body(raw: bytes, minimum: int = 64) -> bytes | None:
    """The base64 body of a PEM block (headers, escaped and real line breaks, quotes removed), or None."""
    text = _PEM_CONCAT.sub(b"", raw.replace(b"\\n", b"\n").replace(b"\\r", b""))
    body = _PEM_NOISE.sub(b"", _PEM_HEADER_LINE.sub(b"", text))
    if len(body) < minimum or not _BASE64_BODY.match(body) or shannon_entropy(body) < 4.2:
        return None
    return body


def _openssh_encrypted(body: bytes) -> bool | None:
    try:
        head = base64.b64decode(body[:64] + b"=" * (-len(body[:64]) % 4))
    except (binascii.Error, ValueError):
        return None
    if not head.startswith(b"openssh-key-v1\x00") or len(head) < 19:
        return None
    size = int.from_bytes(head[15:19], "big")
    return head[19 : 19 + size] != b"none"


def _private_keys(ctx: ScanContext, lo: int, hi: int) -> list[Candidate]:
    data = ctx.data
    out: list[Candidate] = []
    for m in _PEM_BEGIN.finditer(data, lo, hi):
        label = m.group(1)
        end_marker = b"-----END " + label + b"-----"
        end = data.find(end_marker, m.end(), min(len(data), m.end() + _PEM_MAX))
        if end < 0:
            continue
        raw = data[m.end() : end]
        body = _pem_body(raw)
        if body is None or is_placeholder(body[:40]):
            continue
        encrypted: bool | None = b"ENCRYPTED" in label or b"ENCRYPTED" in raw[:200]
        if label == b"OPENSSH PRIVATE KEY":
            encrypted = _openssh_encrypted(body)
        extra: dict[str, Any] = {"type": label.decode("ascii")}
        if encrypted is not None:
            extra["encrypted"] = encrypted
        out.append(
            Candidate(
                m.start(),
                end + len(end_marker),
                body,
                Confidence.HIGH,
                context=name_before(data, m.start(), lo),
                extra=extra,
                severity=MEDIUM if encrypted else None,
            )
        )
    out.extend(_putty_keys(ctx, lo, hi))
    return out


_PUTTY = re.compile(rb"PuTTY-User-Key-File-(\d+):[ \t]*(\S+)")
_PUTTY_ENCRYPTION = re.compile(rb"Encryption:[ \t]*(\S+)")
_PUTTY_PRIVATE = re.compile(rb"Private-Lines:[ \t]*(\d+)\r?\n")


def _putty_keys(ctx: ScanContext, lo: int, hi: int) -> list[Candidate]:
    data = ctx.data
    out: list[Candidate] = []
    for m in _PUTTY.finditer(data, lo, hi):
        limit = min(len(data), m.end() + _PEM_MAX)
        enc = _PUTTY_ENCRYPTION.search(data, m.end(), limit)
        priv = _PUTTY_PRIVATE.search(data, m.end(), limit)
        if priv is None:
            continue
        count = min(int(priv.group(1)), 200)
        lines = data[priv.end() : limit].split(b"\n", count)[:count]
        body = _pem_body(b"\n".join(lines), minimum=40)
        if body is None:
            continue
        encrypted = enc is not None and enc.group(1).lower() != b"none"
        out.append(
            Candidate(
                m.start(),
                priv.end() + sum(len(line) + 1 for line in lines),
                body,
                Confidence.HIGH,
                extra={"type": "PuTTY " + m.group(2).decode("ascii", "replace")[:40], "encrypted": encrypted},
                severity=MEDIUM if encrypted else None,
            )
        )
    return out


_GCP_KEY = re.compile(
    rb"[\"']private_key[\"'][ \t]*:[ \t]*[\"'](-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----.{64,8192}?"
    rb"-----END (?:[A-Z]+ )?PRIVATE KEY-----(?:\\n)?)[\"']",
    re.DOTALL,
)
_GCP_MARKER = re.compile(
    rb"[\"']type[\"'][ \t]*:[ \t]*[\"']service_account[\"']|[\"']client_email[\"'][ \t]*:[ \t]*[\"'][^\"']+"
    rb"\.gserviceaccount\.com"
)


def _gcp_service_accounts(ctx: ScanContext, lo: int, hi: int) -> list[Candidate]:
    data = ctx.data
    out: list[Candidate] = []
    for m in _GCP_KEY.finditer(data, lo, hi):
        if not _GCP_MARKER.search(data, max(0, m.start() - 4096), min(len(data), m.end() + 4096)):
            continue
        pem = m.group(1)
        begin = _PEM_BEGIN.match(pem)
        if begin is None:
            continue
        end = pem.rfind(b"-----END")
        body = _pem_body(pem[begin.end() : end])
        if body is None:
            continue
        out.append(Candidate(m.start(1), m.end(1), body, Confidence.HIGH, context="private_key"))
    return out


# ----------------------------------------------------------------------------------------------------------
# Azure
# ----------------------------------------------------------------------------------------------------------

_AZURE_ACCOUNT_KEY = re.compile(rb"AccountKey[ \t]*=[ \t]*([A-Za-z0-9+/]{86}==)(?![A-Za-z0-9+/=])", re.IGNORECASE)
_AZURE_NAMED_KEY = re.compile(
    rb"(?:storage|account)[_.-]?(?:account[_.-]?)?(?:access[_.-]?)?key\d?\\?[\"']?[ \t]*(?::=|=>|=|:)[ \t]*\\?[\"']?"
    rb"([A-Za-z0-9+/]{86}==)(?![A-Za-z0-9+/=])",
    re.IGNORECASE,
)


def _azure_storage_keys(ctx: ScanContext, lo: int, hi: int) -> list[Candidate]:
    out: dict[int, Candidate] = {}
    for pattern, confidence in ((_AZURE_ACCOUNT_KEY, Confidence.HIGH), (_AZURE_NAMED_KEY, Confidence.MEDIUM)):
        for m in pattern.finditer(ctx.data, lo, hi):
            key = m.group(1)
            if m.start(1) in out or is_known_example(key) or shannon_entropy(key) < 4.5:
                continue
            out[m.start(1)] = Candidate(
                m.start(1),
                m.end(1),
                key,
                confidence,
                context="AccountKey" if pattern is _AZURE_ACCOUNT_KEY else name_before(ctx.data, m.start(1), lo),
            )
    return list(out.values())


_CONN_SECRET = re.compile(
    rb"(?<![\w])(SharedAccessKey|SharedAccessSignature|Password|Pwd)[ \t]*=[ \t]*"
    rb"(\{[^}\r\n]{1,256}\}|\"[^\"\r\n]{1,256}\"|'[^'\r\n]{1,256}'|[^;\"'\s<>]{1,512})",
    re.IGNORECASE,
)
_CONN_CONTEXT = re.compile(
    rb"(?:Server|Data Source|Host|HostName|Endpoint|AccountName|Initial Catalog|Database|User ID|UserID|Uid|User"
    rb"|Address|Addr|Driver|Provider)[ \t]*=|jdbc:",
    re.IGNORECASE,
)


_SAS_SIGNATURE = re.compile(rb"sig=[A-Za-z0-9%+/=]{20,}")


def _connection_strings(ctx: ScanContext, lo: int, hi: int) -> list[Candidate]:
    data = ctx.data
    out: list[Candidate] = []
    for m in _CONN_SECRET.finditer(data, lo, hi):
        if not _CONN_CONTEXT.search(data, max(lo, m.start() - 512), min(hi, m.end() + 512)):
            continue
        if m.start() > lo and data[m.start() - 1 : m.start()] not in b";\"' \t{" and not ctx.config_value:
            continue
        kind = m.group(1).lower()
        value = m.group(2)
        start = m.start(2)
        if value[:1] in b"{\"'":
            value, start = value[1:-1], start + 1
        if kind == b"sharedaccesssignature":
            if _SAS_SIGNATURE.search(value) is None:
                continue
            confidence: Confidence | None = Confidence.HIGH
        elif kind == b"sharedaccesskey":
            confidence = Confidence.HIGH if len(value) >= 32 and shannon_entropy(value) >= 4.0 else None
        else:
            if _REFERENCE.search(value) or is_placeholder(value) or value.startswith((b"%", b"$", b"@")):
                continue
            confidence = Confidence.MEDIUM if len(value) >= 8 and shannon_entropy(value) >= 2.5 else Confidence.LOW
            if len(value) < 4:
                confidence = None
        if confidence is None:
            continue
        out.append(
            Candidate(start, start + len(value), value, confidence, context=m.group(1).decode("ascii", "replace"))
        )
    return out
