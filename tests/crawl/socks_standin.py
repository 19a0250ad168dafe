"""A SOCKS5 stand-in for Tor, on loopback: maps fake ``.onion`` names to local ports.

It accepts username/password authentication (and records the credentials, like Tor's
``IsolateSOCKSAuth`` would use them), records every CONNECT with its address type, and refuses
anything that is neither a mapped onion name nor a loopback address: a test through it cannot
reach the network.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import struct
import threading
from dataclasses import dataclass, field
from types import TracebackType

ATYP_IPV4, ATYP_DOMAIN, ATYP_IPV6 = 1, 3, 4


@dataclass
class Connect:
    """One CONNECT request as the proxy received it."""

    atyp: int
    host: str
    port: int
    username: str | None
    password: str | None
    allowed: bool


@dataclass
class SocksStandIn:
    """The stand-in; use as a context manager (serves from a background thread)."""

    onions: dict[str, int] = field(default_factory=dict)
    require_auth: bool = False
    allow_loopback: bool = True
    connects: list[Connect] = field(default_factory=list)
    port: int = 0

    def __post_init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        """``socks5h://127.0.0.1:PORT``."""
        return f"socks5h://127.0.0.1:{self.port}"

    def __enter__(self) -> SocksStandIn:
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

    def _target(self, atyp: int, host: str) -> str | None:
        if atyp == ATYP_DOMAIN and host.lower() in self.onions:
            return "127.0.0.1"
        if not self.allow_loopback:
            return None
        if atyp == ATYP_DOMAIN:
            return "127.0.0.1" if host.lower() == "localhost" else None
        return host if ipaddress.ip_address(host).is_loopback else None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await self._serve(reader, writer)
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass
        finally:
            writer.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        version, count = await reader.readexactly(2)
        methods = await reader.readexactly(count)
        if version != 5:
            return
        username = password = None
        if 2 in methods:
            writer.write(b"\x05\x02")
            await writer.drain()
            await reader.readexactly(1)
            username = (await reader.readexactly((await reader.readexactly(1))[0])).decode()
            password = (await reader.readexactly((await reader.readexactly(1))[0])).decode()
            writer.write(b"\x01\x00")
        elif 0 in methods and not self.require_auth:
            writer.write(b"\x05\x00")
        else:
            writer.write(b"\x05\xff")
            return
        await writer.drain()
        _, command, _, atyp = await reader.readexactly(4)
        if atyp == ATYP_IPV4:
            host = str(ipaddress.IPv4Address(await reader.readexactly(4)))
        elif atyp == ATYP_IPV6:
            host = str(ipaddress.IPv6Address(await reader.readexactly(16)))
        else:
            host = (await reader.readexactly((await reader.readexactly(1))[0])).decode()
        (port,) = struct.unpack("!H", await reader.readexactly(2))
        target = self._target(atyp, host) if command == 1 else None
        with self._lock:
            self.connects.append(Connect(atyp, host, port, username, password, target is not None))
        if target is None:
            writer.write(b"\x05\x02\x00\x01\x00\x00\x00\x00\x00\x00")  # not allowed by ruleset
            await writer.drain()
            return
        target_port = self.onions.get(host.lower(), port)
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(target, target_port)
        except OSError:
            writer.write(b"\x05\x05\x00\x01\x00\x00\x00\x00\x00\x00")  # connection refused
            await writer.drain()
            return
        writer.write(b"\x05\x00\x00\x01\x7f\x00\x00\x01" + struct.pack("!H", target_port))
        await writer.drain()
        await asyncio.gather(
            _pipe(reader, upstream_writer), _pipe(upstream_reader, writer), return_exceptions=True
        )


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    finally:
        with contextlib.suppress(Exception):
            writer.close()
