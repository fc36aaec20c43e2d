"""Incidents: weak signals from one principal, close in time, become one story with a timeline.

Alerts of low severity or above for the same principal are chained when each starts within ``window``
of the previous one's end, and a chain never spans more than ``max_span`` (a principal that is busy
all week is not one incident). A chain becomes an incident when it holds alerts from at least two
different rules (one rule firing repeatedly is that rule's business, not a story) and at least one of
medium severity or above. Its severity is the highest of its members, raised one step when its
members of medium severity or above span three or more ATT&CK tactics, each member counted by its
first (primary) tactic: new network -> console login without MFA -> new access key -> StopLogging is
initial access, persistence and defense evasion in medium and high alerts: critical. (Counting every
tactic a rule is tagged with would escalate routine automation: SigmaHQ tags most rules with three.)
Member alerts stay in the output; the incident adds the connected view, with one timeline line per alert.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import timedelta

from cloudward.checks.model import Severity
from cloudward.detect.alert import Alert

_BY_RANK = list(Severity)  # declared from info to critical
MIN_RULES = 2
ESCALATE_AT_TACTICS = 3


def correlate(
    alerts: Sequence[Alert], window: timedelta = timedelta(hours=2), max_span: timedelta = timedelta(hours=12)
) -> list[Alert]:
    """The incidents among the alerts (incidents themselves are never inputs)."""
    by_principal: dict[str, list[Alert]] = defaultdict(list)
    for alert in alerts:
        if alert.source != "incident" and alert.principal != "unknown" and alert.severity.rank >= Severity.LOW.rank:
            by_principal[alert.principal].append(alert)
    incidents: list[Alert] = []
    for principal, members in sorted(by_principal.items()):
        members.sort(key=lambda alert: (alert.first_seen, alert.rule_id))
        chain: list[Alert] = []
        for alert in members:
            if chain and (
                alert.first_seen > max(member.last_seen for member in chain) + window
                or alert.last_seen > chain[0].first_seen + max_span
            ):
                incidents.extend(_incident(principal, chain))
                chain = []
            chain.append(alert)
        incidents.extend(_incident(principal, chain))
    return incidents


def _incident(principal: str, chain: list[Alert]) -> list[Alert]:
    rules = {alert.rule_id for alert in chain}
    if len(rules) < MIN_RULES or all(alert.severity.rank < Severity.MEDIUM.rank for alert in chain):
        return []
    tactics = tuple(dict.fromkeys(tactic for alert in chain for tactic in alert.tactics))
    top = max(chain, key=lambda alert: alert.severity.rank).severity
    primary = {alert.tactics[0] for alert in chain if alert.tactics and alert.severity.rank >= Severity.MEDIUM.rank}
    if len(primary) >= ESCALATE_AT_TACTICS:
        top = _BY_RANK[min(top.rank + 1, len(_BY_RANK) - 1)]
    steps = [
        f"{alert.first_seen:%Y-%m-%dT%H:%M:%SZ} [{alert.severity}] {alert.title} ({alert.rule_id})" for alert in chain
    ]
    event_ids = tuple(dict.fromkeys(event_id for alert in chain for event_id in alert.event_ids))
    return [
        Alert(
            rule_id="incident",
            title=f"Incident: {len(rules)} related detections for one principal",
            severity=top,
            techniques=tuple(dict.fromkeys(technique for alert in chain for technique in alert.techniques)),
            tactics=tactics,
            principal=principal,
            account_id=chain[0].account_id,
            region=chain[0].region,
            first_seen=chain[0].first_seen,
            last_seen=max(alert.last_seen for alert in chain),
            event_ids=event_ids,
            description=f"{principal}: " + " -> ".join(dict.fromkeys(alert.title for alert in chain)),
            source="incident",
            resources=tuple(dict.fromkeys(resource for alert in chain for resource in alert.resources)),
            posture=tuple(dict.fromkeys(link for alert in chain for link in alert.posture)),
            timeline=tuple(steps),
        )
    ]
