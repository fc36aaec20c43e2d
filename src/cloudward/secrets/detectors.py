"""The detector table: what each kind of plaintext credential looks like and how a candidate is judged.

Every :class:`Detector` has prefilter ``keywords`` (:class:`Trigger`: short literals and bounded regular
expressions that :mod:`cloudward.secrets.scanner` compiles once into a single hyperscan database) and a
``validate`` function. Only around a trigger hit does Python work start: ``validate`` runs ``re`` over a small
window (the line, or a few kilobytes for multi-line PEM and JSON), checks structure (prefix, length,
checksum, decoding) or, for the generic detectors, the assignment's name and the value's entropy and shape.
A clean file therefore costs one hyperscan pass and nothing else.

Trigger patterns use the syntax common to hyperscan and Python ``re`` (no lookarounds, no backreferences,
bounded repeats where a match could otherwise end at many offsets), so the pure-``re`` fallback prefilter
sees the same triggers.

Order matters: when two detectors claim overlapping text, the one earlier in :data:`DETECTORS` wins
(a GitHub token assigned to ``token = ...`` is a ``github-token``, not a ``generic-secret``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
import re
import zlib
from collections import Counter
from collections.abc import Callable, Sequence
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


# ----------------------------------------------------------------------------------------------------------
# Value scoring shared by the detectors
# ----------------------------------------------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def shannon_entropy(value: bytes) -> float:
    """Shannon entropy of a byte string in bits per byte (0 for an empty string)."""
    n = len(value)
    if not n:
        return 0.0
    return -sum(c / n * math.log2(c / n) for c in Counter(value).values())


def _classes(value: bytes) -> int:
    lower = upper = digit = other = 0
    for b in value:
        if 97 <= b <= 122:
            lower = 1
        elif 65 <= b <= 90:
            upper = 1
        elif 48 <= b <= 57:
            digit = 1
        else:
            other = 1
    return lower + upper + digit + other


_KNOWN_EXAMPLES = frozenset(
    {
        # AWS documentation's example secret access key
        "78314b11be2e581549ac1c4f616563fad3fdf0c3b71678f6e2299182080e0598",
        # Azurite / storage emulator account key (devstoreaccount1), published by Microsoft
        "0011cc25eb4320717494d2703e8cba85743e71b500283c21c8b88147992f9059",
        # body of the GitHub documentation's example OAuth token
        "7e498f91828a193cac5ecbe78ab47c6cae601d6d9edc40c59310c0e305db85ea",
        # RFC 7617's Basic credentials (Aladdin / open sesame)
        "cf4d418ed3de92d71f767db5391d5a2dacd40e1ce49e75d1137e2ecf4982d844",
        # signature of jwt.io's example token
        "051d093c4bdedbf23f905ad01d9c6111414d54e2170e1d7f76657c4e76e3e65b",
    }
)


def is_known_example(value: bytes) -> bool:
    """True for values published in vendor documentation (kept here as SHA-256 digests, not literals)."""
    return hashlib.sha256(value).hexdigest() in _KNOWN_EXAMPLES


_PLACEHOLDER_WORDS = _words(
    """
    password passwd passw pass pwd pw secret secrets supersecret topsecret mysecret mypassword mypass
    yourpassword yoursecret yourtoken yourkey changeme changeit token mytoken apikey myapikey secretkey
    accesskey privatekey key test testing tester testpass testpassword testsecret testtoken testkey
    example sample dummy fake foo bar foobar baz qux admin administrator root user username guest
    default none null nil undefined empty blank hidden redacted masked removed secretpassword letmein
    qwerty welcome hello helloworld string value text placeholder todo tbd fixme na unknown required
    optional notset unset abc abcd abcdef abcdefg abcdefgh xyz demo temp tmp sa postgres mysql true
    false yes no on off enabled disabled secretvalue tokenvalue passphrase credentials credential auth
    login pass word sesame opensesame iloveyou anonymous
    """
)
_PLACEHOLDER_PARTS = re.compile(
    rb"example|sample|placeholder|dummy|change[_-]?(?:me|it)\b|replace[_-]?(?:me|this|with)|\byour[_-]|"
    rb"your(?:password|passwd|pass|secret|token|key|api)|xxxx|\*\*\*|\.\.\.|\btodo\b|fixme|redacted|"
    rb"insert[_-]|enter[_-]|not[_-]?(?:a[_-]?)?real|fake|lorem|foobar|<[^>]*>|\[[A-Za-z _-]+\]|passw(?:or)?d|secret"
    rb"|&(?:lt|gt|quot|amp|#x?[0-9a-f]+);|" + "…".encode(),
    re.IGNORECASE,
)
_LEET = bytes.maketrans(b"@4310$57!|", b"aaeiosstil")
_NON_LETTERS = re.compile(rb"[^a-z]+")
_EDGE_JUNK = re.compile(rb"^[\W\d_]+|[\W\d_]+$")
_SEQUENCES = (b"abcdefghijklmnopqrstuvwxyz", b"qwertyuiopasdfghjklzxcvbnm", b"0123456789")


def is_placeholder(value: bytes) -> bool:
    """True for values that stand for a secret rather than being one (``changeme``, ``<password>``, ``P@ssw0rd``).

    Args:
        value: The candidate value.

    Returns:
        Whether it is a placeholder, a documentation word, a run of one character or a keyboard sequence.
    """
    if _PLACEHOLDER_PARTS.search(value):
        return True
    low = value.lower()
    letters = _NON_LETTERS.sub(b"", low)
    leet = _NON_LETTERS.sub(b"", _EDGE_JUNK.sub(b"", low).translate(_LEET))
    for word in (letters, leet):
        if word.decode("ascii") in _PLACEHOLDER_WORDS:
            return True
    if len(set(low)) <= 2:
        return True
    core = _EDGE_JUNK.sub(b"", low) or low
    return len(core) >= 4 and any(core in seq for seq in _SEQUENCES)


_REFERENCE = re.compile(
    rb"""^\$|\$\{|\$\(|\{\{|\}\}|\#\{|%\(|%[sdr]\b|^%[\w.]+%$|<%|\{\d*\}|^ENC\[|^\{[A-Za-z0-9+/=]{8,}\}$|^[@:][A-Za-z_][\w.]*$|^:?[\'"]|^\?$|(?-i:\$[A-Z_][A-Z0-9_]{2,})
    |^(?:ssm|arn|vault|secretsmanager|sm|ref|env|file|aws|gcp|kms|keyvault|op|doppler|secret|secrets)[:+]
    |os\.environ|process\.env|getenv|\bENV\[|System\.getenv|\benv\(|\bsecrets\.|\bvars\.|\bvar\.|\blocal\.
    |^!(?:Ref|Sub|GetAtt|ImportValue|FindInMap|Join|Select|If|Base64|vault)\b|\{\{\s*resolve:
    |@Microsoft\.KeyVault|^projects/[^/]+/secrets/|^data\.|^module\.""",
    re.IGNORECASE | re.VERBOSE,
)
_HASHED = re.compile(
    rb"^\$(?:2[abxy]?|1|5|6|argon2\w*|pbkdf2[\w-]*|scrypt|sha\d*|y|gy|7)\$|^(?:pbkdf2_sha\d+|bcrypt|argon2|sha1|md5)\$"
    rb"|^(?:sha1|sha224|sha256|sha384|sha512|md5)[:-]|^\{(?:SSHA|SHA|MD5|CRYPT|SSHA256|SSHA512)\}",
    re.IGNORECASE,
)
_REGEXISH = re.compile(rb"\[[^\]]*[a-z0-9]-[a-z0-9][^\]]*\][+*?{]|\\[dwsbDWS][+*?{]|\{\d+,\d*\}|\(\?P?[:=!<]|\[\^")
_UUID = re.compile(rb"^\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?$")
_NUMBER = re.compile(rb"^[+-]?(?:0x[0-9a-fA-F]+|\d+(?:[.,:]\d+)*(?:e[+-]?\d+)?)$", re.IGNORECASE)
_DATE_OR_VERSION = re.compile(rb"^(?:\d{4}-\d{2}-\d{2}|v?\d+\.\d+(?:\.\d+)*(?:[-+][\w.]+)?)")
_PATHISH = re.compile(
    rb"^(?:/|\./|\.\./|~/|[A-Za-z]:[\\/]|\\\\)|://|^[\w.-]+(?:/[\w.-]+)+\.[A-Za-z]{1,5}$"
    rb"|^[\w-]+\.(?:json|ya?ml|pem|key|txt|env|ini|cfg|conf|p12|pfx|jks|crt|cer|der|properties|xml|toml)$"
)
_EMAIL = re.compile(rb"^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$")
_HEX = re.compile(rb"^[0-9a-fA-F]+$")
_WORDISH = re.compile(rb"^[A-Za-z]+\d*(?:[_.\-: |/][A-Za-z]+\d*)*$")
_VOWELS = frozenset(b"aeiouyAEIOUY")


_NATURAL_WORD = re.compile(rb"^(?:[a-z]+|[A-Z][a-z]+|[A-Z]+)$")
_WORD_SPLIT = re.compile(rb"[_.\-: |/]+|(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def _is_identifier_like(value: bytes) -> bool:
    """Letters-only names (``accessToken``, ``db_password_prod``, ``spring.datasource.password``).

    Words (split at separators and camel humps) shaped like words (``lower``, ``Capital``, ``UPPER``), with
    vowels like natural language: random mixed-case letters make words such as ``WEOw``, or lack vowels.
    """
    if not _WORDISH.match(value):
        return False
    words = [w.rstrip(b"0123456789") for w in _WORD_SPLIT.split(value) if w]
    if len(words) < 2 and any(48 <= b <= 57 for b in value):
        return False  # Summer2024 is a password, types-auth0-python is a name
    if not all(_NATURAL_WORD.match(w) for w in words) or sum(map(len, words)) < 2.5 * len(words):
        return False
    voiced = [any(b in _VOWELS for b in w) for w in words]
    if 2 * sum(voiced) < len(words) or any(len(w) > 3 and not v for w, v in zip(words, voiced, strict=True)):
        return False
    letters = b"".join(words)
    vowels = sum(1 for b in letters if b in _VOWELS)
    return vowels / len(letters) >= 0.2


_STRUCTURED_SHAPE = re.compile(
    rb"^(?:gh[pousr]_|github_pat_|gl(?:pat|dt|rt|ptt|cbt|oas|soat|ffct|imt|agent|wt)-|xox[a-z]-|xapp-|[srp]k_(?:live|test)_"
    rb"|AIza|AKIA|ASIA|eyJ|-----BEGIN)|EXAMPLE"
)
"""Values a structured detector owns: when it rejected one (a documented example, a placeholder), the generic
detectors must not report it either."""
_FORMAT_FIELD = re.compile(rb"\{[A-Za-z_][\w.!:\[\]]*\}")


def _has_format_field(value: bytes) -> bool:
    """``{name}`` / ``{user.password!r}`` placeholders making up a fair part of the value (not a random ``{x}``)."""
    covered = sum(len(m.group(0)) for m in _FORMAT_FIELD.finditer(value))
    return covered > 0 and (covered * 4 >= len(value) or len(value) <= 24)


def rejects_value(value: bytes) -> bool:
    """True when a value cannot be a plaintext secret: reference, placeholder, hash, UUID, number, path...

    Args:
        value: The candidate value (already stripped of quotes).

    Returns:
        Whether the value is a look-alike.
    """
    return bool(
        _REFERENCE.search(value)
        or _STRUCTURED_SHAPE.search(value)
        or _has_format_field(value)
        or _HASHED.search(value)
        or _REGEXISH.search(value)
        or _UUID.match(value)
        or _NUMBER.match(value)
        or _DATE_OR_VERSION.match(value)
        or _PATHISH.search(value)
        or _EMAIL.match(value)
        or b" " in value.strip()
        or is_placeholder(value)
        or is_known_example(value)
    )


_TESTISH_VALUE = re.compile(rb"test|mock|stub|fixture", re.IGNORECASE)


_BASE64_TEXT = re.compile(rb"^(?:[A-Za-z0-9+/]{4}){2,}(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$")


def _encodes_lookalike(value: bytes) -> bool:
    """True for base64 of printable text that is itself a look-alike (``bm90IG15IHJlYWwgcGFzc3dvcmQ=``)."""
    if not _BASE64_TEXT.match(value):
        return False
    try:
        decoded = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return False
    if len(decoded) < 4 or not all(32 <= b < 127 for b in decoded):
        return False
    _, _, secret_part = decoded.rpartition(b":")
    return rejects_value(decoded) or rejects_value(secret_part or decoded)


def score_generic(value: bytes, kind: NameKind) -> Confidence | None:
    """Judge a value assigned to a secret-named variable.

    Args:
        value: The value.
        kind: ``password`` (human-chosen: lower entropy accepted) or ``secret`` (tokens and keys).

    Returns:
        MEDIUM for a convincing secret, LOW when it passes only just (or mentions test/mock), None for a
        look-alike.
    """
    n = len(value)
    if n < 8 or n > 1024 or rejects_value(value) or _encodes_lookalike(value):
        return None
    entropy = shannon_entropy(value)
    classes = _classes(value)
    identifier = _is_identifier_like(value)
    result: Confidence | None
    if identifier:
        result = None
    elif kind == "password":
        if classes >= 2 and entropy >= 2.75:
            result = Confidence.MEDIUM
        elif entropy >= 3.0 and n >= 12:
            result = Confidence.LOW
        else:
            result = None
    elif _HEX.match(value):
        if n >= 20 and entropy >= 3.2:
            result = Confidence.MEDIUM
        elif n >= 16 and entropy >= 3.0:
            result = Confidence.LOW
        else:
            result = None
    else:
        threshold = 2.9 if n < 16 else 3.3 if n < 24 else 3.6
        if entropy >= threshold and classes >= 2:
            result = Confidence.MEDIUM
        elif entropy >= threshold - 0.4 and classes >= 2:
            result = Confidence.LOW
        else:
            result = None
    if result is Confidence.MEDIUM and _TESTISH_VALUE.search(value):
        result = Confidence.LOW
    return result


def _diverse(value: bytes, minimum: int) -> bool:
    return len(set(value)) >= minimum and b"XXXX" not in value.upper()


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


# ----------------------------------------------------------------------------------------------------------
# Generic assignments: password = ..., "api_key": "...", TOKEN=..., <password>...</password>
# ----------------------------------------------------------------------------------------------------------

_KEY_COMPOUNDS = rb"(?:" + b"|".join(sorted(q.encode() for q in _KEY_QUALIFIERS)) + rb")[_.-]?key"
_PASSWORD_KW = rb"(?:pass(?:word|wd|phrase)?|pwd)"
_SECRET_KW = rb"(?:secret|token|credentials?|auth|apikey|" + _KEY_COMPOUNDS + rb"|secret[_.-]?key[_.-]?base)"
_KW = rb"(?:" + _PASSWORD_KW + rb"|" + _SECRET_KW + rb")"
_SUFFIX = rb"(?:[_.-]?(?:value|str|string|val))?[0-9]{0,2}"
_NAME_WITH_KW = re.compile(
    rb"(?<![\w.$@/])(?<![^\s/\"'{,]:)((?:[A-Za-z_$@][\w.$@-]{0,80}?)?" + _KW + _SUFFIX + rb")(?![\w$@]|[.-][\w$@])",
    re.IGNORECASE,
)
_QUOTED_OR_BARE = (
    rb"""(?:(?P<q>\\?["'`])(?P<qv>(?:(?!(?P=q))[^\r\n]){1,1024})(?P=q)|(?P<uv>[^\s"'`<>,;(){}\[\]][^\s"'`<]*))"""
)
_AFTER_NAME = re.compile(
    rb"""(?P<close>\\?["'`]\]?|\])?
    (?P<annotation>[ \t]*:[ \t]*[&A-Za-z_][\w.\[\]|<>,&' ]{0,40}?(?=[ \t]*=[^=>]))?
    (?P<gotype>[ \t]+[A-Za-z_*\[\]][\w.\[\]*]{0,30}(?=[ \t]*=[^=>]))?
    [ \t]*(?P<op>:=|=>|===?|[?+]?=|:|\(|>|,|[ \t](?=[ \t]*[rRbBuUfF]{0,2}\\?["'`])|[ \t]+value[ \t]*=)[ \t]*
    (?:[rRbBuUfF]{1,2}(?=\\?["'`]))?"""
    + _QUOTED_OR_BARE,
    re.VERBOSE | re.IGNORECASE,
)
_PAIR_VALUE = re.compile(
    rb"""\\?["']?[ \t]*,?[ \t]*(?:\r?\n)?[ \t-]*\\?["']?(?:parameter)?value\\?["']?[ \t]*[:=][ \t]*"""
    + _QUOTED_OR_BARE,
    re.VERBOSE | re.IGNORECASE,
)
_CLI_OR_ENV = re.compile(rb"(?:--|\b(?:ENV|ARG)[ \t]+)$", re.IGNORECASE)
_CLI_VALUE = re.compile(rb"""[ \t]+(?:(?P<q>["'])(?P<qv>[^"'\r\n]{1,512})(?P=q)|(?P<uv>[^\s"'`<>=-][^\s"'`<]*))""")
_AUTH_PAIR = re.compile(
    rb"(?:\bauth[ \t]*=[ \t]*\(?|\b(?:HTTPBasicAuth|BasicAuth|DigestAuth|HTTPDigestAuth)\()[ \t]*"
    rb"[\"'][^\"'\r\n]{1,128}[\"'][ \t]*,[ \t]*(?P<q>[\"'])(?P<qv>[^\"'\r\n]{1,256})(?P=q)",
    re.IGNORECASE,
)
_IDENTIFIED_BY = re.compile(
    rb"\b(?:user|role|login)\b[^;\r\n]{0,200}\bidentified[ \t]+by[ \t]+(?:password[ \t]+)?"
    rb"(?P<q>[\"'])(?P<qv>[^\"'\r\n]{1,256})(?P=q)",
    re.IGNORECASE,
)
_NETRC = re.compile(rb"\bpassword[ \t]+" + _QUOTED_OR_BARE)
_NETRC_NAMES = frozenset({".netrc", "_netrc", ".authinfo"})
_NETRC_LINE = re.compile(rb"\b(?:machine|login)[ \t]")
_FUNCTION_RETURN = re.compile(
    rb"(?:\b(?:def|function|func|fn)[ \t]+|\b(?:String|string|str)[ \t]+)(?P<name>[A-Za-z_]\w{0,60})[ \t]*"
    rb"\([^)\r\n]{0,120}\)[^\r\n{:]{0,60}[:{]?[ \t]*(?:\r?\n[ \t]*)?return[ \t]+"
    rb"(?P<q>[\"'`])(?P<qv>[^\"'`\r\n]{1,512})(?P=q)"
)
_CFN_NAME = re.compile(rb"(?m)^([ \t]*)[\"']?([A-Za-z][\w]{0,80})[\"']?[ \t]*:[ \t]*\{?[ \t]*\r?$")
_CFN_DEFAULT = re.compile(rb"[\"']?Default[\"']?[ \t]*:[ \t]*" + _QUOTED_OR_BARE)
_CFN_NOECHO = re.compile(rb"[\"']?NoEcho[\"']?[ \t]*:[ \t]*[\"']?true", re.IGNORECASE)
_SETTER_WORDS = frozenset({"set", "with", "use", "put", "add", "define", "setenv", "setdefault"})


def _setter_name(name: str) -> bool:
    """Names whose call takes the secret itself: ``setPassword(...)``, ``.apiKey(...)``, ``password(...)``."""
    parts = name_parts(name.rsplit(".", 1)[-1])
    for index in range(len(parts) - 1, -1, -1):
        if classify_name("_".join(parts[index:])) is not None:
            prefix = parts[:index]
            break
    else:
        return False
    return not prefix or prefix[0] in _SETTER_WORDS


_KEY_VALUE_CALL = re.compile(rb"\b(?:define|setenv|setdefault|putenv|set|put|Setenv)[ \t]*\([ \t]*\\?[\"']$")


def _assigned_value(
    ctx: ScanContext, m: re.Match[bytes], name: str, lo: int, hi: int
) -> tuple[re.Match[bytes] | None, bool]:
    """The value assigned to the name matched by ``m`` (groups ``qv`` quoted or ``uv`` unquoted), or None;
    and whether the name is compared with the value rather than assigned it (``==``)."""
    data = ctx.data
    reach = min(hi, m.end() + 2048)  # a value ends within 2 KiB (a minified line can be megabytes long)
    line_end = data.find(b"\n", m.end(), reach)
    line_end = reach if line_end < 0 else line_end
    value_match = _AFTER_NAME.match(data, m.end(), line_end)
    comparison = False
    if value_match is not None:
        op = value_match.group("op").strip().lower()
        quoted_name = value_match.group("close") is not None
        comparison = op in (b"==", b"===")
        if (
            op == b"+="
            or (op == b">" and (data[m.start() - 1 : m.start()] != b"<" or not _closes_element(data, value_match)))
            or (op == b"(" and (value_match.group("q") is None or not _setter_name(name)))
            or (op.startswith(b"value") and not quoted_name)
            or (op == b"," and (value_match.group("q") is None or not _key_value_call(data, m.start(), lo)))
            or (value_match.group("gotype") is not None and (quoted_name or value_match.group("q") is None))
            or (not op and not name.isupper())
        ):
            value_match = None
    if value_match is None:
        value_match = _PAIR_VALUE.match(data, m.end(), hi)
    if value_match is None and _CLI_OR_ENV.search(data, max(lo, m.start() - 8), m.start()):
        value_match = _CLI_VALUE.match(data, m.end(), line_end)
    return value_match, comparison


def _closes_element(data: bytes, value_match: re.Match[bytes]) -> bool:
    """``<password>value</password>``: the value is followed by a closing tag."""
    group = "qv" if value_match.group("qv") is not None else "uv"
    end = value_match.end(group) + (1 if group == "qv" else 0)
    return data[end : end + 2] == b"</"


def _key_value_call(data: bytes, name_start: int, lo: int) -> bool:
    """``define('DB_PASSWORD', '...')``, ``os.environ.setdefault("API_KEY", "...")``, ``os.Setenv(...)``."""
    return bool(_KEY_VALUE_CALL.search(data, max(lo, name_start - 40), name_start))


_HASH_NAME_PARTS = frozenset({"hash", "hashed", "sha", "sha1", "sha256", "sha512", "md5", "digest", "checksum"})
_DIGEST_LENGTHS = frozenset({32, 40, 56, 64, 96, 128})


def _inside_string(data: bytes, pos: int) -> bool:
    """Whether ``pos`` lies inside a string literal opened earlier on its line (an odd number of quotes)."""
    floor = max(0, pos - 2048)
    before = (
        data[data.rfind(b"\n", floor, pos) + 1 or floor : pos]
        .replace(b"\\\\", b"")
        .replace(b'\\"', b"")
        .replace(b"\\'", b"")
    )
    return before.count(b'"') % 2 == 1 or before.count(b"'") % 2 == 1


_ENCRYPTED_BLOCK = re.compile(rb"\bencryptedData[\"']?[ \t]*:|\bkind:[ \t]*SealedSecret\b")


def _encrypted_block(data: bytes, pos: int) -> bool:
    """Values under a SealedSecret's ``encryptedData`` are ciphertext, not secrets."""
    return bool(_ENCRYPTED_BLOCK.search(data, max(0, pos - 4096), pos))


_CODE_EXPRESSION = re.compile(
    rb"[()]|^(?:self|this|cls|ctx|config|settings|params|args|opts|options)\.|^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$"
)
_MINIFIED_LINE = 1000


def _generic_candidate(
    ctx: ScanContext,
    value_match: re.Match[bytes],
    name: str,
    kind: NameKind,
    name_start: int,
    *,
    weak: bool = False,
) -> Candidate | None:
    """Judge the value of a secret-named assignment; LOW for test fixtures, comparisons and minified lines."""
    data = ctx.data
    quoted = value_match.groupdict().get("qv") is not None
    group = "qv" if quoted else "uv"
    value = value_match.group(group)
    start = value_match.start(group)
    if not quoted:
        if ctx.code_file and not ctx.config_value and not _inside_string(data, start):
            return None
        value = value.rstrip(b",;:.)}]")
        if _CODE_EXPRESSION.search(value):
            return None
    if _HEX.match(value) and len(value) in _DIGEST_LENGTHS and _HASH_NAME_PARTS.intersection(name_parts(name)):
        return None
    confidence = score_generic(value, kind)
    if confidence is None or _encrypted_block(ctx.data, start):
        return None
    line_start = data.rfind(b"\n", max(0, start - _MINIFIED_LINE - 1), start)
    line_end = data.find(b"\n", start, start + _MINIFIED_LINE + 1)
    long_line = (line_start < 0 and start > _MINIFIED_LINE) or (line_end < 0 and len(data) - start > _MINIFIED_LINE)
    minified = (long_line or line_end - line_start > _MINIFIED_LINE) and not (
        quoted and data[name_start - 1 : name_start] in (b'"', b"'")
    )
    if ctx.test_path or weak or minified or is_testish_name(name):
        confidence = Confidence.LOW
    return Candidate(start, start + len(value), value, confidence, context=name[:80])


def _special_forms(ctx: ScanContext, lo: int, hi: int, want: NameKind) -> list[Candidate]:
    """Assignments that are not ``name = value``: SQL, HTTP auth tuples, .netrc, getters, CloudFormation."""
    data = ctx.data
    out: list[Candidate | None] = []
    if want == "password":
        for pattern, label in ((_IDENTIFIED_BY, "IDENTIFIED BY"), (_AUTH_PAIR, "auth")):
            out.extend(_generic_candidate(ctx, m, label, want, m.start()) for m in pattern.finditer(data, lo, hi))
        for m in _NETRC.finditer(data, lo, hi):
            line_start = data.rfind(b"\n", lo, m.start()) + 1 or lo
            if ctx.filename in _NETRC_NAMES or _NETRC_LINE.search(data, line_start, m.start()):
                out.append(_generic_candidate(ctx, m, "password", want, m.start()))
    for m in _FUNCTION_RETURN.finditer(data, lo, hi):
        name = m.group("name").decode("ascii")
        if classify_name(name) == want:
            out.append(_generic_candidate(ctx, m, name, want, m.start("qv")))
    for m in _CFN_NOECHO.finditer(data, lo, hi):
        out.append(_cloudformation_default(ctx, m, want))
    return [c for c in out if c is not None]


def _cloudformation_default(ctx: ScanContext, noecho: re.Match[bytes], want: NameKind) -> Candidate | None:
    """The ``Default`` of a CloudFormation parameter marked ``NoEcho: true`` (a secret by declaration)."""
    data = ctx.data
    block_lo = max(0, noecho.start() - 600)
    names = list(_CFN_NAME.finditer(data, block_lo, noecho.start()))
    if not names:
        return None
    header = names[-1]
    name = header.group(2).decode("ascii")
    if (classify_name(name) or "secret") != want:
        return None
    block_hi = min(len(data), noecho.end() + 600)
    following = _CFN_NAME.search(data, noecho.end(), block_hi)
    if following is not None and len(following.group(1)) <= len(header.group(1)):
        block_hi = following.start()
    default = _CFN_DEFAULT.search(data, header.end(), block_hi)
    if default is None:
        return None
    return _generic_candidate(ctx, default, name, want, default.start())


def _generic(ctx: ScanContext, lo: int, hi: int, want: NameKind) -> list[Candidate]:
    out: list[Candidate] = []
    for m in _NAME_WITH_KW.finditer(ctx.data, lo, hi):
        name = m.group(1).decode("ascii", "replace")
        if classify_name(name) != want:
            continue
        value_match, comparison = _assigned_value(ctx, m, name, lo, hi)
        if value_match is not None:
            candidate = _generic_candidate(ctx, value_match, name, want, m.start(), weak=comparison)
            if candidate is not None:
                out.append(candidate)
    out.extend(_special_forms(ctx, lo, hi, want))
    return out


def _generic_passwords(ctx: ScanContext, lo: int, hi: int) -> list[Candidate]:
    return _generic(ctx, lo, hi, "password")


def _generic_secrets(ctx: ScanContext, lo: int, hi: int) -> list[Candidate]:
    return _generic(ctx, lo, hi, "secret")


_GENERIC_PASSWORD = "generic-password"
_GENERIC_SECRET = "generic-secret"

_GAP = rb"[ \t]{0,32}"
_ASSIGN_TAIL = rb"\\?[\"']?\]?" + _GAP + rb"(?:[?+]?[:=>]|\(\s{0,2}\\?[\"']|,\s{0,3}\\?[\"'])"


_PASSWORD_WORDS = (b"pass", b"pwd")
_SECRET_WORDS = (
    b"secret",
    b"token",
    b"credential",
    b"auth",
    *(q.encode() + sep + b"key" for q in sorted(_KEY_QUALIFIERS) for sep in (b"", b"_", b"-", b".")),
)


def _generic_triggers(kw: bytes, words: tuple[bytes, ...]) -> tuple[Trigger, ...]:
    return (
        # name = value, name: value, "name": "value", name => value, name("value"), <name>value, 'NAME', 'value'
        Trigger(kw + _SUFFIX + _ASSIGN_TAIL, words, caseless=True),
        # var name type = value (Go); name: type = value is covered above
        Trigger(kw + _SUFFIX + rb"\s{1,3}[A-Za-z_*\[\]][\w.\[\]*]{0,30}" + _GAP + rb"=", words, caseless=True),
        # <add key="name" value="..."/>
        Trigger(kw + _SUFFIX + rb"\\?[\"']\s{1,4}value\s{0,2}=", words, caseless=True),
        # PASSWORD 'value' (SQL), --password value, ENV NAME value
        Trigger(kw + rb"[ \t]{1,3}[\"']", words, caseless=True),
        Trigger(rb"(?:--|\b(?:ENV|ARG)\s{1,4})[\w.-]{0,40}" + kw + rb"\s{1,3}[^\s=-]", words, caseless=True),
        # name/value pairs: {"name": "DB_PASSWORD", "value": "..."} and "- name: X\n  value: ..."
        Trigger(
            kw + _SUFFIX + rb"\\?[\"']?[ \t]{0,2},?[ \t]{0,4}\r?\n[ \t-]{0,40}\\?[\"']?(?:parameter)?value\\?[\"']?"
            rb"[ \t]{0,2}[:=]",
            words,
            caseless=True,
            lines_before=1,
        ),
        Trigger(
            kw + _SUFFIX + rb"\\?[\"']?[ \t]{0,2},[ \t]{0,4}\\?[\"']?(?:parameter)?value\\?[\"']?[ \t]{0,2}[:=]",
            words,
            caseless=True,
        ),
        # def get_api_key(): return "..."
        Trigger(
            kw + rb"\w{0,3}[ \t]{0,3}\([^)\r\n]{0,120}\)[^\r\n]{0,60}\r?\n?[ \t]{0,16}return[ \t]{1,4}[\"'`]",
            words,
            caseless=True,
            lines_before=1,
        ),
        # CloudFormation parameter with NoEcho: true and a Default
        Trigger(
            rb"NoEcho[\"']?\s{0,4}:\s{0,4}[\"']?true",
            (b"noecho",),
            caseless=True,
            before=700,
            after=700,
            multiline=True,
        ),
    )


# ----------------------------------------------------------------------------------------------------------
# The table
# ----------------------------------------------------------------------------------------------------------

DETECTORS: tuple[Detector, ...] = (
    Detector(
        "gcp-service-account",
        "Google Cloud service account key (JSON with a private key)",
        CRITICAL,
        (
            Trigger(
                rb"[\"']private_key[\"']\s{0,4}:\s{0,4}[\"']-----BEGIN",
                (b"private_key",),
                before=64,
                after=12288,
                multiline=True,
            ),
        ),
        _gcp_service_accounts,
    ),
    Detector(
        "private-key",
        "Private key (PEM, OpenSSH or PuTTY)",
        HIGH,
        (
            Trigger(
                rb"-----BEGIN[A-Z0-9 ]{0,30}PRIVATE KEY", (b"-----begin",), before=64, after=_PEM_MAX, multiline=True
            ),
            Trigger(rb"PuTTY-User-Key-File-\d", (b"putty-user-key-file-",), before=64, after=_PEM_MAX, multiline=True),
        ),
        _private_keys,
    ),
    Detector(
        "aws-access-key",
        "AWS access key id",
        HIGH,
        (Trigger(rb"(?:AKIA|ASIA)[A-Z2-7]{16}", (b"akia", b"asia"), before=64, after=64),),
        _aws_key_ids,
        _pair_aws,
    ),
    Detector(
        "aws-session-token",
        "AWS session token",
        HIGH,
        (
            Trigger(
                rb"FwoGZXIvYXdz|FQoGZXIvYXdz|IQoJb3JpZ2lu|AgoJb3JpZ2lu|AQoDYXdz",
                (b"fwogzxivyxdz", b"fqogzxivyxdz", b"iqojb3jpz2lu", b"agojb3jpz2lu", b"aqodyxdz"),
                before=128,
                after=4096,
            ),
            Trigger(rb"(?:session|security)[_.-]?token", (b"token",), caseless=True, before=64, after=4096),
        ),
        _aws_session_tokens,
    ),
    Detector(
        "aws-secret-key",
        "AWS secret access key",
        HIGH,
        (
            Trigger(
                rb"aws[\w.-]{0,20}secret|secret[_.-]?access[_.-]?key", (b"secret",), caseless=True, before=64, after=256
            ),
        ),
        _aws_secret_keys,
    ),
    Detector(
        "github-token",
        "GitHub token",
        HIGH,
        (
            Trigger(
                rb"gh[pousr]_[A-Za-z0-9]{36}", (b"ghp_", b"gho_", b"ghu_", b"ghs_", b"ghr_"), before=128, after=4096
            ),
            Trigger(rb"github_pat_[A-Za-z0-9]{22}_", (b"github_pat_",), before=128, after=4096),
        ),
        _github_tokens,
    ),
    Detector(
        "gitlab-token",
        "GitLab token",
        HIGH,
        (
            Trigger(
                rb"(?:glpat|gldt|glrt|glptt|glcbt|gloas|glsoat|glffct|glimt|glagent|glwt)-[A-Za-z0-9_-]{20}",
                tuple(
                    p + b"-" for p in (b"glpat", b"gldt", b"glrt", b"glptt", b"glcbt", b"gloas", b"glsoat", b"glffct")
                ),
                before=128,
                after=4096,
            ),
            Trigger(
                rb"(?:glimt|glagent|glwt)-[A-Za-z0-9_-]{20}", (b"glimt-", b"glagent-", b"glwt-"), before=128, after=4096
            ),
            Trigger(rb"GR1348941[A-Za-z0-9_-]{20}", (b"gr1348941",), before=128, after=4096),
        ),
        _gitlab_tokens,
    ),
    Detector(
        "slack-webhook",
        "Slack incoming webhook URL",
        MEDIUM,
        (
            Trigger(
                rb"hooks\.slack\.com/(?:services|workflows|triggers)/", (b"hooks.slack.com/",), before=64, after=512
            ),
        ),
        _slack_webhooks,
    ),
    Detector(
        "slack-token",
        "Slack token",
        HIGH,
        (Trigger(rb"xox[abposre][.-]|xapp-\d-", (b"xox", b"xapp-"), before=128, after=4096),),
        _slack_tokens,
    ),
    Detector(
        "stripe-key",
        "Stripe secret or restricted key",
        HIGH,
        (
            Trigger(
                rb"[sr]k_(?:live|test)_[A-Za-z0-9]{20}",
                (b"sk_live_", b"sk_test_", b"rk_live_", b"rk_test_"),
                before=128,
                after=4096,
            ),
        ),
        _stripe_keys,
    ),
    Detector(
        "google-api-key",
        "Google API key",
        HIGH,
        (Trigger(rb"AIza[0-9A-Za-z_-]{35}", (b"aiza",), before=128, after=4096),),
        _google_keys,
    ),
    Detector(
        "azure-storage-key",
        "Azure storage account key",
        CRITICAL,
        (
            Trigger(rb"AccountKey\s{0,2}=", (b"accountkey",), caseless=True, before=64, after=256),
            Trigger(
                rb"(?:storage|account)[_.-]?(?:account[_.-]?)?(?:access[_.-]?)?key",
                (b"storage", b"account"),
                caseless=True,
                after=256,
            ),
        ),
        _azure_storage_keys,
    ),
    Detector(
        "azure-connection-string",
        "Connection string with a password or shared access key",
        HIGH,
        (
            Trigger(
                rb"SharedAccess(?:Key|Signature)\s{0,2}=", (b"sharedaccess",), caseless=True, before=1024, after=1024
            ),
            Trigger(
                rb"(?:^|[;\"'{])\s{0,2}(?:Password|Pwd)\s{0,2}=",
                (b"password", b"pwd"),
                caseless=True,
                before=1024,
                after=1024,
            ),
        ),
        _connection_strings,
    ),
    Detector(
        "jwt",
        "JSON Web Token",
        MEDIUM,
        (Trigger(rb"eyJ[A-Za-z0-9_-]{8,}\.eyJ", (b"eyj",), before=4096, after=16384),),
        _jwts,
    ),
    Detector(
        "url-password",
        "Password in a URL",
        HIGH,
        (Trigger(rb"://[^\s:@/'\"<>`]{0,64}:[^\s@/'\"<>`]{1,128}@", (b"://",), before=256, after=512),),
        _url_passwords,
    ),
    Detector(
        "basic-auth",
        "HTTP Basic credentials",
        HIGH,
        (Trigger(rb"\bbasic[ \t]{1,4}[A-Za-z0-9+/]{8}", (b"basic",), caseless=True, before=128, after=1024),),
        _basic_auth,
    ),
    Detector(
        "bearer-token",
        "HTTP Bearer token",
        HIGH,
        (Trigger(rb"\bbearer[ \t]{1,4}[A-Za-z0-9._~+/-]{16}", (b"bearer",), caseless=True, before=128, after=4096),),
        _bearer_tokens,
    ),
    Detector(
        _GENERIC_PASSWORD,
        "Password assigned in plaintext",
        HIGH,
        (
            *_generic_triggers(_PASSWORD_KW, _PASSWORD_WORDS),
            # .netrc: machine host login user password value
            Trigger(
                rb"(?:\blogin\s{1,4}\S{1,128}\s{1,4}|\n[ \t]{0,16})password[ \t]{1,4}\S", (b"password",), caseless=True
            ),
            Trigger(rb"identified\s{1,4}by\s{1,4}[\"']", (b"identified",), caseless=True),
            Trigger(rb"(?:\bauth\s{0,3}=\s{0,3}\(|BasicAuth\(|DigestAuth\()\s{0,3}[\"']", (b"auth",), caseless=True),
        ),
        _generic_passwords,
    ),
    Detector(
        _GENERIC_SECRET,
        "Secret, token or API key assigned in plaintext",
        HIGH,
        _generic_triggers(_SECRET_KW, _SECRET_WORDS),
        _generic_secrets,
    ),
)
"""All detectors, most specific first (the order resolves overlapping claims)."""

DETECTOR_IDS: tuple[str, ...] = tuple(d.id for d in DETECTORS)


def detector(detector_id: str) -> Detector:
    """The detector with this id.

    Raises:
        KeyError: For an unknown id.
    """
    for d in DETECTORS:
        if d.id == detector_id:
            return d
    raise KeyError(detector_id)


def all_triggers(detectors: Sequence[Detector] = DETECTORS) -> list[tuple[int, Trigger]]:
    """Every trigger with the index of its detector, in table order."""
    return [(index, trigger) for index, d in enumerate(detectors) for trigger in d.keywords]
