"""Value scoring shared by the detectors: entropy, placeholders, references, hashes, UUIDs and look-alikes."""

from __future__ import annotations

import base64
import binascii
import hashlib
import math
import re
from collections import Counter

from cloudward.secrets.detectors.base import NameKind
from cloudward.secrets.model import Confidence

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
