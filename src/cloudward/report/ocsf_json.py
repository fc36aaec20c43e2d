"""Findings as a JSON array of OCSF Compliance Findings, written as a stream."""

from __future__ import annotations

from collections.abc import Iterable
from typing import BinaryIO

import orjson

from cloudward.findings.model import Finding
from cloudward.findings.ocsf import to_compliance_finding


def write_ocsf_json(findings: Iterable[Finding], out: BinaryIO) -> int:
    """Write ``[finding, ...]`` one object per line inside the array; returns how many were written."""
    count = 0
    out.write(b"[")
    for finding in findings:
        out.write(b"\n" if count == 0 else b",\n")
        out.write(orjson.dumps(to_compliance_finding(finding), option=orjson.OPT_SORT_KEYS))
        count += 1
    out.write(b"\n]\n" if count else b"]\n")
    return count
