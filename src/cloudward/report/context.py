"""What every report says about the scan itself, besides the findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from cloudward import __version__
from cloudward.inventory import CollectionError


@dataclass(frozen=True)
class ScanContext:
    """The account, regions, time and collection errors of the scan a report describes."""

    account_id: str
    regions: tuple[str, ...]
    collected_at: datetime
    errors: tuple[CollectionError, ...] = ()
    tool_version: str = __version__
    checks_run: int = 0
    resources: int = 0
    extra: dict[str, str] = field(default_factory=dict)
