"""Secrets in git history: the lines every commit of every branch added, streamed from ``git log -p``.

A secret removed in a later commit is still in every clone, so history is scanned commit by commit and each
finding names the commit that added the line (and its author date). Only added lines are read: a line that a
commit removes or leaves alone was reported with the commit that added it. Merge commits' combined diffs are
skipped (their lines were added by the merged commits), and so are binary diffs.

``git log`` writes into a pipe that is read line by line: the history is never held in memory, only the added
lines of one file of one commit at a time (in bounded chunks for huge files).
"""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import tempfile
from collections.abc import Callable, Generator, Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING

from cloudward.core.errors import CloudwardError
from cloudward.secrets.model import SecretFinding

if TYPE_CHECKING:
    from cloudward.secrets.scanner import SecretScanner

COMMIT_MARK = b"\x01cloudward-commit "
"""Starts the header line of each commit in our ``git log`` format; diff lines never start with \\x01."""
CHUNK_BYTES = 4 << 20
"""Added lines of one file are scanned in chunks of about this size (overlapping by :data:`OVERLAP_LINES`)."""
OVERLAP_LINES = 40
GAP_LINES = 8
"""Blank lines put between two hunks of a file that are apart, so distant lines do not look adjacent."""
_HUNK = re.compile(rb"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}
# variables that point git at another repository or index (set inside git hooks, for instance)
_REPOSITORY_ENV = frozenset(
    {
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_OBJECT_DIRECTORY",
        "GIT_ALTERNATE_OBJECT_DIRECTORIES",
        "GIT_COMMON_DIR",
        "GIT_NAMESPACE",
        "GIT_PREFIX",
        "GIT_IMPLICIT_WORK_TREE",
        "GIT_GRAFT_FILE",
        "GIT_SHALLOW_FILE",
        "GIT_REPLACE_REF_BASE",
        "GIT_NO_REPLACE_OBJECTS",
    }
)

ErrorCallback = Callable[[str, str], None]
CommitCallback = Callable[[str, int], None]


class GitError(CloudwardError):
    """git is missing, the path is not a git repository, or ``git log`` failed."""


def _environment() -> dict[str, str]:
    environment = {name: value for name, value in os.environ.items() if name not in _REPOSITORY_ENV}
    environment["GIT_TERMINAL_PROMPT"] = "0"
    environment["LC_ALL"] = "C"
    return environment


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["git", "-C", str(repo), *args], capture_output=True, check=False, env=_environment(), timeout=120
        )
    except FileNotFoundError:
        raise GitError("git is not installed (it is needed for --git)") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} in {repo} did not answer in 120 s") from None


def check_repository(repo: Path) -> None:
    """Fail unless ``repo`` is inside a git repository (work tree or bare).

    Raises:
        GitError: No such directory, not a repository, or git is missing.
    """
    if not repo.is_dir():
        raise GitError(f"{repo}: no such directory (--git takes the path of a git repository)")
    result = _git(repo, "rev-parse", "--git-dir")
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"{repo} is not a git repository" + (f" ({detail[0]})" if detail else ""))


def _revision_arguments(repo: Path, since: str | None) -> list[str]:
    if since is None:
        return ["--all"]
    resolved = _git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{since}^{{commit}}")
    if resolved.returncode == 0:
        return ["--all", "^" + resolved.stdout.decode().strip()]
    return ["--all", f"--since={since}"]


def _unquote(raw: bytes) -> str:
    """A path as ``git diff`` prints it: C-quoted (``"b/a\\tb"``) when it holds special characters."""
    text = raw.decode("utf-8", "surrogateescape")
    if not (len(text) >= 2 and text.startswith('"') and text.endswith('"')):
        return raw.decode("utf-8", "replace")
    out = bytearray()
    body = text[1:-1]
    index = 0
    while index < len(body):
        char = body[index]
        if char == "\\" and index + 1 < len(body):
            nxt = body[index + 1]
            if nxt in _ESCAPES:
                out.append(_ESCAPES[nxt])
                index += 2
                continue
            octal = body[index + 1 : index + 4]
            if len(octal) == 3 and all(digit in "01234567" for digit in octal):
                out.append(int(octal, 8) & 0xFF)
                index += 4
                continue
        out.extend(char.encode("utf-8", "surrogateescape"))
        index += 1
    return out.decode("utf-8", "replace")


def _new_path(line: bytes) -> str | None:
    """The file a ``+++`` line names, without git's ``b/`` prefix; None for ``/dev/null``."""
    raw = line[4:].rstrip(b"\n").rstrip(b"\r")
    if raw.endswith(b"\t"):  # git appends a tab to names with spaces
        raw = raw[:-1]
    if raw == b"/dev/null":
        return None
    path = _unquote(raw)
    return path[2:] if path.startswith("b/") else path


class _FileLines:
    """The added lines of one file in one commit, scanned in bounded chunks as they arrive."""

    def __init__(self, scanner: SecretScanner, commit: str, date: str, path: str) -> None:
        self._scanner = scanner
        self._commit = commit
        self._date = date
        self.path = path
        self._lines: list[bytes] = []
        self._numbers: list[int] = []  # new-file line number of each buffered line (0: a gap line)
        self._size = 0
        self._last = 0
        self._fresh = False
        self._reported: set[tuple[int, int, str, str]] = set()

    def add(self, number: int, content: bytes) -> bool:
        """Buffer one added line; True when the buffer is full and :meth:`flush` should run."""
        if number > self._last + 1 and self._lines:
            for _ in range(min(number - self._last - 1, GAP_LINES)):
                self._lines.append(b"\n")
                self._numbers.append(0)
        self._lines.append(content if content[-1:] == b"\n" else content + b"\n")
        self._numbers.append(number)
        self._last = number
        self._size += len(content)
        self._fresh = True
        return self._size >= CHUNK_BYTES

    def flush(self) -> Iterator[SecretFinding]:
        """Scan the buffer, then keep only its last lines (context for the next chunk)."""
        yield from self._scan()
        keep = min(OVERLAP_LINES, len(self._lines))
        self._lines = self._lines[-keep:]
        self._numbers = self._numbers[-keep:]
        self._size = sum(len(line) for line in self._lines)
        self._fresh = False

    def finish(self) -> Iterator[SecretFinding]:
        """Scan what is left."""
        if self._fresh:
            yield from self._scan()
        self._lines, self._numbers, self._fresh = [], [], False

    def _scan(self) -> Iterator[SecretFinding]:
        for finding in self._scanner.scan_bytes(b"".join(self._lines), self.path):
            index = finding.line - 1
            number = self._numbers[index] if 0 <= index < len(self._numbers) else 0
            if number == 0:  # on a gap line: cannot happen for a value, keep the nearest real line
                number = next((n for n in reversed(self._numbers[: max(index, 0)]) if n), 0)
            key = (number, finding.column, finding.detector, finding.fingerprint)
            if key in self._reported:  # already reported from the overlap with the previous chunk
                continue
            self._reported.add(key)
            yield dataclasses.replace(finding, line=number, commit=self._commit, author_date=self._date)


class _DiffParser:
    """Turns ``git log -p --unified=0`` output, line by line, into findings on added lines."""

    def __init__(
        self, scanner: SecretScanner, on_error: ErrorCallback | None, on_commit: CommitCallback | None
    ) -> None:
        self._scanner = scanner
        self._on_error = on_error
        self._on_commit = on_commit
        self._commit = ""
        self._date = ""
        self._commit_bytes = 0
        self._file: _FileLines | None = None
        self._path: str | None = None
        self._old_left = 0
        self._new_left = 0
        self._next_line = 0

    def feed(self, lines: Iterable[bytes]) -> Iterator[SecretFinding]:
        for line in lines:
            self._commit_bytes += len(line)
            if self._old_left or self._new_left:
                first = line[:1]
                if first == b"+" and self._new_left:
                    self._new_left -= 1
                    if self._file is not None and self._file.add(self._next_line, line[1:]):
                        yield from self._file.flush()
                    self._next_line += 1
                    continue
                if first == b"-" and self._old_left:
                    self._old_left -= 1
                    continue
                if first == b"\\":
                    continue
                self._problem(f"a hunk ended {self._old_left + self._new_left} lines early")
                self._old_left = self._new_left = 0
            yield from self._header(line)
        yield from self._end_commit()

    def _header(self, line: bytes) -> Iterator[SecretFinding]:
        if line.startswith(COMMIT_MARK):
            yield from self._end_commit()
            fields = line[len(COMMIT_MARK) :].decode("ascii", "replace").split()
            self._commit = fields[0] if fields else ""
            self._date = fields[1] if len(fields) > 1 else ""
            self._commit_bytes = len(line)
        elif line.startswith(b"diff --"):
            yield from self._end_file()
            self._path = None  # known from the +++ line; "diff --cc" (a merge) never gets one
        elif line.startswith(b"+++ "):
            yield from self._end_file()
            self._path = _new_path(line)
            if self._path is not None:
                self._file = _FileLines(self._scanner, self._commit, self._date, self._path)
        elif line.startswith(b"@@ "):
            match = _HUNK.match(line)
            if match is None:
                self._problem("unreadable hunk header")
                return
            self._old_left = int(match[2]) if match[2] is not None else 1
            self._new_left = int(match[4]) if match[4] is not None else 1
            self._next_line = int(match[3])
        elif line.startswith(b"Binary files ") or line.startswith(b"GIT binary patch"):
            yield from self._end_file()
            self._path = None

    def _end_file(self) -> Iterator[SecretFinding]:
        if self._file is not None:
            yield from self._file.finish()
            self._file = None

    def _end_commit(self) -> Iterator[SecretFinding]:
        yield from self._end_file()
        if self._commit and self._on_commit is not None:
            self._on_commit(self._commit, self._commit_bytes)
        self._commit_bytes = 0

    def _problem(self, message: str) -> None:
        location = f"{self._commit[:12]}:{self._path or '?'}"
        if self._on_error is None:
            raise GitError(f"{location}: {message}")
        self._on_error(location, message)


GIT_LOG_FORMAT = "tformat:%x01cloudward-commit %H %aI"
"""The ``--format`` of the ``git log -p --unified=0`` output :func:`scan_git_log` reads."""


def scan_git_log(
    lines: Iterable[bytes],
    scanner: SecretScanner,
    *,
    on_error: ErrorCallback | None = None,
    on_commit: CommitCallback | None = None,
) -> Iterator[SecretFinding]:
    """Secrets on the added lines of ``git log -p --unified=0 --format=GIT_LOG_FORMAT`` output, read as it comes.

    Args:
        lines: The output, line by line (with their line ends), e.g. a pipe from ``git log``.
        scanner: The engine that scans the added lines.
        on_error: Called with ``(commit:path, message)`` for a hunk that cannot be read (the rest is still read);
            without it, :class:`GitError` is raised.
        on_commit: Called with ``(commit id, bytes of its diff)`` after each commit.

    Yields:
        Findings with the path, the line in the new file, the commit and its author date.
    """
    return _DiffParser(scanner, on_error, on_commit).feed(lines)


def scan_git(
    repo: Path,
    scanner: SecretScanner,
    *,
    since: str | None = None,
    on_error: ErrorCallback | None = None,
    on_commit: CommitCallback | None = None,
) -> Generator[SecretFinding, None, None]:
    """Secrets on the lines each commit of each branch (and tag, and other ref) added.

    Args:
        repo: A git repository (its work tree, any folder in it, or a bare repository).
        scanner: The engine that scans the added lines.
        since: Only newer history: a revision (``origin/main``, a commit id: commits not reachable from it),
            else anything ``git log --since`` takes (``2026-01-01``, ``2 weeks ago``).
        on_error: Called with ``(location, message)`` for a diff that cannot be read (the scan goes on) and
            for warnings git prints; without it such problems raise :class:`GitError`.
        on_commit: Called with ``(commit id, bytes of its diff)`` after each commit, for progress.

    Yields:
        Findings with ``location`` (the path in the repository), ``line`` (in the file as that commit left it),
        ``commit`` and ``author_date`` (ISO 8601) set.

    Raises:
        GitError: Not a repository, git missing, or ``git log`` failed.
    """
    check_repository(repo)
    return _scan(repo, scanner, _revision_arguments(repo, since), on_error, on_commit)


def _scan(
    repo: Path,
    scanner: SecretScanner,
    revisions: list[str],
    on_error: ErrorCallback | None,
    on_commit: CommitCallback | None,
) -> Generator[SecretFinding, None, None]:
    command = [
        "git",
        "-C",
        str(repo),
        "-c",
        "core.quotePath=false",
        "-c",
        "log.showSignature=false",
        "log",
        *revisions,
        "-p",
        "--no-color",
        "--unified=0",
        "--diff-merges=off",
        "--find-renames",
        "--no-ext-diff",
        "--no-textconv",
        "--no-relative",
        "--ignore-submodules=all",
        "--src-prefix=a/",
        "--dst-prefix=b/",
        f"--format={GIT_LOG_FORMAT}",
    ]
    with tempfile.TemporaryFile() as stderr:
        try:
            process = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=stderr, env=_environment(), bufsize=1 << 20
            )
        except FileNotFoundError:
            raise GitError("git is not installed (it is needed for --git)") from None
        try:
            assert process.stdout is not None
            yield from scan_git_log(process.stdout, scanner, on_error=on_error, on_commit=on_commit)
            code = process.wait()
        finally:
            if process.poll() is None:  # the caller stopped early: do not leave git blocked on a full pipe
                process.kill()
                process.wait()
            if process.stdout is not None:
                process.stdout.close()
        _report_stderr(stderr, code, repo, on_error)


def _report_stderr(stderr: IO[bytes], code: int, repo: Path, on_error: ErrorCallback | None) -> None:
    stderr.seek(0)
    lines = [line.strip() for line in stderr.read(64 << 10).decode("utf-8", "replace").splitlines() if line.strip()]
    if code != 0:
        raise GitError(f"git log failed in {repo} (exit {code})" + (f": {lines[0]}" if lines else ""))
    for line in lines[:20]:
        if on_error is not None:
            on_error(f"git:{repo}", line)


def read_blob(repo: Path, commit: str, path: str) -> bytes:
    """The content of ``path`` as ``commit`` left it (``git show commit:path``), for ``--verify``.

    Raises:
        GitError: git failed (unknown commit, no such path in that commit).
    """
    result = _git(repo, "cat-file", "blob", f"{commit}:{path}")
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"cannot read {path} at {commit[:12]}" + (f": {detail[0]}" if detail else ""))
    return result.stdout
