"""Incidents: weak signals from one principal, close in time, become one story with a timeline.

Alerts for the same principal are chained when each starts within ``window`` of the previous one's
end. A chain becomes an incident when it holds alerts from at least two different rules (one rule
firing repeatedly is that rule's business, not a story). Its severity is the highest of its members,
raised one step when the chain spans three or more ATT&CK tactics (new network -> console login
without MFA -> new access key -> StopLogging is four tactics of medium and high alerts: critical).
Member alerts stay in the output; the incident adds the connected view.
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


def correlate(alerts: Sequence[Alert], window: timedelta = timedelta(hours=2)) -> list[Alert]:
    """The incidents among the alerts (incidents themselves are never inputs)."""
    by_principal: dict[str, list[Alert]] = defaultdict(list)
    for alert in alerts:
        if alert.source != "incident" and alert.principal != "unknown":
            by_principal[alert.principal].append(alert)
    incidents: list[Alert] = []
    for principal, members in sorted(by_principal.items()):
        members.sort(key=lambda alert: (alert.first_seen, alert.rule_id))
        chain: list[Alert] = []
        for alert in members:
            if chain and alert.first_seen > max(member.last_seen for member in chain) + window:
                incidents.extend(_incident(principal, chain))
                chain = []
            chain.append(alert)
        incidents.extend(_incident(principal, chain))
    return incidents


def _incident(principal: str, chain: list[Alert]) -> list[Alert]:
    rules = {alert.rule_id for alert in chain}
    if len(rules) < MIN_RULES:
        return []
    tactics = tuple(dict.fromkeys(tactic for alert in chain for tactic in alert.tactics))
    top = max(chain, key=lambda alert: alert.severity.rank).severity
    if len(tactics) >= ESCALATE_AT_TACTICS:
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
