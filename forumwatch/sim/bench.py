"""Throughput measurements of the simulator: pages served per second and posts iterated per second.

The HTTP client runs in a separate process (raw keep-alive sockets, a few connections) so that the
server's single event-loop thread is what is measured.
"""

from __future__ import annotations

import multiprocessing
import socket
import threading
import time
from datetime import UTC, datetime
from datetime import time as day_time
from typing import Any

from forumwatch.clock import SimulatedClock
from forumwatch.sim.server import SimServer
from forumwatch.sim.world import POSTS_PER_PAGE, World


def _fetch_loop(port: int, targets: list[str], deadline: float, results: list[int]) -> None:
    connection = socket.create_connection(("127.0.0.1", port))
    cookie = ""
    done = 0
    received = 0
    index = 0
    buffer = b""
    while time.monotonic() < deadline:
        target = targets[index % len(targets)]
        index += 1
        request = f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{cookie}\r\n"
        connection.sendall(request.encode())
        while b"\r\n\r\n" not in buffer:
            buffer += connection.recv(65536)
        head, _, buffer = buffer.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
            elif not cookie and line.lower().startswith(b"set-cookie:") and b"_sid=" in line:
                cookie = (
                    "Cookie: " + line.split(b":", 1)[1].split(b";")[0].strip().decode() + "\r\n"
                )
        while len(buffer) < length:
            buffer += connection.recv(max(65536, length - len(buffer)))
        buffer = buffer[length:]
        done += 1
        received += length
    connection.close()
    results.append(done)
    results.append(received)


def _client(port: int, targets: list[str], seconds: float, connections: int, out: Any) -> None:
    deadline = time.monotonic() + seconds
    results: list[int] = []
    threads = [
        threading.Thread(
            target=_fetch_loop, args=(port, targets[number::connections], deadline, results)
        )
        for number in range(connections)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out.put((sum(results[0::2]), sum(results[1::2])))


def topic_targets(world: World, site: str, limit: int = 5000) -> list[str]:
    """Distinct topic page URLs of a site (every page of every thread, up to ``limit``)."""
    site_world = world.site(site)
    targets = []
    for thread in range(site_world.thread_count):
        pages = -(-len(site_world.data.thread_posts[thread]) // POSTS_PER_PAGE)
        for page in range(pages):
            start = f"&start={page * POSTS_PER_PAGE}" if page else ""
            targets.append(f"/viewtopic.php?t={thread + 1}{start}")
            if len(targets) >= limit:
                return targets
    return targets


def measure_serving(
    world: World, site: str = "harbour", seconds: float = 5.0, connections: int = 4
) -> dict[str, float]:
    """Serve topic pages over HTTP to a client process; return pages/s and MB/s."""
    end = datetime.combine(world.config.monitoring_end, day_time(20, 0), tzinfo=UTC)
    clock = SimulatedClock(end)
    targets = topic_targets(world, site)
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    with SimServer(world, clock) as server:
        process = context.Process(
            target=_client, args=(server.port_for(site), targets, seconds, connections, queue)
        )
        process.start()
        pages, received = queue.get(timeout=seconds + 60)
        process.join()
    return {
        "pages": pages,
        "pages_per_second": pages / seconds,
        "megabytes_per_second": received / seconds / 1e6,
        "average_page_kb": received / max(1, pages) / 1000,
    }


def measure_iter_posts(world: World, limit: int | None = None) -> dict[str, float]:
    """Iterate every post (fresh content, no cache hits) and return posts/s."""
    started = time.perf_counter()
    count = 0
    for _record in world.iter_posts():
        count += 1
        if limit is not None and count >= limit:
            break
    elapsed = time.perf_counter() - started
    return {"posts": count, "posts_per_second": count / elapsed, "seconds": elapsed}
