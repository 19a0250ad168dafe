"""A fault-injecting HTTP server in front of a simulated site, and a request-counting server.

:class:`FaultProxy` answers on its own 127.0.0.1 port and passes requests to one simulated
site, except where its plan says otherwise: a timeout, a connection reset, a 500 or 503, a
truncated body, a slow drip, a 50 MB page, a redirect loop, or a login page. It also plays a
phpBB login (``ucp.php?mode=login``): with the session cookie, pages are shown as to a member
(a logout link instead of the login link). Every request it receives is recorded.
"""

# ruff: noqa: E501 - engine markup is kept as the templates write it, one tag a line

from __future__ import annotations

import asyncio
import contextlib
import re
import secrets
import socket
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from urllib.parse import parse_qsl

LOGIN_PAGE = """<!DOCTYPE html>
<html dir="ltr" lang="en-gb"><head><meta charset="utf-8" /><title>Login - Riverside Allotments</title></head>
<body id="phpbb" class="nojs notouch section-ucp ltr ">
<div id="wrap" class="wrap"><div id="page-body" class="page-body" role="main">
<form action="./ucp.php?mode=login" method="post" id="login" data-focus="username">
<div class="panel"><div class="inner"><div class="content">
<h2 class="login-title">Login</h2>
<p>The board requires you to be registered and logged in to view this topic.</p>
<fieldset class="fields1">
<dl><dt><label for="username">Username:</label></dt>
<dd><input type="text" tabindex="1" name="username" id="username" size="25" value="" class="inputbox autowidth" /></dd></dl>
<dl><dt><label for="password">Password:</label></dt>
<dd><input type="password" tabindex="2" id="password" name="password" size="25" class="inputbox autowidth" autocomplete="off" /></dd>
<dd><a href="./ucp.php?mode=sendpassword">I forgot my password</a></dd></dl>
<dl><dd><label for="autologin"><input type="checkbox" name="autologin" id="autologin" tabindex="4" /> Remember me</label></dd>
<dd><label for="viewonline"><input type="checkbox" name="viewonline" id="viewonline" tabindex="5" /> Hide my online status this session</label></dd></dl>
<input type="hidden" name="redirect" value="./index.php" />
<input type="hidden" name="creation_time" value="1583064000" />
<input type="hidden" name="form_token" value="{token}" />
<dl><dt>&nbsp;</dt><dd><input type="submit" name="login" tabindex="6" value="Login" class="button1" /></dd></dl>
</fieldset></div></div></div></form>
</div></div></body></html>
"""

MAINTENANCE_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8" /><title>Riverside Allotments - Information</title></head>
<body id="phpbb" class="nojs notouch section-index ltr ">
<div id="message" class="panel"><div class="inner"><h2 class="message-title">Information</h2>
<p>The board is currently disabled.</p></div></div></body></html>
"""

SESSION_COOKIE = "phpbb3_fw_sid"


@dataclass
class FaultProxy:
    """The server; use as a context manager.

    Attributes:
        upstream_port: the simulated site's port.
        topic_faults: fault by the ordinal (1-based) of ``viewtopic.php`` requests.
        target_faults: faults by exact request target, used up one per request.
        credentials: (username, password) the login accepts; None: no login needed.
        inject_post_html: HTML put into every post body (links the crawler must not follow).
        hold_seconds: how long a 'timeout' holds the connection before closing it.
    """

    upstream_port: int
    topic_faults: dict[int, str] = field(default_factory=dict)
    target_faults: dict[str, list[str]] = field(default_factory=dict)
    credentials: tuple[str, str] | None = None
    inject_post_html: str = ""
    hold_seconds: float = 4.0
    requests: list[tuple[str, str, bytes]] = field(default_factory=list)
    faults_served: list[tuple[str, str]] = field(default_factory=list)
    port: int = 0

    def __post_init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._topics = 0
        self._sessions: set[str] = set()
        self._token = secrets.token_hex(8)
        self.enabled = True

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/``."""
        return f"http://127.0.0.1:{self.port}/"

    def drop_sessions(self) -> None:
        """Forget every login (as a board does when sessions expire)."""
        self._sessions.clear()

    def __enter__(self) -> FaultProxy:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        server = loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            server.close()
            for task in asyncio.all_tasks(loop):
                task.cancel()
            with contextlib.suppress(Exception):
                loop.run_until_complete(asyncio.sleep(0))
            loop.close()

    # -- one request per connection ----------------------------------------------------------
    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                if name:
                    headers[name.strip().lower()] = value.strip()
            body = b""
            if headers.get("content-length", "0").isdigit():
                body = await reader.readexactly(int(headers.get("content-length", "0")))
            self.requests.append((method, target, body))
            await self._answer(method, target, headers, body, writer)
        except (
            asyncio.IncompleteReadError,
            asyncio.LimitOverrunError,
            ConnectionError,
            ValueError,
        ):
            pass
        except asyncio.CancelledError:
            pass  # the server is shutting down
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    def _fault_for(self, target: str) -> str | None:
        if not self.enabled:
            return None
        planned = self.target_faults.get(target)
        if planned:
            return planned.pop(0)
        if target.startswith("/viewtopic.php"):
            self._topics += 1
            return self.topic_faults.get(self._topics)
        return None

    async def _answer(
        self,
        method: str,
        target: str,
        headers: dict[str, str],
        body: bytes,
        writer: asyncio.StreamWriter,
    ) -> None:
        cookie = _cookies(headers.get("cookie", "")).get(SESSION_COOKIE, "")
        logged_in = cookie in self._sessions
        if target.startswith("/ucp.php?mode=login"):
            await self._login(method, body, writer)
            return
        if self.credentials is not None and not logged_in and target.startswith("/viewtopic"):
            await _send(writer, 200, LOGIN_PAGE.replace("{token}", self._token).encode())
            return
        fault = self._fault_for(target)
        if fault is not None:
            self.faults_served.append((target, fault))
            await FAULTS[fault](self, target, writer)
            return
        status, upstream_headers, page = await self._upstream(target)
        if logged_in:
            page = page.replace(b"ucp.php?mode=login&amp;redirect", b"ucp.php?mode=logout&amp;sid")
        if self.inject_post_html:
            page = re.sub(
                rb'(<div class="content">)', b"\\1" + self.inject_post_html.encode(), page
            )
        await _send(writer, status, page, upstream_headers)

    async def _login(self, method: str, body: bytes, writer: asyncio.StreamWriter) -> None:
        page = LOGIN_PAGE.replace("{token}", self._token).encode()
        if method != "POST":
            await _send(writer, 200, page)
            return
        form = dict(parse_qsl(body.decode()))
        expected = self.credentials or ("", "")
        if (
            (form.get("username"), form.get("password")) == expected
            and form.get("form_token") == self._token
            and form.get("login") == "Login"
        ):
            session = secrets.token_hex(16)
            self._sessions.add(session)
            cookie = f"{SESSION_COOKIE}={session}; path=/; HttpOnly"
            await _send(writer, 302, b"", [("Location", "./index.php"), ("Set-Cookie", cookie)])
            return
        await _send(writer, 200, page)

    async def _upstream(self, target: str) -> tuple[int, list[tuple[str, str]], bytes]:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        request = (
            f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\nConnection: close\r\n\r\n"
        )
        writer.write(request.encode("latin-1"))
        await writer.drain()
        data = await reader.read()
        writer.close()
        head, _, page = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ")[1])
        kept = []
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.lower() == "content-type":
                kept.append((name, value.strip()))
        return status, kept, page

    # -- the faults --------------------------------------------------------------------------
    async def _timeout(self, target: str, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(self.hold_seconds)

    async def _reset(self, target: str, writer: asyncio.StreamWriter) -> None:
        sock = writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.transport.abort()

    async def _status(self, code: int, writer: asyncio.StreamWriter) -> None:
        page = f"<html><body><h1>{code}</h1></body></html>".encode()
        extra = [("Retry-After", "1")] if code == 503 else []
        await _send(writer, code, page, extra)

    async def _truncated(self, target: str, writer: asyncio.StreamWriter) -> None:
        _, _, page = await self._upstream(target)
        head = (
            "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
            f"Content-Length: {len(page) + 5000}\r\nConnection: close\r\n\r\n"
        )
        writer.write(head.encode() + page[: len(page) // 2])
        await writer.drain()

    async def _slow_drip(self, target: str, writer: asyncio.StreamWriter) -> None:
        _, _, page = await self._upstream(target)
        head = (
            "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
            f"Content-Length: {len(page)}\r\nConnection: close\r\n\r\n"
        )
        writer.write(head.encode())
        for start in range(0, len(page), 64):
            writer.write(page[start : start + 64])
            await writer.drain()
            await asyncio.sleep(0.25)

    async def _huge(self, target: str, writer: asyncio.StreamWriter, declared: bool) -> None:
        size = 50 * 1024 * 1024
        length = f"Content-Length: {size}\r\n" if declared else ""
        writer.write(
            f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n{length}Connection: close\r\n\r\n".encode()
        )
        chunk = b"<p>" + b"compost " * 8190 + b"</p>\n"
        sent = 0
        while sent < size:
            writer.write(chunk)
            await writer.drain()
            sent += len(chunk)

    async def _redirect_loop(self, target: str, writer: asyncio.StreamWriter) -> None:
        await _send(writer, 302, b"", [("Location", "/loop.php?from=" + str(len(self.requests)))])

    async def _loop_target(self, target: str, writer: asyncio.StreamWriter) -> None:
        await _send(writer, 302, b"", [("Location", target)])

    async def _login_page(self, target: str, writer: asyncio.StreamWriter) -> None:
        self.drop_sessions()
        await _send(writer, 200, LOGIN_PAGE.replace("{token}", self._token).encode())


FAULTS: dict[str, Callable[[FaultProxy, str, asyncio.StreamWriter], object]] = {
    "timeout": FaultProxy._timeout,
    "reset": FaultProxy._reset,
    "500": lambda proxy, target, writer: proxy._status(500, writer),
    "503": lambda proxy, target, writer: proxy._status(503, writer),
    "truncated": FaultProxy._truncated,
    "slow_drip": FaultProxy._slow_drip,
    "huge": lambda proxy, target, writer: proxy._huge(target, writer, declared=False),
    "huge_declared": lambda proxy, target, writer: proxy._huge(target, writer, declared=True),
    "redirect_loop": FaultProxy._loop_target,
    "login": FaultProxy._login_page,
    "maintenance": lambda proxy, target, writer: _send(writer, 200, MAINTENANCE_PAGE.encode()),
}


async def _send(
    writer: asyncio.StreamWriter,
    status: int,
    body: bytes,
    headers: list[tuple[str, str]] | None = None,
) -> None:
    reasons = {200: "OK", 302: "Found", 404: "Not Found", 500: "Internal Server Error"}
    lines = [f"HTTP/1.1 {status} {reasons.get(status, 'Service Unavailable')}"]
    names = {name.lower() for name, _ in headers or []}
    if "content-type" not in names:
        lines.append("Content-Type: text/html; charset=utf-8")
    lines += [f"{name}: {value}" for name, value in headers or []]
    lines += [f"Content-Length: {len(body)}", "Connection: close"]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
    await writer.drain()


def _cookies(header: str) -> dict[str, str]:
    out = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition("=")
        if name:
            out[name] = value
    return out


@dataclass
class CountingServer:
    """Answers every request with a tiny JPEG-typed body and counts them (an image host)."""

    requests: list[str] = field(default_factory=list)
    port: int = 0

    def __post_init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()

    def __enter__(self) -> CountingServer:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        server = loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            server.close()
            loop.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(Exception):
            head = await reader.readuntil(b"\r\n\r\n")
            self.requests.append(head.decode("latin-1").split("\r\n")[0])
            await _send(writer, 200, b"\xff\xd8\xff\xe0", [("Content-Type", "image/jpeg")])
        writer.close()
