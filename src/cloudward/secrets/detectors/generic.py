"""Generic assignments (``password = ...``): the generic-password and generic-secret detectors."""

from __future__ import annotations

import re

from cloudward.secrets.detectors.base import Candidate, NameKind, ScanContext, Trigger
from cloudward.secrets.detectors.names import _KEY_QUALIFIERS, classify_name, is_testish_name, name_parts
from cloudward.secrets.detectors.values import _HEX, score_generic
from cloudward.secrets.model import Confidence

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
