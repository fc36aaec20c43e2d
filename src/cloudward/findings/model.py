"""The internal Finding model and the summary every writer and the console share."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from cloudward.checks.model import CheckMeta, Layer, Severity, Status
from cloudward.inventory import Resource


@dataclass(frozen=True, slots=True)
class ResourceRef:
    """The resource a finding is about (or the scope, when a whole listing failed)."""

    arn: str
    type: str
    name: str
    account_id: str
    region: str
    tags: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, resource: Resource) -> ResourceRef:
        """The reference to a collected resource."""
        return cls(resource.arn, resource.type, resource.name, resource.account_id, resource.region, resource.tags)


@dataclass(frozen=True, slots=True)
class Finding:
    """One check's result on one resource."""

    check: CheckMeta
    resource: ResourceRef
    status: Status
    reason: str
    first_seen: datetime
    last_seen: datetime
    muted: str = ""
    """The mutelist entry's reason when this finding is muted (it still appears, as MUTED)."""

    @property
    def uid(self) -> str:
        """A stable id: the same check on the same resource always has the same uid."""
        return hashlib.sha256(f"{self.check.id}\x00{self.resource.arn}".encode()).hexdigest()[:32]

    @property
    def sort_key(self) -> tuple[int, int, str, str]:
        """FAIL first, then ERROR; most severe first; then by check and resource."""
        status_order = {Status.FAIL: 0, Status.ERROR: 1, Status.PASS: 2, Status.NOT_APPLICABLE: 3}
        return (status_order[self.status], -self.check.severity.rank, self.check.id, self.resource.arn)


@dataclass
class Summary:
    """Counts by layer, severity and status, for the console, the HTML report and exit codes.

    ``by_layer``, ``by_severity`` and ``total`` count the findings that are not muted, so that FAIL and
    ERROR counts (and the exit codes built on them) mean "still needs action". Muted findings are
    counted by their status in the ``muted_*`` fields; a scan without a mutelist has them all zero.
    """

    by_layer: dict[Layer, Counter[Status]] = field(default_factory=dict)
    by_severity: dict[Severity, Counter[Status]] = field(default_factory=dict)
    total: Counter[Status] = field(default_factory=Counter)
    muted_by_layer: dict[Layer, Counter[Status]] = field(default_factory=dict)
    muted_by_severity: dict[Severity, Counter[Status]] = field(default_factory=dict)
    muted_total: Counter[Status] = field(default_factory=Counter)

    @classmethod
    def of(cls, findings: Iterable[Finding]) -> Summary:
        """Count a stream of findings."""
        summary = cls(
            by_layer={layer: Counter() for layer in Layer},
            by_severity={severity: Counter() for severity in Severity},
            muted_by_layer={layer: Counter() for layer in Layer},
            muted_by_severity={severity: Counter() for severity in Severity},
        )
        for finding in findings:
            if finding.muted:
                summary.muted_by_layer[finding.check.layer][finding.status] += 1
                summary.muted_by_severity[finding.check.severity][finding.status] += 1
                summary.muted_total[finding.status] += 1
            else:
                summary.by_layer[finding.check.layer][finding.status] += 1
                summary.by_severity[finding.check.severity][finding.status] += 1
                summary.total[finding.status] += 1
        return summary

    @property
    def muted(self) -> int:
        """How many findings are muted, whatever their status."""
        return sum(self.muted_total.values())

    @property
    def findings(self) -> int:
        """How many findings were counted, muted ones included."""
        return sum(self.total.values()) + self.muted

    def failures_at_or_above(self, severity: Severity) -> int:
        """How many FAILs that are not muted have at least this severity."""
        return sum(counts[Status.FAIL] for level, counts in self.by_severity.items() if level.rank >= severity.rank)
