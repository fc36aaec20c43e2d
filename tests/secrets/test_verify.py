"""--verify against the lab's emulated STS (moto over HTTP on 127.0.0.1), with real botocore signing.

moto's GetCallerIdentity accepts any credentials unless its IAM authentication is on: a key that exists in the
emulated IAM gets its user's ARN, any other key a fixed ``user/moto`` identity. So "dead" can only be tested
with moto's signature checking switched on (``/moto-api/reset-auth``), which these tests do for the duration
of the calls and then restore.
"""

from __future__ import annotations

import gzip
import io
import json
import random
import socket
import string
import tarfile
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest

from cloudward.lab import LAB_ACCOUNT_ID, LAB_CREDENTIALS
from cloudward.secrets.fingerprint import FingerprintKey
from cloudward.secrets.scanner import SecretScanner
from cloudward.secrets.verify import (
    PairFinder,
    VerifyResult,
    VerifyStatus,
    read_location,
    verify_aws_key,
    verify_findings,
)

KEY = FingerprintKey(b"verify-tests-fingerprint-key-0123")
USER = "cloudward-verify-test-user"


def _made_up_pair(seed: int) -> tuple[str, str]:
    rng = random.Random(seed)
    key_id = "AKIA" + "".join(rng.choice(string.ascii_uppercase + "234567") for _ in range(16))
    secret = "".join(rng.choice(string.ascii_letters + string.digits + "+/") for _ in range(40))
    return key_id, secret


@dataclass(frozen=True)
class LabKey:
    key_id: str
    secret: str
    arn: str


@pytest.fixture(scope="module")
def lab_key(lab_endpoint: str) -> Iterator[LabKey]:
    """An IAM user with an access key in the lab (removed afterwards: the lab is shared by the session)."""
    iam = boto3.client(
        "iam",
        endpoint_url=lab_endpoint,
        region_name="us-east-1",
        aws_access_key_id=LAB_CREDENTIALS.access_key_id,
        aws_secret_access_key=LAB_CREDENTIALS.secret_access_key,
    )
    user = iam.create_user(UserName=USER)["User"]
    key = iam.create_access_key(UserName=USER)["AccessKey"]
    try:
        yield LabKey(key["AccessKeyId"], key["SecretAccessKey"], user["Arn"])
    finally:
        iam.delete_access_key(UserName=USER, AccessKeyId=key["AccessKeyId"])
        iam.delete_user(UserName=USER)


def _reset_auth(endpoint: str, count: str) -> str:
    request = urllib.request.Request(
        f"{endpoint}/moto-api/reset-auth", data=count.encode(), method="POST", headers={"Content-Type": "text/plain"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # the lab, on 127.0.0.1
        previous: str = json.loads(response.read())["PREVIOUS_INITIAL_NO_AUTH_ACTION_COUNT"]
        return previous


@pytest.fixture
def signature_checking(lab_endpoint: str) -> Iterator[None]:
    """moto authenticates every request (real SigV4 verification against its IAM) while the test runs."""
    previous = _reset_auth(lab_endpoint, "0")
    try:
        yield
    finally:
        _reset_auth(lab_endpoint, previous)


def test_a_live_key_is_live_with_its_user_arn_and_account(lab_endpoint: str, lab_key: LabKey) -> None:
    result = verify_aws_key(lab_key.key_id, lab_key.secret, endpoint_url=lab_endpoint)
    assert result.status is VerifyStatus.LIVE
    assert result.arn == lab_key.arn
    assert result.arn == f"arn:aws:iam::{LAB_ACCOUNT_ID}:user/{USER}"
    assert result.account == LAB_ACCOUNT_ID
    assert result.to_extra()["caller_arn"] == lab_key.arn


def test_moto_without_authentication_accepts_a_made_up_key(lab_endpoint: str) -> None:
    """Documents the emulator, not cloudward: by default moto answers for any key with a fixed identity."""
    key_id, secret = _made_up_pair(1)
    result = verify_aws_key(key_id, secret, endpoint_url=lab_endpoint)
    assert result.status is VerifyStatus.LIVE
    assert result.arn == f"arn:aws:sts::{LAB_ACCOUNT_ID}:user/moto"


def test_with_signature_checking_unknown_keys_and_wrong_secrets_are_dead(
    lab_endpoint: str, lab_key: LabKey, signature_checking: None
) -> None:
    key_id, secret = _made_up_pair(2)
    unknown = verify_aws_key(key_id, secret, endpoint_url=lab_endpoint)
    assert unknown.status is VerifyStatus.DEAD
    assert unknown.reason.startswith("InvalidClientTokenId")

    wrong_secret = verify_aws_key(lab_key.key_id, secret, endpoint_url=lab_endpoint)
    assert wrong_secret.status is VerifyStatus.DEAD
    assert wrong_secret.reason.startswith("SignatureDoesNotMatch")

    live = verify_aws_key(lab_key.key_id, lab_key.secret, endpoint_url=lab_endpoint)
    assert live.status is VerifyStatus.LIVE
    assert live.arn == lab_key.arn
    for result in (unknown, wrong_secret, live):
        assert key_id not in repr(result) and secret not in repr(result) and lab_key.secret not in repr(result)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_an_unreachable_endpoint_is_an_error_quickly_and_without_the_key() -> None:
    key_id, secret = _made_up_pair(3)
    started = time.monotonic()
    result = verify_aws_key(key_id, secret, endpoint_url=f"http://127.0.0.1:{_closed_port()}")
    assert result.status is VerifyStatus.ERROR
    assert "EndpointConnectionError" in result.reason
    assert key_id not in result.reason and secret not in result.reason
    assert time.monotonic() - started < 30


def test_malformed_pairs_and_temporary_keys_are_not_sent() -> None:
    # nothing listens on the endpoint: these must be answered without a call
    endpoint = f"http://127.0.0.1:{_closed_port()}"
    key_id, secret = _made_up_pair(4)
    assert verify_aws_key("AKIA-short", secret, endpoint_url=endpoint).reason.startswith("not an AWS access key")
    assert verify_aws_key(key_id, "too-short", endpoint_url=endpoint).reason.startswith("not an AWS access key")
    temporary = verify_aws_key("ASIA" + key_id[4:], secret, endpoint_url=endpoint)
    assert temporary.status is VerifyStatus.ERROR
    assert "session token" in temporary.reason


def test_verify_findings_recovers_each_pair_from_its_file_and_checks_it_once(
    tmp_path: Path, lab_endpoint: str, lab_key: LabKey
) -> None:
    config = tmp_path / "deploy.env"
    config.write_text(f"aws_access_key_id = {lab_key.key_id}\naws_secret_access_key = {lab_key.secret}\n")
    copy = tmp_path / "copy.env"
    copy.write_text(config.read_text())
    lone_id, _ = _made_up_pair(5)
    lone = tmp_path / "lone.env"
    lone.write_text(f"key = {lone_id}\n")
    scanner = SecretScanner(KEY)
    findings = [
        finding for path in (config, copy, lone) for finding in scanner.scan_bytes(path.read_bytes(), str(path))
    ]
    assert sum(1 for finding in findings if finding.detector == "aws-access-key") == 3

    calls: list[str] = []

    def verify(key_id: str, secret: str) -> VerifyResult:
        calls.append(KEY.fingerprint(key_id))
        return verify_aws_key(key_id, secret, endpoint_url=lab_endpoint)

    verified, summary = verify_findings(findings, PairFinder(scanner, lambda f: read_location(f.location)), verify)
    assert calls == [KEY.fingerprint(lab_key.key_id)]  # the same pair in two files: one call
    assert (summary.live, summary.dead, summary.errors, summary.unpaired) == (2, 0, 0, 1)
    by_location = {(f.location, f.detector): f for f in verified}
    for path in (config, copy):
        extra = by_location[(str(path), "aws-access-key")].extra
        assert extra["verified"] == "live"
        assert extra["caller_arn"] == lab_key.arn
    assert "verified" not in by_location[(str(lone), "aws-access-key")].extra
    assert [f.location for f in verified] == [f.location for f in findings]  # order kept


def test_a_file_that_vanished_is_an_error_on_the_finding(tmp_path: Path) -> None:
    key_id, secret = _made_up_pair(6)
    config = tmp_path / "gone.env"
    config.write_text(f"aws_access_key_id = {key_id}\naws_secret_access_key = {secret}\n")
    scanner = SecretScanner(KEY)
    findings = scanner.scan_bytes(config.read_bytes(), str(config))
    config.unlink()

    def never(key_id: str, secret: str) -> VerifyResult:
        raise AssertionError("nothing to verify")

    verified, summary = verify_findings(findings, PairFinder(scanner, lambda f: read_location(f.location)), never)
    aws = [f for f in verified if f.detector == "aws-access-key"]
    assert aws[0].extra["verified"] == "error"
    assert "FileNotFoundError" in aws[0].extra["verify_reason"]
    assert summary.errors == 1


def test_read_location_reads_archive_members(tmp_path: Path) -> None:
    inner = io.BytesIO()
    with tarfile.open(fileobj=inner, mode="w:gz") as tar:
        data = b"inner content\n"
        info = tarfile.TarInfo("conf/app.env")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    outer = tmp_path / "bundle.zip"
    with zipfile.ZipFile(outer, "w") as zipped:
        zipped.writestr("nested/inner.tar.gz", inner.getvalue())
        zipped.writestr("plain.txt", "plain\n")
    assert read_location(f"{outer}!plain.txt") == b"plain\n"
    assert read_location(f"{outer}!nested/inner.tar.gz!conf/app.env") == b"inner content\n"
    with pytest.raises(ValueError, match=r"cannot read missing\.txt"):
        read_location(f"{outer}!missing.txt")
    lone = tmp_path / "settings.env.gz"
    lone.write_bytes(gzip.compress(b"compressed\n"))
    assert read_location(str(lone)) == b"compressed\n"
    odd = tmp_path / "odd!name.txt"
    odd.write_text("x")
    assert read_location(str(odd)) == b"x"
