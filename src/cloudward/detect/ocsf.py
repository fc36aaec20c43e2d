"""Alerts at the output edge: an Alert as an OCSF 1.3 Detection Finding (class 2004), and JSON Lines of them.

Field placement follows the OCSF 1.3.0 schema (github.com/ocsf/ocsf-schema, tag 1.3.0:
``events/findings/detection_finding.json`` extending ``finding.json`` and ``base_event.json``; objects
``finding_info``, ``attack``, ``analytic``, ``related_event``, ``evidences``, ``actor``, ``user``,
``resource_details``, ``cloud``, ``metadata``). ``tests/fixtures/detect/ocsf-1.3.0-detection_finding.json``
is that class resolved, and the tests check every field written here against it.

- The CloudTrail ``eventID`` of every record behind the alert: ``finding_info.related_events[].uid``, in
  time order, all of them. OCSF defines ``related_event.uid`` as the related event's ``metadata.uid``,
  and CloudTrail normalised to OCSF carries ``eventID`` in ``metadata.uid`` (OpenSearch security
  analytics' CloudTrail field mapping, used for Amazon Security Lake data). ``count`` is the number of
  records.
- ATT&CK: ``finding_info.attacks`` (the class note says so for products that are not security controls,
  so the ``security_control`` profile and its top-level ``attacks`` are not used). A sub-technique id
  ``T1562.008`` is ``technique.uid = T1562`` plus ``sub_technique.uid = T1562.008``. Rules list
  techniques and tactics separately, so a tactic is paired with the techniques only when the rule has
  exactly one tactic; otherwise techniques and tactics are listed as separate attack entries (no
  invented pairing).
- The rule: ``finding_info.analytic`` (``uid`` and ``name`` = rule id, ``type_id`` 1 Rule for built-in
  and Sigma rules, 2 Behavioral for baselines, 99 Other "Correlation" for incidents).
- The principal: ``actor.user`` (``host`` profile) and the same actor as the evidence
  (``evidences[].actor``, the class's recommended primary attribute); ``observables`` has the user name.
- Posture links: each exploited resource in ``resources[]`` (uid = ARN) carries
  ``data.posture = [{check_id, status, reason}]`` and ``risk_details`` says it in one sentence per link.
- An incident's timeline has no OCSF attribute: ``unmapped.timeline``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import IO, Any

import orjson

from cloudward import __version__
from cloudward.checks.model import Severity
from cloudward.detect.alert import Alert, PostureLink

OCSF_VERSION = "1.3.0"
CATEGORY_FINDINGS = 2
CLASS_DETECTION_FINDING = 2004
ACTIVITY_CREATE = 1
PROFILES = ("cloud", "host")
FINDING_NEW = (1, "New")
DATA_SOURCE = "AWS CloudTrail"

SEVERITY_ID = {
    Severity.INFO: (1, "Informational"),
    Severity.LOW: (2, "Low"),
    Severity.MEDIUM: (3, "Medium"),
    Severity.HIGH: (4, "High"),
    Severity.CRITICAL: (5, "Critical"),
}
"""cloudward severity -> OCSF ``severity_id`` and its caption."""

# analytic.type_id: 1 Rule, 2 Behavioral, 99 Other.
_ANALYTIC_TYPE = {
    "builtin": (1, "Rule"),
    "sigma": (1, "Rule"),
    "baseline": (2, "Behavioral"),
    "incident": (99, "Correlation"),
}
# MITRE ATT&CK Enterprise tactics: the name as written in rule tags -> (tactic id, display name).
ATTACK_TACTICS = {
    "reconnaissance": ("TA0043", "Reconnaissance"),
    "resource-development": ("TA0042", "Resource Development"),
    "initial-access": ("TA0001", "Initial Access"),
    "execution": ("TA0002", "Execution"),
    "persistence": ("TA0003", "Persistence"),
    "privilege-escalation": ("TA0004", "Privilege Escalation"),
    "defense-evasion": ("TA0005", "Defense Evasion"),
    "credential-access": ("TA0006", "Credential Access"),
    "discovery": ("TA0007", "Discovery"),
    "lateral-movement": ("TA0008", "Lateral Movement"),
    "collection": ("TA0009", "Collection"),
    "command-and-control": ("TA0011", "Command and Control"),
    "exfiltration": ("TA0010", "Exfiltration"),
    "impact": ("TA0040", "Impact"),
}
_TECHNIQUE = re.compile(r"^(T\d{4})(\.\d{3})?$")
_ARN = re.compile(
    r"^arn:(?P<partition>[^:]*):(?P<service>[^:]*):(?P<region>[^:]*):(?P<account>[^:]*):(?P<resource>.+)$"
)
# OCSF user.type_id: 0 Unknown, 1 User, 2 Admin, 99 Other.
_USER_UNKNOWN = (0, "Unknown")


def _millis(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _tactic(name: str) -> dict[str, str]:
    key = name.lower().removeprefix("attack.").replace("_", "-").strip()
    if key in ATTACK_TACTICS:
        uid, caption = ATTACK_TACTICS[key]
        return {"uid": uid, "name": caption}
    return {"name": name}


def _technique(technique_id: str) -> dict[str, Any]:
    """``T1562.008`` -> technique T1562 and sub-technique T1562.008; anything else stays as given."""
    normalized = technique_id.strip().upper().removeprefix("ATTACK.")
    match = _TECHNIQUE.match(normalized)
    if not match:
        return {"technique": {"uid": technique_id}}
    attack: dict[str, Any] = {"technique": {"uid": match.group(1)}}
    if match.group(2):
        attack["sub_technique"] = {"uid": normalized}
    return attack


def attacks(alert: Alert) -> list[dict[str, Any]]:
    """The ``finding_info.attacks`` entries for an alert's techniques and tactics."""
    tactics = [_tactic(name) for name in dict.fromkeys(alert.tactics)]
    techniques = [_technique(technique) for technique in dict.fromkeys(alert.techniques)]
    if len(tactics) == 1 and techniques:
        return [{**attack, "tactic": tactics[0]} for attack in techniques]
    return techniques + [{"tactic": tactic} for tactic in tactics]


def _user(principal: str) -> dict[str, Any]:
    """An OCSF user for a CloudTrail principal: an identity ARN, a principal id, or ``unknown``."""
    user: dict[str, Any] = {"uid": principal}
    match = _ARN.match(principal)
    if not match:
        user["type_id"], user["type"] = _USER_UNKNOWN
        return user
    resource = match.group("resource")
    kind, _, rest = resource.partition("/")
    if resource == "root":
        user["name"], (user["type_id"], user["type"]) = "root", (2, "Admin")
    elif kind == "user":
        user["name"], (user["type_id"], user["type"]) = rest.rsplit("/", 1)[-1], (1, "User")
    elif kind in ("assumed-role", "role"):
        user["name"], (user["type_id"], user["type"]) = rest, (99, "AWS IAM Role")
    elif kind == "federated-user":
        user["name"], (user["type_id"], user["type"]) = rest, (99, "AWS Federated User")
    else:
        user["name"], (user["type_id"], user["type"]) = resource, _USER_UNKNOWN
    if match.group("account"):
        user["account"] = {"uid": match.group("account"), "type": "AWS Account", "type_id": 10}
    return user


def _resource(name_or_arn: str) -> dict[str, Any]:
    match = _ARN.match(name_or_arn)
    if not match:
        return {"name": name_or_arn}
    resource: dict[str, Any] = {
        "uid": name_or_arn,
        "name": re.split(r"[/:]", match.group("resource"))[-1] or match.group("resource"),
        "cloud_partition": match.group("partition"),
    }
    if match.group("region"):
        resource["region"] = match.group("region")
    return resource


def _resources(resources: tuple[str, ...], posture: tuple[PostureLink, ...]) -> list[dict[str, Any]]:
    """The touched resources, each exploited one carrying its posture findings in ``data.posture``."""
    entries = [_resource(item) for item in dict.fromkeys(resources)]
    for link in posture:
        exploited = _resource(link.resource_arn)
        entry = next((entry for entry in entries if entry.get("uid") == link.resource_arn), None)
        if entry is None:
            # A resource the rule named only by its name ("acme-web") is the exploited one when names agree.
            entry = next((e for e in entries if "uid" not in e and e["name"] == exploited.get("name")), None)
            if entry is None:
                entries.append(exploited)
                entry = exploited
            else:
                entry.update(exploited)
        entry.setdefault("data", {"posture": []})["posture"].append(
            {"check_id": link.check_id, "status": link.status, "reason": link.reason}
        )
    return entries


def _risk_details(posture: tuple[PostureLink, ...]) -> str:
    return " ".join(
        f"{link.resource_arn}: posture check {link.check_id} is {link.status} ({link.reason})." for link in posture
    )


def to_detection_finding(alert: Alert) -> dict[str, Any]:
    """One Alert as an OCSF 1.3 Detection Finding (a plain dict ready for JSON).

    Args:
        alert: the alert; every one of its ``event_ids`` appears in ``finding_info.related_events``.

    Returns:
        The Detection Finding, class 2004, activity Create (type_uid 200401).
    """
    severity_id, severity = SEVERITY_ID[alert.severity]
    status_id, status = FINDING_NEW
    first, last = _millis(alert.first_seen), _millis(alert.last_seen)
    analytic_type_id, analytic_type = _ANALYTIC_TYPE.get(alert.source, (99, alert.source or "Other"))
    actor = {"user": _user(alert.principal)}
    finding_info: dict[str, Any] = {
        "uid": alert.uid,
        "title": alert.title,
        "desc": alert.description,
        "types": [alert.source],
        "first_seen_time": first,
        "last_seen_time": last,
        "data_sources": [DATA_SOURCE],
        "analytic": {
            "uid": alert.rule_id,
            "name": alert.rule_id,
            "type_id": analytic_type_id,
            "type": analytic_type,
            "category": alert.source,
        },
        "attacks": attacks(alert),
        "related_events": [{"uid": event_id} for event_id in alert.event_ids],
    }
    offset = alert.last_seen.utcoffset()
    event: dict[str, Any] = {
        "category_uid": CATEGORY_FINDINGS,
        "category_name": "Findings",
        "class_uid": CLASS_DETECTION_FINDING,
        "class_name": "Detection Finding",
        "activity_id": ACTIVITY_CREATE,
        "activity_name": "Create",
        "type_uid": CLASS_DETECTION_FINDING * 100 + ACTIVITY_CREATE,
        "type_name": "Detection Finding: Create",
        "time": last,
        "start_time": first,
        "end_time": last,
        "timezone_offset": int(offset.total_seconds() // 60) if offset is not None else 0,
        "count": len(alert.event_ids),
        "severity_id": severity_id,
        "severity": severity,
        "status_id": status_id,
        "status": status,
        "message": f"{alert.title}: {alert.description}",
        "metadata": {
            "version": OCSF_VERSION,
            "uid": alert.uid,
            "product": {"name": "cloudward", "vendor_name": "cloudward", "version": __version__},
            "event_code": alert.rule_id,
            "profiles": list(PROFILES),
        },
        "finding_info": finding_info,
        "cloud": {
            "provider": "AWS",
            "region": alert.region,
            "account": {"uid": alert.account_id, "type": "AWS Account", "type_id": 10},
        },
        "actor": actor,
        "evidences": [{"actor": actor}],
        "resources": _resources(alert.resources, alert.posture),
    }
    name = actor["user"].get("name")
    if name:
        event["observables"] = [{"name": "actor.user.name", "type_id": 4, "type": "User Name", "value": name}]
    if alert.posture:
        event["risk_details"] = _risk_details(alert.posture)
    if alert.timeline:
        event["unmapped"] = {"timeline": list(alert.timeline)}
    return event


def dumps_alert(alert: Alert) -> str:
    """One alert as one line of JSON (the OCSF Detection Finding, keys sorted), without the newline."""
    return orjson.dumps(to_detection_finding(alert), option=orjson.OPT_SORT_KEYS).decode()


def write_alerts_jsonl(alerts: Iterable[Alert], out: IO[str]) -> int:
    """Write one OCSF Detection Finding per line, streaming.

    Args:
        alerts: the alerts, written in the order given.
        out: a text stream; it is neither flushed nor closed.

    Returns:
        How many alerts were written.
    """
    count = 0
    for alert in alerts:
        out.write(dumps_alert(alert))
        out.write("\n")
        count += 1
    return count
