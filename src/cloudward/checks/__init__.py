"""Checks: one small module each under ``checks/aws/<service>/``, with ``meta`` and ``evaluate``."""

from cloudward.checks.model import (
    Check,
    CheckMeta,
    CheckResult,
    Layer,
    Owner,
    Remediation,
    ServiceModel,
    Severity,
    Status,
    Threat,
)

__all__ = [
    "Check",
    "CheckMeta",
    "CheckResult",
    "Layer",
    "Owner",
    "Remediation",
    "ServiceModel",
    "Severity",
    "Status",
    "Threat",
]
