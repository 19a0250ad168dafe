"""One crawl run over several sites: shared archive and store writer, one client per site."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

from forumwatch.clock import Clock
from forumwatch.crawl.crawler import CrawlProgress, SiteCrawler, SiteCrawlSummary
from forumwatch.crawl.fetcher import Fetcher
from forumwatch.crawl.politeness import Politeness
from forumwatch.crawl.profile import SiteProfile, parse_profile, parse_table
from forumwatch.crawl.scope import in_scope_of
from forumwatch.crawl.session import load_cookie_jar
from forumwatch.crawl.transport import build_client, choose_proxy, describe_proxy
from forumwatch.crawl.warc import WarcArchive
from forumwatch.enrich import Enricher
from forumwatch.errors import ConfigError
from forumwatch.models import Site
from forumwatch.parse.base import EngineParser
from forumwatch.parse.profile import build_parser
from forumwatch.parse.registry import get_parser
from forumwatch.settings import Settings
from forumwatch.store.base import Store
from forumwatch.store.writer import StoreWriter

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CrawlTarget:
    """Where a run writes: the store, the archive folder and the settings."""

    store: Store
    archive: WarcArchive
    settings: Settings


def site_parser(site: Site, profile: SiteProfile) -> EngineParser | None:
    """The parser a site is configured with; None when its engine is to be detected.

    Raises:
        ConfigError: an unknown engine, timezone or ``[parse]`` table.
    """
    if profile.parse:
        return build_parser(parse_table(site, profile))
    if site.engine and site.engine != "auto":
        return get_parser(site.engine, timezone=site.timezone, language=site.language)
    return None


def _prepare(
    target: CrawlTarget,
    site: Site,
    clock: Clock,
    writer: StoreWriter,
    enricher: Enricher,
    progress: CrawlProgress | None,
) -> tuple[SiteCrawler, httpx.AsyncClient]:
    assert site.id is not None
    profile = parse_profile(site.profile_toml, f"profile of site {site.name!r}")
    policy = profile.policy(target.settings, site.proxy)
    parser = site_parser(site, profile)
    cookies = None
    if profile.login.cookies_file:
        cookies = load_cookie_jar(Path(profile.login.cookies_file))
    client = build_client(site.name, policy, target.settings, cookies)
    log.info(
        "crawling %s through %s",
        site.name,
        describe_proxy(choose_proxy(site.name, policy, target.settings)),
    )
    fetcher = Fetcher(
        client,
        target.archive,
        clock,
        site.name,
        in_scope_of(site.base_url, policy.scope),
        policy.max_page_bytes,
        deadline_seconds=policy.request_timeout_seconds,
    )
    crawler = SiteCrawler(
        site,
        fetcher,
        writer,
        clock,
        policy,
        target.store.site_state(site.id),
        parser=parser,
        profile=profile,
        enricher=enricher,
        progress=progress,
        politeness=Politeness(policy, random.Random(site.name)),
    )
    return crawler, client


async def crawl_sites_async(
    target: CrawlTarget,
    sites: Sequence[Site],
    clock: Clock,
    progress: CrawlProgress | None = None,
    enricher: Enricher | None = None,
) -> list[SiteCrawlSummary]:
    """Crawl each site once, concurrently; return one summary per site, in the given order.

    A site whose profile is unusable gets a ``config_error`` summary; the others go on.
    """
    writer = StoreWriter(target.store, target.settings.write_batch_pages)
    enricher = enricher or Enricher()
    clients: list[httpx.AsyncClient] = []
    try:
        runs: list[asyncio.Future[SiteCrawlSummary] | SiteCrawlSummary] = []
        for site in sites:
            try:
                crawler, client = _prepare(target, site, clock, writer, enricher, progress)
            except ConfigError as error:
                assert site.id is not None
                summary = SiteCrawlSummary(site.name, status="config_error", detail=str(error))
                await writer.set_site_status(site.id, summary.status, summary.detail)
                runs.append(summary)
                continue
            clients.append(client)
            runs.append(asyncio.ensure_future(crawler.run()))
        try:
            await asyncio.gather(*(r for r in runs if isinstance(r, asyncio.Future)))
        finally:
            for client in clients:
                await client.aclose()
        return [r if isinstance(r, SiteCrawlSummary) else r.result() for r in runs]
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
