"""A small HTTP/1.1 server (keep-alive, GET/HEAD) that serves the simulated sites on 127.0.0.1.

Each site listens on its own port and is also reachable by its onion host name in the ``Host``
header (a SOCKS stand-in maps onion names to these ports). What is visible, and whether a site is
in a planted outage, follows the shared :class:`~forumwatch.clock.SimulatedClock`. During an outage
each request fails deterministically (hash of the target and the simulated time): about 60% get a
503, 25% a connection reset, 15% hang for ``hang_seconds`` and are then closed without a response.

``POST /_sim/clock?at=ISO`` (any site port) moves the clock, ``GET /_sim/clock`` reads it and
``GET /_sim/stats`` returns the request counters; these control paths are not counted.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import json
import socket
import struct
import threading
from collections import Counter, OrderedDict
from collections.abc import Mapping
from datetime import datetime
from email.utils import formatdate
from types import TracebackType
from urllib.parse import parse_qsl, urlsplit

from forumwatch.clock import SimulatedClock, as_utc
from forumwatch.errors import ForumwatchError
from forumwatch.sim.ids import session_id, short_token
from forumwatch.sim.phpbb import PhpbbRenderer, apply_session, request_sid
from forumwatch.sim.world import World

_REASONS = {
    200: "OK",
    404: "Not Found",
    405: "Method Not Allowed",
    400: "Bad Request",
    503: "Service Unavailable",
}
_NOT_FOUND = (
    b"<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body>\n<h1>Not Found</h1>\n"
    b"<p>The requested URL was not found on this server.</p>\n</body></html>\n"
)
_UNAVAILABLE = (
    b"<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n"
    b"<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n"
    b"<hr><center>nginx</center>\r\n"
    b"</body>\r\n</html>\r\n"
)
_MAX_HEADER = 64 * 1024


class SimServerError(ForumwatchError):
    """The simulated server could not start."""


class _Site:
    def __init__(self, server: SimServer, name: str) -> None:
        self.name = name
        self.world_site = server.world.site(name)
        self.renderer = PhpbbRenderer(self.world_site)
        self.cookie = f"phpbb3_{short_token(server.world.config.seed, name, 5)}"
        self.port = 0
        self.cache: OrderedDict[tuple[str, int, str], tuple[int, str]] = OrderedDict()


class SimServer:
    """Serves every simulated site on its own 127.0.0.1 port from a background thread.

    Args:
        world: the simulated world.
        clock: the simulated clock shared with the caller.
        host: the address to listen on (loopback only).
        hang_seconds: how long a 'hanging' outage response holds the connection.
        ports: fixed ports per site name (default: ephemeral ports).
    """

    def __init__(
        self,
        world: World,
        clock: SimulatedClock,
        host: str = "127.0.0.1",
        hang_seconds: float = 5.0,
        ports: Mapping[str, int] | None = None,
    ) -> None:
        self.world = world
        self.clock = clock
        self.host = host
        self.hang_seconds = hang_seconds
        self._fixed_ports = dict(ports or {})
        self._sites = {name: _Site(self, name) for name in world.site_names}
        self._by_onion = {site.world_site.onion: site for site in self._sites.values()}
        self._counts: Counter[tuple[str, str]] = Counter()
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._servers: list[asyncio.base_events.Server] = []
        self._transports: set[asyncio.Transport] = set()
        self._ready = threading.Event()
        self._error: BaseException | None = None

    # ------------------------------------------------------------- lifecycle

    def start(self) -> SimServer:
        """Start listening (in a background thread); returns self once every port is bound."""
        if self._thread is not None:
            return self
        self._ready.clear()
        self._error = None
        self._thread = threading.Thread(target=self._run, name="forumwatch-sim-server", daemon=True)
        self._thread.start()
        self._ready.wait(30)
        if self._error is not None:
            raise SimServerError(
                f"the simulated server could not start: {self._error}"
            ) from self._error
        return self

    def stop(self) -> None:
        """Close every listener and connection and stop the background thread."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        self._thread = None
        self._loop = None

    def __enter__(self) -> SimServer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            for site in self._sites.values():
                server = loop.run_until_complete(
                    loop.create_server(
                        functools.partial(_HttpProtocol, self, site),
                        self.host,
                        self._fixed_ports.get(site.name, 0),
                        reuse_address=True,
                    )
                )
                site.port = server.sockets[0].getsockname()[1]
                self._servers.append(server)
        except OSError as error:
            self._error = error
            self._ready.set()
            loop.close()
            return
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            for server in self._servers:
                server.close()
            for transport in list(self._transports):
                transport.abort()
            loop.run_until_complete(asyncio.sleep(0))
            for task in asyncio.all_tasks(loop):
                task.cancel()
            loop.close()
            self._servers.clear()

    # ------------------------------------------------------------- queries

    @property
    def site_names(self) -> list[str]:
        """Names of the served sites."""
        return list(self._sites)

    def port_for(self, site: str) -> int:
        """The port on which ``site`` is served."""
        return self._sites[site].port

    def base_url(self, site: str) -> str:
        """``http://127.0.0.1:PORT/`` of a site."""
        return f"http://{self.host}:{self.port_for(site)}/"

    def onion_host(self, site: str) -> str:
        """The onion host name that also reaches ``site`` (in the Host header)."""
        return self._sites[site].world_site.onion

    def request_counts(self, site: str) -> dict[str, int]:
        """Requests received per target (path and query) for a site, control paths excluded."""
        with self._lock:
            return {target: count for (name, target), count in self._counts.items() if name == site}

    def request_count(self, site: str, path: str | None = None) -> int:
        """Requests received by a site in total, or for targets whose path is ``path``."""
        counts = self.request_counts(site)
        if path is None:
            return sum(counts.values())
        return sum(count for target, count in counts.items() if urlsplit(target).path == path)

    def reset_counts(self) -> None:
        """Forget every request counter."""
        with self._lock:
            self._counts.clear()

    def stats(self) -> dict[str, dict[str, int]]:
        """Request counters of every site (for ``GET /_sim/stats``)."""
        return {name: self.request_counts(name) for name in self._sites}

    # ------------------------------------------------------------- handling

    def site_for(self, host_header: str, default: _Site) -> _Site:
        """Route by Host header (onion names), else by the port the request arrived on."""
        name = host_header.rsplit(":", 1)[0].lower() if host_header else ""
        return self._by_onion.get(name, default)

    def count(self, site: str, target: str) -> None:
        """Record one request."""
        with self._lock:
            self._counts[(site, target)] += 1

    def page(self, site: _Site, target: str, now: int, base_url: str) -> tuple[int, str]:
        """Render (or reuse) a page with session markers."""
        key = (_strip_sid(target), now, base_url)
        cached = site.cache.get(key)
        if cached is not None:
            return cached
        result = site.renderer.render(key[0], now, base_url)
        site.cache[key] = result
        if len(site.cache) > 128:
            site.cache.popitem(last=False)
        return result


class _HttpProtocol(asyncio.Protocol):
    def __init__(self, server: SimServer, site: _Site) -> None:
        self.server = server
        self.site = site
        self.buffer = b""
        self.transport: asyncio.Transport | None = None
        self.closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.server._transports.add(transport)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.transport is not None:
            self.server._transports.discard(self.transport)

    def data_received(self, data: bytes) -> None:
        if self.closed:
            return
        self.buffer += data
        while not self.closed:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > _MAX_HEADER:
                    self._send(400, b"", [], keep_alive=False, head=False)
                return
            head = self.buffer[:end].decode("latin-1")
            lines = head.split("\r\n")
            try:
                method, target, version = lines[0].split(" ", 2)
            except ValueError:
                self._send(400, b"", [], keep_alive=False, head=False)
                return
            headers: dict[str, str] = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            try:
                length = int(headers.get("content-length", "0") or 0)
            except ValueError:
                length = -1
            if length < 0:
                self._send(400, b"", [], keep_alive=False, head=False)
                return
            if len(self.buffer) < end + 4 + length:
                return
            self.buffer = self.buffer[end + 4 + length :]
            keep_alive = version == "HTTP/1.1" and headers.get("connection", "").lower() != "close"
            self._handle(method, target, headers, keep_alive)

    def _handle(self, method: str, target: str, headers: dict[str, str], keep_alive: bool) -> None:
        server = self.server
        if target.startswith(("http://", "https://")):
            # Absolute-form target (as sent to an HTTP proxy): route by its host.
            parts = urlsplit(target)
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            headers["host"] = parts.netloc
        site = server.site_for(headers.get("host", ""), self.site)
        if target.startswith("/_sim/"):
            self._control(method, target, keep_alive)
            return
        if method not in ("GET", "HEAD"):
            self._send(405, b"", [("Allow", "GET, HEAD")], keep_alive, head=False)
            return
        server.count(site.name, target)
        now_dt = server.clock.now()
        now = int(now_dt.timestamp())
        if server.world.is_down(site.name, now_dt):
            self._outage(target, now_dt, keep_alive, method == "HEAD")
            return
        host = headers.get("host") or f"{server.host}:{site.port}"
        base_url = f"http://{host}/"
        status, page = server.page(site, target, now, base_url)
        extra: list[tuple[str, str]] = []
        cookies = _cookies(headers.get("cookie", ""))
        if status == 404 and not page:
            self._send(404, _NOT_FOUND, extra, keep_alive, method == "HEAD", now)
            return
        if site.cookie + "_sid" in cookies:
            body = apply_session(page, None)
        else:
            sid = request_sid(target) or session_id(
                server.world.config.seed, site.name, target, now
            )
            body = apply_session(page, sid)
            # Session cookies (no expiry): simulated dates would look expired to real clients.
            for suffix, value in (("_u", "1"), ("_k", ""), ("_sid", sid)):
                cookie = f"{site.cookie}{suffix}={value}; path=/; HttpOnly"
                extra.append(("Set-Cookie", cookie))
        self._send(status, body, extra, keep_alive, method == "HEAD", now)

    def _outage(self, target: str, now: datetime, keep_alive: bool, head: bool) -> None:
        roll = int(hashlib.sha256(f"{target}|{now.isoformat()}".encode()).hexdigest()[:8], 16) % 100
        transport = self.transport
        assert transport is not None
        if roll < 60:
            self._send(503, _UNAVAILABLE, [("Retry-After", "3600")], keep_alive, head)
        elif roll < 85:
            sock = transport.get_extra_info("socket")
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.closed = True
            transport.abort()
        else:
            self.closed = True
            transport.pause_reading()
            asyncio.get_running_loop().call_later(self.server.hang_seconds, transport.close)

    def _control(self, method: str, target: str, keep_alive: bool) -> None:
        server = self.server
        parts = urlsplit(target)
        query = dict(parse_qsl(parts.query))
        if parts.path == "/_sim/clock":
            if method == "POST":
                try:
                    server.clock.set(
                        as_utc(datetime.fromisoformat(query["at"].replace("Z", "+00:00")))
                    )
                except (KeyError, ValueError):
                    self._send_json(400, {"error": "give ?at=ISO-8601"}, keep_alive)
                    return
            self._send_json(200, {"now": server.clock.now().isoformat()}, keep_alive)
        elif parts.path == "/_sim/stats":
            self._send_json(200, server.stats(), keep_alive)
        else:
            self._send_json(404, {"error": "unknown control path"}, keep_alive)

    def _send_json(self, status: int, payload: object, keep_alive: bool) -> None:
        body = json.dumps(payload).encode()
        self._send(status, body, [("Content-Type", "application/json")], keep_alive, head=False)

    def _send(
        self,
        status: int,
        body: bytes,
        extra: list[tuple[str, str]],
        keep_alive: bool,
        head: bool,
        now: int | None = None,
    ) -> None:
        transport = self.transport
        if transport is None or self.closed:
            return
        if now is None:
            now = int(self.server.clock.now().timestamp())
        lines = [
            f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}",
            f"Date: {formatdate(now, usegmt=True)}",
            "Server: nginx",
            "Content-Type: text/html; charset=utf-8",
            f"Content-Length: {len(body)}",
        ]
        if status == 200:
            lines.append('Cache-Control: private, no-cache="set-cookie"')
            lines.append("Expires: 0")
            lines.append("Pragma: no-cache")
        for name, value in extra:
            if name == "Content-Type":
                lines[3] = f"Content-Type: {value}"
            else:
                lines.append(f"{name}: {value}")
        lines.append("Connection: keep-alive" if keep_alive else "Connection: close")
        transport.write(
            ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (b"" if head else body)
        )
        if not keep_alive:
            self.closed = True
            transport.close()


def _cookies(header: str) -> dict[str, str]:
    out = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition("=")
        if name:
            out[name] = value
    return out


def _strip_sid(target: str) -> str:
    if "sid=" not in target:
        return target
    parts = urlsplit(target)
    query = "&".join(
        f"{name}={value}"
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if name != "sid"
    )
    return parts.path + ("?" + query if query else "")
