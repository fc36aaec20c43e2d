"""Findings as CSV, one row per finding, for spreadsheets and quick filtering."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import TextIO

from cloudward.findings.model import Finding

COLUMNS = (
    "status",
    "severity",
    "check_id",
    "title",
    "layer",
    "threat",
    "owner",
    "service_model",
    "service",
    "account_id",
    "region",
    "resource_type",
    "resource_name",
    "resource_arn",
    "reason",
    "remediation",
    "finding_uid",
    "muted",
)
"""``muted`` holds the mutelist entry's reason for a muted finding, empty otherwise."""

_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    """Neutralize spreadsheet formulas (CSV injection) in values that come from the cloud account."""
    return f"'{value}" if value.startswith(_FORMULA_PREFIXES) else value


def write_csv(findings: Iterable[Finding], out: TextIO) -> int:
    """Write a header and one row per finding; returns how many rows were written."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    count = 0
    for finding in findings:
        check, resource = finding.check, finding.resource
        row = (
            finding.status.value,
            check.severity.value,
            check.id,
            check.title,
            check.layer.value,
            check.threat.value,
            check.owner.value,
            check.service_model.value,
            check.service,
            resource.account_id,
            resource.region,
            resource.type,
            resource.name,
            resource.arn,
            finding.reason,
            check.remediation.summary,
            finding.uid,
            finding.muted,
        )
        writer.writerow([_cell(str(value)) for value in row])
        count += 1
    return count
