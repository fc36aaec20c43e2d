"""An alert: what a rule, baseline or incident found, with every CloudTrail record behind it.

The alert is the internal model; OCSF (Detection Finding, class 2004) appears only at the output edge.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from cloudward.checks.model import Severity


@dataclass(frozen=True)
class PostureLink:
    """A posture finding that made the alert possible ("bucket X is public: check s3_bucket_public")."""

    check_id: str
    resource_arn: str
    status: str
    reason: str


@dataclass(frozen=True)
class Alert:
    """One detection.

    Attributes:
        rule_id: the rule's id (``cloudward.<name>`` for built-in rules, the Sigma rule's UUID for Sigma
            rules, ``baseline.<name>`` for baselines, ``incident`` for correlated incidents).
        title: the rule's title.
        severity: the rule's level mapped onto cloudward's severities.
        techniques: MITRE ATT&CK technique ids (``T1562.008``).
        tactics: ATT&CK tactic names from the rule's tags (``defense-evasion``).
        principal: who acted: the identity ARN, else the principal id, else ``unknown``.
        account_id: the account the records were delivered for (recipientAccountId).
        region: the region of the first record.
        first_seen: the earliest record's eventTime.
        last_seen: the latest record's eventTime.
        event_ids: the CloudTrail ``eventID`` of every record behind the alert, in time order.
        description: what happened, in one or two sentences, naming principal, action and target.
        source: ``builtin``, ``sigma``, ``baseline`` or ``incident``.
        resources: names or ARNs of what the records touched.
        posture: posture findings the activity exploits (filled in when a snapshot is given).
        timeline: for incidents, one line per member alert in time order.
    """

    rule_id: str
    title: str
    severity: Severity
    techniques: tuple[str, ...]
    tactics: tuple[str, ...]
    principal: str
    account_id: str
    region: str
    first_seen: datetime
    last_seen: datetime
    event_ids: tuple[str, ...]
    description: str
    source: str
    resources: tuple[str, ...] = ()
    posture: tuple[PostureLink, ...] = ()
    timeline: tuple[str, ...] = field(default=())

    @property
    def uid(self) -> str:
        """Stable across runs: the rule and the records behind the alert."""
        digest = hashlib.sha256("\0".join((self.rule_id, *sorted(self.event_ids))).encode())
        return digest.hexdigest()[:32]


SIGMA_LEVELS = {
    "informational": Severity.INFO,
    "low": Severity.LOW,
    "medium": Severity.MEDIUM,
    "high": Severity.HIGH,
    "critical": Severity.CRITICAL,
}
