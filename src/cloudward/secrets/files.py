"""Scan files, directory trees and archives for secrets, with memory flat in the size of the tree.

Directory trees are walked in sorted order without following symbolic links; vendored directories
(``node_modules``, ``vendor``, ``.git``, ``.venv``, ``site-packages``...) and binary files are skipped unless
asked for. Zip (and jar/war/whl), tar, tar.gz/tgz, tar.bz2 and tar.xz archives are scanned inside, one level of
nesting deep (``outer.zip!inner.tar.gz!dir/file``); a lone ``.gz`` file is scanned decompressed. Files larger
than ``ScanOptions.max_file_bytes`` are read in overlapping chunks (:meth:`SecretScanner.scan_stream`), never
whole. A file that cannot be read or an archive that is corrupt is reported through ``on_error`` and the scan
goes on.
"""

from __future__ import annotations

import gzip
import io
import logging
import os
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from cloudward.secrets.model import SecretFinding
from cloudward.secrets.scanner import DEFAULT_CHUNK_BYTES, DEFAULT_OVERLAP_BYTES, Readable, SecretScanner

log = logging.getLogger(__name__)

ErrorCallback = Callable[[str, str], None]
"""``on_error(location, message)``: a file or archive member that could not be scanned."""
FileCallback = Callable[[str, int], None]
"""``on_file(location, size)``: called before each file or archive member is scanned (progress)."""

VENDORED_DIRS = frozenset(
    {
        "node_modules",
        "bower_components",
        "jspm_packages",
        "vendor",
        ".git",
        ".hg",
        ".svn",
        "dist",
        "build",
        ".venv",
        "venv",
        "site-packages",
        "dist-packages",
        "__pycache__",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".terraform",
        ".gradle",
        ".next",
        ".nuxt",
        ".cache",
        ".eggs",
    }
)
"""Directory names skipped by default: third-party, generated or version-control content."""

BINARY_EXTENSIONS = frozenset(
    """
    .png .jpg .jpeg .gif .bmp .ico .icns .webp .tif .tiff .psd .heic .avif .svgz .mp3 .mp4 .m4a .m4v .mov .avi
    .mkv .wav .flac .ogg .webm .woff .woff2 .ttf .otf .eot .pdf .doc .docx .xls .xlsx .ppt .pptx .odt .ods
    .exe .dll .so .dylib .a .lib .o .obj .class .pyc .pyo .pyd .wasm .bin .dat .db .sqlite .sqlite3 .dmg .iso
    .img .deb .rpm .msi .7z .rar .bz2 .xz .zst .lz4 .parquet .avro .orc .npy .npz .pkl .pickle .pt .pth .onnx
    .h5 .tflite .ckpt .safetensors .jks .keystore .p12 .pfx .der .swf .fla
    """.split()  # noqa: SIM905 - a word list reads better than a list literal
)
"""Extensions treated as binary without looking at the content."""

_ZIP_EXTENSIONS = (".zip", ".jar", ".war", ".ear", ".whl", ".nupkg", ".aar")
_TAR_EXTENSIONS = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz")
_SNIFF_BYTES = 8192
_READ_BYTES = 1024 * 1024


@dataclass(frozen=True, slots=True)
class ScanOptions:
    """What :func:`scan_paths` scans and how.

    Attributes:
        include_binary: Scan files that look binary (by extension or a NUL byte in the first 8 KiB).
        include_vendored: Descend into vendored directories (``node_modules``, ``.git``, ``.venv``...).
        scan_archives: Scan inside zip and tar archives (otherwise they are skipped as binary).
        max_file_bytes: Files (and archive members) above this size are scanned in chunks, never read whole.
        chunk_bytes: Chunk size for large files.
        overlap_bytes: Overlap between consecutive chunks.
        vendored_dirs: Directory names treated as vendored.
    """

    include_binary: bool = False
    include_vendored: bool = False
    scan_archives: bool = True
    max_file_bytes: int = 50 * 1024 * 1024
    chunk_bytes: int = DEFAULT_CHUNK_BYTES
    overlap_bytes: int = DEFAULT_OVERLAP_BYTES
    vendored_dirs: frozenset[str] = field(default=VENDORED_DIRS)


def scan_paths(
    paths: Sequence[Path],
    scanner: SecretScanner,
    options: ScanOptions,
    on_error: ErrorCallback | None = None,
    on_file: FileCallback | None = None,
) -> Iterator[SecretFinding]:
    """Scan files and directory trees; findings stream out as files are read.

    A path named explicitly is scanned even when it lies in a vendored directory. Inside a directory tree,
    path rules (test fixtures) apply to the path relative to that directory, so the directories above the
    scanned root do not count.

    Args:
        paths: Files and directories.
        scanner: The scanner (its confidence threshold and fingerprint key apply).
        options: What to skip and how to read large files.
        on_error: Called with ``(location, message)`` for each file or archive that could not be scanned;
            when None, such problems are logged as warnings.
        on_file: Called with ``(location, size)`` before each file or archive member is scanned.

    Yields:
        Findings, file by file.
    """
    walker = _Walker(scanner, options, on_error, on_file)
    for path in paths:
        yield from walker.root(path)


class _Walker:
    def __init__(
        self,
        scanner: SecretScanner,
        options: ScanOptions,
        on_error: ErrorCallback | None,
        on_file: FileCallback | None,
    ) -> None:
        self.scanner = scanner
        self.options = options
        self._on_error = on_error
        self._on_file = on_file

    def error(self, location: str, message: str) -> None:
        if self._on_error is not None:
            self._on_error(location, message)
        else:
            log.warning("secrets scan: %s: %s", location, message)

    def root(self, path: Path) -> Iterator[SecretFinding]:
        location = str(path)
        try:
            info = path.lstat()
        except OSError as exc:
            self.error(location, _os_message(exc))
            return
        if stat.S_ISDIR(info.st_mode):
            yield from self._tree(path)
        elif stat.S_ISREG(info.st_mode):
            yield from self._file(location, location, location, info.st_size)
        elif stat.S_ISLNK(info.st_mode):
            try:
                target = path.stat()
            except OSError as exc:
                self.error(location, _os_message(exc))
                return
            if stat.S_ISDIR(target.st_mode):
                yield from self._tree(path)
            elif stat.S_ISREG(target.st_mode):
                yield from self._file(location, location, location, target.st_size)
        else:
            self.error(location, "not a regular file or directory")

    def _tree(self, top: Path) -> Iterator[SecretFinding]:
        vendored = () if self.options.include_vendored else self.options.vendored_dirs
        prefix = os.path.join(str(top), "")
        stack = [str(top)]
        while stack:
            directory = stack.pop()
            try:
                with os.scandir(directory) as it:
                    entries = sorted(it, key=lambda e: e.name)
            except OSError as exc:
                self.error(str(directory), _os_message(exc))
                continue
            subdirs: list[str] = []
            for entry in entries:
                try:
                    if entry.is_symlink():
                        continue
                    if entry.is_dir(follow_symlinks=False):
                        if entry.name not in vendored:
                            subdirs.append(entry.path)
                        continue
                    if not entry.is_file(follow_symlinks=False):
                        continue
                    size = entry.stat(follow_symlinks=False).st_size
                except OSError as exc:
                    self.error(entry.path, _os_message(exc))
                    continue
                path = entry.path
                yield from self._file(path, os.path.normpath(path), path[len(prefix) :], size)
            stack.extend(reversed(subdirs))

    def _file(self, path: str, location: str, rel: str, size: int) -> Iterator[SecretFinding]:
        name = os.path.basename(path).lower()
        if self.options.scan_archives:
            if name.endswith(_ZIP_EXTENSIONS):
                yield from self._zip_file(path, location, rel)
                return
            if name.endswith(_TAR_EXTENSIONS):
                yield from self._tar(path, location, rel, depth=0)
                return
            if name.endswith(".gz"):
                yield from self._gzip(path, location, rel, name[:-3])
                return
        if size == 0 or (not self.options.include_binary and _binary_name(name)):
            return
        try:
            with open(path, "rb") as handle:
                yield from self._stream(handle, location, rel, size)
        except OSError as exc:
            self.error(location, _os_message(exc))

    def _stream(self, handle: Readable, location: str, rel: str, size: int | None) -> Iterator[SecretFinding]:
        """Scan one readable stream: whole when small enough, in chunks otherwise; binary content skipped."""
        options = self.options
        if size is not None and size <= options.max_file_bytes:
            data = _read_at_most(handle, size + 1)  # one byte more reveals a file that grew
            head = data[:_SNIFF_BYTES]
        else:
            data = b""
            head = handle.read(_SNIFF_BYTES)
        if not head or (not options.include_binary and b"\x00" in head):
            return
        if self._on_file is not None:
            self._on_file(location, size if size is not None else -1)
        if data and len(data) <= options.max_file_bytes:
            yield from self.scanner.scan_bytes(data, location, rel_path=rel)
            return
        for match in self.scanner.scan_stream(
            _Prefixed(data or head, handle),
            location,
            rel_path=rel,
            chunk_bytes=options.chunk_bytes,
            overlap_bytes=options.overlap_bytes,
        ):
            yield match.finding

    # -- archives ----------------------------------------------------------------------------------------

    def _zip_file(self, path: str, location: str, rel: str) -> Iterator[SecretFinding]:
        try:
            archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            self.error(location, f"corrupt or unreadable zip archive: {_exc_message(exc)}")
            return
        with archive:
            yield from self._zip_members(archive, location, rel, depth=0)

    def _zip_members(self, archive: zipfile.ZipFile, location: str, rel: str, *, depth: int) -> Iterator[SecretFinding]:
        for info in archive.infolist():
            if info.is_dir():
                continue
            member = f"{location}!{info.filename}"
            member_rel = f"{rel}!{info.filename}"
            if self._skipped_member(info.filename):
                continue
            if info.flag_bits & 0x1:
                self.error(member, "encrypted archive member, not scanned")
                continue
            try:
                with archive.open(info) as handle:
                    yield from self._member(handle, member, member_rel, info.filename, info.file_size, depth)
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError) as exc:
                self.error(member, f"corrupt archive member: {_exc_message(exc)}")

    def _tar(self, source: str | IO[bytes], location: str, rel: str, *, depth: int) -> Iterator[SecretFinding]:
        try:
            with _open_tar(source) as archive:
                for info in archive:
                    if not info.isfile() or self._skipped_member(info.name):
                        continue
                    handle = archive.extractfile(info)
                    if handle is not None:
                        member, member_rel = f"{location}!{info.name}", f"{rel}!{info.name}"
                        yield from self._member(handle, member, member_rel, info.name, info.size, depth)
        except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
            self.error(location, f"corrupt or unreadable tar archive: {_exc_message(exc)}")

    def _gzip(self, path: str, location: str, rel: str, inner_name: str) -> Iterator[SecretFinding]:
        if not self.options.include_binary and _binary_name(inner_name):
            return
        try:
            with gzip.open(path, "rb") as handle:
                yield from self._stream(handle, location, rel, None)
        except (OSError, EOFError, zlib.error) as exc:
            self.error(location, f"corrupt or unreadable gzip file: {_exc_message(exc)}")

    def _member(
        self, handle: IO[bytes], location: str, rel: str, name: str, size: int, depth: int
    ) -> Iterator[SecretFinding]:
        lower = name.lower()
        is_zip = lower.endswith(_ZIP_EXTENSIONS)
        is_tar = lower.endswith(_TAR_EXTENSIONS)
        if (is_zip or is_tar) and self.options.scan_archives:
            if depth >= 1:
                return  # archives nest one level deep at most
            if is_tar:
                yield from self._tar(handle, location, rel, depth=1)
                return
            if size > self.options.max_file_bytes:
                self.error(location, "nested zip archive larger than max_file_bytes, not scanned")
                return
            try:
                inner = zipfile.ZipFile(io.BytesIO(handle.read()))
            except (zipfile.BadZipFile, EOFError, ValueError) as exc:
                self.error(location, f"corrupt or unreadable zip archive: {_exc_message(exc)}")
                return
            with inner:
                yield from self._zip_members(inner, location, rel, depth=1)
            return
        if size == 0 or (not self.options.include_binary and _binary_name(lower)):
            return
        yield from self._stream(handle, location, rel, size)

    def _skipped_member(self, name: str) -> bool:
        if self.options.include_vendored:
            return False
        parts = name.replace("\\", "/").split("/")[:-1]
        return any(part in self.options.vendored_dirs for part in parts)


class _Prefixed:
    """A read-only stream of ``prefix`` followed by the rest of ``tail`` (after sniffing the head)."""

    def __init__(self, prefix: bytes, tail: Readable) -> None:
        self._prefix = prefix
        self._tail = tail

    def read(self, size: int = -1, /) -> bytes:
        if self._prefix:
            if size < 0 or size >= len(self._prefix):
                out, self._prefix = self._prefix, b""
                rest = self._tail.read(-1 if size < 0 else size - len(out))
                return out + rest
            out, self._prefix = self._prefix[:size], self._prefix[size:]
            return out
        return self._tail.read(size)


def _read_at_most(handle: Readable, size: int) -> bytes:
    first = handle.read(size)
    if len(first) >= size or not first:
        return first
    parts = [first]
    have = len(first)
    while have < size:
        block = handle.read(min(_READ_BYTES, size - have))
        if not block:
            break
        parts.append(block)
        have += len(block)
    return b"".join(parts)


def _binary_name(name: str) -> bool:
    dot = name.rfind(".")
    return dot >= 0 and name[dot:].lower() in BINARY_EXTENSIONS


def _os_message(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def _exc_message(exc: BaseException) -> str:
    """An exception's message, shortened: archive errors name members and offsets, never file content."""
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 200 else text[:200] + "…"


def _open_tar(source: str | IO[bytes]) -> tarfile.TarFile:
    """A tar archive opened for streaming (members in order, any compression), from a path or a stream."""
    if isinstance(source, str):
        return tarfile.open(source, mode="r|*")
    return tarfile.open(fileobj=source, mode="r|*")
