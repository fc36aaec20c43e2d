"""Tie alerts to the posture findings that made them possible.

With a snapshot, every check runs over it once; each FAIL finding is indexed by its resource's ARN,
name and the ARN's last segment (``user/alice`` -> ``alice``). An alert is linked to the failures on
the resources it touched and on its principal (an assumed-role session counts as its role), so
"GetObject burst on bucket acme-public" reads "... acme-public, which fails s3_bucket_public_access_block".
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from cloudward.api import check_inventory, select_checks
from cloudward.checks.model import Status
from cloudward.detect.alert import Alert, PostureLink
from cloudward.findings.model import Finding
from cloudward.inventory.snapshot import read_snapshot

MAX_LINKS = 5
_ASSUMED_ROLE = re.compile(r"^arn:(?P<partition>[^:]+):sts::(?P<account>\d+):assumed-role/(?P<role>[^/]+)/")


def _keys(arn: str, name: str) -> set[str]:
    keys = {arn, name} if name else {arn}
    tail = re.split(r"[/:]", arn)[-1]
    if tail:
        keys.add(tail)
    return keys


class PostureIndex:
    """FAIL findings by every name an alert might use for their resource."""

    def __init__(self, findings: Iterable[Finding]) -> None:
        """Index the failing findings (other statuses are not weaknesses)."""
        self._by_key: dict[str, list[Finding]] = defaultdict(list)
        for finding in findings:
            if finding.status is Status.FAIL and not finding.muted:
                for key in _keys(finding.resource.arn, finding.resource.name):
                    self._by_key[key].append(finding)

    @classmethod
    def from_snapshot(cls, path: Path) -> PostureIndex:
        """Run every built-in check over a saved snapshot and index its failures."""
        inventory, _ = read_snapshot(path)
        return cls(check_inventory(select_checks(), inventory))

    def findings_for(self, names: Sequence[str]) -> list[Finding]:
        """Failures on any of the named resources, most severe first, each once."""
        found: dict[tuple[str, str], Finding] = {}
        for name in names:
            for finding in self._by_key.get(name, ()):
                found.setdefault((finding.check.id, finding.resource.arn), finding)
        return sorted(found.values(), key=lambda finding: finding.sort_key)


def _principal_names(principal: str) -> list[str]:
    match = _ASSUMED_ROLE.match(principal)
    if match:
        return [f"arn:{match['partition']}:iam::{match['account']}:role/{match['role']}", match["role"]]
    return [principal]


def link_alerts(alerts: Iterable[Alert], index: PostureIndex) -> list[Alert]:
    """The alerts with their posture links, and a description that names the weakness exploited."""
    linked: list[Alert] = []
    for alert in alerts:
        findings = index.findings_for([*alert.resources, *_principal_names(alert.principal)])[:MAX_LINKS]
        if not findings:
            linked.append(alert)
            continue
        links = tuple(
            PostureLink(finding.check.id, finding.resource.arn, finding.status.value, finding.reason)
            for finding in findings
        )
        exploited = "; ".join(
            f"{finding.resource.name or finding.resource.arn} fails {finding.check.id}" for finding in findings
        )
        linked.append(replace(alert, posture=links, description=f"{alert.description}. Exposed by: {exploited}"))
    return linked
