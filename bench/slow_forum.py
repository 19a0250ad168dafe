"""A slow forum for the crawl benchmark: every answer takes ``--delay`` seconds (like Tor).

Runs as its own process (``python -m bench.slow_forum``) so that its CPU is not counted
against the crawler. It serves one simulated phpBB site on ``--sites`` ports, each port being a
separate site to the crawler; pages are rendered once by the simulator and cached, then sent
with the port's own host in their links. HTTP/1.1 with keep-alive. ``GET /_stats`` on any port
returns the peak number of requests in flight (and resets it).
"""

from __future__ import annotations

import argparse
import asyncio
import html
import json
import re
import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path

from forumwatch.clock import SimulatedClock
from forumwatch.sim import SimServer, World, WorldConfig

_LINK = re.compile(r'href="\./(view(?:forum|topic)\.php\?[^"#]+)"')
_SID = re.compile(r"(?<=[?&])sid=[0-9a-f]+&?")


class SlowForum:
    """The listeners, the page cache and the in-flight counter."""

    def __init__(self, upstream_port: int, delay: float) -> None:
        self.upstream_port = upstream_port
        self.delay = delay
        self.cache: dict[str, tuple[int, bytes]] = {}
        self.locks: dict[str, asyncio.Lock] = {}
        self.in_flight = 0
        self.peak = 0
        self.requests = 0

    async def page(self, target: str) -> tuple[int, bytes]:
        """The upstream answer for ``target`` (fetched once)."""
        lock = self.locks.setdefault(target, asyncio.Lock())
        async with lock:
            if target not in self.cache:
                reader, writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
                writer.write(
                    f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{self.upstream_port}\r\n"
                    "Connection: close\r\n\r\n".encode()
                )
                data = await reader.read()
                writer.close()
                head, _, body = data.partition(b"\r\n\r\n")
                self.cache[target] = (int(head.split(b" ")[1]), body)
        return self.cache[target]

    async def warm(self) -> int:
        """Render every page of the site once (index, listings, topics), before measuring:
        the simulator renders in one thread, which would otherwise be what is measured."""
        seen, queue = {"/"}, ["/"]
        while queue:
            batch, queue = queue[:16], queue[16:]
            pages = await asyncio.gather(*(self.page(target) for target in batch))
            for _, body in pages:
                for link in _LINK.findall(body.decode("utf-8", "replace")):
                    target = "/" + _SID.sub("", html.unescape(link)).rstrip("?&")
                    if target not in seen:
                        seen.add(target)
                        queue.append(target)
        return len(seen)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Serve one keep-alive connection."""
        port = writer.get_extra_info("sockname")[1]
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                target = head.split(b" ")[1].decode()
                if target == "/_stats":
                    body = json.dumps({"peak": self.peak, "requests": self.requests}).encode()
                    self.peak = self.in_flight
                    self._send(writer, 200, body, "application/json")
                    continue
                self.requests += 1
                self.in_flight += 1
                self.peak = max(self.peak, self.in_flight)
                try:
                    await asyncio.sleep(self.delay)
                    status, body = await self.page(target)
                finally:
                    self.in_flight -= 1
                body = body.replace(
                    f"127.0.0.1:{self.upstream_port}".encode(), f"127.0.0.1:{port}".encode()
                )
                self._send(writer, status, body, "text/html; charset=utf-8")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()

    @staticmethod
    def _send(writer: asyncio.StreamWriter, status: int, body: bytes, kind: str) -> None:
        head = (
            f"HTTP/1.1 {status} OK\r\nContent-Type: {kind}\r\nContent-Length: {len(body)}\r\n"
            "Connection: keep-alive\r\n\r\n"
        )
        writer.write(head.encode() + body)


async def serve(forum: SlowForum, sites: int, ports_file: Path) -> None:
    """Listen on ``sites`` ports until SIGTERM; write the ports to ``ports_file``."""
    await forum.warm()
    servers = [
        await asyncio.start_server(forum.handle, "127.0.0.1", 0, backlog=2048) for _ in range(sites)
    ]
    ports = [server.sockets[0].getsockname()[1] for server in servers]
    partial = ports_file.with_suffix(".partial")
    partial.write_text(json.dumps(ports))
    partial.replace(ports_file)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    for server in servers:
        server.close()


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--sites", type=int, default=50)
    parser.add_argument("--delay", type=float, default=1.0)
    parser.add_argument("--size", default="tiny")
    parser.add_argument("--ports-file", type=Path, required=True)
    args = parser.parse_args()
    world = World(WorldConfig(seed=7, size=args.size))
    end = datetime.combine(world.config.monitoring_end, datetime.min.time(), tzinfo=UTC)
    clock = SimulatedClock(end + timedelta(days=1))
    with SimServer(world, clock) as server:
        forum = SlowForum(server.port_for(world.site_names[0]), args.delay)
        asyncio.run(serve(forum, args.sites, args.ports_file))


if __name__ == "__main__":
    main()
