"""Writing records the way CloudTrail delivers them to S3, plus the labels and a manifest.

Layout (as AWS writes a trail's bucket)::

    OUT/AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/
        <account>_CloudTrail_<region>_<YYYYMMDDTHHMMZ>_<16 random characters>.json.gz

Each file is ``{"Records": [...]}``, gzip-compressed, and holds one region's records of one five-minute
window; its name carries the delivery time (a few minutes after the window) and its folder that time's
date. ``OUT/labels.jsonl`` has one line per labelled record, ``OUT/manifest.json`` what was generated.

Output is byte-identical for the same inputs and compressor: names come from a seeded generator, gzip
headers carry no time stamp, and JSON is written with orjson's fixed key order. Compression uses ISA-L
(the ``isal`` package) when it is installed, about five times faster than zlib at a better ratio, and
zlib otherwise; the two write different (equally valid) gzip bytes, so the manifest names the one used.
Compression runs on a worker thread (both release the GIL), so writing overlaps generating where a
second core is free.
"""

from __future__ import annotations

import importlib.util
import random
import zlib
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import orjson

from cloudward.lab.events.clock import Clock
from cloudward.lab.events.engine import Window
from cloudward.lab.events.records import Json
from cloudward.lab.events.tokens import ALNUM

DELIVERY_DELAY = (60, 540)
MAX_IN_FLIGHT = 16


Compress = Callable[[bytes], bytes]


def compressor(name: str, level: int) -> Compress:
    """A gzip compressor: ``isal`` (ISA-L, levels 0-3), ``zlib`` (levels 1-9) or ``auto`` (isal if installed)."""
    if name == "auto":
        name = "isal" if importlib.util.find_spec("isal") is not None else "zlib"
    if name == "isal":
        from isal import isal_zlib

        isal_level = min(level, 3)

        def isal_gzip(data: bytes) -> bytes:
            engine = isal_zlib.compressobj(isal_level, isal_zlib.DEFLATED, 31)
            return bytes(engine.compress(data) + engine.flush())

        isal_gzip.__name__ = "isal"
        return isal_gzip
    if name != "zlib":
        raise ValueError(f"unknown compressor {name!r} (isal, zlib or auto)")

    def zlib_gzip(data: bytes) -> bytes:
        engine = zlib.compressobj(level, zlib.DEFLATED, 31)
        return engine.compress(data) + engine.flush()

    zlib_gzip.__name__ = "zlib"
    return zlib_gzip


def _write(path: Path, document: bytes, compress: Compress) -> int:
    payload = compress(document)
    path.write_bytes(payload)
    return len(payload)


class DeliveryWriter:
    """Writes windows of records as CloudTrail log files under ``out_dir``."""

    def __init__(self, out_dir: Path, account: str, seed: int, *, compress: Compress | None = None) -> None:
        self.root = out_dir / "AWSLogs" / account / "CloudTrail"
        self.account = account
        self.compress = compress or compressor("auto", 1)
        self.clock = Clock()
        self._rng = random.Random(seed ^ 0xF11E5)
        self._dirs: set[Path] = set()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cloudtrail-writer")
        self._pending: deque[Future[int]] = deque()
        self.files = 0
        self.bytes = 0
        self.regions: set[str] = set()

    def add(self, window: Window) -> None:
        """Queue the files of one window (one per region that has records in it)."""
        by_region: dict[str, list[Json]] = {}
        for _second, record, _label in window.events:
            by_region.setdefault(record["awsRegion"], []).append(record)
        rng = self._rng
        for region in sorted(by_region):
            delivered = window.start + 300 + rng.randrange(*DELIVERY_DELAY)
            suffix = "".join(rng.choices(ALNUM, k=16))
            folder = self.root / region / self.clock.day_path(delivered)
            if folder not in self._dirs:
                folder.mkdir(parents=True, exist_ok=True)
                self._dirs.add(folder)
            name = f"{self.account}_CloudTrail_{region}_{self.clock.stamp(delivered)}_{suffix}.json.gz"
            # JSON here (orjson holds the GIL anyway); compression and I/O on the worker, without the GIL
            document = orjson.dumps({"Records": by_region[region]})
            self._pending.append(self._pool.submit(_write, folder / name, document, self.compress))
            self.files += 1
            self.regions.add(region)
            while len(self._pending) > MAX_IN_FLIGHT:
                self.bytes += self._pending.popleft().result()

    def close(self) -> None:
        """Wait for every queued file."""
        while self._pending:
            self.bytes += self._pending.popleft().result()
        self._pool.shutdown()

    def __enter__(self) -> DeliveryWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def write_json(path: Path, value: Any) -> None:
    """Write a JSON document (indented, keys sorted) with a trailing newline."""
    path.write_bytes(orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n")
