"""Sinks named on the command line: ``stdout``, ``file:PATH``, ``syslog+udp://HOST:PORT``,
``syslog+tcp://HOST:PORT``, ``webhook+https://...`` (JSON body) and ``slack+https://...`` (Slack body).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from cloudward.core.errors import CloudwardError
from cloudward.detect.sinks import FileSink, Sink, StdoutSink, SyslogSink, WebhookSink

SINK_HELP = (
    "stdout, file:PATH, syslog+udp://HOST:PORT, syslog+tcp://HOST:PORT, "
    "webhook+https://URL (JSON body) or slack+https://URL (Slack-compatible body)"
)
DEFAULT_SYSLOG_PORT = 514


class SinkSpecError(CloudwardError):
    """A --sink value that names no known sink."""


def sink_from_spec(spec: str) -> Sink:
    """The sink a command-line value names (the value may hold a webhook token: it is never echoed back)."""
    if spec == "stdout":
        return StdoutSink()
    if spec.startswith("file:"):
        path = spec.removeprefix("file:")
        if not path:
            raise SinkSpecError("file sink needs a path: file:PATH")
        return FileSink(Path(path))
    scheme, _, rest = spec.partition("://")
    kind, _, transport = scheme.partition("+")
    if kind == "syslog":
        if transport not in ("", "udp", "tcp"):
            raise SinkSpecError(f"syslog transport must be udp or tcp, not {transport!r}")
        location = urlsplit(f"//{rest}")
        if not location.hostname:
            raise SinkSpecError("syslog sink needs a host: syslog+udp://HOST:PORT")
        port = location.port or DEFAULT_SYSLOG_PORT
        return SyslogSink(location.hostname, port, "tcp") if transport == "tcp" else SyslogSink(location.hostname, port)
    if kind in ("webhook", "slack") and transport in ("http", "https"):
        return WebhookSink(f"{transport}://{rest}", "slack" if kind == "slack" else "json")
    shown = spec.split("://", 1)[0] + "://..." if "://" in spec else spec
    raise SinkSpecError(f"unknown sink {shown!r}: expected {SINK_HELP}")
