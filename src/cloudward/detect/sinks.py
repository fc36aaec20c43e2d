"""Where alerts go: a file, stdout, syslog (RFC 5424 over UDP or TCP) or an HTTP webhook (JSON or Slack).

A sink's ``send`` either delivers every alert it is given or raises: :class:`SinkError` when it knows
how many it delivered before failing, anything else otherwise. Sinks do not retry and do not spool;
:class:`cloudward.detect.dispatch.Dispatcher` does both, so an alert is never lost when a sink is down.

Delivery is at-least-once: an alert may arrive twice (a crash after a send but before the spool
records it, or a receiver that accepted a request and then failed), never zero times while it sits in
the spool. Consumers de-duplicate on ``finding_info.uid`` (stable across runs).
"""

from __future__ import annotations

import hashlib
import os
import socket
import sys
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Literal, Protocol
from urllib.parse import urlsplit

import orjson

from cloudward import __version__
from cloudward.detect.alert import Alert
from cloudward.detect.ocsf import dumps_alert, to_detection_finding
from cloudward.detect.syslog import FACILITY_AUTHPRIV, SyslogFormat

__all__ = [
    "FileSink",
    "Sink",
    "SinkError",
    "StdoutSink",
    "SyslogSink",
    "WebhookSink",
    "fsync_directory",
    "slack_body",
]


class Sink(Protocol):
    """A destination for alerts."""

    @property
    def name(self) -> str:
        """A stable name for reports and the spool file; it never contains a secret (webhook tokens)."""
        ...

    def send(self, alerts: Sequence[Alert]) -> None:
        """Deliver every alert, in order, or raise (preferably :class:`SinkError`)."""
        ...


class SinkError(Exception):
    """A failed delivery.

    Attributes:
        delivered: how many of the alerts passed to ``send`` were delivered before the failure (a prefix).
        retryable: False when trying again cannot help (an HTTP 400, a refused redirect).
    """

    def __init__(self, message: str, *, delivered: int = 0, retryable: bool = True) -> None:
        """Describe the failure; ``message`` must not contain secrets (no webhook URL, no headers)."""
        super().__init__(message)
        self.delivered = delivered
        self.retryable = retryable


UDP_MAX_PAYLOAD = 65507
"""The largest UDP payload over IPv4."""


def _jsonl(alerts: Sequence[Alert]) -> str:
    return "".join(f"{dumps_alert(alert)}\n" for alert in alerts)


class FileSink:
    """Appends OCSF Detection Findings as JSON Lines to a file, flushed and fsynced on every send."""

    def __init__(self, path: Path | str) -> None:
        """Write to ``path`` (created if missing; its directory must exist)."""
        self.path = Path(path)
        self.name = f"file:{self.path.resolve()}"

    def send(self, alerts: Sequence[Alert]) -> None:
        """Append one line per alert and fsync (and fsync the directory when the file is new)."""
        if not alerts:
            return
        created = not self.path.exists()
        with self.path.open("a", encoding="utf-8") as out:
            out.write(_jsonl(alerts))
            out.flush()
            os.fsync(out.fileno())
        if created:
            fsync_directory(self.path.parent)


def fsync_directory(directory: Path) -> None:
    """Make a file's creation, rename or removal durable (POSIX); a no-op where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class StdoutSink:
    """Writes OCSF Detection Findings as JSON Lines to standard output (or a given text stream)."""

    name = "stdout"

    def __init__(self, stream: IO[str] | None = None) -> None:
        """Write to ``stream``; by default to ``sys.stdout`` as it is when ``send`` runs."""
        self._stream = stream

    def send(self, alerts: Sequence[Alert]) -> None:
        """Write one line per alert and flush."""
        stream = self._stream if self._stream is not None else sys.stdout
        stream.write(_jsonl(alerts))
        stream.flush()


class SyslogSink:
    """RFC 5424 syslog over UDP (RFC 5426, one message per datagram) or TCP (RFC 6587 octet counting).

    Each alert is one message: PRI from the alert's severity and the facility (default authpriv, 10:
    security messages that syslog daemons route to restricted files), APP-NAME ``cloudward``, MSGID the
    rule id, structured data ``[cloudward@32473 ...]`` with rule, severity, principal, techniques and the
    CloudTrail event ids, and MSG the OCSF Detection Finding as UTF-8 JSON (with a BOM). See
    :class:`cloudward.detect.syslog.SyslogFormat` for the size limits.

    Plain syslog has no acknowledgement: a UDP datagram or a TCP segment the receiver drops is not seen
    here. TCP at least fails loudly when the receiver is down or resets the connection.
    """

    def __init__(
        self,
        host: str,
        port: int = 514,
        protocol: Literal["udp", "tcp"] = "udp",
        *,
        facility: int = FACILITY_AUTHPRIV,
        hostname: str | None = None,
        max_bytes: int | None = None,
        timeout: float = 10.0,
    ) -> None:
        """Send to ``host:port``; ``max_bytes`` defaults to 8192 for UDP and 65536 for TCP."""
        if protocol not in ("udp", "tcp"):
            raise ValueError(f"syslog protocol must be udp or tcp, not {protocol!r}")
        if protocol == "udp" and max_bytes is not None and max_bytes > UDP_MAX_PAYLOAD:
            raise ValueError(f"syslog over UDP: max_bytes cannot exceed {UDP_MAX_PAYLOAD} (one datagram)")
        self.host, self.port, self.protocol, self.timeout = host, port, protocol, timeout
        default_max = 8192 if protocol == "udp" else 65536
        self.format = SyslogFormat(
            facility=facility,
            hostname=hostname if hostname is not None else socket.gethostname(),
            max_bytes=max_bytes if max_bytes is not None else default_max,
        )
        self.name = f"syslog+{protocol}://{host}:{port}"

    def send(self, alerts: Sequence[Alert]) -> None:
        """Send one message per alert; raise :class:`SinkError` naming how many went out."""
        messages = [self.format.message(alert, to_detection_finding(alert)) for alert in alerts]
        if not messages:
            return
        if self.protocol == "udp":
            self._send_udp(messages)
        else:
            self._send_tcp(messages)

    def _send_udp(self, messages: list[bytes]) -> None:
        sent = 0
        try:
            family, kind, proto, _, address = socket.getaddrinfo(self.host, self.port, type=socket.SOCK_DGRAM)[0]
            with socket.socket(family, kind, proto) as sock:
                sock.settimeout(self.timeout)
                for message in messages:
                    sock.sendto(message, address)
                    sent += 1
        except OSError as error:
            raise SinkError(f"syslog UDP to {self.host}:{self.port}: {error}", delivered=sent) from error

    def _send_tcp(self, messages: list[bytes]) -> None:
        sent = 0
        try:
            with socket.create_connection((self.host, self.port), timeout=self.timeout) as sock:
                for message in messages:
                    sock.sendall(b"%d %b" % (len(message), message))
                    sent += 1
                sock.shutdown(socket.SHUT_WR)
        except OSError as error:
            raise SinkError(f"syslog TCP to {self.host}:{self.port}: {error}", delivered=sent) from error


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirected POST would be replayed as a GET without the alert: refuse it (the 3xx is an error)."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_SLACK_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def _mrkdwn(text: str, limit: int) -> str:
    escaped = text.translate(_SLACK_ESCAPES)
    return escaped if len(escaped) <= limit else escaped[: limit - 1] + "…"


def slack_body(alert: Alert) -> dict[str, object]:
    """A Slack message (``text`` fallback plus Block Kit ``blocks``) summarising one alert.

    It names the rule, severity, principal, ATT&CK techniques, time span and event count; the full list
    of CloudTrail event ids is in the JSON format and the other sinks.
    """
    severity = alert.severity.value.upper()
    first = alert.first_seen.isoformat().replace("+00:00", "Z")
    last = alert.last_seen.isoformat().replace("+00:00", "Z")
    when = first if first == last else f"{first} to {last}"
    techniques = ", ".join(alert.techniques) or "none"

    def field(label: str, value: str) -> dict[str, str]:
        return {"type": "mrkdwn", "text": f"*{label}*\n{_mrkdwn(value, 1900)}"}

    blocks: list[dict[str, object]] = [
        {"type": "header", "text": {"type": "plain_text", "text": _mrkdwn(f"[{severity}] {alert.title}", 150)}},
        {"type": "section", "text": {"type": "mrkdwn", "text": _mrkdwn(alert.description or alert.title, 2900)}},
        {
            "type": "section",
            "fields": [
                field("Rule", alert.rule_id),
                field("Severity", severity),
                field("Principal", alert.principal),
                field("ATT&CK", techniques),
                field("Time", when),
                field("Events", str(len(alert.event_ids))),
                field("Account / region", f"{alert.account_id} / {alert.region}"),
            ],
        },
    ]
    if alert.posture:
        lines = [f"• {link.resource_arn}: `{link.check_id}` {link.status}: {link.reason}" for link in alert.posture]
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": _mrkdwn("\n".join(lines), 2900)}})
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": f"cloudward alert {alert.uid}"}]})
    text = f"[{severity}] {alert.title} by {alert.principal} ({techniques}, {len(alert.event_ids)} events)"
    return {"text": _mrkdwn(text, 3000), "blocks": blocks}


class WebhookSink:
    """POSTs each alert as JSON to an http(s) URL: the OCSF Detection Finding, or a Slack message.

    A 2xx answer is a delivery. 5xx, 408, 429, timeouts and connection errors are retryable failures;
    other 4xx and redirects are not (a redirected POST is refused rather than replayed as a GET). The
    URL and headers (which may hold tokens) never appear in the sink's name or its errors.
    """

    def __init__(
        self,
        url: str,
        format: Literal["json", "slack"] = "json",
        headers: Mapping[str, str] | None = None,
        *,
        timeout: float = 10.0,
    ) -> None:
        """POST to ``url`` (http or https only) with extra ``headers`` and a per-request ``timeout``."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("webhook URL must be an http:// or https:// URL with a host")
        if format not in ("json", "slack"):
            raise ValueError(f"webhook format must be json or slack, not {format!r}")
        self._url, self.format, self.timeout = url, format, timeout
        self._headers = {
            "Content-Type": "application/json",
            "User-Agent": f"cloudward/{__version__}",
            **(headers or {}),
        }
        self._opener = urllib.request.build_opener(_NoRedirects)
        port = f":{parts.port}" if parts.port else ""
        digest = hashlib.sha256(url.encode()).hexdigest()[:8]
        self.name = f"webhook+{format}:{parts.scheme}://{parts.hostname}{port}/#{digest}"

    def body(self, alert: Alert) -> bytes:
        """The request body for one alert."""
        payload = slack_body(alert) if self.format == "slack" else to_detection_finding(alert)
        return orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)

    def send(self, alerts: Sequence[Alert]) -> None:
        """POST the alerts one by one, in order; stop at the first failure."""
        for delivered, alert in enumerate(alerts):
            request = urllib.request.Request(self._url, data=self.body(alert), headers=self._headers, method="POST")
            try:
                with self._opener.open(request, timeout=self.timeout) as response:
                    response.read(65536)
            except urllib.error.HTTPError as error:
                status = error.code
                error.close()
                retryable = status >= 500 or status in (408, 429)
                raise SinkError(f"{self.name}: HTTP {status}", delivered=delivered, retryable=retryable) from None
            except (urllib.error.URLError, OSError) as error:
                reason = error.reason if isinstance(error, urllib.error.URLError) else error
                raise SinkError(f"{self.name}: {reason}", delivered=delivered) from None
