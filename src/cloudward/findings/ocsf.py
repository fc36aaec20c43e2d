"""The only module that knows OCSF: a posture Finding as an OCSF Compliance Finding (class 2003)."""

from __future__ import annotations

from typing import Any

from cloudward import __version__
from cloudward.checks.model import Severity, Status
from cloudward.findings.model import Finding

OCSF_VERSION = "1.3.0"
CATEGORY_FINDINGS = 2
CLASS_COMPLIANCE_FINDING = 2003
ACTIVITY_CREATE = 1
# Finding status_id (the triage state, separate from compliance.status): 1 New, 3 Suppressed.
FINDING_NEW = (1, "New")
FINDING_SUPPRESSED = (3, "Suppressed")

_SEVERITY_ID = {
    Severity.INFO: (1, "Informational"),
    Severity.LOW: (2, "Low"),
    Severity.MEDIUM: (3, "Medium"),
    Severity.HIGH: (4, "High"),
    Severity.CRITICAL: (5, "Critical"),
}
# compliance.status_id: 0 Unknown, 1 Pass, 2 Warning, 3 Fail, 99 Other
_COMPLIANCE_STATUS = {
    Status.PASS: (1, "Pass"),
    Status.FAIL: (3, "Fail"),
    Status.ERROR: (0, "Unknown"),
    Status.NOT_APPLICABLE: (99, "Not Applicable"),
}


def _millis(finding: Finding, attribute: str) -> int:
    return int(getattr(finding, attribute).timestamp() * 1000)


def to_compliance_finding(finding: Finding) -> dict[str, Any]:
    """One Finding as an OCSF Compliance Finding object (a plain dict ready for JSON)."""
    check = finding.check
    resource = finding.resource
    severity_id, severity = _SEVERITY_ID[check.severity]
    status_id, status = _COMPLIANCE_STATUS[finding.status]
    seen = _millis(finding, "last_seen")
    finding_status_id, finding_status = FINDING_SUPPRESSED if finding.muted else FINDING_NEW
    event: dict[str, Any] = {
        "category_uid": CATEGORY_FINDINGS,
        "category_name": "Findings",
        "class_uid": CLASS_COMPLIANCE_FINDING,
        "class_name": "Compliance Finding",
        "activity_id": ACTIVITY_CREATE,
        "activity_name": "Create",
        "type_uid": CLASS_COMPLIANCE_FINDING * 100 + ACTIVITY_CREATE,
        "type_name": "Compliance Finding: Create",
        "time": seen,
        "severity_id": severity_id,
        "severity": severity,
        "status_id": finding_status_id,
        "status": finding_status,
        "message": f"{check.title}: {finding.reason}",
        "metadata": {
            "version": OCSF_VERSION,
            "product": {"name": "cloudward", "vendor_name": "cloudward", "version": __version__},
            "event_code": check.id,
        },
        "finding_info": {
            "uid": finding.uid,
            "title": check.title,
            "desc": check.description,
            "types": [check.threat.value],
            "first_seen_time": _millis(finding, "first_seen"),
            "last_seen_time": seen,
        },
        "compliance": {
            "control": check.id,
            "standards": [],
            "status_id": status_id,
            "status": status,
            "status_code": finding.status.value,
            "status_detail": finding.reason,
        },
        "remediation": {
            "desc": check.remediation.summary,
            "references": list(check.references),
        },
        "risk_details": check.risk,
        "cloud": {
            "provider": "AWS",
            "region": resource.region,
            "account": {"uid": resource.account_id, "type": "AWS Account", "type_id": 10},
        },
        "resources": [
            {
                "uid": resource.arn,
                "name": resource.name,
                "type": resource.type,
                "region": resource.region,
                "cloud_partition": "aws",
                "labels": [f"{key}={value}" for key, value in sorted(resource.tags.items())],
            }
        ],
        "unmapped": {
            "layer": check.layer.value,
            "threat": check.threat.value,
            "owner": check.owner.value,
            "service_model": check.service_model.value,
            "service": check.service,
            "result": finding.status.value,
        },
    }
    if finding.muted:
        # Muted by the mutelist: the compliance result is unchanged, the finding is suppressed with its reason.
        event["status_detail"] = finding.muted
    return event
