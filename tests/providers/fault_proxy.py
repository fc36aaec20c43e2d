"""A fault-injecting HTTP proxy on 127.0.0.1 between botocore and the lab emulator.

Requests that match a rule get a real AWS error response (the body and status AWS sends for that
protocol); every other request is forwarded unchanged to the lab. Rules match on the service and
region of the request's SigV4 credential scope and on the operation, so a test can throttle one API,
or make a whole region answer like a region that is not enabled for the account, while the collector
runs with real botocore over real HTTP. The proxy is injected as the client factory's endpoint URL;
nothing is patched.
"""

from __future__ import annotations

import http.client
import json
import re
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qs, urlsplit

ANY = "*"
_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/(?P<region>[^/]+)/(?P<service>[^/]+)/aws4_request")
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "server", "date"}


@dataclass(frozen=True, slots=True)
class AwsError:
    """An error as AWS returns it: HTTP status, error code, message."""

    status: int
    code: str
    message: str


ACCESS_DENIED = AwsError(403, "AccessDenied", "User is not authorized to perform this action")
THROTTLING = AwsError(400, "ThrottlingException", "Rate exceeded")
SLOW_DOWN = AwsError(503, "SlowDown", "Please reduce your request rate.")
# What an opt-in region that the account has not enabled answers (EC2 says AuthFailure, JSON services
# UnrecognizedClientException).
REGION_DISABLED_EC2 = AwsError(401, "AuthFailure", "AWS was not able to validate the provided access credentials")
REGION_DISABLED = AwsError(400, "UnrecognizedClientException", "The security token included in the request is invalid.")


@dataclass(frozen=True, slots=True)
class Rule:
    """Answer requests for this service, region and operation with ``error`` (``"*"`` matches any).

    ``operation`` is the API name (``GetKeyRotationStatus``) for JSON and query protocols; for S3's
    REST protocol it is ``"<METHOD> ?<subresource>"`` (``"GET ?publicAccessBlock"``). ``target``, when
    set, must occur in the request path or body (a bucket name, a key id).
    """

    service: str
    region: str
    operation: str
    error: AwsError
    target: str = ""

    def matches(self, service: str, region: str, operation: str, path: str, body: bytes) -> bool:
        if self.target and self.target not in path and self.target.encode() not in body:
            return False
        return all(
            want in (ANY, got)
            for want, got in ((self.service, service), (self.region, region), (self.operation, operation))
        )


def _operation(method: str, path: str, headers: dict[str, str], body: bytes) -> str:
    target = headers.get("x-amz-target")
    if target:
        return target.rsplit(".", 1)[-1]
    if body and headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        action = parse_qs(body.decode("utf-8", "replace")).get("Action")
        if action:
            return action[0]
    query = urlsplit(path).query
    subresource = query.split("&", 1)[0].split("=", 1)[0] if query else ""
    return f"{method} ?{subresource}" if subresource else method


def _error_response(service: str, json_protocol: bool, error: AwsError) -> tuple[str, bytes]:
    if json_protocol:
        body = json.dumps({"__type": error.code, "message": error.message}).encode()
        return "application/x-amz-json-1.1", body
    if service == "ec2":
        xml = (
            f"<Response><Errors><Error><Code>{error.code}</Code><Message>{error.message}</Message></Error>"
            "</Errors><RequestID>fault-proxy</RequestID></Response>"
        )
    elif service == "s3":
        xml = (
            f"<Error><Code>{error.code}</Code><Message>{error.message}</Message>"
            "<RequestId>fault-proxy</RequestId></Error>"
        )
    else:
        xml = (
            f"<ErrorResponse><Error><Type>Sender</Type><Code>{error.code}</Code><Message>{error.message}"
            "</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>"
        )
    return "text/xml", xml.encode()


class FaultProxy:
    """Forward to ``upstream`` except for requests matching a rule. Use as a context manager.

    ``answered`` counts the error responses sent per (service, region, operation), so a test can see
    that botocore retried.
    """

    def __init__(self, upstream: str, rules: list[Rule]) -> None:
        self._upstream = urlsplit(upstream)
        self._rules = rules
        self.answered: Counter[tuple[str, str, str]] = Counter()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        assert self._server is not None, "the proxy is not running"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                return None

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {key.lower(): value for key, value in self.headers.items()}
                scope = _SCOPE.search(headers.get("authorization", ""))
                service, region = (scope["service"], scope["region"]) if scope else ("", "")
                operation = _operation(self.command, self.path, headers, body)
                for rule in proxy._rules:
                    if rule.matches(service, region, operation, self.path, body):
                        with proxy._lock:
                            proxy.answered[(service, region, operation)] += 1
                        content_type, payload = _error_response(service, "x-amz-target" in headers, rule.error)
                        self._reply(rule.error.status, [("Content-Type", content_type)], payload)
                        return
                status, reply_headers, payload = proxy._forward(self.command, self.path, self.headers.items(), body)
                self._reply(status, reply_headers, payload)

            def _reply(self, status: int, headers: list[tuple[str, str]], payload: bytes) -> None:
                self.send_response(status)
                for key, value in headers:
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle  # noqa: N815

        return Handler

    def _forward(
        self, method: str, path: str, headers: Iterable[tuple[str, str]], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        connection = http.client.HTTPConnection(self._upstream.hostname or "127.0.0.1", self._upstream.port, timeout=30)
        try:
            forwarded = {key: value for key, value in headers if key.lower() not in _HOP_BY_HOP}
            connection.request(method, path, body=body or None, headers=forwarded)
            response = connection.getresponse()
            payload = response.read()
            kept = [(key, value) for key, value in response.getheaders() if key.lower() not in _HOP_BY_HOP]
            return response.status, kept, payload
        finally:
            connection.close()

    def start(self) -> str:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="fault-proxy", daemon=True)
        self._thread.start()
        return self.url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FaultProxy:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
