"""The injected client factory: one boto3 client per (service, region), adaptive retries, call hooks.

Clients are created on first use, never at import time, and shared by the collector's threads
(boto3 clients are thread-safe; their creation from one Session is not, hence the lock).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit

import boto3
from botocore.config import Config

from cloudward import __version__
from cloudward.core.errors import CloudwardError

CallHook = Callable[[str, str, str, Mapping[str, Any]], None]
"""Called before every API call with (service, region, operation name, parameters)."""

DEFAULT_REGION = "us-east-1"


READ_ONLY_PREFIXES = ("Get", "List", "Describe")
READ_ONLY_EXCEPTIONS = frozenset(
    {
        "GenerateCredentialReport",  # writes nothing but a report AWS keeps
        "LookupEvents",  # CloudTrail's event history: a read, though not named Get/List/Describe
    }
)


class MutatingCallRefusedError(CloudwardError):
    """A client made for scanning was asked to make a call that could change the account."""


def is_read_only(operation: str) -> bool:
    """True for the API operations a scan may make."""
    return operation.startswith(READ_ONLY_PREFIXES) or operation in READ_ONLY_EXCEPTIONS


def _refuse_mutating_call(model: Any, **_: Any) -> None:
    if not is_read_only(str(model.name)):
        raise MutatingCallRefusedError(f"refused {model.name}: cloudward scans are read-only")


class ClientFactory(Protocol):
    """What the collector needs: a client per service and region, and the home region."""

    @property
    def home_region(self) -> str:
        """The region for global services and account-level calls."""

    def client(self, service: str, region: str) -> Any:
        """A ready client for this service in this region."""


@dataclass(frozen=True, slots=True)
class StaticCredentials:
    """Explicit credentials (the lab's); otherwise the standard boto3 chain is used."""

    access_key_id: str
    secret_access_key: str = field(repr=False)
    session_token: str | None = field(default=None, repr=False)


class Boto3Clients:
    """Clients from one boto3 Session, with adaptive retries and an optional custom endpoint.

    By default every client refuses any call that is not a read (Get*, List*, Describe*,
    GenerateCredentialReport) before it is sent: a scan cannot change the account even through a bug.
    Only the lab seeder opts out (``read_only=False``).
    """

    def __init__(
        self,
        profile: str | None = None,
        region: str | None = None,
        endpoint_url: str | None = None,
        credentials: StaticCredentials | None = None,
        max_attempts: int = 8,
        max_pool_connections: int = 32,
        read_only: bool = True,
    ) -> None:
        kwargs: dict[str, Any] = {}
        if profile:
            kwargs["profile_name"] = profile
        if credentials is not None:
            kwargs.update(
                aws_access_key_id=credentials.access_key_id,
                aws_secret_access_key=credentials.secret_access_key,
                aws_session_token=credentials.session_token,
            )
        self._session = boto3.Session(**kwargs)
        self._home_region = region or self._session.region_name or DEFAULT_REGION
        self._endpoint_url = endpoint_url
        self._config = Config(
            # total attempts, the first one included (botocore's "max_attempts" would count retries only)
            retries={"mode": "adaptive", "total_max_attempts": max_attempts},
            max_pool_connections=max_pool_connections,
            connect_timeout=10,
            read_timeout=60,
            user_agent_extra=f"cloudward/{__version__}",
        )
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()
        self._hooks: list[CallHook] = []
        self._read_only = read_only

    @property
    def home_region(self) -> str:
        """The region for global services and account-level calls."""
        return self._home_region

    @property
    def endpoint_url(self) -> str | None:
        """The custom endpoint (an emulator), if any."""
        return self._endpoint_url

    def add_call_hook(self, hook: CallHook) -> None:
        """Observe every API call (used to count calls and to prove a scan is read-only)."""
        self._hooks.append(hook)

    def client(self, service: str, region: str) -> Any:
        """A ready client for this service in this region (created once, then reused)."""
        key = (service, region)
        with self._lock:
            existing = self._clients.get(key)
            if existing is not None:
                return existing
            created = self._session.client(
                service, region_name=region, endpoint_url=self._endpoint_url, config=self._config
            )
            if self._read_only:
                created.meta.events.register("before-call", _refuse_mutating_call)
            # before-parameter-build fires once per API call (not per retry) with the caller's parameters
            created.meta.events.register("before-parameter-build", self._make_call_observer(service, region))
            if self._endpoint_url and service == "s3control":
                created.meta.events.register("before-sign.s3-control.*", self._keep_endpoint_host)
            self._clients[key] = created
            return created

    def _make_call_observer(self, service: str, region: str) -> Callable[..., None]:
        def observe(model: Any, params: Mapping[str, Any], **_: Any) -> None:
            for hook in self._hooks:
                hook(service, region, str(model.name), params)

        return observe

    def _keep_endpoint_host(self, request: Any, **_: Any) -> None:
        """s3control prefixes the account id to the host; with a custom endpoint, undo that."""
        assert self._endpoint_url is not None
        endpoint = urlsplit(self._endpoint_url)
        url = urlsplit(request.url)
        request.url = urlunsplit((url.scheme, endpoint.netloc, url.path, url.query, url.fragment))
