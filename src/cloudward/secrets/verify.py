"""``--verify``: ask AWS STS whether a found access key pair still works (opt-in, AWS keys only).

``GetCallerIdentity`` needs no IAM permission and changes nothing: with a working pair it returns the caller's
ARN and account, with a deleted or deactivated key ``InvalidClientTokenId``, and with a wrong secret for an
existing key id ``SignatureDoesNotMatch``. The call is signed with the found pair only (never the user's own
credentials), with short timeouts and at most one retry. Neither the key id nor the secret is logged, stored or
put in a result: only the outcome and a reason.

Verification sends the found key id to AWS (as any signed request does) and is recorded in the key owner's
CloudTrail as a ``GetCallerIdentity`` call from your address. That is why it is opt-in.
"""

from __future__ import annotations

import dataclasses
import enum
import gzip
import hashlib
import io
import re
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cloudward.secrets.model import SecretFinding

if TYPE_CHECKING:
    from cloudward.secrets.scanner import SecretMatch, SecretScanner

AWS_KEY_ID = re.compile(r"(AKIA|ASIA)[A-Z0-9]{16}")
AWS_SECRET = re.compile(r"[A-Za-z0-9/+=]{40}")
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 10.0
MAX_READ_BYTES = 50 << 20
"""Files (or archive members) larger than this are not read again to find a pair for verification."""
_TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz")
_DEAD = {
    "InvalidClientTokenId": "AWS does not know this key id (deleted, deactivated, or never existed)",
    "SignatureDoesNotMatch": "the key id exists but this secret is not its secret access key",
    "ExpiredToken": "the temporary credentials have expired",
    "InvalidAccessKeyId": "AWS does not know this key id",
    "AuthFailure": "AWS rejected the credentials",
    "UnrecognizedClientException": "AWS does not know this key id",
}


class VerifyStatus(enum.Enum):
    """What STS said about a key pair."""

    LIVE = "live"
    """The pair authenticates: the key is active and anyone holding it can act as its owner."""
    DEAD = "dead"
    """AWS rejected the pair (deleted, deactivated or wrong secret)."""
    ERROR = "error"
    """No answer about the pair (network, timeout, a malformed pair, an unexpected error)."""


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """The outcome of one verification; never holds the key id or the secret."""

    status: VerifyStatus
    reason: str
    arn: str | None = None
    """The caller's ARN when live (``arn:aws:iam::123456789012:user/deploy``)."""
    account: str | None = None

    def to_extra(self) -> dict[str, str]:
        """The fields ``--verify`` adds to ``SecretFinding.extra``."""
        extra = {"verified": self.status.value, "verify_reason": self.reason}
        if self.arn:
            extra["caller_arn"] = self.arn
        if self.account:
            extra["caller_account"] = self.account
        return extra


def _scrub(text: str, *values: str) -> str:
    for value in values:
        if value:
            text = text.replace(value, "[redacted]")
    return text


def verify_aws_key(
    key_id: str,
    secret: str,
    *,
    endpoint_url: str | None = None,
    region: str = "us-east-1",
    session_token: str | None = None,
) -> VerifyResult:
    """Call STS ``GetCallerIdentity`` signed with this pair and say whether it works.

    Args:
        key_id: The access key id (``AKIA...``, or ``ASIA...`` with ``session_token``).
        secret: Its secret access key.
        endpoint_url: Another STS endpoint (an emulator, a VPC endpoint); default AWS's regional endpoint.
        region: The region to sign for and whose STS endpoint to call.
        session_token: The session token of temporary (``ASIA``) credentials.

    Returns:
        LIVE with the caller's ARN and account, DEAD with the reason AWS gave, or ERROR with why there is no
        answer. Never raises for a network or AWS problem.
    """
    if not AWS_KEY_ID.fullmatch(key_id) or not AWS_SECRET.fullmatch(secret):
        return VerifyResult(VerifyStatus.ERROR, "not an AWS access key id and secret access key pair")
    if key_id.startswith("ASIA") and not session_token:
        return VerifyResult(
            VerifyStatus.ERROR, "temporary credentials (ASIA key id) cannot be checked without their session token"
        )
    import boto3
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError

    config = Config(
        connect_timeout=CONNECT_TIMEOUT,
        read_timeout=READ_TIMEOUT,
        retries={"total_max_attempts": 2, "mode": "standard"},
        user_agent_extra="cloudward-secrets-verify",
    )
    try:
        session = boto3.session.Session(
            aws_access_key_id=key_id,
            aws_secret_access_key=secret,
            aws_session_token=session_token,
            region_name=region,
        )
        client = session.client("sts", endpoint_url=endpoint_url, config=config)
        identity = client.get_caller_identity()
    except ClientError as exc:
        code = str(exc.response.get("Error", {}).get("Code", "Unknown"))
        if code in _DEAD:
            return VerifyResult(VerifyStatus.DEAD, f"{code}: {_DEAD[code]}")
        return VerifyResult(VerifyStatus.ERROR, f"STS answered {code}")
    except BotoCoreError as exc:
        return VerifyResult(
            VerifyStatus.ERROR, _scrub(f"{type(exc).__name__}: {exc}", key_id, secret, session_token or "")
        )
    except Exception as exc:  # a verification problem must not end the scan
        return VerifyResult(VerifyStatus.ERROR, f"{type(exc).__name__}")
    arn = str(identity.get("Arn", "")) or None
    account = str(identity.get("Account", "")) or None
    return VerifyResult(VerifyStatus.LIVE, "STS GetCallerIdentity accepted the pair", arn, account)


# ---------------------------------------------------------------------------------------------------- re-reading


def read_location(location: str, *, max_bytes: int = MAX_READ_BYTES) -> bytes:
    """The bytes at a finding's location: a file, or a member of an archive (``a.zip!dir/f``, nested too).

    Raises:
        OSError: The file is missing, unreadable or larger than ``max_bytes``.
        ValueError: The archive is corrupt or has no such member.
    """
    parts = location.split("!")
    outer = parts[0]
    index = 1
    # a "!" that is part of a file name: join parts until the outer file exists
    while not Path(outer).is_file() and index < len(parts):
        outer = f"{outer}!{parts[index]}"
        index += 1
    path = Path(outer)
    if path.stat().st_size > max_bytes:
        raise OSError(f"{outer} is larger than {max_bytes >> 20} MB")
    data = path.read_bytes()
    name = outer
    members = parts[index:]
    if not members and outer.lower().endswith(".gz") and not outer.lower().endswith(_TAR_SUFFIXES):
        return _gunzip(data, outer, max_bytes)  # a lone .gz file is scanned decompressed
    for member in members:
        data = _member(data, name, member, max_bytes)
        name = member
    return data


def _gunzip(data: bytes, name: str, max_bytes: int) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as handle:
            content = handle.read(max_bytes + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise ValueError(f"cannot decompress {name}: {type(exc).__name__}") from None
    if len(content) > max_bytes:
        raise OSError(f"{name} decompresses to more than {max_bytes >> 20} MB")
    return content


def _member(archive: bytes, name: str, member: str, max_bytes: int) -> bytes:
    lowered = name.lower()
    try:
        if lowered.endswith(_TAR_SUFFIXES):
            with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
                info = tar.getmember(member)
                if info.size > max_bytes:
                    raise OSError(f"{member} is larger than {max_bytes >> 20} MB")
                handle = tar.extractfile(info)
                if handle is None:
                    raise ValueError(f"{member} is not a regular file")
                return handle.read()
        with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
            zinfo = zipped.getinfo(member)
            if zinfo.file_size > max_bytes:
                raise OSError(f"{member} is larger than {max_bytes >> 20} MB")
            return zipped.read(zinfo)
    except (KeyError, tarfile.TarError, zipfile.BadZipFile) as exc:
        raise ValueError(f"cannot read {member} inside {name}: {type(exc).__name__}") from None


class PairFinder:
    """Finds the secret access key that goes with an ``aws-access-key`` finding, by scanning its file again.

    Findings carry no value, so the pair is recovered from the file (or, for ``--git``, from the blob at the
    finding's commit) with :meth:`SecretScanner.matches`, kept in memory for one file at a time only.
    """

    def __init__(self, scanner: SecretScanner, read: Callable[[SecretFinding], bytes]) -> None:
        self._scanner = scanner
        self._read = read
        self._source: tuple[str, str | None] | None = None
        self._matches: list[SecretMatch] = []

    def pair(self, finding: SecretFinding) -> tuple[str, str] | None:
        """``(key id, secret)`` for ``finding``, or None when no secret key was found next to it.

        Raises:
            OSError, ValueError, CloudwardError: The source cannot be read again.
        """
        source = (finding.location, finding.commit)
        if source != self._source:
            self._matches = []
            self._source = source
            data = self._read(finding)
            self._matches = [
                match
                for match in self._scanner.matches(data, finding.location)
                if match.finding.detector == "aws-access-key" and match.partner is not None
            ]
        candidates = [match for match in self._matches if match.finding.fingerprint == finding.fingerprint]
        if not candidates:
            return None
        best = min(candidates, key=lambda match: abs(match.finding.line - finding.line))
        assert best.partner is not None
        return best.value.decode("ascii", "replace"), best.partner.decode("ascii", "replace")


@dataclass
class VerifySummary:
    """How many pairs ``--verify`` checked, and with which outcome."""

    live: int = 0
    dead: int = 0
    errors: int = 0
    unpaired: int = 0
    """AWS key ids with no secret access key found next to them (nothing to verify)."""


Verifier = Callable[[str, str], VerifyResult]


def verify_findings(
    findings: Sequence[SecretFinding], pairs: PairFinder, verify: Verifier
) -> tuple[list[SecretFinding], VerifySummary]:
    """Verify each ``aws-access-key`` finding whose secret is found next to it; others pass unchanged.

    Args:
        findings: Findings in any order (grouped by file internally, so each file is read once).
        pairs: Recovers each finding's pair.
        verify: ``(key id, secret) -> VerifyResult``, e.g. :func:`verify_aws_key` with an endpoint bound.

    Returns:
        The findings in the same order, verified ones with ``extra["verified"]`` (``live``, ``dead`` or
        ``error``), ``verify_reason`` and, when live, ``caller_arn`` and ``caller_account``; and the counts.
    """
    summary = VerifySummary()
    results: dict[bytes, VerifyResult] = {}  # keyed by a hash of the pair: each pair is checked once
    updated: dict[int, SecretFinding] = {}
    order = sorted(
        (index for index, finding in enumerate(findings) if finding.detector == "aws-access-key"),
        key=lambda index: (findings[index].location, findings[index].commit or ""),
    )
    for index in order:
        finding = findings[index]
        try:
            pair = pairs.pair(finding)
        except Exception as exc:  # unreadable now: say so on the finding, go on
            result = VerifyResult(VerifyStatus.ERROR, f"cannot read the file again: {type(exc).__name__}")
        else:
            if pair is None:
                summary.unpaired += 1
                continue
            digest = hashlib.sha256("\0".join(pair).encode()).digest()
            if digest not in results:
                results[digest] = verify(*pair)
            result = results[digest]
        if result.status is VerifyStatus.LIVE:
            summary.live += 1
        elif result.status is VerifyStatus.DEAD:
            summary.dead += 1
        else:
            summary.errors += 1
        updated[index] = dataclasses.replace(finding, extra={**finding.extra, **result.to_extra()})
    return [updated.get(index, finding) for index, finding in enumerate(findings)], summary
