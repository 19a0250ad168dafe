"""Analysis at scale: every series query from the rollups, against the same figure computed
from raw rows (GROUP BY over posts, links, annotations) in the same run.

``python -m bench analysis --scale 1M,10M``. The store is the simulated world monitored day by
day (:func:`forumwatch.sim.replay.replay_world`: a backfill on 2020-01-01, then a crawl a day to
30 June, every post enriched and stored through ``Store.ingest``, SQLite). Building it takes
time (about 1.5k-3k posts a second on two cores, enrichment included: 1M ~10 min, 10M about
1.5-2 h), so each store is built once into a cache folder outside the repository
(``FORUMWATCH_BENCH_CACHE``, default ``/tmp/forumwatch-bench-cache``) and reused (newer
migrations are applied on opening); a partial build is never reused. At 10M the store is
the web benchmark's: the 1M replay with its sites copied
nine more times (:func:`bench.bench_web.bench_store`, built in minutes): ten times the posts,
sites and rollup rows, so queries over all sites read ten times the rows while one site's
series read as many as at 1M.

Scales: ``small`` (25k posts, the default: a few minutes the first time, seconds after),
``100k``, ``1M``, ``10M``. Figures per scale: each series query's median time (target < 50 ms)
with the raw GROUP BY's median as the baseline (the ratio column), both over the same period
and scope; a check that the two computations agree; and the event detection over six months.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import and_, distinct, func, select

from bench.common import Options, Result, percentile
from forumwatch.analyse import activity, hosts, keywords, linkindex, tags
from forumwatch.analyse.events import detect_events
from forumwatch.analyse.series import Granularity, Scope, Series
from forumwatch.enrich import Enricher
from forumwatch.sim.config import WorldConfig
from forumwatch.sim.replay import replay_world
from forumwatch.sim.world import World
from forumwatch.store import open_store, schema
from forumwatch.store.sql import SQLStore

SCALES = {"small": "small", "100k": "medium", "1M": "large", "10M": "xl"}
CACHE = Path(os.environ.get("FORUMWATCH_BENCH_CACHE", "/tmp/forumwatch-bench-cache"))
START, END = date(2019, 7, 1), date(2020, 6, 29)
"""A year of daily values per series."""
TARGET_MS = 50.0
RUNS = 7


def cached_store(size: str) -> SQLStore:
    """The replayed world of ``size``, built into the cache folder on first use."""
    CACHE.mkdir(parents=True, exist_ok=True)
    # Opening a cached store applies newer migrations (one that changes rollups rebuilds them).
    path = CACHE / f"analysis-{size}-seed7.db"
    done = path.with_suffix(".complete")
    if not done.exists():
        for stale in CACHE.glob(path.name + "*"):
            stale.unlink()
        print(f"   building the {size} store in {path} (once) ...", flush=True)
        store = open_store(f"sqlite:///{path}")
        started = time.perf_counter()

        def progress(day: date, result: Any) -> None:
            if day.day == 1:
                print(f"   {day}: {result.posts:,} posts, {time.perf_counter() - started:,.0f} s")

        replay_world(World(WorldConfig(seed=7, size=size)), store, Enricher(), on_day=progress)
        store.close()
        done.write_text(f"built in {time.perf_counter() - started:.0f} s\n")
    store = open_store(f"sqlite:///{path}")
    assert isinstance(store, SQLStore)
    return store


def _median_ms(function: Callable[[], object], runs: int = RUNS) -> float:
    function()  # warm the caches once, as a dashboard would
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return percentile(times, 0.5) * 1000


def _raw(store: SQLStore, query: Any) -> list[Any]:
    with store.engine.connect() as connection:
        return list(connection.execute(query).all())


def _cases(store: SQLStore) -> list[tuple[str, Callable[[], Series], Any]]:
    """(name, series from rollups, the same figure as one raw query)."""
    posts, links, urls = schema.posts, schema.links, schema.urls
    notes, threads, tagged = schema.post_annotations, schema.threads, schema.thread_tags
    site = store.get_site("harbour")
    assert site.id is not None
    sections = {s.native_id: s.id for s in store.sections(site.id)}
    chat = max(
        _raw(
            store,
            select(posts.c.thread_id, func.count())
            .where(posts.c.site_id == site.id)
            .group_by(posts.c.thread_id)
            .order_by(func.count().desc())
            .limit(1),
        )
    )[0]
    chat_native = _raw(store, select(threads.c.native_id).where(threads.c.id == chat))[0][0]
    low = datetime.combine(START, datetime.min.time())
    high = datetime.combine(END, datetime.max.time())
    in_period = and_(posts.c.posted_at >= low, posts.c.posted_at <= high)
    day = func.date(posts.c.posted_at)
    month = func.substr(func.date(posts.c.posted_at), 1, 7)
    russian = [sections[n] for n in ("7",)]
    harbour = Scope(site="harbour")
    first_seen = (
        select(links.c.url_id, func.min(posts.c.posted_at).label("first"))
        .join(posts, posts.c.id == links.c.post_id)
        .join(urls, urls.c.id == links.c.url_id)
        .where(and_(urls.c.network == "clearnet", urls.c.media_class == "image"))
        .group_by(links.c.url_id)
        .subquery()
    )
    first_month = func.substr(func.date(first_seen.c.first), 1, 7)
    thread_first = (
        select(posts.c.thread_id, func.min(posts.c.posted_at).label("first"))
        .where(posts.c.section_id == sections["11"])
        .group_by(posts.c.thread_id)
        .subquery()
    )
    author_first = (
        select(posts.c.author_id, func.min(posts.c.posted_at).label("first"))
        .where(posts.c.site_id == site.id)
        .group_by(posts.c.author_id)
        .subquery()
    )
    return [
        (
            "posts/day, one site",
            lambda: activity.posts(store, harbour, START, END),
            select(day, func.count())
            .where(and_(posts.c.site_id == site.id, in_period))
            .group_by(day),
        ),
        (
            "posts/day, one section",
            lambda: activity.posts(store, Scope(site="harbour", section="7"), START, END),
            select(day, func.count())
            .where(and_(posts.c.section_id == sections["7"], in_period))
            .group_by(day),
        ),
        (
            "posts/week, sections in Russian",
            lambda: activity.posts(
                store, Scope(site="harbour", language="ru"), START, END, Granularity.WEEK
            ),
            select(day, func.count())
            .where(and_(posts.c.section_id.in_(russian), in_period))
            .group_by(day),
        ),
        (
            "posts/day, the biggest thread",
            lambda: activity.posts(store, Scope(site="harbour", thread=chat_native), START, END),
            select(day, func.count())
            .where(and_(posts.c.thread_id == chat, in_period))
            .group_by(day),
        ),
        (
            "active members/day, one site",
            lambda: activity.members(store, harbour, START, END),
            select(day, func.count(distinct(posts.c.author_id)))
            .where(and_(posts.c.site_id == site.id, in_period))
            .group_by(day),
        ),
        (
            "active members/month, one site",
            lambda: activity.members(store, harbour, START, END, Granularity.MONTH),
            select(month, func.count(distinct(posts.c.author_id)))
            .where(and_(posts.c.site_id == site.id, in_period))
            .group_by(month),
        ),
        (
            "new members/week, one site",
            lambda: activity.new_members(store, harbour, START, END, Granularity.WEEK),
            select(func.date(author_first.c.first), func.count()).group_by(
                func.date(author_first.c.first)
            ),
        ),
        (
            "keyword mentions/day, all sites",
            lambda: keywords.mentions(store, "covid", Scope(), START, END),
            select(day, func.count(distinct(posts.c.id)))
            .join(notes, notes.c.post_id == posts.c.id)
            .where(and_(notes.c.kind == "term", notes.c.value == "covid", in_period))
            .group_by(day),
        ),
        (
            "keyword share/week, all sites",
            lambda: keywords.mention_share(store, "covid", Scope(), START, END, Granularity.WEEK),
            select(day, func.count(distinct(posts.c.id)))
            .join(notes, notes.c.post_id == posts.c.id)
            .where(and_(notes.c.kind == "term", notes.c.value == "covid", in_period))
            .group_by(day),
        ),
        (
            "link index/month, clearnet images",
            lambda: linkindex.link_index(store, Scope(), START, END, Granularity.MONTH),
            select(first_month, func.count()).group_by(first_month),
        ),
        (
            "links/day, one host",
            lambda: hosts.host_links(store, "snapcellar.net", Scope(), START, END),
            select(day, func.count(distinct(links.c.post_id)))
            .join(links, links.c.post_id == posts.c.id)
            .join(urls, urls.c.id == links.c.url_id)
            .where(and_(urls.c.registrable_domain == "snapcellar.net", in_period))
            .group_by(day),
        ),
        (
            "tag share/month, one section",
            lambda: tags.tag_share(
                store, Scope(site="harbour", section="11"), "Original", START, END
            ),
            select(func.substr(func.date(thread_first.c.first), 1, 7), func.count())
            .join(tagged, tagged.c.thread_id == thread_first.c.thread_id)
            .where(tagged.c.tag == "Original")
            .group_by(func.substr(func.date(thread_first.c.first), 1, 7)),
        ),
    ]


def store_at(scale: str) -> SQLStore:
    """The store measured at ``scale``: the cached replay, or at 10M the 1M replay with its
    sites copied (see the module doc; a 10M replay takes hours here)."""
    if scale == "10M":
        from bench.bench_web import bench_store

        opened = open_store(f"sqlite:///{bench_store('10M')}")
        assert isinstance(opened, SQLStore)
        return opened
    return cached_store(SCALES[scale])


def _measure(scale: str) -> list[Result]:
    store = store_at(scale)
    results: list[Result] = []
    try:
        posts = store.counts().posts
        label = f"{scale} ({posts:,} posts)"
        for name, series, raw in _cases(store):
            rollup_ms = _median_ms(series)
            raw_ms = _median_ms(lambda raw=raw: _raw(store, raw), runs=3)
            results.append(
                Result(
                    "analysis",
                    f"{label}: {name}",
                    rollup_ms,
                    "ms",
                    target=f"< {TARGET_MS:.0f} ms",
                    met=rollup_ms < TARGET_MS,
                    baseline=raw_ms,
                    baseline_name="raw GROUP BY",
                )
            )
        agree = _agreement(store)
        results.append(Result("analysis", f"{label}: rollups equal raw counts", agree, "checks"))
        started = time.perf_counter()
        events = detect_events(store, date(2020, 1, 1), END)
        results.append(
            Result(
                "analysis",
                f"{label}: event detection over six months ({len(events)} events)",
                (time.perf_counter() - started) * 1000,
                "ms",
            )
        )
    finally:
        store.close()
    return results


def _agreement(store: SQLStore) -> float:
    """How many of three spot checks agree between rollups and raw rows (3 = all)."""
    posts = schema.posts
    site = store.get_site("harbour")
    series = activity.posts(store, Scope(site="harbour"), START, END, Granularity.MONTH)
    low = datetime.combine(START, datetime.min.time())
    high = datetime.combine(END, datetime.max.time())
    raw = _raw(
        store,
        select(func.count()).where(
            and_(posts.c.site_id == site.id, posts.c.posted_at >= low, posts.c.posted_at <= high)
        ),
    )[0][0]
    members = activity.members(store, Scope(site="harbour"), END, END, Granularity.DAY)
    raw_members = _raw(
        store,
        select(func.count(distinct(posts.c.author_id))).where(
            and_(posts.c.site_id == site.id, func.date(posts.c.posted_at) == END.isoformat())
        ),
    )[0][0]
    checks = [series.total() == raw, members.points[0].value == raw_members]
    index = linkindex.link_index(store, Scope(), date(2019, 1, 1), END, Granularity.MONTH)
    checks.append(index.total() > 0)
    return float(sum(checks))


def run(options: Options) -> list[Result]:
    """Measure each requested scale (default: small)."""
    scales = [s for s in options.scales if s in SCALES] or ["small"]
    results: list[Result] = []
    for scale in scales:
        print(f"   analysis at {scale} ...", flush=True)
        results += _measure(scale)
    return results
