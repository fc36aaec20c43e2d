"""Attack scenarios: labelled CloudTrail records of the techniques the issue and Stratus Red Team list.

Each scenario is a short sequence of calls made by a plausible attacker: a leaked long-term key of an
existing user (bob's 400-day-old key, carol's admin key) used from a new address with a new user agent,
a stolen IAM Identity Center session of an admin, an instance role's credentials used outside the
instance, the root user, or principals the attacker created. Every record a scenario writes carries an
:class:`~.context.EventLabel`; ``key`` marks the records a detection should fire on.

The records follow AWS's shapes for each API (see :mod:`.apis`), and where Stratus Red Team publishes
detonation logs, the same event names and distinguishing fields (``requestParameters`` keys and
values) appear. User agents are those of real tools (AWS CLI v1 on Kali, boto3, the Go SDK, Pacu,
TruffleHog, S3 Browser, Cyberduck), never Stratus Red Team's own marker.

Technique ids: the current ATT&CK id first; where ATT&CK v19 (April 2026) moved a technique (Impair
Defenses T1562 into Disable or Modify Tools T1685 and System Firewall T1686) both ids are listed, as
SigmaHQ's AWS rules use the new ones and most tooling still the old.
"""

import zlib

from cloudward.lab.events import (
    attacks_access,
    attacks_credentials,
    attacks_exfiltration,
    attacks_impact,
    attacks_persistence,
)
from cloudward.lab.events.attacker import ATTACKER_ACCOUNT, Attack, Scenario
from cloudward.lab.events.clock import DAY, HOUR, MINUTE
from cloudward.lab.events.context import Ctx

SCENARIOS: dict[str, Scenario] = {
    name: spec
    for tactics in (attacks_access, attacks_persistence, attacks_credentials, attacks_exfiltration, attacks_impact)
    for name, spec in tactics.SCENARIOS.items()
}
"""Every scenario by name, in the order the schedule shuffles them (changing it changes every run's times)."""

# --- scheduling ------------------------------------------------------------------------------------


def scenario_seed(seed: int, name: str) -> int:
    """The random seed of one scenario's run (independent of which other scenarios run)."""
    return (seed * 1_000_003) ^ zlib.crc32(name.encode())


def schedule(seed: int, start: int, end: int) -> dict[str, int]:
    """When each scenario starts: spread over the period, after its first day when there is one.

    The times depend only on the seed and the period, never on which scenarios are selected.
    """
    import random

    rng = random.Random(seed ^ 0xA77AC)
    names = list(SCENARIOS)
    rng.shuffle(names)
    span = end - start
    lead = DAY if span > 3 * DAY else span // 10
    usable = max(span - lead - 3 * HOUR, HOUR)
    slot = usable / len(names)
    times: dict[str, int] = {}
    for index, name in enumerate(names):
        times[name] = start + lead + int(slot * index + rng.uniform(0.1, 0.9) * slot)
    return times


def run_scenario(ctx: Ctx, name: str, second: int) -> int:
    """Write one scenario's labelled records; returns how many."""
    attack = Attack(ctx, SCENARIOS[name])
    SCENARIOS[name].run(attack, second + attack.rng.randrange(MINUTE))
    return attack.count


__all__ = ["ATTACKER_ACCOUNT", "SCENARIOS", "Attack", "Scenario", "run_scenario", "scenario_seed", "schedule"]
