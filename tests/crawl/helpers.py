"""Shared pieces of the crawler tests: fast settings, one-call crawls, what the store holds."""

from __future__ import annotations

import asyncio
import contextlib
import gzip
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from forumwatch.clock import Clock, SimulatedClock
from forumwatch.crawl.crawler import CrawlProgress, SiteCrawlSummary
from forumwatch.crawl.run import CrawlTarget, crawl_sites_async
from forumwatch.crawl.warc import WarcArchive
from forumwatch.models import Site
from forumwatch.settings import Settings, load_settings
from forumwatch.sim import World
from forumwatch.store import Store, schema
from forumwatch.store.sql import SQLStore

FAST: dict[str, object] = {
    "crawl_delay_seconds": 0.0,
    "crawl_backoff_seconds": 0.02,
    "crawl_max_backoff_seconds": 0.1,
    "crawl_retries": 3,
    "crawl_concurrency": 2,
    "request_timeout_seconds": 2.0,
    "connect_timeout_seconds": 2.0,
}


def fast_settings(**overrides: object) -> Settings:
    """Settings without politeness pauses, for local servers."""
    return load_settings(environ={}, overrides={**FAST, **overrides})


def world_end(world: World) -> datetime:
    """A moment after the last simulated post: every post is visible."""
    end = datetime.combine(world.config.monitoring_end, datetime.min.time(), tzinfo=UTC)
    return end + timedelta(days=1)


def end_clock(world: World) -> SimulatedClock:
    """A clock standing after the last simulated post."""
    return SimulatedClock(world_end(world))


def crawl(
    store: Store,
    warc_dir: Path,
    sites: Sequence[Site],
    clock: Clock,
    settings: Settings | None = None,
    progress: CrawlProgress | None = None,
) -> list[SiteCrawlSummary]:
    """One crawl run over ``sites`` (already stored)."""
    archive = WarcArchive(warc_dir)
    try:
        target = CrawlTarget(store, archive, settings or fast_settings())
        return asyncio.run(crawl_sites_async(target, sites, clock, progress))
    finally:
        archive.close()


def stored_posts(store: Store, site: str) -> dict[str, tuple[str | None, datetime | None, str]]:
    """Native id -> (author handle, posted_at, text) of every stored post of a site."""
    assert isinstance(store, SQLStore)
    posts, sites, authors = schema.posts, schema.sites, schema.authors
    query = (
        select(posts.c.native_id, authors.c.handle, posts.c.posted_at, posts.c.text)
        .join(sites, sites.c.id == posts.c.site_id)
        .outerjoin(authors, authors.c.id == posts.c.author_id)
        .where(sites.c.name == site)
    )
    with store.engine.connect() as connection:
        return {row[0]: (row[1], row[2], row[3]) for row in connection.execute(query)}


def fetch_log(store: Store, site: str | None = None) -> list[tuple[str, int | None, str | None]]:
    """(url, status, error_class) of every fetch, in order."""
    assert isinstance(store, SQLStore)
    fetches, sites = schema.fetches, schema.sites
    query = select(fetches.c.url, fetches.c.status, fetches.c.error_class).order_by(fetches.c.id)
    if site is not None:
        query = query.join(sites, sites.c.id == fetches.c.site_id).where(sites.c.name == site)
    with store.engine.connect() as connection:
        return [(r[0], r[1], r[2]) for r in connection.execute(query)]


def warc_bytes(warc_dir: Path) -> bytes:
    """Every WARC file of a folder, decompressed and concatenated."""
    data = b""
    for path in sorted(warc_dir.glob("*.warc.gz")):
        with gzip.open(path, "rb") as handle, contextlib.suppress(EOFError):
            data += handle.read()
    return data
