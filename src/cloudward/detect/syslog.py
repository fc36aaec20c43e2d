"""Alerts as RFC 5424 syslog messages (the bytes; :class:`cloudward.detect.sinks.SyslogSink` sends them).

``<PRI>1 TIMESTAMP HOSTNAME cloudward PROCID MSGID [cloudward@32473 ...] BOM{OCSF JSON}``

- PRI = facility * 8 + severity: critical 2 (Critical), high 3 (Error), medium 4 (Warning), low 5
  (Notice), info 6 (Informational). The facility defaults to 10 (authpriv, "security/authorization
  messages"), which syslog daemons route to files only root reads; any 0-23 can be chosen (local4 = 20).
- TIMESTAMP is the alert's last event time in UTC with milliseconds; MSGID the rule id, reduced to
  printable ASCII and cut to 32 characters (the full id is in the structured data).
- SD-ID ``cloudward@32473``: RFC 5424 private SD-IDs are ``name@<IANA enterprise number>``; cloudward has
  no registered number, so it uses 32473, the number RFC 5612 reserves for documentation.
  Parameters: uid, rule, severity, principal, account, region, techniques and tactics (comma
  separated), eventCount and eventIDs (space separated); values escape ``"``, ``\\`` and ``]``.
- MSG is the Detection Finding as JSON after a UTF-8 BOM.

Size: a message longer than ``max_bytes`` (8192 by default over UDP, the size rsyslog accepts by
default; RFC 5426 only guarantees 480 to 2048 octets, so lower it for strict receivers) keeps its
header and structured data and replaces the JSON by a one-line text summary; if the event ids still do
not fit, as many as fit are kept and ``eventIDsTruncated="true"`` says so (``eventCount`` is always
exact, and the full list stays in the file/webhook sinks); the text is cut last, on a character
boundary.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC
from typing import Any

import orjson

from cloudward.checks.model import Severity
from cloudward.detect.alert import Alert

FACILITY_AUTHPRIV = 10
FACILITY_LOCAL4 = 20
SD_ID = "cloudward@32473"
APP_NAME = "cloudward"
BOM = b"\xef\xbb\xbf"
SYSLOG_SEVERITY = {
    Severity.CRITICAL: 2,
    Severity.HIGH: 3,
    Severity.MEDIUM: 4,
    Severity.LOW: 5,
    Severity.INFO: 6,
}
"""cloudward severity -> RFC 5424 severity code."""


def escape_param(value: str) -> str:
    """An SD PARAM-VALUE with ``\\``, ``"`` and ``]`` escaped (RFC 5424 section 6.3.3)."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("]", "\\]")


def _printable(value: str, limit: int) -> str:
    """Header fields are PRINTUSASCII (33-126), never empty ("-" is the nil value)."""
    kept = "".join(char for char in value if 33 <= ord(char) <= 126)[:limit]
    return kept or "-"


def _cut_utf8(data: bytes, limit: int) -> bytes:
    """At most ``limit`` bytes of UTF-8 text, never splitting a character."""
    if len(data) <= limit:
        return data
    return data[: max(limit, 0)].decode("utf-8", errors="ignore").encode()


@dataclass(frozen=True)
class SyslogFormat:
    """How alerts become RFC 5424 messages.

    Attributes:
        facility: the syslog facility, 0-23 (default 10, authpriv).
        hostname: the HOSTNAME field (reduced to printable ASCII, at most 255 characters).
        max_bytes: the longest message produced (see the module docstring for what gives way).
        procid: the PROCID field; the current process id when None.
    """

    facility: int = FACILITY_AUTHPRIV
    hostname: str = "-"
    max_bytes: int = 8192
    procid: str | None = None

    def __post_init__(self) -> None:
        """Reject a facility outside 0-23 and a limit too small for any header."""
        if not 0 <= self.facility <= 23:
            raise ValueError(f"syslog facility must be 0-23, not {self.facility}")
        if self.max_bytes < 480:
            raise ValueError("syslog max_bytes must be at least 480 (RFC 5426's minimum)")

    def header(self, alert: Alert) -> bytes:
        """``<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID`` (no trailing space)."""
        pri = self.facility * 8 + SYSLOG_SEVERITY[alert.severity]
        timestamp = alert.last_seen.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        procid = self.procid if self.procid is not None else str(os.getpid())
        fields = (
            f"<{pri}>1",
            timestamp,
            _printable(self.hostname, 255),
            APP_NAME,
            _printable(procid, 128),
            _printable(alert.rule_id, 32),
        )
        return " ".join(fields).encode()

    def structured_data(self, alert: Alert, event_ids: tuple[str, ...] | None = None) -> bytes:
        """The ``[cloudward@32473 ...]`` element; ``event_ids`` (a prefix) marks the list as truncated."""
        params = [
            ("uid", alert.uid),
            ("rule", alert.rule_id),
            ("severity", alert.severity.value),
            ("principal", alert.principal),
            ("account", alert.account_id),
            ("region", alert.region),
            ("techniques", ",".join(alert.techniques)),
            ("tactics", ",".join(alert.tactics)),
            ("eventCount", str(len(alert.event_ids))),
            ("eventIDs", " ".join(alert.event_ids if event_ids is None else event_ids)),
        ]
        if event_ids is not None:
            params.append(("eventIDsTruncated", "true"))
        body = " ".join(f'{name}="{escape_param(value)}"' for name, value in params)
        return f"[{SD_ID} {body}]".encode()

    def message(self, alert: Alert, finding: dict[str, Any]) -> bytes:
        """The whole message for one alert and its OCSF Detection Finding, at most ``max_bytes`` long."""
        head = self.header(alert) + b" "
        sd = self.structured_data(alert)
        full = head + sd + b" " + BOM + orjson.dumps(finding, option=orjson.OPT_SORT_KEYS)
        if len(full) <= self.max_bytes:
            return full
        if len(head) + len(sd) > self.max_bytes:
            sd = self._fitting_sd(alert, self.max_bytes - len(head))
        room = self.max_bytes - len(head) - len(sd) - 1 - len(BOM)
        summary = _cut_utf8(f"{alert.title}: {alert.description}".encode(), room)
        return head + sd + (b" " + BOM + summary if summary else b"")

    def _fitting_sd(self, alert: Alert, room: int) -> bytes:
        """The structured data with the longest prefix of event ids that fits in ``room`` bytes.

        When not even the other parameters fit (a huge principal), only uid, severity and the count remain;
        failing that, the nil value ``-``.
        """
        low, high = 0, len(alert.event_ids)
        while low < high:
            middle = (low + high + 1) // 2
            if len(self.structured_data(alert, alert.event_ids[:middle])) <= room:
                low = middle
            else:
                high = middle - 1
        sd = self.structured_data(alert, alert.event_ids[:low])
        if len(sd) <= room:
            return sd
        minimal = (
            f'[{SD_ID} uid="{alert.uid}" severity="{alert.severity.value}" '
            f'eventCount="{len(alert.event_ids)}" eventIDsTruncated="true"]'
        ).encode()
        return minimal if len(minimal) <= room else b"-"
