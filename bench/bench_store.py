"""Store at scale, per backend: ingest posts/s (crawler and bulk paths), a series query, search.

``python -m bench store --scale 1M,10M --backend sqlite,postgres``. The posts are the simulated
world's (``World.iter_posts``: multilingual chatter with links), cut into thread pages of ten
posts as a crawler would read them, each with its fetch-log row (an archived response) and its
enrichment from the workspace's :class:`~forumwatch.enrich.Enricher`; before a page of a thread
not seen yet comes the listing page that shows it (and the board index first), so sections and
threads are created as in a crawl. Everything goes through ``Store.ingest``: the same writer,
rollups and search index as a crawl, no shortcut.

Figures per backend and scale:
- ingest posts/s on the crawler path: ``CRAWL_PAGES`` pages per ``Store.ingest`` call (the
  writer's batch in the demo), over the first ``CRAWL_POSTS`` posts in a store of their own;
- ingest posts/s on the bulk path: ``BULK_PAGES`` pages per call (as the replay and the
  analysis benchmark build their stores), over every post; the queries below run on this store;
- a series: posts per day of one section of the biggest site over the whole period, from the
  rollups (``Store.daily_counts``), against the same-run baseline of a GROUP BY over ``posts``;
- search: a two-word AND and a phrase (newest first, 20 hits), median and p95 of 20 runs.

Only ``Store.ingest`` is timed (not generating, enriching or cutting the posts into pages).
The backends asked for fill side by side: each batch is made and enriched once, then stored in
each backend in turn, each backend's seconds counted apart. There is no ingest target in the
issues; the figures are for comparing the backends and the two paths.
Default scale: 100k (a few minutes per backend on 2 cores). 1M and 10M are opt-in
(``--scale 1M``, ``--scale 10M``; ~10 GB of disk per backend at 10M). PostgreSQL is reached at
``FORUMWATCH_BENCH_POSTGRES`` (default the local server) in a scratch database.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import and_, func, select

from bench.common import Options, Result, percentile
from forumwatch.enrich import Enricher
from forumwatch.models import (
    Fetch,
    IndexPage,
    ListingPage,
    PageKind,
    ParsedPage,
    Post,
    Section,
    Site,
    Thread,
    ThreadPage,
)
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
CRAWL_PAGES = 16
"""Pages per ``Store.ingest`` call on the crawler path (``write_batch_pages`` of the demo)."""
CRAWL_POSTS = 100_000
"""Posts stored through the crawler path (at larger scales, the first ones)."""
BULK_PAGES = 5000
"""Pages per ``Store.ingest`` call on the bulk path."""
SEARCH_AND = "recipe cook"
SEARCH_PHRASE = '"last summer"'
RUNS = 20


class _Pages:
    """The world's posts as a crawler reads them: thread pages of ten posts, each after the
    listing that first shows its thread, with fetches and enrichment."""

    def __init__(self, world: World, site_ids: dict[str, int]) -> None:
        self.world = world
        self.site_ids = site_ids
        self.enricher = Enricher()
        self.sections = {
            name: {
                str(spec.native_id): Section(
                    str(spec.native_id),
                    spec.title,
                    f"{_base(name)}viewforum.php?f={spec.native_id}",
                    None if spec.parent is None else str(spec.parent),
                    spec.description,
                )
                for spec in world.site(name).sections
            }
            for name in world.site_names
        }
        self.listed: set[tuple[str, str]] = set()
        self.offsets: dict[str, int] = {}

    def _item(self, site: str, page: ParsedPage, captured: datetime) -> IngestItem:
        offset = self.offsets.get(site, 0)
        self.offsets[site] = offset + 1
        kind = PageKind.THREAD if isinstance(page, ThreadPage) else PageKind.LISTING
        fetch = Fetch(
            site,
            page.url,
            captured,
            captured,
            kind,
            200,
            content_type="text/html; charset=UTF-8",
            bytes_received=40_000,
            sha256="0" * 64,
            warc_file=f"bench-{site}.warc.gz",
            warc_offset=offset,
            warc_length=8_000,
        )
        enrichment = self.enricher.enrich_page(page)
        return IngestItem(self.site_ids[site], page, captured, fetch=fetch, enrichment=enrichment)

    def _thread_page(
        self, key: tuple[str, str], section: str, title: str, posts: list[Post]
    ) -> tuple[str, ThreadPage, datetime]:
        site, thread_id = key
        url = f"{_base(site)}viewtopic.php?t={thread_id}"
        page = ThreadPage(url, Thread(thread_id, title, url, section), posts=tuple(posts))
        times = [p.posted_at for p in posts if p.posted_at is not None]
        return site, page, max(times, default=datetime(2020, 1, 1, tzinfo=UTC))

    def _with_listings(self, pages: list[tuple[str, ThreadPage, datetime]]) -> Iterator[IngestItem]:
        """A crawl's few pages: the listings showing their new threads, then the pages."""
        new: dict[tuple[str, str], list[tuple[Thread, datetime]]] = {}
        for site, page, captured in pages:
            key = (site, page.thread.native_id)
            if key not in self.listed:
                self.listed.add(key)
                section = page.thread.section_native_id or ""
                new.setdefault((site, section), []).append((page.thread, captured))
        for (site, section), threads in new.items():
            listing = ListingPage(
                f"{_base(site)}viewforum.php?f={section}",
                section=self.sections[site].get(section),
                threads=tuple(thread for thread, _ in threads),
            )
            yield self._item(site, listing, max(captured for _, captured in threads))
        for site, page, captured in pages:
            yield self._item(site, page, captured)

    def items(self, limit: int | None = None) -> Iterator[tuple[IngestItem, int]]:
        """(page, posts on it): the index pages, then listings and thread pages."""
        start = world_start(self.world)
        for name in self.world.site_names:
            index = IndexPage(_base(name), name, tuple(self.sections[name].values()))
            yield self._item(name, index, start), 0
        open_pages: dict[tuple[str, str], tuple[str, str, list[Post]]] = {}
        ready: list[tuple[str, ThreadPage, datetime]] = []
        for count, record in enumerate(self.world.iter_posts()):
            if limit is not None and count >= limit:
                break
            key = (record.site, record.thread_native_id)
            section, title, posts = open_pages.setdefault(
                key, (record.section_native_id, record.thread_title, [])
            )
            posts.append(record.post)
            if len(posts) == POSTS_PER_PAGE:
                del open_pages[key]
                ready.append(self._thread_page(key, section, title, posts))
                if len(ready) == CRAWL_PAGES:
                    yield from self._counted(ready)
                    ready = []
        ready += [self._thread_page(key, *rest) for key, rest in open_pages.items()]
        for start_at in range(0, len(ready), CRAWL_PAGES):
            yield from self._counted(ready[start_at : start_at + CRAWL_PAGES])

    def _counted(
        self, pages: list[tuple[str, ThreadPage, datetime]]
    ) -> Iterator[tuple[IngestItem, int]]:
        for item in self._with_listings(pages):
            page = item.page
            yield item, len(page.posts) if isinstance(page, ThreadPage) else 0


def _base(site: str) -> str:
    return f"http://127.0.0.1:9/{site}/"


def _ingest(
    stores: list[SQLStore], world: World, pages_per_call: int, limit: int | None = None
) -> tuple[int, list[float]]:
    """Store the world's pages ``pages_per_call`` at a time in each of ``stores`` (the pages
    are made and enriched once, for all of them); (posts, seconds in each store's ``ingest``)."""
    site_ids: dict[str, int] = {}
    for store in stores:
        for name in world.site_names:
            site = store.add_site(Site(name, _base(name)), world_start(world))
            assert site.id is not None
            # Every store numbers the sites alike, so one batch of items fits them all.
            assert site_ids.setdefault(name, site.id) == site.id
    seconds = [0.0] * len(stores)
    count = 0
    batch: list[IngestItem] = []

    def flush() -> None:
        for position, store in enumerate(stores):
            started = time.perf_counter()
            store.ingest(batch)
            seconds[position] += time.perf_counter() - started
        batch.clear()

    for item, posts in _Pages(world, site_ids).items(limit):
        batch.append(item)
        count += posts
        if len(batch) == pages_per_call:
            flush()
    if batch:
        flush()
    return count, seconds


def world_start(world: World) -> datetime:
    """The world's first day, as a UTC datetime (sites' creation time)."""
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


def _open(backend: str, folder: Path, name: str) -> tuple[SQLStore, str]:
    """A new empty store of ``backend``; returns it and its URL."""
    if backend == "sqlite":
        url = f"sqlite:///{folder / f'{name}.db'}"
    else:
        from forumwatch.store.postgres import create_database

        url = create_database(ADMIN_URL, f"forumwatch_bench_{name}_{os.getpid()}")
    store = open_store(url)
    assert isinstance(store, SQLStore)
    return store, url


def _drop(backend: str, store: SQLStore, name: str) -> None:
    store.close()
    if backend == "postgres":
        from forumwatch.store.postgres import drop_database

        drop_database(ADMIN_URL, f"forumwatch_bench_{name}_{os.getpid()}")


def _ingest_result(label: str, path: str, count: int, seconds: float, size_mb: float) -> Result:
    pages = CRAWL_PAGES if path == "crawler" else BULK_PAGES
    return Result(
        "store",
        f"{label}: ingest posts/s, {path} path, {pages:,} pages per call "
        f"({count:,} posts, {seconds:,.0f} s, {size_mb:,.0f} MB)",
        count / seconds,
        "posts/s",
    )


def _measure(backends: list[str], scale: str, size: int) -> list[Result]:
    """Every figure for each backend at one scale (the stores fill side by side)."""
    world = World(WorldConfig(seed=7, size=size))
    folder = Path(tempfile.mkdtemp(prefix="forumwatch-bench-"))
    results: list[Result] = []
    try:
        crawled = [_open(backend, folder, "crawl")[0] for backend in backends]
        try:
            crawl_count, crawl_seconds = _ingest(crawled, world, CRAWL_PAGES, CRAWL_POSTS)
            crawl_sizes = [
                _size_mb(store, backend, folder, "crawl")
                for store, backend in zip(crawled, backends, strict=True)
            ]
        finally:
            for store, backend in zip(crawled, backends, strict=True):
                _drop(backend, store, "crawl")
        stores = [_open(backend, folder, "bulk")[0] for backend in backends]
        try:
            print(f"   store: crawler path done; bulk path at {scale} ...", flush=True)
            count, bulk_seconds = _ingest(stores, world, BULK_PAGES)
            for position, backend in enumerate(backends):
                label = f"{backend} {scale}"
                results.append(
                    _ingest_result(
                        label,
                        "crawler",
                        crawl_count,
                        crawl_seconds[position],
                        crawl_sizes[position],
                    )
                )
                results.append(
                    _ingest_result(
                        label,
                        "bulk",
                        count,
                        bulk_seconds[position],
                        _size_mb(stores[position], backend, folder, "bulk"),
                    )
                )
                results += _queries(backend, label, stores[position])
        finally:
            for store, backend in zip(stores, backends, strict=True):
                _drop(backend, store, "bulk")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return results


def _queries(backend: str, label: str, store: SQLStore) -> list[Result]:
    """The series and search figures on a filled store."""
    store.optimize()  # as after any backfill: merge the search index, refresh statistics
    site_id, section_id, first, last = _busiest_section(store)
    rollup = _timings(lambda: store.daily_counts(POSTS, first, last, [site_id], [section_id]), 10)
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
    return [
        Result(
            "store",
            f"{label}: series, posts/day of one section (rollups)",
            percentile(rollup, 0.5) * 1000,
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


def _size_mb(store: SQLStore, backend: str, folder: Path, name: str) -> float:
    if backend == "sqlite":
        return sum(p.stat().st_size for p in folder.glob(f"{name}.db*")) / 1e6
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
        print(f"   store: {', '.join(options.backends)} at {scale} ...", flush=True)
        measured = _measure(list(options.backends), scale, size)
        for result in measured:
            print(f"   {result.name}: {result.value:,.2f} {result.unit}", flush=True)
        results.extend(measured)
    return results
