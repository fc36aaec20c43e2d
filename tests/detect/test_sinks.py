"""Sinks against real listeners on 127.0.0.1: syslog over UDP and TCP, HTTP webhooks, files and stdout.

Every server binds 127.0.0.1 on port 0 and is shut down by its fixture. What a listener receives is
parsed here independently of the code under test: RFC 5424 (PRI, header, structured data with its
escapes, BOM + MSG) and RFC 6587 octet counting. The Dispatcher tests at the end go over HTTP too:
retries against a server that fails first, and spooling while a server is down, then delivery on the
next run once it is up. Waits are injected (no real sleeps).
"""

from __future__ import annotations

import http.server
import io
import json
import os
import re
import socket
import socketserver
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from cloudward.checks.model import Severity
from cloudward.detect.alert import Alert, PostureLink
from cloudward.detect.dispatch import Dispatcher
from cloudward.detect.ocsf import to_detection_finding
from cloudward.detect.sinks import FileSink, SinkError, StdoutSink, SyslogSink, WebhookSink, slack_body
from cloudward.detect.syslog import SyslogFormat, escape_param

START = datetime(2026, 11, 1, 10, 0, tzinfo=UTC)
BOM = b"\xef\xbb\xbf"


def make_alert(number: int = 0, **changes: Any) -> Alert:
    """A distinct high-severity alert (its uid depends on ``number``)."""
    alert = Alert(
        rule_id="cloudward.cloudtrail_stopped",
        title="CloudTrail logging stopped",
        severity=Severity.HIGH,
        techniques=("T1562.008",),
        tactics=("defense-evasion",),
        principal="arn:aws:iam::123456789012:user/mallory",
        account_id="123456789012",
        region="us-east-1",
        first_seen=START + timedelta(minutes=number),
        last_seen=START + timedelta(minutes=number, seconds=30),
        event_ids=(f"ev-{number}-a", f"ev-{number}-b"),
        description=f"mallory called StopLogging on trail main ({number}).",
        source="builtin",
        resources=("arn:aws:cloudtrail:us-east-1:123456789012:trail/main",),
        posture=(PostureLink("cloudtrail_trail_logging", "arn:aws:s3:::acme-web", "FAIL", "IsLogging=false"),),
    )
    return replace(alert, **changes)


# --- an RFC 5424 / RFC 6587 parser, written from the RFCs, independent of cloudward.detect.syslog ----------

_HEADER = re.compile(rb"<(\d{1,3})>(\d) (\S+) (\S+) (\S+) (\S+) (\S+) ")
_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?(Z|[+-]\d\d:\d\d)$")


@dataclass
class SyslogMessage:
    """One parsed RFC 5424 message."""

    pri: int
    version: int
    timestamp: str
    hostname: str
    app_name: str
    procid: str
    msgid: str
    sd: dict[str, dict[str, str]] = field(default_factory=dict)
    msg: bytes = b""


def _sd_name(data: bytes, position: int, stops: bytes) -> tuple[str, int]:
    start = position
    while data[position] not in stops:
        assert 33 <= data[position] <= 126 and data[position] not in b'="]', f"bad SD-NAME byte at {position}"
        position += 1
    assert 1 <= position - start <= 32, "SD-NAME must be 1-32 characters"
    return data[start:position].decode("ascii"), position


def _param_value(data: bytes, position: int) -> tuple[str, int]:
    assert data[position : position + 1] == b'"'
    position += 1
    out = bytearray()
    while True:
        byte = data[position]
        if byte == ord("\\") and data[position + 1] in b'"\\]':
            out.append(data[position + 1])
            position += 2
        elif byte == ord('"'):
            return out.decode("utf-8"), position + 1
        else:
            assert byte != ord("]"), "an unescaped ] inside PARAM-VALUE"
            out.append(byte)
            position += 1


def parse_rfc5424(data: bytes) -> SyslogMessage:
    """Parse one message; assertion errors name what is malformed."""
    header = _HEADER.match(data)
    assert header, f"bad header: {data[:80]!r}"
    pri, version, timestamp, hostname, app_name, procid, msgid = (part.decode("ascii") for part in header.groups())
    message = SyslogMessage(int(pri), int(version), timestamp, hostname, app_name, procid, msgid)
    position = header.end()
    if data[position : position + 1] == b"-":
        position += 1
    else:
        while data[position : position + 1] == b"[":
            sd_id, position = _sd_name(data, position + 1, b" ]")
            params: dict[str, str] = {}
            while data[position : position + 1] == b" ":
                name, position = _sd_name(data, position + 1, b"=")
                params[name], position = _param_value(data, position + 1)
            assert data[position : position + 1] == b"]", "SD-ELEMENT not closed"
            message.sd[sd_id] = params
            position += 1
    if position < len(data):
        assert data[position : position + 1] == b" "
        message.msg = data[position + 1 :]
    return message


def parse_octet_counted(stream: bytes) -> list[bytes]:
    """Split an RFC 6587 octet-counting stream (``MSG-LEN SP SYSLOG-MSG``...) exactly."""
    frames = []
    position = 0
    while position < len(stream):
        space = stream.index(b" ", position)
        length_text = stream[position:space]
        assert re.fullmatch(rb"[1-9]\d*", length_text), f"bad MSG-LEN {length_text!r}"
        end = space + 1 + int(length_text)
        assert end <= len(stream), "frame longer than the stream"
        frames.append(stream[space + 1 : end])
        position = end
    return frames


# --- listeners -----------------------------------------------------------------------------------------


@pytest.fixture
def udp_listener() -> Iterator[socket.socket]:
    """A UDP socket bound to 127.0.0.1 (datagrams queue until the test reads them)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        sock.bind(("127.0.0.1", 0))
        sock.settimeout(5)
        yield sock


def _datagrams(sock: socket.socket, count: int) -> list[bytes]:
    return [sock.recvfrom(65535)[0] for _ in range(count)]


class _TCPCollector(socketserver.ThreadingTCPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _TCPHandler)
        self.streams: list[bytes] = []
        self.done = threading.Event()


class _TCPHandler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        chunks = []
        while chunk := self.request.recv(65536):
            chunks.append(chunk)
        server = self.server
        assert isinstance(server, _TCPCollector)
        server.streams.append(b"".join(chunks))
        server.done.set()


@pytest.fixture
def tcp_listener() -> Iterator[_TCPCollector]:
    """A threaded TCP server on 127.0.0.1 keeping each connection's bytes."""
    server = _TCPCollector()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


@dataclass
class HTTPState:
    """What a test HTTP server answers and what it received."""

    statuses: list[int] = field(default_factory=list)  # answered in order, then 200
    received: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)
    delivered: list[bytes] = field(default_factory=list)  # bodies answered with 2xx
    hold: threading.Event | None = None  # when set, requests wait for it (timeout test)


def _handler(state: HTTPState) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            state.received.append((self.path, dict(self.headers.items()), body))
            if state.hold is not None:
                state.hold.wait(5)
            status = state.statuses.pop(0) if state.statuses else 200
            if 200 <= status < 300:
                state.delivered.append(body)
            self.send_response(status)
            if 300 <= status < 400:
                self.send_header("Location", "/elsewhere")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


class HTTPListener:
    """http.server on 127.0.0.1 in a thread; ``port`` 0 picks a free one."""

    def __init__(self, state: HTTPState, port: int = 0) -> None:
        """Start serving."""
        self.state = state
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), _handler(state))
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def url(self, path: str = "/hook") -> str:
        """The URL of ``path`` on this server."""
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def close(self) -> None:
        """Stop serving and close the socket."""
        if self.state.hold is not None:
            self.state.hold.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture
def http_listener() -> Iterator[HTTPListener]:
    """An HTTP server recording POSTs (answers 200 unless told otherwise)."""
    listener = HTTPListener(HTTPState())
    yield listener
    listener.close()


def _closed_port() -> int:
    """A port on 127.0.0.1 with nothing listening (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


# --- syslog --------------------------------------------------------------------------------------------


def test_syslog_udp_message_is_rfc5424(udp_listener: socket.socket) -> None:
    port = udp_listener.getsockname()[1]
    alert = make_alert(principal='arn:aws:iam::123456789012:user/we"ird\\name]x')
    SyslogSink("127.0.0.1", port, "udp", hostname="sensor-1").send([alert])
    (datagram,) = _datagrams(udp_listener, 1)
    message = parse_rfc5424(datagram)
    assert (message.pri, message.version) == (10 * 8 + 3, 1)  # authpriv, severity 3 (Error) for high
    assert _TIMESTAMP.match(message.timestamp) and message.timestamp == "2026-11-01T10:00:30.000Z"
    assert (message.hostname, message.app_name, message.procid) == ("sensor-1", "cloudward", str(os.getpid()))
    assert message.msgid == "cloudward.cloudtrail_stopped"
    assert message.sd["cloudward@32473"] == {
        "uid": alert.uid,
        "rule": alert.rule_id,
        "severity": "high",
        "principal": alert.principal,  # ", \ and ] survived their escapes
        "account": "123456789012",
        "region": "us-east-1",
        "techniques": "T1562.008",
        "tactics": "defense-evasion",
        "eventCount": "2",
        "eventIDs": "ev-0-a ev-0-b",
    }
    assert message.msg.startswith(BOM)
    assert json.loads(message.msg[len(BOM) :]) == to_detection_finding(alert)


@pytest.mark.parametrize(
    ("severity", "code"),
    [(Severity.CRITICAL, 2), (Severity.HIGH, 3), (Severity.MEDIUM, 4), (Severity.LOW, 5), (Severity.INFO, 6)],
)
def test_syslog_pri_from_severity_and_facility(severity: Severity, code: int) -> None:
    data = SyslogFormat(facility=20, hostname="h").message(make_alert(severity=severity), {})
    assert parse_rfc5424(data).pri == 20 * 8 + code


def test_syslog_header_fields_are_printable_ascii_and_bounded() -> None:
    alert = make_alert(rule_id="7f1c0b3e-2a6d-4c59-9e27-5d3a1b8c4f60 extra")
    data = SyslogFormat(hostname="host name\twith spaces", procid="").message(alert, {"k": "v"})
    message = parse_rfc5424(data)
    assert message.msgid == "7f1c0b3e-2a6d-4c59-9e27-5d3a1b8c"  # 32 printable characters
    assert message.hostname == "hostnamewithspaces" and message.procid == "-"
    assert message.sd["cloudward@32473"]["rule"] == alert.rule_id  # the full id is in the structured data


def test_escape_param() -> None:
    assert escape_param('a"b\\c]d') == 'a\\"b\\\\c\\]d'


def test_syslog_format_rejects_bad_settings() -> None:
    with pytest.raises(ValueError, match="facility"):
        SyslogFormat(facility=24)
    with pytest.raises(ValueError, match="480"):
        SyslogFormat(max_bytes=100)
    with pytest.raises(ValueError, match="65507"):
        SyslogSink("127.0.0.1", 514, "udp", max_bytes=70000)
    with pytest.raises(ValueError, match="udp or tcp"):
        SyslogSink("127.0.0.1", 514, "tls")  # type: ignore[arg-type]


def test_udp_oversize_keeps_every_id_in_sd_and_summarises_msg(udp_listener: socket.socket) -> None:
    port = udp_listener.getsockname()[1]
    ids = tuple(f"{n:08x}-1111-4222-8333-444455556666" for n in range(30))
    alert = make_alert(event_ids=ids, description="Zugriff auf Bücher — 東京 " * 200)
    SyslogSink("127.0.0.1", port, "udp", hostname="h", max_bytes=2048).send([alert])
    (datagram,) = _datagrams(udp_listener, 1)
    assert len(datagram) <= 2048
    message = parse_rfc5424(datagram)
    params = message.sd["cloudward@32473"]
    assert params["eventIDs"].split() == list(ids) and "eventIDsTruncated" not in params
    assert message.msg.startswith(BOM + b"CloudTrail logging stopped: Zugriff")
    message.msg.decode("utf-8")  # cut on a character boundary


def test_udp_oversize_truncates_ids_only_when_they_cannot_fit(udp_listener: socket.socket) -> None:
    port = udp_listener.getsockname()[1]
    ids = tuple(f"{n:08x}-1111-4222-8333-444455556666" for n in range(400))
    SyslogSink("127.0.0.1", port, "udp", hostname="h", max_bytes=2048).send([make_alert(event_ids=ids)])
    (datagram,) = _datagrams(udp_listener, 1)
    assert len(datagram) <= 2048
    params = parse_rfc5424(datagram).sd["cloudward@32473"]
    kept = params["eventIDs"].split()
    assert params["eventCount"] == "400" and params["eventIDsTruncated"] == "true"
    assert 10 < len(kept) < 400 and kept == list(ids[: len(kept)])


def test_udp_sends_one_datagram_per_alert(udp_listener: socket.socket) -> None:
    port = udp_listener.getsockname()[1]
    alerts = [make_alert(n) for n in range(3)]
    SyslogSink("127.0.0.1", port, "udp", hostname="h").send(alerts)
    uids = [parse_rfc5424(data).sd["cloudward@32473"]["uid"] for data in _datagrams(udp_listener, 3)]
    assert uids == [alert.uid for alert in alerts]


def test_syslog_tcp_uses_octet_counting(tcp_listener: _TCPCollector) -> None:
    port = tcp_listener.server_address[1]
    alerts = [make_alert(0, description="naïve — 東京"), make_alert(1)]
    SyslogSink("127.0.0.1", port, "tcp", hostname="h").send(alerts)
    assert tcp_listener.done.wait(5)
    (stream,) = tcp_listener.streams
    frames = parse_octet_counted(stream)
    assert len(frames) == 2
    for frame, alert in zip(frames, alerts, strict=True):
        message = parse_rfc5424(frame)
        assert json.loads(message.msg[len(BOM) :])["finding_info"]["uid"] == alert.uid


def test_syslog_tcp_down_raises_with_nothing_delivered() -> None:
    sink = SyslogSink("127.0.0.1", _closed_port(), "tcp", timeout=2)
    with pytest.raises(SinkError) as raised:
        sink.send([make_alert()])
    assert raised.value.delivered == 0 and raised.value.retryable


# --- files and stdout ----------------------------------------------------------------------------------


def test_file_sink_appends_json_lines(tmp_path: Path) -> None:
    path = tmp_path / "alerts.jsonl"
    sink = FileSink(path)
    sink.send([make_alert(0)])
    sink.send([make_alert(1), make_alert(2)])
    lines = path.read_text().splitlines()
    assert [json.loads(line)["finding_info"]["uid"] for line in lines] == [make_alert(n).uid for n in range(3)]
    assert sink.name == f"file:{path.resolve()}"


def test_file_sink_in_a_missing_directory_raises(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        FileSink(tmp_path / "missing" / "alerts.jsonl").send([make_alert()])


def test_stdout_sink(capsys: pytest.CaptureFixture[str]) -> None:
    StdoutSink().send([make_alert(0), make_alert(1)])
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(line)["class_uid"] for line in lines] == [2004, 2004]
    stream = io.StringIO()
    StdoutSink(stream).send([make_alert(3)])
    assert json.loads(stream.getvalue())["finding_info"]["uid"] == make_alert(3).uid


# --- webhooks ------------------------------------------------------------------------------------------


def test_webhook_json_posts_each_detection_finding(http_listener: HTTPListener) -> None:
    sink = WebhookSink(http_listener.url("/hook/T0KEN"), "json", {"Authorization": "Bearer s3cret"})
    sink.send([make_alert(0), make_alert(1)])
    received = http_listener.state.received
    assert [path for path, _, _ in received] == ["/hook/T0KEN", "/hook/T0KEN"]
    assert [json.loads(body) for _, _, body in received] == [to_detection_finding(make_alert(n)) for n in range(2)]
    headers = received[0][1]
    assert headers["Authorization"] == "Bearer s3cret" and headers["Content-Type"] == "application/json"
    assert "T0KEN" not in sink.name and "s3cret" not in sink.name


def test_webhook_slack_body(http_listener: HTTPListener) -> None:
    alert = make_alert(description="<script> & friends")
    WebhookSink(http_listener.url(), "slack").send([alert])
    body = json.loads(http_listener.state.received[0][2])
    assert body == slack_body(alert)
    assert "HIGH" in body["text"] and "T1562.008" in body["text"] and "2 events" in body["text"]
    assert body["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "[HIGH] CloudTrail logging stopped"},
    }
    assert body["blocks"][1]["text"]["text"] == "&lt;script&gt; &amp; friends"
    fields = {item["text"].split("\n", 1)[0]: item["text"].split("\n", 1)[1] for item in body["blocks"][2]["fields"]}
    assert fields["*Rule*"] == alert.rule_id and fields["*Principal*"] == alert.principal
    assert fields["*ATT&CK*"] == "T1562.008" and fields["*Events*"] == "2"
    assert fields["*Time*"] == "2026-11-01T10:00:00Z to 2026-11-01T10:00:30Z"
    assert "cloudtrail_trail_logging" in body["blocks"][3]["text"]["text"]


@pytest.mark.parametrize("url", ["ftp://example.com/x", "file:///etc/passwd", "http://", "hooks.slack.com/x"])
def test_webhook_only_http_urls(url: str) -> None:
    with pytest.raises(ValueError, match="http"):
        WebhookSink(url)


def test_webhook_errors_say_how_many_went_through(http_listener: HTTPListener) -> None:
    http_listener.state.statuses[:] = [200, 500]
    with pytest.raises(SinkError) as raised:
        WebhookSink(http_listener.url("/T0KEN")).send([make_alert(0), make_alert(1), make_alert(2)])
    assert (raised.value.delivered, raised.value.retryable) == (1, True)
    assert "HTTP 500" in str(raised.value) and "T0KEN" not in str(raised.value)
    assert len(http_listener.state.received) == 2  # it stopped at the failure


def test_webhook_timeout(http_listener: HTTPListener) -> None:
    http_listener.state.hold = threading.Event()
    with pytest.raises(SinkError) as raised:
        WebhookSink(http_listener.url(), timeout=0.2).send([make_alert()])
    assert raised.value.retryable and raised.value.delivered == 0


# --- the dispatcher over HTTP: retries, spooling while down, delivery when back up --------------------------


def test_dispatcher_retries_a_server_that_fails_first(http_listener: HTTPListener, tmp_path: Path) -> None:
    http_listener.state.statuses[:] = [500, 503]
    sleeps: list[float] = []
    dispatcher = Dispatcher([WebhookSink(http_listener.url())], tmp_path / "spool", sleep=sleeps.append)
    (report,) = dispatcher.dispatch([make_alert(0), make_alert(1)])
    assert (report.delivered, report.spooled, report.attempts, report.ok) == (2, 0, 3, True)
    assert sleeps == [0.25, 0.5]
    assert report.last_error is not None and "HTTP 503" in report.last_error
    delivered = [json.loads(body)["finding_info"]["uid"] for body in http_listener.state.delivered]
    assert delivered == [make_alert(0).uid, make_alert(1).uid]
    assert not list((tmp_path / "spool").glob("*.jsonl"))  # nothing left spooled


def test_dispatcher_gives_up_after_retries_and_keeps_the_alerts(http_listener: HTTPListener, tmp_path: Path) -> None:
    http_listener.state.statuses[:] = [503] * 4
    sleeps: list[float] = []
    sink = WebhookSink(http_listener.url())
    (report,) = Dispatcher([sink], tmp_path, retries=3, sleep=sleeps.append).dispatch([make_alert(0), make_alert(1)])
    assert (report.delivered, report.spooled, report.attempts, report.ok) == (0, 2, 4, False)
    assert sleeps == [0.25, 0.5, 1.0] and report.last_error is not None and "503" in report.last_error
    (report,) = Dispatcher([sink], tmp_path, sleep=sleeps.append).dispatch([])
    assert (report.delivered, report.backlog, report.spooled) == (2, 2, 0)


@pytest.mark.parametrize(("status", "label"), [(400, "HTTP 400"), (302, "HTTP 302")])
def test_dispatcher_does_not_retry_what_cannot_succeed(
    http_listener: HTTPListener, tmp_path: Path, status: int, label: str
) -> None:
    http_listener.state.statuses[:] = [status]
    sleeps: list[float] = []
    (report,) = Dispatcher([WebhookSink(http_listener.url())], tmp_path, sleep=sleeps.append).dispatch([make_alert()])
    assert (report.attempts, report.spooled, sleeps) == (1, 1, [])
    assert report.last_error is not None and label in report.last_error
    assert len(http_listener.state.received) == 1  # the redirect was not followed


def test_server_down_then_up_delivers_the_backlog_first(tmp_path: Path) -> None:
    port = _closed_port()
    url = f"http://127.0.0.1:{port}/hook/T0KEN"
    spool = tmp_path / "spool"
    sleeps: list[float] = []
    first = [make_alert(0), make_alert(1)]
    (report,) = Dispatcher([WebhookSink(url)], spool, sleep=sleeps.append).dispatch(first)
    assert (report.delivered, report.spooled, report.attempts) == (0, 2, 4)
    assert report.last_error is not None and "T0KEN" not in report.last_error
    assert len(list(spool.glob("*.jsonl"))) == 1

    listener = HTTPListener(HTTPState(), port=port)  # the server comes up on the same port
    try:
        # A later run (a new Dispatcher, as after a restart) with one new alert.
        (report,) = Dispatcher([WebhookSink(url)], spool, sleep=sleeps.append).dispatch([make_alert(2)])
        assert (report.delivered, report.backlog, report.spooled, report.ok) == (3, 2, 0, True)
        uids = [json.loads(body)["finding_info"]["uid"] for body in listener.state.delivered]
        assert uids == [make_alert(n).uid for n in range(3)]
    finally:
        listener.close()
    assert not list(spool.glob("*.jsonl"))


def test_dispatcher_over_syslog_tcp_and_a_file(tcp_listener: _TCPCollector, tmp_path: Path) -> None:
    syslog = SyslogSink("127.0.0.1", tcp_listener.server_address[1], "tcp", hostname="h")
    file_sink = FileSink(tmp_path / "alerts.jsonl")
    reports = Dispatcher([syslog, file_sink], tmp_path / "spool").dispatch([make_alert(0), make_alert(1)])
    assert [(report.sink, report.delivered, report.ok) for report in reports] == [
        (syslog.name, 2, True),
        (file_sink.name, 2, True),
    ]
    assert tcp_listener.done.wait(5)
    assert len(parse_octet_counted(tcp_listener.streams[0])) == 2
    assert len((tmp_path / "alerts.jsonl").read_text().splitlines()) == 2
