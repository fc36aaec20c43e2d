"""The simulation: benign sessions and attack scenarios merged into time order, five minutes at a time."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from cloudward.lab.events.attacks import run_scenario, scenario_seed, schedule
from cloudward.lab.events.benign import WINDOW, Benign
from cloudward.lab.events.context import Ctx, EventLabel
from cloudward.lab.events.records import Json

Event = tuple[int, Json, "EventLabel | None"]


@dataclass(frozen=True, slots=True)
class Window:
    """The records of one five-minute window, in time order.

    Attributes:
        start: epoch second the window starts at.
        events: ``(second, record, label)`` triples; ``label`` is ``None`` for benign records.
    """

    start: int
    events: list[Event]


class Simulation:
    """Generates the company's records between ``start`` and ``end`` (epoch seconds)."""

    def __init__(
        self,
        *,
        account: str,
        seed: int,
        start: int,
        end: int,
        events_per_day: int,
        scenarios: Sequence[str],
        attack_times: dict[str, int] | None = None,
    ) -> None:
        self.start = start
        self.end = end
        self._windows: dict[int, list[tuple[int, int, Json, EventLabel | None]]] = {}
        self._flushed = -1
        self._seq = 0
        self.ctx = Ctx(account, seed, self._push, start, end)
        self.benign = Benign(self.ctx, events_per_day)
        self._count = self.benign.count
        times = schedule(seed, start, end)
        if attack_times:
            times.update(attack_times)
        self.scenario_times = {name: times[name] for name in scenarios}
        self.scenario_counts: dict[str, int] = dict.fromkeys(scenarios, 0)
        for name in scenarios:
            run_scenario(self.ctx.fork(scenario_seed(seed, name)), name, times[name])

    def _push(self, second: int, record: Json, label: EventLabel | None) -> None:
        """Queue a record in its window; records outside the period are dropped (a session running past
        its end), and a record for a window already delivered goes into the next one (it arrives late,
        as AWS's sometimes do)."""
        if self.start <= second < self.end:
            index = (second - self.start) // WINDOW
            if index <= self._flushed:
                index = self._flushed + 1
            queued = self._windows.get(index)
            if queued is None:
                queued = self._windows[index] = []
            queued.append((second, self._seq, record, label))
            self._seq += 1
            self._count[0] += 1
            if label is not None:
                self.scenario_counts[label.scenario] += 1

    def windows(self) -> Iterator[Window]:
        """The windows from ``start`` to ``end``, each after its sessions have been scheduled."""
        for index, start in enumerate(range(self.start, self.end, WINDOW)):
            self.benign.window(start)
            queued = self._windows.pop(index, [])
            self._flushed = index
            queued.sort()  # by time, then by when it was queued (no two share a sequence number)
            yield Window(start, [(second, record, label) for second, _seq, record, label in queued])
