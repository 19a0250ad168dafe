"""Run the simulator as a separate process (``python -m forumwatch.sim serve``) from tests.

A crawler in another process can then be tested against real sockets; the helper moves the
simulated clock through the control endpoint.
"""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import quote

from forumwatch.clock import as_utc
from forumwatch.sim.server import SimServerError


class SimProcess:
    """Start/stop ``python -m forumwatch.sim serve`` and talk to its control endpoint.

    Args:
        seed, size: the world to serve.
        hang_seconds: how long hanging outage responses are held.
        start: the initial simulated time (default: the monitoring start).
        timeout: seconds to wait for the process to listen.
    """

    def __init__(
        self,
        seed: int = 7,
        size: str | int = "small",
        hang_seconds: float = 5.0,
        start: datetime | None = None,
        timeout: float = 120.0,
    ) -> None:
        self.seed = seed
        self.size = size
        self.hang_seconds = hang_seconds
        self.start_at = start
        self.timeout = timeout
        self.info: dict[str, Any] = {}
        self._process: subprocess.Popen[bytes] | None = None
        self._directory: tempfile.TemporaryDirectory[str] | None = None

    def start(self) -> SimProcess:
        """Launch the process and wait until every site listens."""
        self._directory = tempfile.TemporaryDirectory(prefix="forumwatch-sim-")
        ports_file = Path(self._directory.name) / "ports.json"
        command = [
            sys.executable,
            "-m",
            "forumwatch.sim",
            "serve",
            "--seed",
            str(self.seed),
            "--size",
            str(self.size),
            "--ports-file",
            str(ports_file),
            "--hang-seconds",
            str(self.hang_seconds),
        ]
        if self.start_at is not None:
            command += ["--at", as_utc(self.start_at).isoformat()]
        self._process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + self.timeout
        while not ports_file.exists():
            if self._process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise SimServerError("the simulator process did not start")
            time.sleep(0.05)
        self.info = json.loads(ports_file.read_text("utf-8"))
        return self

    def stop(self) -> None:
        """Terminate the process (SIGTERM, then SIGKILL after 10 s)."""
        process = self._process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)
        self._process = None
        if self._directory is not None:
            self._directory.cleanup()
            self._directory = None

    def __enter__(self) -> SimProcess:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def site_names(self) -> list[str]:
        """Names of the served sites."""
        return list(self.info.get("sites", {}))

    def port_for(self, site: str) -> int:
        """The port on which ``site`` is served."""
        port: int = self.info["sites"][site]["port"]
        return port

    def base_url(self, site: str) -> str:
        """``http://127.0.0.1:PORT/`` of a site."""
        return f"http://127.0.0.1:{self.port_for(site)}/"

    def onion_host(self, site: str) -> str:
        """The site's onion host name."""
        host: str = self.info["sites"][site]["onion_host"]
        return host

    def _control(self, method: str, path: str) -> Any:
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port_for(self.site_names[0]), timeout=30
        )
        try:
            connection.request(method, path)
            response = connection.getresponse()
            payload = json.loads(response.read())
            if response.status != 200:
                raise SimServerError(f"control request {path} failed: {payload}")
            return payload
        finally:
            connection.close()

    def set_clock(self, when: datetime) -> datetime:
        """Move the simulated clock of the process; returns the new time."""
        payload = self._control("POST", "/_sim/clock?at=" + quote(as_utc(when).isoformat()))
        return datetime.fromisoformat(payload["now"])

    def now(self) -> datetime:
        """The process's simulated time."""
        return datetime.fromisoformat(self._control("GET", "/_sim/clock")["now"])

    def request_counts(self, site: str) -> dict[str, int]:
        """Requests received per target for a site."""
        counts: dict[str, int] = self._control("GET", "/_sim/stats")[site]
        return counts
