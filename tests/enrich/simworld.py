"""The simulated world ingested through the store with the enrichment chain (shared by tests)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path

from forumwatch.enrich import Enricher
from forumwatch.models import Post, Site, Thread, ThreadPage
from forumwatch.sim.config import WorldConfig
from forumwatch.sim.world import World
from forumwatch.store import IngestItem, Store, open_store
from forumwatch.store.records import DailyCount

START = date(2020, 3, 15)
CAPTURED = datetime(2020, 7, 1, tzinfo=UTC)


def ingest_world(
    store: Store, world: World, enricher: Enricher, since: date = START
) -> dict[str, int]:
    """Store every post of ``world`` posted from ``since`` on, page by thread; return site ids."""
    site_ids: dict[str, int] = {}
    for name in world.site_names:
        site = store.add_site(Site(name, f"http://127.0.0.1:9/{name}/"), CAPTURED)
        assert site.id is not None
        site_ids[name] = site.id
    threads: dict[tuple[str, str], tuple[str, str, list[Post]]] = defaultdict(lambda: ("", "", []))
    for record in world.iter_posts():
        posted = record.post.posted_at
        if posted is None or posted.date() < since:
            continue
        key = (record.site, record.thread_native_id)
        if key not in threads:
            threads[key] = (record.section_native_id, record.thread_title, [])
        threads[key][2].append(record.post)
    items: list[IngestItem] = []
    for (site_name, thread_id), (section, title, posts) in threads.items():
        url = f"http://127.0.0.1:9/{site_name}/viewtopic.php?t={thread_id}"
        page = ThreadPage(url, Thread(thread_id, title, url, section), posts=tuple(posts))
        items.append(
            IngestItem(site_ids[site_name], page, CAPTURED, enrichment=enricher.enrich_page(page))
        )
    for start in range(0, len(items), 50):
        store.ingest(items[start : start + 50])
    return site_ids


def sum_by_key(rows: Iterable[DailyCount]) -> dict[str, int]:
    """Sum rollup rows by key."""
    out: dict[str, int] = defaultdict(int)
    for row in rows:
        out[row.key] += row.value
    return dict(out)


def small_world_store(path: Path, enricher: Enricher) -> tuple[Store, World]:
    """The small simulated world's spring 2020 in a fresh store."""
    world = World(WorldConfig(seed=7, size="small"))
    store = open_store(f"sqlite:///{path}")
    ingest_world(store, world, enricher)
    return store, world
