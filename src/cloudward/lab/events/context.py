"""What benign activity models and attack scenarios share: the generation context and event labels."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cloudward.lab.events.apis import Apis
from cloudward.lab.events.clock import DAY, Clock
from cloudward.lab.events.identities import Actor, Company
from cloudward.lab.events.records import Call, Error, Json, Recorder
from cloudward.lab.events.tokens import Tokens
from cloudward.lab.events.world import World


@dataclass(frozen=True, slots=True)
class EventLabel:
    """The ground truth of one generated attack record.

    Attributes:
        event_id: the record's ``eventID``.
        scenario: the scenario's name (a key of :data:`~cloudward.lab.events.SCENARIOS`).
        techniques: MITRE ATT&CK technique ids of the scenario (the current ids first; where ATT&CK v19
            renumbered a technique, the earlier id follows).
        phase: the ATT&CK tactic this step serves (``defense-evasion``, ``persistence``...).
        key: True for the records a detection should fire on; False for the attacker's other calls
            (reconnaissance, using what the key records created).
    """

    event_id: str
    scenario: str
    techniques: tuple[str, ...]
    phase: str
    key: bool

    def to_json(self) -> dict[str, Any]:
        """The label as a JSON object (one line of ``labels.jsonl``)."""
        return {
            "eventID": self.event_id,
            "scenario": self.scenario,
            "techniques": list(self.techniques),
            "phase": self.phase,
            "key": self.key,
        }


Emit = Callable[[int, Json, "EventLabel | None"], None]


class Ctx:
    """One generation's shared state: the company, the record builder and where records go."""

    def __init__(self, account: str, seed: int, emit: Emit, start: int, end: int) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.tokens = Tokens(self.rng)
        self.clock = Clock()
        self.world = World(account)
        self.company = Company(self.world)
        self.recorder = Recorder(account, self.tokens, self.clock)
        self.apis = Apis(self.world, self.tokens)
        self.emit = emit
        self.start = start
        self.end = end

    def fork(self, seed: int) -> Ctx:
        """A context with its own random stream over the same company, clock and destination."""
        other = Ctx.__new__(Ctx)
        other.seed = seed
        other.rng = random.Random(seed)
        other.tokens = Tokens(other.rng)
        other.clock = self.clock
        other.world = self.world
        other.company = self.company
        other.recorder = Recorder(self.account, other.tokens, self.clock)
        other.apis = Apis(self.world, other.tokens)
        other.emit = self.emit
        other.start = self.start
        other.end = self.end
        return other

    @property
    def account(self) -> str:
        """The account id."""
        return self.world.account

    def call(
        self,
        second: int,
        actor: Actor,
        call: Call,
        region: str,
        *,
        error: Error | None = None,
        label: EventLabel | None = None,
        **overrides: Any,
    ) -> Json:
        """Record ``call`` and hand the record on (with its label, for attack records)."""
        record = self.recorder.record(second, actor, call, region, error=error, **overrides)
        self.emit(second, record, label)
        return record

    def deny(self, second: int, actor: Actor, call: Call, region: str, **overrides: Any) -> Json:
        """Record ``call`` failing with the service's authorization error."""
        return self.call(second, actor, call, region, error=self.recorder.denied(actor, call, region), **overrides)


def between(rng: random.Random, low: int, high: int | None = None) -> int:
    """A whole number in ``[low, high)`` (``[0, low)`` with one argument), cheaper than ``randrange``."""
    if high is None:
        return int(rng.random() * low)
    return low + int(rng.random() * (high - low))


def weekday(second: int) -> int:
    """Day of the week of an epoch second, Monday = 0 (1970-01-01 was a Thursday)."""
    return (second // DAY + 3) % 7
