"""Store at scale, per backend: ingest posts/s, a series query, search queries.

``python -m bench store --scale 1M,10M --backend sqlite,postgres``. The posts are the simulated
world's (``World.iter_posts``: multilingual chatter with links), cut into thread pages of ten
posts as a crawler would store them (one ``IngestItem`` per page, eight pages per transaction,
links extracted as the enricher does), and ingested through ``Store.ingest``: the same
``PageWriter`` path as a crawl, rollups and search index included, no bulk shortcut.

Figures per backend and scale:
- ingest posts/s (store time only: generating the posts is not counted);
- a series: posts per day of one section of the biggest site over the whole period, from the
  rollups (``Store.daily_counts``), against the same-run baseline of a GROUP BY over ``posts``;
- search: a two-word AND and a phrase (newest first, 20 hits), median and p95 of 20 runs.

Default scale: 100k (a few minutes per backend on 2 cores). 1M and 10M are opt-in
(``--scale 1M``, ``--scale 10M``): ingest through the crawl path runs at roughly 1-2k posts/s
on SQLite and a few hundred on PostgreSQL on this 2-core machine, so 1M takes ~10-15 min on
SQLite and ~40-60 min on PostgreSQL, and 10M ten times that (and ~10 GB of disk per backend).
PostgreSQL is reached at ``FORUMWATCH_BENCH_POSTGRES`` (default the local server) in a scratch
database.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from sqlalchemy import and_, func, select

from bench.common import Options, Result, percentile
from forumwatch.enrich.links import extract_links
from forumwatch.models import Post, PostEnrichment, Site, Thread, ThreadPage
from forumwatch.sim.config import WorldConfig
from forumwatch.sim.world import POSTS_PER_PAGE, World
from forumwatch.store import IngestItem, open_store, schema
from forumwatch.store.rollups import POSTS
from forumwatch.store.search import SearchQuery
from forumwatch.store.sql import SQLStore

ADMIN_URL = os.environ.get(
    "FORUMWATCH_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)
SCALES = {"100k": 100_000, "1M": 1_000_000, "10M": 10_000_000}
PAGES_PER_TRANSACTION = 8
SEARCH_AND = "recipe cook"
SEARCH_PHRASE = '"last summer"'
RUNS = 20


def _pages(world: World, site_ids: dict[str, int]) -> Iterator[tuple[IngestItem, int]]:
    """Thread pages of ten posts (and the last, partial ones), as a crawl would store them."""
    open_pages: dict[tuple[str, str], tuple[str, str, list[Post]]] = {}

    def item(key: tuple[str, str], section: str, title: str, posts: list[Post]) -> IngestItem:
        site, thread_id = key
        url = f"http://127.0.0.1:9/{site}/viewtopic.php?t={thread_id}"
        enrichment = {}
        for post in posts:
            links, _ = extract_links(post.links, post.text)
            if links:
                enrichment[post.native_id] = PostEnrichment(links=links)
        page = ThreadPage(url, Thread(thread_id, title, url, section), posts=tuple(posts))
        captured = max(p.posted_at for p in posts if p.posted_at is not None)
        return IngestItem(site_ids[site], page, captured, enrichment=enrichment)

    for record in world.iter_posts():
        key = (record.site, record.thread_native_id)
        section, title, posts = open_pages.setdefault(
            key, (record.section_native_id, record.thread_title, [])
        )
        posts.append(record.post)
        if len(posts) == POSTS_PER_PAGE:
            del open_pages[key]
            yield item(key, section, title, posts), len(posts)
    for key, (section, title, posts) in open_pages.items():
        yield item(key, section, title, posts), len(posts)


def _ingest(store: SQLStore, world: World) -> tuple[int, float]:
    site_ids = {}
    for name in world.site_names:
        site = store.add_site(Site(name, f"http://127.0.0.1:9/{name}/"), world_start(world))
        assert site.id is not None
        site_ids[name] = site.id
    seconds = 0.0
    count = 0
    batch: list[IngestItem] = []
    for page, posts in _pages(world, site_ids):
        batch.append(page)
        count += posts
        if len(batch) == PAGES_PER_TRANSACTION:
            started = time.perf_counter()
            store.ingest(batch)
            seconds += time.perf_counter() - started
            batch = []
    if batch:
        started = time.perf_counter()
        store.ingest(batch)
        seconds += time.perf_counter() - started
    return count, seconds


def world_start(world: World) -> object:
    """The world's first day, as a UTC datetime (sites' creation time)."""
    from datetime import UTC, datetime

    return datetime.combine(world.config.history_start, datetime.min.time(), tzinfo=UTC)


def _busiest_section(store: SQLStore) -> tuple[int, int, date, date]:
    posts = schema.posts
    with store.engine.connect() as connection:
        row = connection.execute(
            select(posts.c.site_id, posts.c.section_id, func.count().label("n"))
            .group_by(posts.c.site_id, posts.c.section_id)
            .order_by(func.count().desc())
            .limit(1)
        ).one()
    counts = store.counts()
    assert counts.first_post_at is not None and counts.last_post_at is not None
    return int(row[0]), int(row[1]), counts.first_post_at.date(), counts.last_post_at.date()


def _timings(function: object, runs: int = RUNS) -> list[float]:
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        function()  # type: ignore[operator]
        out.append(time.perf_counter() - started)
    return out


def _measure(backend: str, scale: str, size: int) -> list[Result]:
    world = World(WorldConfig(seed=7, size=size))
    folder = Path(tempfile.mkdtemp(prefix="forumwatch-bench-"))
    database = f"forumwatch_bench_{os.getpid()}"
    if backend == "sqlite":
        url = f"sqlite:///{folder / 'bench.db'}"
    else:
        from forumwatch.store.postgres import create_database

        url = create_database(ADMIN_URL, database)
    store = open_store(url)
    assert isinstance(store, SQLStore)
    try:
        count, seconds = _ingest(store, world)
        if backend == "postgres":
            with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.exec_driver_sql("VACUUM ANALYZE")
        site_id, section_id, first, last = _busiest_section(store)
        rollup = _timings(
            lambda: store.daily_counts(POSTS, first, last, [site_id], [section_id]), 10
        )
        posts = schema.posts
        day = func.date(posts.c.posted_at)
        raw_query = (
            select(day, func.count())
            .where(and_(posts.c.site_id == site_id, posts.c.section_id == section_id))
            .group_by(day)
        )

        def raw() -> None:
            with store.engine.connect() as connection:
                connection.execute(raw_query).all()

        baseline = _timings(raw, 5)
        and_page = store.search(SearchQuery(SEARCH_AND))
        phrase_page = store.search(SearchQuery(SEARCH_PHRASE))
        and_times = _timings(lambda: store.search(SearchQuery(SEARCH_AND)))
        phrase_times = _timings(lambda: store.search(SearchQuery(SEARCH_PHRASE)))
        relevance = _timings(lambda: store.search(SearchQuery(SEARCH_AND, order="relevance")))
        size_mb = _size_mb(store, backend, folder)
    finally:
        store.close()
        shutil.rmtree(folder, ignore_errors=True)
        if backend == "postgres":
            from forumwatch.store.postgres import drop_database

            drop_database(ADMIN_URL, database)
    label = f"{backend} {scale}"
    median = percentile(rollup, 0.5) * 1000
    return [
        Result(
            "store",
            f"{label}: ingest posts/s ({count:,} posts, {seconds:,.0f} s, {size_mb:,.0f} MB)",
            count / seconds,
            "posts/s",
        ),
        Result(
            "store",
            f"{label}: series, posts/day of one section (rollups)",
            median,
            "ms",
            baseline=percentile(baseline, 0.5) * 1000,
            baseline_name="GROUP BY over posts",
        ),
        _search(label, f"search AND {SEARCH_AND!r}", and_times, and_page.total),
        _search(label, f"search phrase {SEARCH_PHRASE}", phrase_times, phrase_page.total),
        _search(label, f"search AND {SEARCH_AND!r} by relevance", relevance, and_page.total),
    ]


def _search(label: str, name: str, times: list[float], total: int) -> Result:
    p95 = percentile(times, 0.95) * 1000
    return Result(
        "store",
        f"{label}: {name}, p95 (median {percentile(times, 0.5) * 1000:,.1f} ms, "
        f"{total:,}{'+' if total >= 1000 else ''} hits)",
        p95,
        "ms",
        target="< 100 ms p95 at 1M",
        met=p95 < 100 if "1M" in label else None,
    )


def _size_mb(store: SQLStore, backend: str, folder: Path) -> float:
    if backend == "sqlite":
        return sum(p.stat().st_size for p in folder.iterdir()) / 1e6
    with store.engine.connect() as connection:
        size = connection.execute(select(func.pg_database_size(func.current_database()))).scalar()
    return float(size or 0) / 1e6


def run(options: Options) -> list[Result]:
    """Measure each requested backend at each requested scale."""
    scales = options.scales or ("100k",)
    results: list[Result] = []
    for scale in scales:
        size = SCALES.get(scale)
        if size is None:
            raise SystemExit(f"unknown scale {scale!r}; choose from {', '.join(SCALES)}")
        for backend in options.backends:
            print(f"   store: {backend} at {scale} ...", flush=True)
            measured = _measure(backend, scale, size)
            for result in measured:
                print(f"   {result.name}: {result.value:,.2f} {result.unit}", flush=True)
            results.extend(measured)
    return results
