"""Scan bytes for plaintext secrets: one prefilter pass decides where Python looks.

Every trigger of every detector (:data:`cloudward.secrets.detectors.DETECTORS`) is compiled once per process
into a single hyperscan database. A scan is one hyperscan pass over the whole buffer that collects the end
offsets of trigger hits; only around those hits (the line, or a few kilobytes for multi-line PEM and JSON)
does a detector run Python ``re``, decoding, entropy and context rules. A clean file costs one pass of a
few gigabytes per second plus a few microseconds of Python; line numbers are counted only for findings.

Fallback: when ``hyperscan`` cannot be imported (a platform without its wheels, or a CPU it does not
support), one Python ``re`` alternation of the triggers' keywords (``password``, ``akia``, ``-----begin``...)
runs over the lower-cased buffer, and only around its hits are the triggers themselves tried with ``re``.
Findings are the same; throughput drops about fifteenfold (on one core over mixed source code: some 300 MB/s
with hyperscan, some 20 MB/s without). ``SecretScanner(prefilter="re")`` forces it.

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


def _trie(words: list[bytes]) -> bytes:
    """An alternation of literals factored by common prefixes (``pass(?:word)?``), much faster in ``re``."""
    branches: dict[bytes, list[bytes]] = {}
    ends_here = False
    for word in words:
        if word:
            branches.setdefault(word[:1], []).append(word[1:])
        else:
            ends_here = True
    if not branches:
        return b""
    alternatives = [re.escape(first) + _trie(rests) for first, rests in sorted(branches.items())]
    body = alternatives[0] if len(alternatives) == 1 else b"(?:" + b"|".join(alternatives) + b")"
    if ends_here:
        return b"(?:" + body + b")?"
    return body


def _lowercase_pattern(pattern: bytes) -> bytes:
    """A caseless pattern rewritten to run case-sensitively on lower-cased text (escapes left untouched)."""
    out = bytearray()
    escaped = False
    for byte in pattern:
        out.append(byte if escaped or not 65 <= byte <= 90 else byte + 32)
        escaped = not escaped and byte == 92
    return bytes(out)


class _RePrefilter:
    """The fallback: one ``re`` alternation of every trigger's keywords over the lower-cased buffer.

    Around each keyword hit (its line and the next, at most 1 KiB either way), the triggers of the
    detectors that own the keyword run as one alternation per detector (caseless triggers lower-cased, on the
    lower-cased buffer); their matches are the hits.
    """

    _REACH = 1024

    def __init__(self, triggers: list[tuple[int, Trigger]]) -> None:
        grouped: dict[tuple[int, bool], list[bytes]] = {}
        owners: dict[bytes, set[int]] = {}
        self._trigger_of: dict[str, int] = {}
        for index, (detector_index, trigger) in enumerate(triggers):
            body = _lowercase_pattern(trigger.pattern) if trigger.caseless else trigger.pattern
            if re.compile(body).groups:
                raise ValueError(f"trigger {index} has a capturing group")
            grouped.setdefault((detector_index, trigger.caseless), []).append(b"(?P<t%d>%s)" % (index, body))
            self._trigger_of[f"t{index}"] = index
            for keyword in trigger.keywords:
                owners.setdefault(keyword, set()).add(detector_index)
        self._patterns: dict[int, list[tuple[bool, re.Pattern[bytes]]]] = {}
        for (detector_index, caseless), parts in sorted(grouped.items()):
            self._patterns.setdefault(detector_index, []).append((caseless, re.compile(b"|".join(parts))))
        # a hit on "password" is also a hit on "pass": each keyword also serves the keywords inside it
        self._owners = {
            keyword: sorted(set().union(*(ids for other, ids in owners.items() if other in keyword)))
            for keyword in owners
        }
        self._keywords = re.compile(b"(" + _trie(sorted(owners)) + b")")

    def hits(self, data: bytes) -> list[tuple[int, int]]:
        lowered = data.lower()
        size = len(data)
        found: set[tuple[int, int]] = set()
        pending: dict[int, list[int]] = {}
        reach = self._REACH

        def run(detector_index: int, lo: int, hi: int) -> None:
            for caseless, pattern in self._patterns[detector_index]:
                for hit in pattern.finditer(lowered if caseless else data, lo, hi):
                    found.add((hit.end(), self._trigger_of[hit.lastgroup or ""]))

        for m in self._keywords.finditer(lowered):
            pos = m.start()
            floor = max(0, pos - reach)
            lo = max(floor, data.rfind(b"\n", floor, pos))  # the line, and the newline before it
            ceiling = min(size, pos + reach)
            after = data.find(b"\n", pos, ceiling)  # to the end of the next line
            hi = data.find(b"\n", after + 1, ceiling) if after >= 0 else -1
            hi = ceiling if hi < 0 else hi
            for detector_index in self._owners[m.group(1)]:
                window = pending.get(detector_index)
                if window is not None and lo <= window[1]:
                    window[1] = max(window[1], hi)
                    continue
                if window is not None:
                    run(detector_index, *window)
                pending[detector_index] = [lo, hi]
        for detector_index, window in pending.items():
            run(detector_index, *window)
        return sorted(found)


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
        self._prefilter = self._make_prefilter(prefilter)
        self.prefilter: str = "hyperscan" if isinstance(self._prefilter, _HyperscanPrefilter) else "re"

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

    def _make_prefilter(self, prefilter: PrefilterName) -> _Prefilter:
        if prefilter != "re" and HAVE_HYPERSCAN:
            try:
                return _HyperscanPrefilter(self._triggers)
            except hyperscan.error:  # e.g. a CPU without the instructions hyperscan needs
                if prefilter == "hyperscan":
                    raise
        return _RePrefilter(self._triggers)

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
        pending: dict[int, list[int]] = {}
        per_detector: dict[int, list[Candidate]] = {}
        seen: set[tuple[int, int, int]] = set()
        triggers = self._triggers
        detectors = self._detectors

        def validate(detector_index: int, lo: int, hi: int) -> None:
            for candidate in detectors[detector_index].validate(ctx, lo, hi):
                key = (detector_index, candidate.start, candidate.end)
                if key not in seen:
                    seen.add(key)
                    per_detector.setdefault(detector_index, []).append(candidate)

        for end, trigger_index in hits:
            detector_index, trigger = triggers[trigger_index]
            if trigger.multiline:
                lo, hi = max(0, end - trigger.before), min(size, end + trigger.after)
            else:
                # the hit's line (and lines_before lines above it), clipped to before/after bytes around the hit
                floor = max(0, end - trigger.before)
                lo = data.rfind(b"\n", floor, max(end - 1, floor)) + 1 or floor
                for _ in range(trigger.lines_before):
                    lo = data.rfind(b"\n", floor, max(lo - 1, floor)) + 1 or floor
                ceiling = min(size, end + trigger.after)
                hi = data.find(b"\n", end, ceiling)
                hi = ceiling if hi < 0 else hi
            # overlapping windows of one detector merge (hits on one line, dense hits in a minified line), so
            # each byte is validated once per detector; the merged window runs when the next one is apart
            window = pending.get(detector_index)
            if window is not None and lo <= window[1]:
                window[0] = min(window[0], lo)
                window[1] = max(window[1], hi)
                continue
            if window is not None:
                validate(detector_index, *window)
            pending[detector_index] = [lo, hi]
        for detector_index, window in pending.items():
            validate(detector_index, *window)
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
        column = 1
        own_from, own_to = own
        for detector_index, candidate in sorted(resolved, key=lambda item: item[1].start):
            if not own_from <= candidate.start < own_to or _RANK[candidate.confidence] < self._min_rank:
                continue
            newlines = data.count(b"\n", counted_to, candidate.start)
            if newlines:
                line += newlines
                counted_from = data.rfind(b"\n", counted_to, candidate.start) + 1
                column = 1
            else:  # same line as the previous finding: count on from it (no rescan of a long line)
                counted_from = counted_to
            column += len(data[counted_from : candidate.start].decode("utf-8", "replace"))
            counted_to = candidate.start
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
