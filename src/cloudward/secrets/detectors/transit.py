"""Tokens in transit: JWTs, URLs with credentials, and Basic/Bearer Authorization values."""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

from cloudward.secrets.detectors.base import Candidate, ScanContext
from cloudward.secrets.detectors.names import name_before
from cloudward.secrets.detectors.values import (
    _NUMBER,
    _REFERENCE,
    _classes,
    _is_identifier_like,
    is_known_example,
    is_placeholder,
    rejects_value,
    shannon_entropy,
)
from cloudward.secrets.model import Confidence

# ----------------------------------------------------------------------------------------------------------
# Tokens in transit: JWT, URLs, Authorization headers
# ----------------------------------------------------------------------------------------------------------

_JWT = re.compile(
    rb"(?<![A-Za-z0-9_-])(eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.([A-Za-z0-9_-]{16,}))(?![A-Za-z0-9_-]|\.[A-Za-z0-9_-])"
)


def _b64url_json(part: bytes) -> Any:
    try:
        return json.loads(base64.urlsafe_b64decode(part + b"=" * (-len(part) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None


def _jwts(ctx: ScanContext, lo: int, hi: int) -> list[Candidate]:
    out: list[Candidate] = []
    for m in _JWT.finditer(ctx.data, lo, hi):
        token = m.group(1)
        header_b64, payload_b64, signature = token.split(b".")
        header, payload = _b64url_json(header_b64), _b64url_json(payload_b64)
        if not isinstance(header, dict) or not isinstance(payload, dict):
            continue
        alg = str(header.get("alg", ""))
        if not alg or alg.lower() == "none" or is_known_example(signature):
            continue
        if payload.get("sub") == "1234567890" and payload.get("name") == "John Doe":
            continue
        confidence = Confidence.LOW if payload.get("role") == "anon" else Confidence.HIGH
        out.append(
            Candidate(
                m.start(1),
                m.end(1),
                token,
                confidence,
                context=name_before(ctx.data, m.start(1), lo),
                extra={"alg": alg[:16]},
            )
        )
    return out


_URL_CREDS = re.compile(
    rb"(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]{1,40})://([^\s:@/'\"<>`]{0,64}):([^\s@/'\"<>`]{1,128})@"
    rb"([^\s/'\"<>`:?#@]+)"
)
_EXAMPLE_HOSTS = re.compile(
    rb"^(?:[\w-]+\.)*(?:example\.(?:com|org|net)|domain\.com|test|invalid)$|^(?!localhost$)[\w-]*host(?:name)?$"
    rb"|^(?:server|your[\w-]*"
    rb"|\{[^}]*\}|\$[\w{}]+|<[^>]*>|x+)$",
    re.IGNORECASE,
)


def _url_passwords(ctx: ScanContext, lo: int, hi: int) -> list[Candidate]:
    out: list[Candidate] = []
    for m in _URL_CREDS.finditer(ctx.data, lo, hi):
        scheme, user, password, host = m.group(1), m.group(2), m.group(3), m.group(4)
        if (
            len(password) < 4
            or b":" in password
            or _REFERENCE.search(password)
            or is_placeholder(password)
            or _NUMBER.match(password)
        ):
            continue
        if password.startswith((b"%", b"$", b"{", b"[")):
            continue
        confidence = Confidence.MEDIUM
        if password == user or _EXAMPLE_HOSTS.match(host):
            confidence = Confidence.LOW
        out.append(
            Candidate(
                m.start(3),
                m.end(3),
                password,
                confidence,
                context=name_before(ctx.data, m.start(), lo),
                extra={"scheme": scheme.decode("ascii", "replace").lower()},
            )
        )
    return out


_BASIC = re.compile(rb"\b(?:basic)[ \t]+([A-Za-z0-9+/]{8,}={0,2})(?![A-Za-z0-9+/=])", re.IGNORECASE)
_AUTHORIZATION = re.compile(rb"authorization", re.IGNORECASE)


def _basic_auth(ctx: ScanContext, lo: int, hi: int) -> list[Candidate]:
    out: list[Candidate] = []
    for m in _BASIC.finditer(ctx.data, lo, hi):
        encoded = m.group(1)
        try:
            decoded = base64.b64decode(encoded + b"=" * (-len(encoded) % 4), validate=True).decode("utf-8")
        except (binascii.Error, ValueError, UnicodeDecodeError):
            continue
        _user, sep, password = decoded.partition(":")
        if not sep or not password or not decoded.isprintable() or is_known_example(encoded):
            continue
        pw = password.encode()
        if _REFERENCE.search(pw) or is_placeholder(pw):
            continue
        labelled = bool(_AUTHORIZATION.search(ctx.data, max(lo, m.start() - 64), m.start()))
        out.append(
            Candidate(
                m.start(1),
                m.end(1),
                encoded,
                Confidence.HIGH if labelled else Confidence.MEDIUM,
                context="Authorization" if labelled else name_before(ctx.data, m.start(), lo),
            )
        )
    return out


_BEARER = re.compile(rb"\bbearer[ \t]+([A-Za-z0-9._~+/-]{16,}=*)(?![A-Za-z0-9._~+/=-])", re.IGNORECASE)


def _bearer_tokens(ctx: ScanContext, lo: int, hi: int) -> list[Candidate]:
    out: list[Candidate] = []
    for m in _BEARER.finditer(ctx.data, lo, hi):
        token = m.group(1)
        if rejects_value(token) or _is_identifier_like(token):
            continue
        entropy = shannon_entropy(token)
        if entropy < (3.3 if len(token) < 24 else 3.6) or _classes(token) < 2:
            continue
        labelled = bool(_AUTHORIZATION.search(ctx.data, max(lo, m.start() - 64), m.start()))
        out.append(
            Candidate(
                m.start(1),
                m.end(1),
                token,
                Confidence.MEDIUM,
                context="Authorization" if labelled else name_before(ctx.data, m.start(), lo),
            )
        )
    return out
