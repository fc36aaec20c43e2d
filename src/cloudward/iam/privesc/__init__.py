"""Privilege escalation: the methods (pathfinding.cloud's catalogue) and the search over a principal graph."""

from cloudward.iam.privesc.engine import (
    ADMIN,
    Escalation,
    EscalationPath,
    Hop,
    PrivescResult,
    analyse,
    find_escalations,
)
from cloudward.iam.privesc.methods import METHODS, Kind, Method

__all__ = [
    "ADMIN",
    "METHODS",
    "Escalation",
    "EscalationPath",
    "Hop",
    "Kind",
    "Method",
    "PrivescResult",
    "analyse",
    "find_escalations",
]
