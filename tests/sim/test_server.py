"""The simulated sites served over real HTTP on 127.0.0.1."""

from __future__ import annotations

import socket
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from forumwatch.clock import SimulatedClock
from forumwatch.sim import SimProcess, SimServer, World

HANG = 0.3


@pytest.fixture(scope="module")
def served(small_world: World) -> Iterator[tuple[SimServer, SimulatedClock]]:
    clock = SimulatedClock(datetime(2020, 6, 1, 12, 0, tzinfo=UTC))
    with SimServer(small_world, clock, hang_seconds=HANG) as server:
        yield server, clock


def test_each_site_has_its_own_loopback_port(served: tuple[SimServer, SimulatedClock]) -> None:
    server, _ = served
    ports = {server.port_for(name) for name in server.site_names}
    assert len(ports) == 3
    for name in server.site_names:
        assert server.base_url(name) == f"http://127.0.0.1:{server.port_for(name)}/"


def test_pages_cookies_and_session_ids(served: tuple[SimServer, SimulatedClock]) -> None:
    server, _ = served
    base = server.base_url("harbour")
    first = httpx.get(base)
    assert first.status_code == 200
    assert first.headers["content-type"] == "text/html; charset=utf-8"
    assert int(first.headers["content-length"]) == len(first.content) > 20_000
    cookie = next(name for name in first.cookies if name.endswith("_sid"))
    assert cookie.startswith("phpbb3_") and "sid=" in first.text
    with httpx.Client() as client:
        client.get(base)
        again = client.get(base + "viewtopic.php?t=30")
        assert again.status_code == 200 and "sid=" not in again.text
        head = client.head(base + "viewtopic.php?t=30")
        assert head.status_code == 200 and head.content == b""
        assert head.headers["content-length"] == again.headers["content-length"]


def test_host_header_routes_onion_names(served: tuple[SimServer, SimulatedClock]) -> None:
    server, _ = served
    onion = server.onion_host("birch")
    response = httpx.get(server.base_url("harbour"), headers={"Host": onion})
    assert response.status_code == 200
    assert "<title>Берёзка - Главная страница</title>" in response.text
    assert f'rel="canonical" href="http://{onion}/"' in response.text


def test_non_pages_are_not_found(served: tuple[SimServer, SimulatedClock]) -> None:
    server, _ = served
    base = server.base_url("harbour")
    for path in ("styles/prosilver/theme/stylesheet.css", "images/logo.png", "nothing/here"):
        response = httpx.get(base + path)
        assert response.status_code == 404 and "text/html" in response.headers["content-type"]
    assert httpx.get(base + "viewtopic.php?t=999999").status_code == 404
    assert httpx.post(base + "index.php").status_code == 405


def test_keep_alive_serves_many_requests_on_one_connection(
    served: tuple[SimServer, SimulatedClock],
) -> None:
    server, _ = served
    with httpx.Client(base_url=server.base_url("lantern")) as client:
        statuses = [client.get(f"/viewtopic.php?t={topic}").status_code for topic in range(1, 40)]
    assert statuses == [200] * 39


def test_visible_posts_follow_the_shared_clock(
    small_world: World, served: tuple[SimServer, SimulatedClock]
) -> None:
    server, clock = served
    site = small_world.site("harbour")
    last = site.data.post_time[-1]
    clock.set(datetime.fromtimestamp(last - 3600, UTC))
    early = httpx.get(server.base_url("harbour") + f"viewtopic.php?p={site.post_count}")
    clock.set(datetime.fromtimestamp(last, UTC))
    late = httpx.get(server.base_url("harbour") + f"viewtopic.php?p={site.post_count}")
    assert early.status_code == 404 and late.status_code == 200
    assert f'id="p{site.post_count}"' in late.text


def test_outage_days_fail_with_a_deterministic_mix(
    served: tuple[SimServer, SimulatedClock],
) -> None:
    server, clock = served
    clock.set(datetime(2020, 6, 6, 10, 0, tzinfo=UTC))
    outcomes: Counter[str] = Counter()
    started = time.monotonic()
    for topic in range(1, 41):
        try:
            response = httpx.get(server.base_url("lantern") + f"viewtopic.php?t={topic}", timeout=5)
            outcomes[str(response.status_code)] += 1
        except (httpx.RemoteProtocolError, httpx.ReadError) as error:
            outcomes[type(error).__name__] += 1
    assert time.monotonic() - started < 20 * HANG + 5
    assert outcomes["200"] == 0
    assert outcomes["503"] >= 15 and outcomes["ReadError"] + outcomes["RemoteProtocolError"] >= 8
    assert httpx.get(server.base_url("harbour")).status_code == 200
    clock.set(datetime(2020, 6, 8, 10, 0, tzinfo=UTC))
    assert httpx.get(server.base_url("lantern")).status_code == 200


def test_request_counter_records_what_was_asked(served: tuple[SimServer, SimulatedClock]) -> None:
    server, clock = served
    clock.set(datetime(2020, 6, 1, 12, 0, tzinfo=UTC))
    server.reset_counts()
    base = server.base_url("birch")
    for _ in range(3):
        httpx.get(base + "viewforum.php?f=2")
    httpx.get(base + "viewtopic.php?t=5")
    counts = server.request_counts("birch")
    assert counts == {"/viewforum.php?f=2": 3, "/viewtopic.php?t=5": 1}
    assert server.request_count("birch", "/viewforum.php") == 3
    assert server.request_count("harbour") == 0


def test_control_endpoint_moves_the_clock(served: tuple[SimServer, SimulatedClock]) -> None:
    server, clock = served
    response = httpx.post(server.base_url("harbour") + "_sim/clock?at=2020-02-02T02:02:00Z")
    assert response.status_code == 200
    assert clock.now() == datetime(2020, 2, 2, 2, 2, tzinfo=UTC)
    assert (
        httpx.get(server.base_url("harbour") + "_sim/clock").json()["now"].startswith("2020-02-02")
    )


def test_simulator_runs_as_a_separate_process() -> None:
    with SimProcess(seed=3, size="tiny", hang_seconds=HANG) as process:
        assert set(process.site_names) == {"harbour", "lantern", "birch"}
        process.set_clock(datetime(2020, 6, 30, 23, 0, tzinfo=UTC))
        assert process.now() == datetime(2020, 6, 30, 23, 0, tzinfo=UTC)
        response = httpx.get(process.base_url("harbour") + "viewtopic.php?t=3")
        assert response.status_code == 200 and 'class="post has-profile' in response.text
        assert process.request_counts("harbour") == {"/viewtopic.php?t=3": 1}


def test_raw_requests_absolute_targets_and_garbage(
    served: tuple[SimServer, SimulatedClock],
) -> None:
    server, clock = served
    clock.set(datetime(2020, 6, 1, 12, 0, tzinfo=UTC))
    onion = server.onion_host("lantern")
    with socket.create_connection(("127.0.0.1", server.port_for("harbour")), timeout=5) as sock:
        sock.sendall(f"GET http://{onion}/index.php HTTP/1.1\r\nConnection: close\r\n\r\n".encode())
        reply = _read_all(sock)
    assert (
        reply.startswith(b"HTTP/1.1 200 OK") and b"<title>The Lantern - Index page</title>" in reply
    )
    with socket.create_connection(("127.0.0.1", server.port_for("harbour")), timeout=5) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nContent-Length: nope\r\n\r\n")
        assert _read_all(sock).startswith(b"HTTP/1.1 400")
    with socket.create_connection(("127.0.0.1", server.port_for("harbour")), timeout=5) as sock:
        sock.sendall(b"NONSENSE\r\n\r\n")
        assert _read_all(sock).startswith(b"HTTP/1.1 400")


def _read_all(sock: socket.socket) -> bytes:
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)
