"""Git history: every commit of every branch, added lines only, each finding with its adding commit."""

from __future__ import annotations

import os
import random
import string
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cloudward.secrets import git as git_module
from cloudward.secrets.fingerprint import FingerprintKey
from cloudward.secrets.git import COMMIT_MARK, GitError, read_blob, scan_git, scan_git_log
from cloudward.secrets.model import SecretFinding
from cloudward.secrets.scanner import SecretScanner

KEY = FingerprintKey(b"git-tests-fingerprint-key-0123456")


def _aws_pair(seed: int) -> tuple[str, str]:
    """A fake key id and secret shaped like AWS's (built at run time, random, no placeholder words)."""
    rng = random.Random(seed)
    key_id = "AKIA" + "".join(rng.choice(string.ascii_uppercase + "234567") for _ in range(16))
    secret = "".join(rng.choice(string.ascii_letters + string.digits + "+/") for _ in range(40))
    return key_id, secret


def _aws_lines(seed: int) -> str:
    key_id, secret = _aws_pair(seed)
    return f"aws_access_key_id = {key_id}\naws_secret_access_key = {secret}\n"


class Repo:
    """A temporary repository driven through the git CLI, with fixed identities and dates."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.clock = 1_700_000_000
        self.run("init", "-q", "-b", "main")

    def run(self, *args: str) -> str:
        self.clock += 3600
        stamp = f"@{self.clock} +0000"
        environment = {**os.environ, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
        for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
            environment.pop(name, None)
        result = subprocess.run(
            ["git", "-c", "user.name=Cloudward Tests", "-c", "user.email=tests@cloudward.invalid",
             "-c", "commit.gpgsign=false", *args],
            cwd=self.root, env=environment, capture_output=True, text=True, check=True,
        )  # fmt: skip
        return result.stdout.strip()

    def write(self, path: str, content: str | bytes) -> None:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content)

    def commit(self, message: str) -> str:
        self.run("add", "-A")
        self.run("commit", "-q", "-m", message)
        return self.run("rev-parse", "HEAD")

    def date(self, commit: str) -> str:
        return self.run("show", "-s", "--format=%aI", commit)


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    root = tmp_path / "repo"
    root.mkdir()
    return Repo(root)


def _scan(
    repo: Repo, *, since: str | None = None, on_commit: Callable[[str, int], None] | None = None
) -> list[SecretFinding]:
    return list(scan_git(repo.root, SecretScanner(KEY), since=since, on_commit=on_commit))


def _aws(findings: list[SecretFinding]) -> list[SecretFinding]:
    return [finding for finding in findings if finding.detector == "aws-access-key"]


def test_secret_added_then_removed_is_found_with_the_commit_that_added_it(repo: Repo) -> None:
    repo.write("README.md", "hello\n")
    repo.commit("start")
    repo.write("config/app.env", "REGION=eu-west-1\n" + _aws_lines(1))
    adding = repo.commit("add config")
    repo.write("config/app.env", "REGION=eu-west-1\n")
    repo.commit("remove the key")

    found = _aws(_scan(repo))
    assert len(found) == 1
    finding = found[0]
    key_id, _ = _aws_pair(1)
    assert finding.commit == adding
    assert finding.author_date == repo.date(adding)
    assert finding.author_date is not None and finding.author_date.endswith("+00:00")
    assert finding.location == "config/app.env"
    assert finding.line == 2
    assert finding.column == len("aws_access_key_id = ") + 1
    assert finding.fingerprint == KEY.fingerprint(key_id)
    assert finding.extra.get("paired") is True


def test_line_numbers_are_those_of_the_new_file_across_hunks(repo: Repo) -> None:
    body = [f"line {number}\n" for number in range(1, 61)]
    repo.write("settings.ini", "".join(body))
    repo.commit("settings")
    key_id, secret = _aws_pair(2)
    body[9] = f"aws_access_key_id = {key_id}\n"  # line 10
    body[10] = f"aws_secret_access_key = {secret}\n"  # line 11
    body.insert(50, "added far below\n")  # a second hunk in the same commit
    repo.write("settings.ini", "".join(body))
    changing = repo.commit("put a key in")

    found = _aws(_scan(repo))
    assert [(finding.line, finding.commit) for finding in found] == [(10, changing)]


def test_every_branch_is_scanned_and_merge_commits_are_not_reported(repo: Repo) -> None:
    repo.write("a.txt", "a\n")
    repo.commit("start")
    repo.run("checkout", "-q", "-b", "feature")
    repo.write("feature/deploy.sh", "#!/bin/sh\nexport " + _aws_lines(3).replace("\n", "\nexport ", 1))
    feature = repo.commit("feature with a key")
    repo.run("checkout", "-q", "-b", "never-merged", "main")
    repo.write("side.env", _aws_lines(4))
    side = repo.commit("side branch")
    repo.run("checkout", "-q", "main")
    repo.write("b.txt", "b\n")
    repo.commit("main moves on")
    repo.run("merge", "-q", "--no-ff", "--no-edit", "feature")
    merge = repo.run("rev-parse", "HEAD")

    found = _aws(_scan(repo))
    assert sorted((finding.location, finding.commit) for finding in found) == sorted(
        [("feature/deploy.sh", feature), ("side.env", side)]
    )
    assert merge not in {finding.commit for finding in found}


def test_binary_diffs_are_skipped_and_odd_file_names_kept(repo: Repo) -> None:
    repo.write("blob.bin", b"\x00\x01\x02" + _aws_lines(5).encode() + b"\x00")
    repo.write('with space/quote"and\\slash é.env', _aws_lines(6))
    repo.commit("odd files")
    found = _aws(_scan(repo))
    assert [finding.location for finding in found] == ['with space/quote"and\\slash é.env']


def test_renamed_file_is_not_reported_again(repo: Repo) -> None:
    repo.write("old/name.env", _aws_lines(7) + "".join(f"filler {n}\n" for n in range(20)))
    adding = repo.commit("add")
    repo.run("mv", "old/name.env", "new-name.env")
    repo.commit("rename")
    assert [(f.location, f.commit) for f in _aws(_scan(repo))] == [("old/name.env", adding)]


def test_since_a_revision_scans_only_newer_commits_and_on_commit_reports_each(repo: Repo) -> None:
    repo.write("one.env", _aws_lines(8))
    first = repo.commit("one")
    repo.write("two.env", _aws_lines(9))
    second = repo.commit("two")
    seen: list[tuple[str, int]] = []
    found = _aws(_scan(repo, since=first, on_commit=lambda commit, size: seen.append((commit, size))))
    assert [finding.commit for finding in found] == [second]
    assert [commit for commit, _ in seen] == [second]
    assert seen[0][1] > 0
    everything = _aws(_scan(repo, since="2000-01-01"))
    assert {finding.commit for finding in everything} == {first, second}
    assert _aws(_scan(repo, since="2100-01-01")) == []


def test_large_additions_are_scanned_in_chunks_without_loss_or_duplicates(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(git_module, "CHUNK_BYTES", 600)  # force many chunk boundaries on a small file
    lines = [f"value_{number} = {number * 7919}\n" for number in range(400)]
    positions = (37, 123, 250, 399)
    for seed, position in enumerate(positions, start=20):
        key_id, secret = _aws_pair(seed)
        lines[position] = f"aws_access_key_id = {key_id}\n"
        lines.insert(position + 1, f"aws_secret_access_key = {secret}\n")
    repo.write("big.cfg", "".join(lines))
    repo.commit("big")
    found = _aws(_scan(repo))
    expected = {KEY.fingerprint(_aws_pair(seed)[0]) for seed in range(20, 24)}
    assert {finding.fingerprint for finding in found} == expected
    assert len(found) == 4
    for finding in found:
        assert (repo.root / "big.cfg").read_text().splitlines()[finding.line - 1].startswith("aws_access_key_id")


def test_not_a_repository_is_a_clear_error(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(GitError, match="is not a git repository"):
        scan_git(plain, SecretScanner(KEY))
    with pytest.raises(GitError, match="no such directory"):
        scan_git(tmp_path / "missing", SecretScanner(KEY))


def test_stopping_early_does_not_leave_git_running(repo: Repo) -> None:
    for number in range(30):
        repo.write(f"f{number}.env", _aws_lines(100 + number) + "x\n" * 3000)
    repo.commit("many")
    findings = scan_git(repo.root, SecretScanner(KEY))
    first = next(iter(findings))
    assert first.commit
    started = time.monotonic()
    findings.close()  # closing the generator stops git
    assert time.monotonic() - started < 10


def test_an_empty_repository_has_no_findings(repo: Repo) -> None:
    assert _scan(repo) == []


def test_read_blob_returns_a_file_as_a_commit_left_it(repo: Repo) -> None:
    repo.write("x.env", "first\n")
    first = repo.commit("one")
    repo.write("x.env", "second\n")
    repo.commit("two")
    assert read_blob(repo.root, first, "x.env") == b"first\n"
    with pytest.raises(GitError, match="cannot read"):
        read_blob(repo.root, first, "missing.env")


def _log(*lines: bytes) -> list[bytes]:
    return [line + b"\n" for line in lines]


def test_malformed_hunks_are_reported_and_the_rest_is_read() -> None:
    key_id, secret = _aws_pair(40)
    commit = b"c" * 40
    log = _log(
        COMMIT_MARK + commit + b" 2026-01-01T00:00:00+00:00",
        b"",
        b"diff --git a/one.env b/one.env",
        b"--- /dev/null",
        b"+++ b/one.env",
        b"@@ -0,0 +1,5 @@",  # promises five lines, has one
        b"+x = 1",
        b"diff --git a/two.env b/two.env",
        b"+++ b/two.env",
        b"@@ this is not a hunk header @@",
        b"diff --git a/three.env b/three.env",
        b"--- /dev/null",
        b"+++ b/three.env",
        b"@@ -0,0 +7,2 @@",
        b"+aws_access_key_id = " + key_id.encode(),
        b"+aws_secret_access_key = " + secret.encode(),
    )
    problems: list[tuple[str, str]] = []
    found = list(scan_git_log(log, SecretScanner(KEY), on_error=lambda where, what: problems.append((where, what))))
    assert problems == [
        ("cccccccccccc:one.env", "a hunk ended 4 lines early"),
        ("cccccccccccc:two.env", "unreadable hunk header"),
    ]
    aws = _aws(found)
    assert [(f.location, f.line, f.commit) for f in aws] == [("three.env", 7, "c" * 40)]
    with pytest.raises(GitError, match=r"one\.env: a hunk ended 4 lines early"):
        list(scan_git_log(log, SecretScanner(KEY)))


_DIFF_LINES = st.one_of(
    st.sampled_from(
        [
            COMMIT_MARK + b"abc 2026-01-01T00:00:00Z",
            COMMIT_MARK,
            b"diff --git a/x b/x",
            b"diff --cc x",
            b"+++ b/x",
            b'+++ "b/\\303\\251\\"',
            b'+++ "b/\\999\\q\\"',
            b"+++ /dev/null",
            b"@@ -1 +1 @@",
            b"@@ -0,0 +1,3 @@",
            b"@@ -5,2 +0,0 @@",
            b"Binary files a/x and b/x differ",
            b"\\ No newline at end of file",
            b"+password = 'Orbit-9f3k-Tr4vel'",
            b"-old",
        ]
    ),
    st.binary(max_size=40).map(lambda raw: raw.replace(b"\n", b"")),
)


@given(st.lists(_DIFF_LINES, max_size=30))
@settings(max_examples=200, deadline=None)
def test_any_log_output_is_read_without_crashing(lines: list[bytes]) -> None:
    problems: list[tuple[str, str]] = []
    commits: list[str] = []
    findings = list(
        scan_git_log(
            [line + b"\n" for line in lines],
            SCANNER,
            on_error=lambda where, what: problems.append((where, what)),
            on_commit=lambda commit, size: commits.append(commit),
        )
    )
    for finding in findings:
        assert finding.line >= 1
        assert finding.commit is not None


SCANNER = SecretScanner(KEY)
