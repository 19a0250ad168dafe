"""Fault injection: the crawl goes on, each fault is in the fetch log, nothing is lost.

A simulated site sits behind :class:`FaultProxy`, which answers some thread requests with a
timeout, a reset, a 500, a 503, a truncated body, a slow drip, a 50 MB page (with and without
Content-Length), a redirect loop or a login page. Posts link to images on a second local server
and to attachments on the site itself: none of them is ever requested.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from forumwatch.models import Site
from forumwatch.sim import SimServer, World, WorldConfig
from forumwatch.store import Store, schema
from forumwatch.store.sql import SQLStore
from tests.conftest import T0
from tests.crawl.fault_server import CountingServer, FaultProxy
from tests.crawl.helpers import crawl, end_clock, fast_settings, fetch_log, stored_posts

SITE = "birch"
PASSWORD = "compost-heap-42"
PROFILE = """
[crawl]
concurrency = 2
retries = 3
request_timeout_seconds = 1.5

[login]
engine = "phpbb"
username = "watcher"
password_env = "FW_TEST_BIRCH_PASSWORD"
"""
TOPIC_FAULTS = {
    3: "timeout",
    6: "reset",
    9: "500",
    12: "503",
    15: "truncated",
    18: "slow_drip",
    21: "huge",
    24: "huge_declared",
    27: "redirect_loop",
    30: "login",
}
EXPECTED_ERRORS = {
    "timeout",
    "connection_reset",
    "http_500",
    "http_503",
    "truncated",
    "deadline",
    "too_large",
    "redirect_loop",
    "logged_out",
}


def _links(store: Store) -> set[str]:
    assert isinstance(store, SQLStore)
    with store.engine.connect() as connection:
        return {row[0] for row in connection.execute(select(schema.links.c.raw_url))}


@pytest.mark.slow
def test_faults_are_logged_and_nothing_is_lost(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FW_TEST_BIRCH_PASSWORD", PASSWORD)
    world = World(WorldConfig(seed=7, size="tiny"))
    clock = end_clock(world)
    truth = {str(i) for i in world.post_ids(SITE)}
    with (
        SimServer(world, clock) as server,
        CountingServer() as images,
    ):
        injected = (
            f'<a href="http://127.0.0.1:{images.port}/photos/marrow.jpg">my marrow</a> '
            f'<img src="http://127.0.0.1:{images.port}/photos/leeks.jpg" alt="leeks"> '
            '<a href="./download/file.php?id=3">planting plan</a> '
        )
        with FaultProxy(
            server.port_for(SITE),
            topic_faults=dict(TOPIC_FAULTS),
            credentials=("watcher", PASSWORD),
            inject_post_html=injected,
            hold_seconds=3.0,
        ) as proxy:
            site = store.add_site(
                Site(SITE, proxy.base_url, engine="phpbb", profile_toml=PROFILE), T0
            )
            settings = fast_settings(max_page_bytes=2_000_000)
            [first] = crawl(store, tmp_path / "warc", [site], clock, settings)
            after_first = stored_posts(store, SITE)
            errors = {error for _, _, error in fetch_log(store, SITE) if error}
            served = [fault for _, fault in proxy.faults_served]
            proxy.enabled = False
            [second] = crawl(store, tmp_path / "warc", [site], clock, settings)
            requested = [target for _, target, _ in proxy.requests]
    assert sorted(served) == sorted(TOPIC_FAULTS.values())
    assert first.status == "ok", first.detail
    assert errors >= EXPECTED_ERRORS, EXPECTED_ERRORS - errors
    # The crawl went on past every fault: most of the site was stored in the first run ...
    assert len(after_first) > 0.8 * len(truth)
    assert set(after_first) <= truth
    # ... and the second run (no faults) completed it without touching what was stored.
    after_second = stored_posts(store, SITE)
    assert set(after_second) == truth
    assert {k: after_second[k] for k in after_first} == after_first
    assert second.status == "ok" and second.failed == 0
    # Text only: the image host was never asked, nor the site's own attachment URL.
    assert images.requests == []
    assert not any("download/file.php" in target for target in requested)
    assert f"http://127.0.0.1:{images.port}/photos/marrow.jpg" in _links(store)
    # The 50 MB pages were aborted, not archived.
    assert sum(p.stat().st_size for p in (tmp_path / "warc").iterdir()) < 20_000_000


def test_login_page_without_credentials_stops_only_that_site(store: Store, tmp_path: Path) -> None:
    world = World(WorldConfig(seed=7, size="tiny"))
    clock = end_clock(world)
    gated, open_site = world.site_names[-1], world.site_names[-2]
    with (
        SimServer(world, clock) as server,
        FaultProxy(server.port_for(gated), topic_faults={2: "login"}) as proxy,
    ):
        sites = [
            store.add_site(Site(gated, proxy.base_url, engine="phpbb"), T0),
            store.add_site(Site(open_site, server.base_url(open_site), engine="phpbb"), T0),
        ]
        settings = fast_settings(crawl_concurrency=1)
        summaries = crawl(store, tmp_path / "warc", sites, clock, settings)
        by_name = {s.site: s for s in summaries}
        assert by_name[gated].status == "logged_out"
        assert "logged out" in (by_name[gated].detail or "")
        assert by_name[open_site].status == "ok"
        assert set(stored_posts(store, open_site)) == {str(i) for i in world.post_ids(open_site)}
        state = store.site_state(sites[0].id or 0)
        assert state.status == "logged_out" and state.pass_started_at is not None
        # Nothing from the login page became a post; the page is in the fetch log as evidence.
        assert all(len(text) > 0 for _, _, text in stored_posts(store, gated).values())
        assert [e for _, _, e in fetch_log(store, gated) if e] == ["logged_out"]
        # Once the session is back (here: the gate is lifted), the next run resumes the pass.
        proxy.enabled = False
        [resumed] = crawl(store, tmp_path / "warc", sites[:1], clock, settings)
    assert resumed.resumed and resumed.status == "ok"
    assert set(stored_posts(store, gated)) == {str(i) for i in world.post_ids(gated)}


def test_maintenance_index_stops_the_site_with_that_status(store: Store, tmp_path: Path) -> None:
    world = World(WorldConfig(seed=7, size="tiny"))
    clock = end_clock(world)
    name = world.site_names[-1]
    with SimServer(world, clock) as server, FaultProxy(server.port_for(name)) as proxy:
        proxy.target_faults["/"] = ["maintenance"]
        site = store.add_site(Site(name, proxy.base_url, engine="phpbb"), T0)
        [summary] = crawl(store, tmp_path / "warc", [site], clock, fast_settings())
    assert summary.status == "maintenance"
    assert stored_posts(store, name) == {}
