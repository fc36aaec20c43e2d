"""Scan bytes for plaintext secrets: one prefilter pass decides where Python looks.

Every trigger of every detector (:data:`cloudward.secrets.detectors.DETECTORS`) is compiled once per process
into a single hyperscan database. A scan is one hyperscan pass over the whole buffer that collects the end
offsets of trigger hits; only around those hits (the line, or a few kilobytes for multi-line PEM and JSON)
does a detector run Python ``re``, decoding, entropy and context rules. A clean file costs one pass of a
few gigabytes per second plus a few microseconds of Python; line numbers are counted only for findings.

Fallback: when ``hyperscan`` cannot be imported (a platform without its wheels, or a CPU it does not
support), one Python ``re`` alternation of the triggers' keywords (``password``, ``akia``, ``-----begin``...)
runs over the lower-cased buffer, and only around its hits are the triggers themselves tried with ``re``.
Findings are the same; throughput drops from a few hundred MB/s to some tens of MB/s.
``SecretScanner(prefilter="re")`` forces it.

Nothing here ever puts a secret value into a string: findings carry :func:`~cloudward.secrets.fingerprint.redact`
output and a keyed fingerprint, and :class:`SecretMatch` (the only object holding a value, for ``--verify``)
keeps it out of its ``repr``.
"""

from __future__ import annotations

import bisect
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any, Literal, Protocol

from cloudward.secrets.detectors import (
    DETECTORS,
    Candidate,
    Detector,
    ScanContext,
    Trigger,
    all_triggers,
    classify_name,
    is_testish_name,
    score_generic,
)
from cloudward.secrets.fingerprint import FingerprintKey, redact
from cloudward.secrets.model import Confidence, SecretFinding

try:
    import hyperscan

    HAVE_HYPERSCAN = True
except ImportError:  # pragma: no cover - exercised only where the wheel is missing
    HAVE_HYPERSCAN = False


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


PrefilterName = Literal["auto", "hyperscan", "re"]

DEFAULT_CHUNK_BYTES = 4 * 1024 * 1024
"""Chunk size of :meth:`SecretScanner.scan_stream`."""
DEFAULT_OVERLAP_BYTES = 64 * 1024
"""Bytes shared by consecutive chunks; a finding is owned by the chunk in whose middle part it starts."""

_RANK = {Confidence.LOW: 1, Confidence.MEDIUM: 2, Confidence.HIGH: 3}

_CODE_EXTENSIONS = _words(
    """
    .py .pyi .pyw .js .mjs .cjs .jsx .ts .tsx .mts .cts .go .java .kt .kts .scala .groovy .gradle .rb
    .php .cs .c .h .cc .cpp .cxx .hpp .hh .rs .swift .m .mm .dart .lua .pl .pm .r .jl .ex .exs .erl .clj
    .fs .vb .ps1 .psm1 .tf .hcl .vue .svelte .sol .zig .nim
    """
)
_TEST_DIRS = _words(
    """
    test tests testing __tests__ __test__ __mocks__ __fixtures__ fixtures fixture testdata test_data
    test-data spec specs mocks
    """
)
_TEST_FILE = re.compile(
    r"(?:_test\.go|_test\.py|^test_.*\.py|\.spec\.[\w]+|\.test\.[\w]+|_spec\.rb|Tests?\.(?:java|kt|cs|scala)"
    r"|^conftest\.py)$"
)
_PATH_SPLIT = re.compile(r"[/\\!]+")


def is_test_path(path: str) -> bool:
    """Whether a (relative) path is a test fixture: ``tests/``, ``fixtures/``, ``__tests__``, ``*_test.go``...

    Args:
        path: A path, possibly with archive members (``a.zip!tests/x.env``).

    Returns:
        True when a directory component is a test directory or the file name is a test file name.
    """
    parts = [p for p in _PATH_SPLIT.split(path) if p]
    if not parts:
        return False
    return any(p.lower() in _TEST_DIRS for p in parts[:-1]) or bool(_TEST_FILE.search(parts[-1]))


def is_code_path(path: str) -> bool:
    """Whether a path is source code in which an unquoted assignment value is an expression, not a literal."""
    name = _PATH_SPLIT.split(path)[-1].lower()
    dot = name.rfind(".")
    return dot > 0 and name[dot:] in _CODE_EXTENSIONS


@dataclass(frozen=True, slots=True)
class SecretMatch:
    """A finding with the secret itself, for ``--verify`` only: it never leaves memory.

    ``value`` and ``partner`` are excluded from the ``repr``; nothing in cloudward prints, logs or stores them.
    """

    finding: SecretFinding
    value: bytes = field(repr=False)
    """The matched secret (for a private key, its base64 body)."""
    partner: bytes | None = field(default=None, repr=False)
    """For an AWS access key id: its secret access key when one was found nearby."""


class Readable(Protocol):
    """Anything with ``read(size) -> bytes`` (a binary file, an archive member, a decompressor)."""

    def read(self, size: int = -1, /) -> bytes:
        """Up to ``size`` bytes; empty at the end."""
        ...


class _Prefilter(Protocol):
    def hits(self, data: bytes) -> list[tuple[int, int]]:
        """``(end offset, trigger index)`` of every trigger hit."""
        ...


_HS_LOCK = threading.Lock()
_HS_DATABASE: Any = None


def _hyperscan_database(triggers: list[tuple[int, Trigger]]) -> Any:
    """The process-wide hyperscan database of all triggers (compiled on first use)."""
    global _HS_DATABASE  # noqa: PLW0603 - one compiled database per process
    with _HS_LOCK:
        if _HS_DATABASE is None:
            database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
            database.compile(
                expressions=[t.pattern for _, t in triggers],
                ids=list(range(len(triggers))),
                elements=len(triggers),
                flags=[hyperscan.HS_FLAG_CASELESS if t.caseless else 0 for _, t in triggers],
            )
            _HS_DATABASE = database
        return _HS_DATABASE


class _HyperscanPrefilter:
    """All triggers in one hyperscan block-mode database; one scratch space per thread."""

    def __init__(self, triggers: list[tuple[int, Trigger]]) -> None:
        self._database = _hyperscan_database(triggers)
        self._local = threading.local()

    def hits(self, data: bytes) -> list[tuple[int, int]]:
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = hyperscan.Scratch(self._database)
        found: list[tuple[int, int]] = []
        append = found.append

        def on_match(pattern_id: int, start: int, end: int, flags: int, context: object) -> None:
            append((end, pattern_id))

        if data:
            self._database.scan(data, match_event_handler=on_match, scratch=scratch)
        return found


class _RePrefilter:
    """The fallback: one ``re`` alternation of every trigger's keywords over the lower-cased buffer.

    Around each keyword hit (its line and the lines next to it, at most 4 KiB either way), the triggers of the
    detectors that own the keyword run as one ``re`` alternation per detector; their matches are the hits.
    """

    _REACH = 4096

    def __init__(self, triggers: list[tuple[int, Trigger]]) -> None:
        grouped: dict[int, list[tuple[int, Trigger]]] = {}
        owners: dict[bytes, set[int]] = {}
        for index, (detector_index, trigger) in enumerate(triggers):
            grouped.setdefault(detector_index, []).append((index, trigger))
            for keyword in trigger.keywords:
                owners.setdefault(keyword, set()).add(detector_index)
        self._patterns: dict[int, re.Pattern[bytes]] = {}
        self._trigger_of: dict[str, int] = {}
        for detector_index, members in grouped.items():
            parts = []
            for index, trigger in members:
                body = b"(?i:" + trigger.pattern + b")" if trigger.caseless else trigger.pattern
                if re.compile(body).groups:
                    raise ValueError(f"trigger {index} has a capturing group")
                parts.append(b"(?P<t%d>%s)" % (index, body))
                self._trigger_of[f"t{index}"] = index
            self._patterns[detector_index] = re.compile(b"|".join(parts))
        # a hit on "password" is also a hit on "pass": each keyword also serves the keywords inside it
        self._owners = {
            keyword: sorted(set().union(*(ids for other, ids in owners.items() if other in keyword)))
            for keyword in owners
        }
        alternatives = b"|".join(re.escape(k) for k in sorted(owners, key=len, reverse=True))
        self._keywords = re.compile(b"(" + alternatives + b")")

    def hits(self, data: bytes) -> list[tuple[int, int]]:
        lowered = data.lower()
        size = len(data)
        found: set[tuple[int, int]] = set()
        done: set[tuple[int, int]] = set()
        trigger_of = self._trigger_of
        for m in self._keywords.finditer(lowered):
            pos = m.start()
            floor = max(0, pos - self._REACH)
            previous = data.rfind(b"\n", floor, pos)
            lo = data.rfind(b"\n", floor, previous) + 1 if previous > floor else floor
            ceiling = min(size, pos + self._REACH)
            after = data.find(b"\n", pos, ceiling)
            hi = data.find(b"\n", after + 1, ceiling) if after >= 0 else -1
            hi = ceiling if hi < 0 else hi
            for detector_index in self._owners[m.group(1)]:
                if (detector_index, lo) in done:
                    continue
                done.add((detector_index, lo))
                for hit in self._patterns[detector_index].finditer(data, lo, hi):
                    found.add((hit.end(), trigger_of[hit.lastgroup or ""]))
        return sorted(found)


class _NoPrefilter:
    def hits(self, data: bytes) -> list[tuple[int, int]]:
        raise AssertionError("no prefilter")  # pragma: no cover - replaced in SecretScanner.__init__


_NO_PREFILTER = _NoPrefilter()


class SecretScanner:
    """Finds plaintext credentials in file contents and in cloud configuration values.

    One scanner can be shared by threads (the prefilter keeps one scratch space per thread).
    """

    def __init__(
        self,
        key: FingerprintKey | None = None,
        *,
        min_confidence: Confidence = Confidence.MEDIUM,
        prefilter: PrefilterName = "auto",
    ) -> None:
        """Prepare a scanner.

        Args:
            key: Fingerprint key; None loads the user's or team's key (:meth:`FingerprintKey.load`).
            min_confidence: Findings below this confidence are dropped (LOW shows everything).
            prefilter: ``hyperscan``, ``re`` (the fallback, slower) or ``auto`` (hyperscan when importable).

        Raises:
            RuntimeError: If ``prefilter="hyperscan"`` and hyperscan is not installed.
        """
        self.key = key if key is not None else FingerprintKey.load()
        self.min_confidence = min_confidence
        self._min_rank = _RANK[min_confidence]
        self._detectors: tuple[Detector, ...] = DETECTORS
        self._triggers = all_triggers(self._detectors)
        if prefilter == "hyperscan" and not HAVE_HYPERSCAN:
            raise RuntimeError("hyperscan is not installed")
        self._prefilter: _Prefilter = _RePrefilter(self._triggers) if prefilter == "re" else _NO_PREFILTER
        self.prefilter: str = "re"
        if prefilter != "re" and HAVE_HYPERSCAN:
            try:
                self._prefilter = _HyperscanPrefilter(self._triggers)
                self.prefilter = "hyperscan"
            except hyperscan.error:  # e.g. a CPU without the instructions hyperscan needs
                if prefilter == "hyperscan":
                    raise
        if self._prefilter is _NO_PREFILTER:
            self._prefilter = _RePrefilter(self._triggers)

    # ------------------------------------------------------------------------------------------------------
    # Public API
    # ------------------------------------------------------------------------------------------------------

    def scan_bytes(self, data: bytes, location: str, *, rel_path: str | None = None) -> list[SecretFinding]:
        """Secrets in a whole file's content, with line and column.

        Args:
            data: The content.
            location: What findings name as their location (a path, ``archive.zip!inner/path``).
            rel_path: The path used for path rules (test fixtures lower generic findings to LOW; source code
                extensions make unquoted values expressions); defaults to ``location``. Pass the path relative
                to the scanned root so that the root's own directories do not count.

        Returns:
            Findings in file order.
        """
        return [m.finding for m in self.matches(data, location, rel_path=rel_path)]

    def matches(self, data: bytes, location: str, *, rel_path: str | None = None) -> Iterator[SecretMatch]:
        """Like :meth:`scan_bytes`, with each secret value (for ``--verify`` only; never print them).

        Args:
            data: The content.
            location: The findings' location.
            rel_path: The path used for path rules (defaults to ``location``).

        Yields:
            Matches in file order.
        """
        ctx = self._context(data, location if rel_path is None else rel_path)
        yield from self._matches(ctx, location, base_line=0, own=(0, len(data)))

    def scan_stream(
        self,
        stream: Readable,
        location: str,
        *,
        rel_path: str | None = None,
        chunk_bytes: int = DEFAULT_CHUNK_BYTES,
        overlap_bytes: int = DEFAULT_OVERLAP_BYTES,
    ) -> Iterator[SecretMatch]:
        """Scan a large file in overlapping chunks, never holding more than about two chunks in memory.

        Consecutive chunks share ``overlap_bytes`` (cut at a line break when there is one); a finding belongs
        to the chunk in whose middle part it starts, so none is lost or reported twice, and each has at least
        half the overlap of context on both sides. Line numbers count across chunks.

        Args:
            stream: A binary file object (only ``read(n)`` is used).
            location: The findings' location.
            rel_path: The path used for path rules (defaults to ``location``).
            chunk_bytes: Bytes read per chunk.
            overlap_bytes: Bytes shared by consecutive chunks (must be smaller than ``chunk_bytes``).

        Yields:
            Matches in file order.

        Raises:
            ValueError: If the overlap is not smaller than the chunk.
        """
        if not 0 < overlap_bytes < chunk_bytes:
            raise ValueError("overlap_bytes must be positive and smaller than chunk_bytes")
        path = location if rel_path is None else rel_path
        buffer = b""
        offset = 0  # file offset of buffer[0]
        lines_before = 0  # newlines in the file before buffer[0]
        own_from = 0  # file offset from which findings belong to the current buffer
        while True:
            chunk = _read_full(stream, chunk_bytes)
            buffer = buffer + chunk if buffer else chunk
            eof = len(chunk) < chunk_bytes
            if eof:
                cut = len(buffer)
                own_to = offset + len(buffer)
            else:
                cut = _overlap_cut(buffer, overlap_bytes)
                own_to = offset + cut + (len(buffer) - cut) // 2
            ctx = self._context(buffer, path)
            yield from self._matches(ctx, location, base_line=lines_before, own=(own_from - offset, own_to - offset))
            del ctx  # the next chunk is read while only the overlap is held
            if eof:
                return
            lines_before += buffer.count(b"\n", 0, cut)
            buffer = buffer[cut:]
            offset += cut
            own_from = own_to

    def scan_value(self, value: str, location: str, context: str = "") -> list[SecretFinding]:
        """Secrets in one cloud configuration value (an environment variable, a parameter, a stage variable).

        The value is scanned like file content (structured tokens, URLs, embedded assignments; line and column
        are relative to the value) and, when ``context`` names a secret (``DB_PASSWORD``, ``ApiKey``), the
        whole value is judged as that password or secret (line and column 0).

        Args:
            value: The value as the cloud API returned it.
            location: The resource and attribute (``arn:...:function:f#Environment.DB_PASSWORD``).
            context: The value's name, which counts as assignment context for the generic detectors.

        Returns:
            Findings; their ``context`` is ``context`` unless a name inside the value was more specific.
        """
        data = value.encode("utf-8")
        ctx = ScanContext(data, config_value=True)
        resolved = self._resolved(ctx)
        out = [
            m.finding if m.finding.context or not context else replace(m.finding, context=context)
            for m in self._emit(ctx, location, resolved, base_line=0, own=(0, len(data)))
        ]
        kind = classify_name(context) if context else None
        whole = _strip_quotes(data)
        if kind is None or not whole:
            return out
        start = data.find(whole)
        end = start + len(whole)
        if any(c.start < end and start < c.end for _, c in resolved):
            return out
        confidence = score_generic(whole, kind)
        if confidence is None:
            return out
        if is_testish_name(context):
            confidence = Confidence.LOW
        if _RANK[confidence] >= self._min_rank:
            detector_id = "generic-password" if kind == "password" else "generic-secret"
            index = next(i for i, d in enumerate(self._detectors) if d.id == detector_id)
            candidate = Candidate(start, end, whole, confidence, context=context)
            out.append(self._finding(index, candidate, location, line=0, column=0))
        return out

    # ------------------------------------------------------------------------------------------------------
    # Internals
    # ------------------------------------------------------------------------------------------------------

    def _context(self, data: bytes, path: str) -> ScanContext:
        filename = _PATH_SPLIT.split(path)[-1].lower()
        return ScanContext(data, test_path=is_test_path(path), code_file=is_code_path(path), filename=filename)

    def _matches(
        self, ctx: ScanContext, location: str, *, base_line: int, own: tuple[int, int]
    ) -> Iterator[SecretMatch]:
        resolved = self._resolved(ctx)
        if resolved:
            yield from self._emit(ctx, location, resolved, base_line=base_line, own=own)

    def _resolved(self, ctx: ScanContext) -> list[tuple[int, Candidate]]:
        """Validated candidates, overlaps resolved in favour of the detector earlier in the table."""
        data = ctx.data
        hits = self._prefilter.hits(data)
        if not hits:
            return []
        hits.sort()
        size = len(data)
        covered: dict[int, tuple[int, int]] = {}
        per_detector: dict[int, list[Candidate]] = {}
        seen: set[tuple[int, int, int]] = set()
        triggers = self._triggers
        detectors = self._detectors
        for end, trigger_index in hits:
            detector_index, trigger = triggers[trigger_index]
            if trigger.multiline:
                lo, hi = max(0, end - trigger.before), min(size, end + trigger.after)
            else:
                line_start = data.rfind(b"\n", 0, max(end - 1, 0)) + 1
                for _ in range(trigger.lines_before):
                    line_start = data.rfind(b"\n", 0, max(line_start - 1, 0)) + 1
                line_end = data.find(b"\n", end)
                lo = max(line_start, end - trigger.before)
                hi = min(size if line_end < 0 else line_end, end + trigger.after)
            previous = covered.get(detector_index)
            if previous is not None and previous[0] <= lo and hi <= previous[1]:
                continue
            covered[detector_index] = (lo, hi)
            for candidate in detectors[detector_index].validate(ctx, lo, hi):
                key = (detector_index, candidate.start, candidate.end)
                if key not in seen:
                    seen.add(key)
                    per_detector.setdefault(detector_index, []).append(candidate)
        accepted: list[tuple[int, Candidate]] = []
        claimed = _Spans()
        for detector_index in sorted(per_detector):
            candidates = per_detector[detector_index]
            finalize = detectors[detector_index].finalize
            if finalize is not None:
                candidates = finalize(ctx, candidates)
            for candidate in sorted(candidates, key=lambda c: c.start):
                if claimed.overlaps(candidate.start, candidate.end):
                    continue
                claimed.add(candidate.start, candidate.end)
                for span in candidate.claims:
                    claimed.add(*span)
                accepted.append((detector_index, candidate))
        return accepted

    def _emit(
        self,
        ctx: ScanContext,
        location: str,
        resolved: list[tuple[int, Candidate]],
        *,
        base_line: int,
        own: tuple[int, int],
    ) -> Iterator[SecretMatch]:
        data = ctx.data
        line = base_line + 1
        counted_to = 0
        own_from, own_to = own
        for detector_index, candidate in sorted(resolved, key=lambda item: item[1].start):
            if not own_from <= candidate.start < own_to or _RANK[candidate.confidence] < self._min_rank:
                continue
            line += data.count(b"\n", counted_to, candidate.start)
            counted_to = candidate.start
            line_start = data.rfind(b"\n", 0, candidate.start) + 1
            column = len(data[line_start : candidate.start].decode("utf-8", "replace")) + 1
            finding = self._finding(detector_index, candidate, location, line=line, column=column)
            yield SecretMatch(finding, candidate.value, candidate.partner)

    def _finding(
        self, detector_index: int, candidate: Candidate, location: str, *, line: int, column: int
    ) -> SecretFinding:
        detector = self._detectors[detector_index]
        value = candidate.value
        return SecretFinding(
            detector=detector.id,
            title=candidate.title or detector.title,
            severity=candidate.severity or detector.severity,
            confidence=candidate.confidence,
            redacted=redact(value),
            length=len(value.decode("utf-8", "replace")),
            fingerprint=self.key.fingerprint(value),
            location=location,
            line=line,
            column=column,
            context=candidate.context,
            extra=dict(candidate.extra),
        )


class _Spans:
    """Claimed byte spans, for overlap tests in O(log n)."""

    __slots__ = ("_ends", "_starts")

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        index = bisect.bisect_left(self._starts, end)
        # spans starting before `end`: the nearest few may reach into [start, end)
        return any(self._ends[i] > start for i in range(max(0, index - 4), index))

    def add(self, start: int, end: int) -> None:
        index = bisect.bisect_left(self._starts, start)
        self._starts.insert(index, start)
        self._ends.insert(index, end)


def _read_full(stream: Readable, size: int) -> bytes:
    """Read ``size`` bytes unless the stream ends first (``read`` may return less on pipes and archives)."""
    data = stream.read(size)
    if len(data) == size or not data:
        return data
    parts = [data]
    have = len(data)
    while have < size:
        more = stream.read(size - have)
        if not more:
            break
        parts.append(more)
        have += len(more)
    return b"".join(parts)


def _overlap_cut(buffer: bytes, overlap: int) -> int:
    """Where the next chunk starts: the first line start inside the last ``overlap`` bytes, if any."""
    floor = len(buffer) - overlap
    newline = buffer.find(b"\n", floor)
    if 0 <= newline < len(buffer) - overlap // 2:
        return newline + 1
    return floor


def _strip_quotes(data: bytes) -> bytes:
    value = data.strip()
    if len(value) >= 2 and value[:1] == value[-1:] and value[:1] in (b'"', b"'"):
        value = value[1:-1]
    return value
