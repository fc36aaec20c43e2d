"""Run moto's server in this process, on 127.0.0.1 and a free (or given) port."""

from __future__ import annotations

import logging
from types import TracebackType
from typing import Any

from cloudward.providers.aws.clients import StaticCredentials

LAB_ACCOUNT_ID = "123456789012"
LAB_CREDENTIALS = StaticCredentials("AKIALABLABLABLAB0000", "lab-secret-not-a-real-key")
LAB_HOST = "127.0.0.1"


class LabServer:
    """moto in server mode, reached over real HTTP by real botocore. Use as a context manager."""

    def __init__(self, port: int = 0) -> None:
        self._requested_port = port
        self._server: Any = None
        self._endpoint: str | None = None

    @property
    def endpoint_url(self) -> str:
        """``http://127.0.0.1:PORT`` once started."""
        if self._endpoint is None:
            raise RuntimeError("the lab server is not running")
        return self._endpoint

    def start(self) -> str:
        """Start the emulator and return its endpoint URL."""
        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        server = ThreadedMotoServer(ip_address=LAB_HOST, port=self._requested_port, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        self._server = server
        self._endpoint = f"http://{host}:{port}"
        return self._endpoint

    def stop(self) -> None:
        """Stop the emulator (its state is lost)."""
        if self._server is not None:
            self._server.stop()
            self._server = None
            self._endpoint = None

    def __enter__(self) -> LabServer:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
