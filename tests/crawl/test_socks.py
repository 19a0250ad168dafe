"""Transport: socks5h with remote DNS, per-site circuit isolation, several SOCKS ports.

The simulated world is crawled by its .onion names through local SOCKS5 stand-ins for Tor.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from forumwatch.crawl.profile import parse_profile
from forumwatch.crawl.transport import (
    build_proxy,
    choose_proxy,
    describe_proxy,
    isolation_credentials,
)
from forumwatch.models import Site
from forumwatch.sim import SimServer, World, WorldConfig
from forumwatch.store import Store
from tests.conftest import T0
from tests.crawl.helpers import crawl, end_clock, fast_settings, fetch_log, stored_posts
from tests.crawl.socks_standin import ATYP_DOMAIN, SocksStandIn


def test_isolation_credentials_are_stable_and_distinct() -> None:
    assert isolation_credentials("harbour") == isolation_credentials("harbour")
    names = [f"site{i}" for i in range(50)]
    assert len({isolation_credentials(n) for n in names}) == 50
    assert "harbour" not in "".join(isolation_credentials("harbour"))


def test_sites_are_spread_over_several_proxies_deterministically() -> None:
    settings = fast_settings(proxies="socks5h://127.0.0.1:9050, socks5h://127.0.0.1:9052")
    policy = parse_profile("").policy(settings)
    chosen = {name: choose_proxy(name, policy, settings) for name in (f"s{i}" for i in range(40))}
    assert set(chosen.values()) == {"socks5h://127.0.0.1:9050", "socks5h://127.0.0.1:9052"}
    assert chosen == {name: choose_proxy(name, policy, settings) for name in chosen}
    own = parse_profile('[crawl]\nproxy = "http://127.0.0.1:8118"').policy(settings)
    assert choose_proxy("s1", own, settings) == "http://127.0.0.1:8118"


def test_socks_proxy_carries_isolation_credentials_unless_disabled() -> None:
    settings = fast_settings(proxy="socks5h://127.0.0.1:9050")
    proxy = build_proxy("harbour", parse_profile("").policy(settings), settings)
    assert proxy is not None and proxy.url.scheme == "socks5h"
    assert proxy.raw_auth == tuple(s.encode() for s in isolation_credentials("harbour"))
    off = parse_profile("[crawl]\nsocks_isolation = false").policy(settings)
    shared = build_proxy("harbour", off, settings)
    assert shared is not None and shared.raw_auth is None


def test_proxy_descriptions_hide_credentials() -> None:
    assert describe_proxy("socks5h://user:secret@127.0.0.1:9050") == "socks5h://127.0.0.1:9050"
    assert describe_proxy(None) == "direct"


def test_simulated_onion_sites_crawled_through_socks_standins(store: Store, tmp_path: Path) -> None:
    world = World(WorldConfig(seed=7, size="tiny"))
    clock = end_clock(world)
    with (
        SimServer(world, clock, hang_seconds=0.2) as server,
        SocksStandIn(allow_loopback=False, require_auth=True) as first,
        SocksStandIn(allow_loopback=False, require_auth=True) as second,
    ):
        onions = {server.onion_host(n): server.port_for(n) for n in world.site_names}
        first.onions.update(onions)
        second.onions.update(onions)
        settings = fast_settings(proxies=f"{first.url},{second.url}", crawl_concurrency=3)
        sites = [
            store.add_site(Site(n, f"http://{server.onion_host(n)}/"), T0) for n in world.site_names
        ]
        summaries = crawl(store, tmp_path / "warc", sites, clock, settings)
    assert [s.status for s in summaries] == ["ok"] * len(sites)
    for name in world.site_names:
        assert set(stored_posts(store, name)) == {str(i) for i in world.post_ids(name)}
    connects = first.connects + second.connects
    assert connects and all(c.allowed for c in connects)
    # Remote DNS: every CONNECT named the onion host; nothing was resolved locally.
    assert all(c.atyp == ATYP_DOMAIN and c.host in onions for c in connects)
    by_site: dict[str, set[str | None]] = {}
    for c in connects:
        by_site.setdefault(c.host, set()).add(c.username)
    # One circuit identity per site, a different one for each site.
    assert all(len(users) == 1 for users in by_site.values())
    assert len({next(iter(u)) for u in by_site.values()}) == len(sites)
    # Both SOCKS ports carried traffic only if sites hashed to both; each site used one port.
    used = {p: {c.host for c in proxy.connects} for p, proxy in (("a", first), ("b", second))}
    assert not used["a"] & used["b"]


def test_unmapped_onion_is_refused_by_the_proxy_and_logged(store: Store, tmp_path: Path) -> None:
    with SocksStandIn(allow_loopback=False) as proxy:
        site = store.add_site(Site("gone", "http://" + "a" * 56 + ".onion/"), T0)
        settings = fast_settings(proxy=proxy.url, crawl_retries=1)
        [summary] = crawl(
            store, tmp_path / "warc", [site], end_clock(World(WorldConfig(size="tiny"))), settings
        )
    assert summary.status == "unavailable" and not summary.reached
    assert [c.allowed for c in proxy.connects] == [False]
    assert fetch_log(store, "gone")[0][2] == "proxy_error"


@pytest.mark.parametrize("scheme", ["socks5h", "socks5"])
def test_both_socks_schemes_send_the_name_to_the_proxy(
    store: Store, tmp_path: Path, scheme: str
) -> None:
    world = World(WorldConfig(seed=7, size="tiny"))
    clock = end_clock(world)
    name = world.site_names[-1]
    with SimServer(world, clock) as server, SocksStandIn(allow_loopback=False) as proxy:
        proxy.onions[server.onion_host(name)] = server.port_for(name)
        site = store.add_site(
            Site(
                name,
                f"http://{server.onion_host(name)}/",
                proxy=f"{scheme}://127.0.0.1:{proxy.port}",
            ),
            T0,
        )
        profile_settings = fast_settings(crawl_page_budget=3)
        crawl(store, tmp_path / "warc", [site], clock, profile_settings)
    assert proxy.connects and all(c.host == server.onion_host(name) for c in proxy.connects)
