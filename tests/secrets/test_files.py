"""Files, trees and archives: what is skipped, what is opened, how errors and large files are handled."""

from __future__ import annotations

import gzip
import io
import os
import tarfile
import tracemalloc
import zipfile
from pathlib import Path
from typing import Literal

import pytest

from cloudward.secrets.files import ScanOptions, scan_paths
from cloudward.secrets.fingerprint import FingerprintKey
from cloudward.secrets.model import SecretFinding
from cloudward.secrets.scanner import SecretScanner
from tests.secrets import github_token, google_api_key, password, stripe_key

KEY = FingerprintKey(bytes(range(32)))


@pytest.fixture
def scanner() -> SecretScanner:
    """The default scanner."""
    return SecretScanner(KEY)


def _scan(
    paths: list[Path], scanner: SecretScanner, options: ScanOptions | None = None
) -> tuple[list[SecretFinding], list[tuple[str, str]], list[tuple[str, int]]]:
    errors: list[tuple[str, str]] = []
    files: list[tuple[str, int]] = []
    findings = list(
        scan_paths(
            paths,
            scanner,
            options or ScanOptions(),
            on_error=lambda where, why: errors.append((where, why)),
            on_file=lambda where, size: files.append((where, size)),
        )
    )
    return findings, errors, files


def _secret_line(name: str = "API_TOKEN") -> str:
    return f"{name}={github_token()}\n"


def _write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _tar_bytes(members: dict[str, bytes], mode: Literal["w", "w:gz", "w:bz2"] = "w:gz") -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode) as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _located(findings: list[SecretFinding], root: Path) -> set[tuple[str, int, str]]:
    return {
        (os.path.relpath(f.location.split("!")[0], root) + _inner(f.location), f.line, f.detector) for f in findings
    }


def _inner(location: str) -> str:
    _, bang, inner = location.partition("!")
    return bang + inner


# ---- trees ------------------------------------------------------------------------------------------------


def test_tree_skips_vendored_and_binary_unless_asked(tmp_path: Path, scanner: SecretScanner) -> None:
    root = tmp_path / "repo"
    _write(root / "app" / ".env", "A=1\n" + _secret_line())
    _write(root / "node_modules" / "pkg" / ".env", _secret_line())
    _write(root / ".git" / "config", _secret_line("TOKEN"))
    _write(root / "vendor" / "lib" / "conf.ini", _secret_line())
    _write(root / "assets" / "logo.png", _secret_line())
    _write(root / "data" / "blob.dat2", b"\x00\x01binary\x00" + _secret_line().encode())
    _write(root / "empty.txt", b"")
    findings, errors, files = _scan([root], scanner)
    assert errors == []
    assert _located(findings, root) == {("app/.env", 2, "github-token")}
    assert [os.path.relpath(f, root) for f, _ in files] == ["app/.env"]
    everything, _, _ = _scan([root], scanner, ScanOptions(include_vendored=True, include_binary=True))
    assert {loc for loc, _, _ in _located(everything, root)} == {
        "app/.env",
        "node_modules/pkg/.env",
        ".git/config",
        "vendor/lib/conf.ini",
        "assets/logo.png",
        "data/blob.dat2",
    }


def test_explicit_file_in_vendored_dir_is_scanned(tmp_path: Path, scanner: SecretScanner) -> None:
    path = _write(tmp_path / "node_modules" / "x" / "config.js", f"const key = '{google_api_key()}';\n")
    findings, errors, _ = _scan([path], scanner)
    assert [f.detector for f in findings] == ["google-api-key"] and errors == []


def test_on_file_reports_sizes_and_order(tmp_path: Path, scanner: SecretScanner) -> None:
    a = _write(tmp_path / "b" / "z.env", _secret_line())
    b = _write(tmp_path / "a.env", "X=1\n")
    c = _write(tmp_path / "b" / "c" / "y.env", "Y=2\n")
    _, _, files = _scan([tmp_path], scanner)
    assert files == [(str(b), b.stat().st_size), (str(a), a.stat().st_size), (str(c), c.stat().st_size)]


def test_test_fixture_rule_uses_the_path_below_the_root(tmp_path: Path, scanner: SecretScanner) -> None:
    root = tmp_path / "tests" / "project"
    line = f"DB_PASSWORD={password()}\n"
    _write(root / "config" / "app.env", line)
    _write(root / "fixtures" / "app.env", line)
    findings, _, _ = _scan([root], scanner)
    assert _located(findings, root) == {("config/app.env", 1, "generic-password")}


def test_symlinks_are_not_followed_in_trees(tmp_path: Path, scanner: SecretScanner) -> None:
    outside = _write(tmp_path / "outside" / "secret.env", _secret_line())
    root = tmp_path / "repo"
    root.mkdir()
    (root / "link.env").symlink_to(outside)
    (root / "loop").symlink_to(root, target_is_directory=True)
    findings, errors, _ = _scan([root], scanner)
    assert findings == [] and errors == []


def test_missing_and_unreadable_paths_are_reported(tmp_path: Path, scanner: SecretScanner) -> None:
    good = _write(tmp_path / "ok.env", _secret_line())
    missing = tmp_path / "missing.env"
    findings, errors, _ = _scan([missing, good], scanner)
    assert [f.location for f in findings] == [str(good)]
    assert errors and errors[0][0] == str(missing)
    if os.geteuid() != 0:  # root reads anything
        locked = _write(tmp_path / "locked" / "a.env", _secret_line())
        locked.chmod(0)
        try:
            _, errors, _ = _scan([tmp_path / "locked"], scanner)
        finally:
            locked.chmod(0o600)
        assert [where for where, _ in errors] == [str(locked)]


# ---- archives ---------------------------------------------------------------------------------------------


def test_zip_tar_and_tgz_are_scanned_inside(tmp_path: Path, scanner: SecretScanner) -> None:
    member = ("x=1\n" + _secret_line()).encode()
    _zip(tmp_path / "a.zip", {"conf/app.env": member, "img/logo.png": member, "node_modules/m/.env": member})
    _write(tmp_path / "b.tar", _tar_bytes({"etc/app.env": member}, "w"))
    _write(tmp_path / "c.tar.gz", _tar_bytes({"etc/app.env": member}, "w:gz"))
    _write(tmp_path / "d.tgz", _tar_bytes({"srv/app.env": member}, "w:gz"))
    _write(tmp_path / "e.tar.bz2", _tar_bytes({"srv/app.env": member}, "w:bz2"))
    _write(tmp_path / "f.env.gz", gzip.compress(member))
    findings, errors, files = _scan([tmp_path], scanner)
    assert errors == []
    assert _located(findings, tmp_path) == {
        ("a.zip!conf/app.env", 2, "github-token"),
        ("b.tar!etc/app.env", 2, "github-token"),
        ("c.tar.gz!etc/app.env", 2, "github-token"),
        ("d.tgz!srv/app.env", 2, "github-token"),
        ("e.tar.bz2!srv/app.env", 2, "github-token"),
        ("f.env.gz", 2, "github-token"),
    }
    assert (str(tmp_path / "a.zip") + "!conf/app.env", len(member)) in files


def test_nested_archives_one_level(tmp_path: Path, scanner: SecretScanner) -> None:
    secret = _secret_line().encode()
    inner_tgz = _tar_bytes({"deep/.env": secret})
    inner_zip = io.BytesIO()
    with zipfile.ZipFile(inner_zip, "w") as archive:
        archive.writestr("inner/.env", secret)
        archive.writestr("third.zip", _zip_bytes({"too/deep.env": secret}))
    _zip(tmp_path / "outer.zip", {"pkg/inner.tar.gz": inner_tgz, "pkg/inner.zip": inner_zip.getvalue()})
    _write(tmp_path / "outer.tar", _tar_bytes({"lib/inner.zip": inner_zip.getvalue()}, "w"))
    findings, errors, _ = _scan([tmp_path], scanner)
    assert errors == []
    assert {loc for loc, _, _ in _located(findings, tmp_path)} == {
        "outer.zip!pkg/inner.tar.gz!deep/.env",
        "outer.zip!pkg/inner.zip!inner/.env",
        "outer.tar!lib/inner.zip!inner/.env",
    }


def _zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_corrupt_zip_is_reported_and_the_scan_goes_on(tmp_path: Path, scanner: SecretScanner) -> None:
    _write(tmp_path / "a_bad.zip", b"PK\x03\x04 this is not really a zip archive" * 10)
    _write(tmp_path / "b_good.env", _secret_line())
    _write(tmp_path / "c_bad.tar.gz", _tar_bytes({"x.env": os.urandom(50_000)})[:300])
    findings, errors, _ = _scan([tmp_path], scanner)
    assert [os.path.basename(f.location) for f in findings] == ["b_good.env"]
    assert [os.path.basename(where) for where, _ in errors] == ["a_bad.zip", "c_bad.tar.gz"]
    assert all(why for _, why in errors)


def test_corrupt_zip_member_is_reported_and_other_members_scanned(tmp_path: Path, scanner: SecretScanner) -> None:
    path = tmp_path / "mixed.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("a/broken.env", "KEY=" + "A" * 400 + "\n")
        archive.writestr("b/good.env", _secret_line())
    raw = bytearray(path.read_bytes())
    offset = raw.index(b"A" * 400)
    raw[offset + 10] = ord("B")  # the stored CRC no longer matches
    path.write_bytes(bytes(raw))
    findings, errors, _ = _scan([path], scanner)
    assert [f.location for f in findings] == [f"{path}!b/good.env"]
    assert [where for where, _ in errors] == [f"{path}!a/broken.env"]


def test_zip_member_with_an_unknown_method_or_bad_deflate_data_is_reported(
    tmp_path: Path, scanner: SecretScanner
) -> None:
    path = tmp_path / "methods.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a/unknown.env", "KEY=" + "A" * 400 + "\n", compress_type=zipfile.ZIP_STORED)
        archive.writestr("b/deflated.env", "KEY=" + "C" * 400 + "\n", compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("c/good.env", _secret_line())
    with zipfile.ZipFile(path) as archive:
        unknown, deflated = archive.getinfo("a/unknown.env"), archive.getinfo("b/deflated.env")
    raw = bytearray(path.read_bytes())
    # a compression method zipfile does not know (99, AE-x), in the local and the central header
    raw[unknown.header_offset + 8 : unknown.header_offset + 10] = (99).to_bytes(2, "little")
    central = raw.index(b"PK\x01\x02")  # the central directory's first entry: the first member's
    raw[central + 10 : central + 12] = (99).to_bytes(2, "little")
    # deflate data that is not a deflate stream (block type 3 is reserved)
    data_start = deflated.header_offset + 30 + len(deflated.filename.encode()) + len(deflated.extra)
    raw[data_start : data_start + deflated.compress_size] = b"\xff" * deflated.compress_size
    path.write_bytes(bytes(raw))

    findings, errors, _ = _scan([path], scanner)
    assert [f.location for f in findings] == [f"{path}!c/good.env"]
    assert [where for where, _ in errors] == [f"{path}!a/unknown.env", f"{path}!b/deflated.env"]
    assert all(why.startswith("corrupt archive member") for _, why in errors)


def test_truncated_tgz_keeps_earlier_members(tmp_path: Path, scanner: SecretScanner) -> None:
    filler = os.urandom(200_000)
    data = _tar_bytes({"a/first.env": _secret_line().encode(), "b/noise.bin": filler, "c/last.env": b"x"})
    path = _write(tmp_path / "t.tgz", data[: len(data) // 2])
    findings, errors, _ = _scan([path], scanner)
    assert [f.location for f in findings] == [f"{path}!a/first.env"]
    assert [where for where, _ in errors] == [str(path)]


# ---- large files ------------------------------------------------------------------------------------------


def test_large_archive_member_is_streamed_in_chunks(tmp_path: Path, scanner: SecretScanner) -> None:
    filler = "".join(f"line {i} of the log\n" for i in range(20_000))
    text = filler + _secret_line() + filler + _secret_line()
    _zip(tmp_path / "logs.zip", {"app.log": text.encode()})
    options = ScanOptions(max_file_bytes=64 * 1024, chunk_bytes=32 * 1024, overlap_bytes=4096)
    findings, errors, _ = _scan([tmp_path / "logs.zip"], scanner, options)
    assert errors == []
    assert [f.line for f in findings] == [20_001, 40_002]


def test_60mb_file_is_scanned_in_chunks_with_bounded_memory(tmp_path: Path, scanner: SecretScanner) -> None:
    block_line = b"2026-11-01T00:00:00Z INFO request served in 12ms path=/api/v1/items status=200 ok\n"
    lines_per_block = 12_000
    block = block_line * lines_per_block
    secrets = {0: stripe_key(), 25: github_token(), 49: google_api_key(), 62: f"password={password()}"}
    path = tmp_path / "huge.log"
    expected: list[int] = []
    line = 0
    with path.open("wb") as out:
        for index in range(63):
            if index in secrets:
                out.write(f"token={secrets[index]}\n".encode() if index != 62 else (secrets[index] + "\n").encode())
                line += 1
                expected.append(line)
            out.write(block)
            line += lines_per_block
    size = path.stat().st_size
    assert size > 60_000_000 > ScanOptions().max_file_bytes
    tracemalloc.start()
    try:
        findings, errors, files = _scan([path], scanner)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert errors == [] and files == [(str(path), size)]
    assert [f.line for f in findings] == expected
    assert [f.detector for f in findings] == ["stripe-key", "github-token", "google-api-key", "generic-password"]
    assert peak < size / 4, f"peak {peak} bytes"
