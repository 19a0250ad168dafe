"""The crawl-free replay stores what a real crawl of the simulator over HTTP stores."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from forumwatch.clock import SimulatedClock
from forumwatch.crawl.run import CrawlTarget, crawl_sites_async
from forumwatch.crawl.warc import WarcArchive
from forumwatch.demo import CRAWL_HOUR, DEMO_SETTINGS
from forumwatch.models import Site
from forumwatch.sim.config import WorldConfig
from forumwatch.sim.replay import replay_world
from forumwatch.sim.server import SimServer
from forumwatch.sim.world import World
from forumwatch.store import Store, open_store, schema
from forumwatch.store.sql import SQLStore
from forumwatch.workspace import init_workspace

# Three days around the planted three-day outage of one site: backfill, outage, recovery.
CONFIG = WorldConfig(
    seed=7, size="tiny", monitoring_start=date(2020, 6, 4), monitoring_end=date(2020, 6, 8)
)


def _comparable(store: Store) -> Counter[tuple[object, ...]]:
    """Rollups keyed so two stores compare: threads by native id, fetch days by outcome only."""
    assert isinstance(store, SQLStore)
    with store.engine.connect() as connection:
        natives = dict(
            connection.execute(select(schema.threads.c.id, schema.threads.c.native_id)).all()
        )
    out: Counter[tuple[object, ...]] = Counter()
    for (metric, site, section, key, day), value in store.recompute_rollups().items():
        if metric == "thread_posts":
            key = natives[int(key)]
        if metric == "fetches_ok":
            value = 1  # the crawl fetches more unchanged pages; a day is observed either way
        out[(metric, site, section, key, day)] = value
    return out


def test_replay_stores_what_a_real_crawl_stores(tmp_path: Path) -> None:
    world = World(CONFIG)
    workspace = init_workspace(tmp_path / "ws", DEMO_SETTINGS)
    crawled = workspace.open_store()
    clock = SimulatedClock(datetime.combine(CONFIG.monitoring_start, CRAWL_HOUR, tzinfo=UTC))
    archive = WarcArchive(workspace.warc_dir, prefix="test")
    with SimServer(world, clock, hang_seconds=0.2) as server:
        sites = [
            crawled.add_site(
                Site(s.name, server.base_url(s.name), timezone=s.timezone, language=s.language),
                clock.now(),
            )
            for s in world.sites
        ]
        target = CrawlTarget(crawled, archive, workspace.settings)
        day = CONFIG.monitoring_start
        while day <= CONFIG.monitoring_end:
            clock.set(datetime.combine(day, CRAWL_HOUR, tzinfo=UTC))
            asyncio.run(crawl_sites_async(target, sites, clock))
            day += timedelta(days=1)
    archive.close()
    replayed = open_store(f"sqlite:///{tmp_path / 'replay.db'}")
    result = replay_world(
        world, replayed, workspace.enricher(), base_urls={s.name: s.base_url for s in sites}
    )
    try:
        assert result.failed_fetches == 6  # lantern, 5 to 7 June: two failed attempts a day
        assert replayed.post_digest() == crawled.post_digest()
        assert replayed.counts().posts == crawled.counts().posts == result.posts
        assert replayed.counts().failed_fetches == crawled.counts().failed_fetches
        assert _comparable(replayed) == _comparable(crawled)
    finally:
        replayed.close()
        crawled.close()
