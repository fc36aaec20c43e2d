"""Seeded CloudTrail for the lab's company: weeks of realistic activity with labelled attacks injected.

There is no public benign CloudTrail corpus at volume, so the project makes its own. The "acme" account
of the lab (:mod:`cloudward.lab.seed`) is given a working life: ten engineers in the console and the CLI
(IAM users and IAM Identity Center sessions, from office and home addresses, on their local working
hours), Terraform and deploy pipelines in GitHub Actions, EC2 instances and Lambda functions under their
roles, AWS services and two vendors working through their roles. Into it, named attack scenarios
(:data:`SCENARIOS`, covering the Stratus Red Team AWS techniques and more) are injected, each record
labelled with its scenario, ATT&CK techniques and tactic.

* :func:`generate` writes the AWS delivery layout (``AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/
  *.json.gz``), ``labels.jsonl`` and ``manifest.json``.
* :func:`iter_records` yields ``(record, label)`` in time order, for tests that need no files.

Same arguments, same bytes: everything is drawn from generators seeded by ``seed``.
"""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from cloudward.core.errors import CloudwardError
from cloudward.lab.events.attacks import ATTACKER_ACCOUNT, SCENARIOS, Scenario
from cloudward.lab.events.clock import DAY, Clock, to_epoch
from cloudward.lab.events.context import EventLabel
from cloudward.lab.events.engine import Simulation, Window
from cloudward.lab.events.writer import DeliveryWriter, compressor, write_json
from cloudward.lab.server import LAB_ACCOUNT_ID

DEFAULT_START = datetime(2026, 10, 5, tzinfo=UTC)
"""Where generation starts unless told otherwise: a Monday, so a 21-day run ends before the lab's scan date."""

Progress = Callable[[int, int, int], None]
"""Called after each five-minute window with (windows done, windows in all, records so far)."""


@dataclass(frozen=True, slots=True)
class GenerationSummary:
    """What :func:`generate` wrote.

    Attributes:
        out_dir: the output folder.
        events: records written.
        files: ``.json.gz`` log files written.
        bytes: compressed bytes of the log files.
        labelled_events: records carrying an attack label.
        scenario_counts: labelled records per scenario (every selected scenario, zero if it fell outside).
        regions: regions that received log files.
        seconds: wall-clock time taken.
    """

    out_dir: Path
    events: int
    files: int
    bytes: int
    labelled_events: int
    scenario_counts: Mapping[str, int] = field(default_factory=dict)
    regions: tuple[str, ...] = ()
    seconds: float = 0.0

    @property
    def events_per_second(self) -> float:
        """Generation speed, records per second of wall-clock time."""
        return self.events / self.seconds if self.seconds > 0 else 0.0


def _scenario_names(scenarios: Sequence[str] | None) -> list[str]:
    if scenarios is None:
        return list(SCENARIOS)
    unknown = [name for name in scenarios if name not in SCENARIOS]
    if unknown:
        raise CloudwardError(f"unknown attack scenario(s): {', '.join(unknown)} (see `cloudward lab events --help`)")
    return list(dict.fromkeys(scenarios))


def _simulation(
    days: int,
    seed: int,
    events_per_day: int,
    scenarios: Sequence[str] | None,
    start: datetime | None,
    attack_times: Mapping[str, datetime] | None,
) -> Simulation:
    if days < 1:
        raise CloudwardError("days must be at least 1")
    if events_per_day < 100:
        raise CloudwardError("events_per_day must be at least 100")
    first = to_epoch(start or DEFAULT_START)
    names = _scenario_names(scenarios)
    times = {name: to_epoch(moment) for name, moment in (attack_times or {}).items()}
    unknown = [name for name in times if name not in SCENARIOS]
    if unknown:
        raise CloudwardError(f"unknown attack scenario(s) in attack_times: {', '.join(unknown)}")
    return Simulation(
        account=LAB_ACCOUNT_ID,
        seed=seed,
        start=first,
        end=first + days * DAY,
        events_per_day=events_per_day,
        scenarios=names,
        attack_times=times,
    )


def iter_records(
    *,
    days: int = 21,
    seed: int = 7,
    events_per_day: int = 20_000,
    scenarios: Sequence[str] | None = None,
    start: datetime | None = None,
    attack_times: Mapping[str, datetime] | None = None,
) -> Iterator[tuple[dict[str, Any], EventLabel | None]]:
    """The generated records in time order, with their labels (``None`` for benign records).

    Takes the same arguments as :func:`generate` and yields exactly the records it writes. Nested
    objects of a record (``userIdentity``, ``tlsDetails``...) may be shared with other records: copy a
    record before changing it.
    """
    simulation = _simulation(days, seed, events_per_day, scenarios, start, attack_times)
    for window in simulation.windows():
        for _second, record, label in window.events:
            yield record, label


def iter_windows(
    *,
    days: int = 21,
    seed: int = 7,
    events_per_day: int = 20_000,
    scenarios: Sequence[str] | None = None,
    start: datetime | None = None,
    attack_times: Mapping[str, datetime] | None = None,
) -> Iterator[Window]:
    """The generated records five minutes at a time (the unit of a delivered log file)."""
    simulation = _simulation(days, seed, events_per_day, scenarios, start, attack_times)
    yield from simulation.windows()


GENERATED = ("AWSLogs", "labels.jsonl", "manifest.json")


def generate(
    out_dir: Path,
    *,
    days: int = 21,
    seed: int = 7,
    events_per_day: int = 20_000,
    scenarios: Sequence[str] | None = None,
    start: datetime | None = None,
    attack_times: Mapping[str, datetime] | None = None,
    overwrite: bool = False,
    compresslevel: int = 1,
    compression: str = "auto",
    progress: Progress | None = None,
) -> GenerationSummary:
    """Write generated CloudTrail in the AWS delivery layout, with labels and a manifest.

    Args:
        out_dir: the output folder (created if missing).
        days: how many days of activity.
        seed: the random seed; the same arguments give byte-identical output.
        events_per_day: the company's average records per day (weekdays are busier than weekends).
        scenarios: attack scenarios to inject, by name (``None``: all of :data:`SCENARIOS`; empty: none).
        start: the first moment (default :data:`DEFAULT_START`).
        attack_times: start times for some scenarios (the others are spread over the period).
        overwrite: replace the generated files of an earlier run in ``out_dir`` (only those).
        compresslevel: gzip level (1 to 6; ISA-L uses at most 3).
        compression: ``auto`` (ISA-L when the ``isal`` package is installed, else zlib), ``isal`` or ``zlib``;
            output is byte-identical for the same arguments and compressor.
        progress: called after each window with (windows done, windows in all, records so far).

    Returns:
        What was written and how long it took.

    Raises:
        CloudwardError: bad arguments, an unknown scenario, or earlier output in ``out_dir`` without
            ``overwrite``.
    """
    if not 1 <= compresslevel <= 6:
        raise CloudwardError("compresslevel must be between 1 and 6")
    try:
        compress = compressor(compression, compresslevel)
    except (ValueError, ImportError) as exc:
        raise CloudwardError(f"compression {compression!r}: {exc}") from exc
    began = time.perf_counter()
    simulation = _simulation(days, seed, events_per_day, scenarios, start, attack_times)
    out_dir = Path(out_dir)
    existing = [out_dir / name for name in GENERATED if (out_dir / name).exists()]
    if existing and not overwrite:
        raise CloudwardError(
            f"{out_dir} already holds generated events ({existing[0].name}); use an empty folder or overwrite"
        )
    for path in existing:
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
    switch = sys.getswitchinterval()
    # the writer thread compresses without the GIL; let it take the GIL back quickly in between
    sys.setswitchinterval(0.005)
    try:
        writer = DeliveryWriter(out_dir, LAB_ACCOUNT_ID, seed, compress=compress)
        return _generate(out_dir, simulation, writer, seed, days, events_per_day, progress, began)
    finally:
        sys.setswitchinterval(switch)


def _generate(
    out_dir: Path,
    simulation: Simulation,
    writer: DeliveryWriter,
    seed: int,
    days: int,
    events_per_day: int,
    progress: Progress | None,
    began: float,
) -> GenerationSummary:
    out_dir.mkdir(parents=True, exist_ok=True)
    total_windows = days * DAY // 300
    events = 0
    labelled: list[bytes] = []
    keys: dict[str, int] = dict.fromkeys(simulation.scenario_counts, 0)
    with (out_dir / "labels.jsonl").open("wb") as labels, writer:
        for done, window in enumerate(simulation.windows(), start=1):
            writer.add(window)
            events += len(window.events)
            for _second, _record, label in window.events:
                if label is not None:
                    labelled.append(orjson.dumps(label.to_json()))
                    keys[label.scenario] += label.key
            if labelled:
                labels.write(b"\n".join(labelled) + b"\n")
                labelled.clear()
            if progress is not None:
                progress(done, total_windows, events)
    clock = Clock()
    counts = simulation.scenario_counts
    manifest = {
        "generator": "cloudward lab events",
        "format": 1,
        "seed": seed,
        "days": days,
        "start": clock.iso(simulation.start),
        "end": clock.iso(simulation.end),
        "events_per_day": events_per_day,
        "compression": writer.compress.__name__,
        "account": LAB_ACCOUNT_ID,
        "attacker_account": ATTACKER_ACCOUNT,
        "events": events,
        "files": writer.files,
        "regions": sorted(writer.regions),
        "labelled_events": sum(counts.values()),
        "scenarios": {
            name: {
                "techniques": list(SCENARIOS[name].techniques),
                "tactic": SCENARIOS[name].tactic,
                "start": clock.iso(simulation.scenario_times[name]),
                "events": counts[name],
                "key_events": keys[name],
            }
            for name in counts
        },
    }
    write_json(out_dir / "manifest.json", manifest)
    return GenerationSummary(
        out_dir=out_dir,
        events=events,
        files=writer.files,
        bytes=writer.bytes,
        labelled_events=sum(counts.values()),
        scenario_counts=dict(counts),
        regions=tuple(sorted(writer.regions)),
        seconds=time.perf_counter() - began,
    )


__all__ = [
    "DEFAULT_START",
    "SCENARIOS",
    "EventLabel",
    "GenerationSummary",
    "Scenario",
    "Window",
    "generate",
    "iter_records",
    "iter_windows",
]
