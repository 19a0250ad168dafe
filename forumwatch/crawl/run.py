"""One crawl run over several sites: shared archive and store writer, one client per site."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from forumwatch.clock import Clock
from forumwatch.crawl.crawler import (
    CrawlProgress,
    SiteCrawler,
    SiteCrawlSummary,
    build_client,
)
from forumwatch.crawl.fetcher import Fetcher
from forumwatch.crawl.scope import in_scope_of
from forumwatch.crawl.warc import WarcArchive
from forumwatch.enrich import Enricher
from forumwatch.models import Site
from forumwatch.settings import Settings
from forumwatch.store.base import Store
from forumwatch.store.writer import StoreWriter


@dataclass(frozen=True)
class CrawlTarget:
    """Where a run writes: the store, the archive folder and the settings."""

    store: Store
    archive: WarcArchive
    settings: Settings


async def crawl_sites_async(
    target: CrawlTarget,
    sites: Sequence[Site],
    clock: Clock,
    progress: CrawlProgress | None = None,
    enricher: Enricher | None = None,
) -> list[SiteCrawlSummary]:
    """Crawl each site once, concurrently; return one summary per site, in the given order."""
    writer = StoreWriter(target.store, target.settings.write_batch_pages)
    enricher = enricher or Enricher()
    try:
        crawlers = []
        clients = []
        for site in sites:
            assert site.id is not None
            client = build_client(site, target.settings)
            clients.append(client)
            fetcher = Fetcher(
                client,
                target.archive,
                clock,
                site.name,
                in_scope_of(site.base_url),
                target.settings.max_page_bytes,
            )
            state = target.store.site_state(site.id)
            crawlers.append(
                SiteCrawler(
                    site,
                    fetcher,
                    writer,
                    clock,
                    target.settings,
                    state.last_complete_crawl_at,
                    enricher,
                    progress,
                )
            )
        try:
            summaries = await asyncio.gather(*(crawler.run() for crawler in crawlers))
        finally:
            for client in clients:
                await client.aclose()
        return list(summaries)
    finally:
        writer.close()


def crawl_sites(
    target: CrawlTarget,
    sites: Sequence[Site],
    clock: Clock,
    progress: CrawlProgress | None = None,
    enricher: Enricher | None = None,
) -> list[SiteCrawlSummary]:
    """Synchronous wrapper of :func:`crawl_sites_async` for the command line and the demo."""
    return asyncio.run(crawl_sites_async(target, sites, clock, progress, enricher))
