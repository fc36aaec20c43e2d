"""Names: which variable, key or header names denote a secret, and the name assigned a value."""

from __future__ import annotations

import re

from cloudward.secrets.detectors.base import NameKind
from cloudward.secrets.detectors.values import _words

# ----------------------------------------------------------------------------------------------------------
# Names: which variable, key or header names denote a secret
# ----------------------------------------------------------------------------------------------------------

_NAME_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_PASSWORD_PARTS = frozenset({"password", "passwd", "pass", "pwd", "passphrase", "passwort", "pword"})
_SECRET_PARTS = frozenset(
    {
        "secret",
        "token",
        "credential",
        "credentials",
        "auth",
        "apikey",
        "secretkey",
        "accesskey",
        "privatekey",
        "authtoken",
        "accesstoken",
    }
)
_KEY_QUALIFIERS = _words(
    """
    api access secret private client signing sign encryption encrypt master app consumer account shared
    session webhook auth license service storage admin deploy hmac jwt aes crypt cipher nonce
    """
)
_VALUE_SUFFIXES = frozenset({"value", "val", "str", "string"})
_NOT_SECRET_TOKENS = _words(
    """
    pad unk eos bos sep cls mask special start end next page continuation pagination csrf xsrf sync
    cancel cancellation marker resume idempotency lexer parse eof sentinel first last stop client input output
    """
)
_TESTISH_NAME = frozenset({"test", "tests", "testing", "fake", "dummy", "mock", "example", "sample", "stub", "fixture"})


def name_parts(name: str) -> list[str]:
    """Lower-case components of an identifier (snake, kebab, dotted and camel case)."""
    return [p.lower() for p in _NAME_SPLIT.split(name) if p]


def classify_name(name: str) -> NameKind | None:
    """Whether a variable, key, parameter or header name denotes a password, another secret, or neither.

    The last component decides (``DB_PASSWORD`` yes, ``password_reset_url`` no, ``api_key_id`` no);
    a trailing ``value``/``str`` and digits are ignored; ``key`` counts only after a qualifier (``api``,
    ``access``, ``secret``, ``private``...).

    Args:
        name: The identifier (``DB_PASSWORD``, ``clientSecret``, ``X-Api-Key``, ``spring.datasource.password``).

    Returns:
        ``password``, ``secret`` or None.
    """
    parts = name_parts(name)
    while parts and (parts[-1].isdigit() or parts[-1] in _VALUE_SUFFIXES):
        parts.pop()
    if not parts:
        return None
    last = parts[-1].rstrip("0123456789")
    prev = parts[-2] if len(parts) > 1 else ""
    if last == "pass" and len(parts) == 1:
        return None  # "PASS:" in test logs, "pass" in prose; DB_PASS and smtp_pass still count
    if last in _PASSWORD_PARTS or (len(last) > 8 and last.endswith(("password", "passwd", "passphrase"))):
        return "password"
    if last in ("token", "tokens") and prev in _NOT_SECRET_TOKENS:
        return None
    if last in _SECRET_PARTS or (
        len(last) > 6 and last.endswith(("secret", "token", "apikey", "secretkey", "accesskey", "privatekey"))
    ):
        return "secret"
    if last == "key" and prev in _KEY_QUALIFIERS:
        return "secret"
    if last == "base" and parts[-3:-1] == ["secret", "key"]:
        return "secret"
    return None


def is_testish_name(name: str) -> bool:
    """True when a name says its value is a test value (``test_password``, ``FAKE_TOKEN``, ``mockApiKey``)."""
    return any(part in _TESTISH_NAME for part in name_parts(name))


_NAME_BEFORE = re.compile(rb"([A-Za-z_$@][\w.$@-]{0,80})\\?[\"'\]]?[ \t]*(?::=|=>|=|:)[ \t]*[rbuRBU]?\\?[\"'`]?$")


def name_before(data: bytes, start: int, lo: int) -> str:
    """The variable or key name assigned the value at ``start`` (``aws_access_key_id = AKIA...``), or ``""``."""
    floor = max(lo, start - 120)
    m = _NAME_BEFORE.search(data, max(floor, data.rfind(b"\n", floor, start) + 1), start)
    return m.group(1).decode("ascii", "replace") if m else ""
