"""Crawling one site: board index -> section listings -> threads, incrementally.

The plan comes from the engine's pages: the index lists sections, a listing lists threads (with
their reply counts and last-post times) and pages, a thread page lists posts and pages. A
re-crawl only revisits threads whose reply count or last-post time changed since the store last
finished them, starting at the page that holds the first post not yet stored, and stops paging
a listing once its threads are older than the previous crawl.

Every page is stored (fetch log row, posts, enrichment) in one transaction before the crawler
moves its own bookkeeping on, so a crawl can be killed at any moment and simply run again.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

import httpx

from forumwatch.clock import Clock
from forumwatch.crawl.fetcher import Fetcher, FetchOutcome
from forumwatch.enrich import Enricher
from forumwatch.errors import CrawlError
from forumwatch.models import (
    Fetch,
    IndexPage,
    ListingPage,
    PageKind,
    ParsedPage,
    Site,
    Thread,
    ThreadPage,
)
from forumwatch.parse.base import EngineParser
from forumwatch.parse.registry import detect_engine, get_parser
from forumwatch.settings import Settings
from forumwatch.store.base import IngestItem, ThreadProgress
from forumwatch.store.writer import StoreWriter

# Failures worth another attempt after a pause; others (404, not_html ...) are final.
RETRYABLE = frozenset(
    {
        "timeout",
        "connect_error",
        "connection_reset",
        "truncated",
        "protocol_error",
        "transport_error",
        "proxy_error",
        "http_429",
        "http_500",
        "http_502",
        "http_503",
        "http_504",
    }
)
# After this many failed URLs in a row the site is treated as down for this run.
CONSECUTIVE_FAILURES_TO_STOP = 4


class CrawlProgress(Protocol):
    """Receives live progress; the command line shows it, the library never prints."""

    def on_fetch(self, site: str, fetch: Fetch) -> None:
        """One attempt finished."""

    def on_stored(self, site: str, new_posts: int, changed_posts: int) -> None:
        """A page was stored."""


class NoProgress:
    """Progress that goes nowhere."""

    def on_fetch(self, site: str, fetch: Fetch) -> None:
        """Ignore."""

    def on_stored(self, site: str, new_posts: int, changed_posts: int) -> None:
        """Ignore."""


@dataclass
class SiteCrawlSummary:
    """What one run did for one site."""

    site: str
    status: str = "ok"
    reached: bool = False
    detail: str | None = None
    pages: int = 0
    failed: int = 0
    new_posts: int = 0
    changed_posts: int = 0
    threads_visited: int = 0
    bytes_received: int = 0
    errors: dict[str, int] = field(default_factory=dict)


class SiteCrawler:
    """One run over one site.

    Args:
        site: the stored site (with its id).
        client: an httpx client configured for this site (proxy, timeouts, cookies).
        fetcher: the site's fetcher (archive, scope, size cap).
        writer: the single store writer shared by all sites of the run.
        store_progress: reads thread progress from the store (called on the writer's side).
        clock: the injected clock.
        settings: politeness and retry settings.
        last_crawl_at: when the previous successful run of this site started, if any.
    """

    def __init__(
        self,
        site: Site,
        fetcher: Fetcher,
        writer: StoreWriter,
        clock: Clock,
        settings: Settings,
        last_crawl_at: datetime | None,
        enricher: Enricher | None = None,
        progress: CrawlProgress | None = None,
    ) -> None:
        if site.id is None:
            raise CrawlError(f"site {site.name!r} is not stored yet")
        self.site = site
        self.site_id: int = site.id
        self.fetcher = fetcher
        self.writer = writer
        self.clock = clock
        self.settings = settings
        self.last_crawl_at = last_crawl_at
        self.enricher = enricher or Enricher()
        self.progress = progress or NoProgress()
        self.summary = SiteCrawlSummary(site.name)
        self.parser: EngineParser | None = None
        self._queue: asyncio.Queue[tuple[PageKind, str, Thread | None]] = asyncio.Queue()
        self._queued: set[str] = set()
        self._consecutive_failures = 0
        self._stopped = False
        self._rng = random.Random(site.name)

    # -- fetching with retries -------------------------------------------------------------
    async def _fetch(self, url: str, kind: PageKind) -> FetchOutcome | None:
        """Fetch with retries and back-off; log every attempt; None when all attempts failed."""
        attempts = max(1, self.settings.crawl_retries)
        for attempt in range(attempts):
            if self._budget_spent():
                self._stop("budget", "page budget reached")
                return None
            outcome = await self.fetcher.fetch(url, kind)
            self.summary.pages += 1
            self.summary.bytes_received += outcome.fetch.bytes_received
            self.progress.on_fetch(self.site.name, outcome.fetch)
            if outcome.ok:
                self._consecutive_failures = 0
                return outcome
            error = outcome.fetch.error_class or "unknown"
            self.summary.errors[error] = self.summary.errors.get(error, 0) + 1
            await self.writer.record_fetch(self.site_id, outcome.fetch)
            if error not in RETRYABLE or attempt == attempts - 1:
                break
            pause = self.settings.crawl_backoff_seconds * (2**attempt)
            await asyncio.sleep(pause * (0.5 + self._rng.random()))
        self.summary.failed += 1
        self._consecutive_failures += 1
        if self._consecutive_failures >= CONSECUTIVE_FAILURES_TO_STOP:
            self._stop("unavailable", f"{self._consecutive_failures} URLs failed in a row")
        return None

    def _budget_spent(self) -> bool:
        budget = self.settings.crawl_page_budget
        return budget > 0 and self.summary.pages >= budget

    def _stop(self, status: str, detail: str) -> None:
        if not self._stopped:
            self._stopped = True
            self.summary.status = status
            self.summary.detail = detail

    async def _store(self, outcome: FetchOutcome, page: ParsedPage) -> None:
        enrichment = self.enricher.enrich_page(page)
        result = await self.writer.ingest(
            IngestItem(
                site_id=self.site_id,
                page=page,
                captured_at=outcome.fetch.started_at,
                fetch=outcome.fetch,
                enrichment=enrichment,
            )
        )
        self.summary.new_posts += result.new_posts
        self.summary.changed_posts += result.changed_posts
        self.progress.on_stored(self.site.name, result.new_posts, result.changed_posts)

    def _parse(self, outcome: FetchOutcome, kind: PageKind) -> ParsedPage:
        assert outcome.text is not None and self.parser is not None
        url = outcome.final_url or outcome.fetch.url
        captured_at = outcome.fetch.started_at
        if kind is PageKind.INDEX:
            return self.parser.parse_index(outcome.text, url, captured_at)
        if kind is PageKind.LISTING:
            return self.parser.parse_listing(outcome.text, url, captured_at)
        return self.parser.parse_thread(outcome.text, url, captured_at)

    # -- the plan ------------------------------------------------------------------------
    async def run(self) -> SiteCrawlSummary:
        """Crawl the site once; the summary says how it went (never raises for site trouble)."""
        started_at = self.clock.now()
        await self.writer.set_site_status(self.site_id, "crawling", None, started_at=started_at)
        index = await self._fetch(self.site.base_url, PageKind.INDEX)
        if index is None:
            self._stop("unavailable", "the board index could not be fetched")
        else:
            self.summary.reached = True
        if index is not None and self._choose_parser(index):
            page = self._parse(index, PageKind.INDEX)
            await self._store(index, page)
            if isinstance(page, IndexPage):
                for section in page.sections:
                    if section.url:
                        self._enqueue(PageKind.LISTING, section.url, None)
            workers = [
                asyncio.create_task(self._worker())
                for _ in range(max(1, self.settings.crawl_concurrency))
            ]
            await self._queue.join()
            for worker in workers:
                worker.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
        finished_at = self.clock.now()
        complete = self.summary.status == "ok" and self.summary.failed == 0
        await self.writer.set_site_status(
            self.site_id,
            self.summary.status,
            self.summary.detail,
            finished_at=finished_at,
            complete_crawl_at=started_at if complete else None,
        )
        return self.summary

    def _choose_parser(self, index: FetchOutcome) -> bool:
        """Pick the site's parser (configured, or detected from the index); False if none fits."""
        assert index.text is not None
        if self.site.engine and self.site.engine != "auto":
            self.parser = get_parser(
                self.site.engine, timezone=self.site.timezone, language=self.site.language
            )
            return True
        detected, confidence = detect_engine(index.text, self.site.base_url)
        if detected is None:
            self._stop("unknown_engine", f"no parser recognises the index (best {confidence:.2f})")
            return False
        self.parser = get_parser(
            detected.name, timezone=self.site.timezone, language=self.site.language
        )
        return True

    def _enqueue(self, kind: PageKind, url: str, thread: Thread | None) -> None:
        if url in self._queued or not self.fetcher.in_scope(url):
            return
        self._queued.add(url)
        self._queue.put_nowait((kind, url, thread))

    async def _worker(self) -> None:
        while True:
            kind, url, thread = await self._queue.get()
            try:
                if not self._stopped:
                    if kind is PageKind.LISTING:
                        await self._crawl_listing_page(url)
                    else:
                        assert thread is not None
                        await self._crawl_thread(thread)
                    if self.settings.crawl_delay_seconds > 0:
                        await asyncio.sleep(self.settings.crawl_delay_seconds)
            finally:
                self._queue.task_done()

    async def _crawl_listing_page(self, url: str) -> None:
        outcome = await self._fetch(url, PageKind.LISTING)
        if outcome is None:
            return
        page = self._parse(outcome, PageKind.LISTING)
        await self._store(outcome, page)
        if not isinstance(page, ListingPage):
            return
        for subsection in page.subsections:
            if subsection.url:
                self._enqueue(PageKind.LISTING, subsection.url, None)
        progress = await self._thread_progress([t.native_id for t in page.threads])
        for thread in page.threads:
            if self._changed(thread, progress.get(thread.native_id)):
                self._enqueue(PageKind.THREAD, thread.url, thread)
        if self._listing_is_exhausted(page):
            return
        pagination = page.pagination
        if pagination.page < pagination.pages and len(pagination.page_urls) >= pagination.page + 1:
            self._enqueue(PageKind.LISTING, pagination.page_urls[pagination.page], None)

    async def _thread_progress(self, native_ids: list[str]) -> dict[str, ThreadProgress]:
        return await self.writer.thread_progress(self.site_id, native_ids)

    @staticmethod
    def _changed(thread: Thread, progress: ThreadProgress | None) -> bool:
        if progress is None or progress.crawled_at is None:
            return True
        if thread.replies is not None and thread.replies != progress.replies:
            return True
        return thread.last_post_at is not None and thread.last_post_at != progress.last_post_at

    def _listing_is_exhausted(self, page: ListingPage) -> bool:
        """True when a re-crawl has reached threads last active before the previous run."""
        if self.last_crawl_at is None:
            return False
        ordinary = [t for t in page.threads if not t.sticky]
        if not ordinary:
            return False
        oldest = ordinary[-1].last_post_at
        # A day of margin absorbs clock skew and timezone mistakes on the site's side.
        return oldest is not None and oldest < self.last_crawl_at - timedelta(days=1)

    async def _crawl_thread(self, thread: Thread) -> None:
        self.summary.threads_visited += 1
        first = await self._fetch(thread.url, PageKind.THREAD)
        if first is None:
            return
        page = self._parse(first, PageKind.THREAD)
        await self._store(first, page)
        if not isinstance(page, ThreadPage):
            return
        pagination = page.pagination
        if pagination.pages > 1 and pagination.page_urls:
            progress = (await self._thread_progress([thread.native_id])).get(thread.native_id)
            per_page = pagination.per_page or max(1, len(page.posts))
            stored = progress.stored_posts if progress else 0
            start_page = max(2, stored // per_page + 1 if stored else 2)
            for number in range(start_page, pagination.pages + 1):
                if number - 1 >= len(pagination.page_urls):
                    break
                url = pagination.page_urls[number - 1]
                if not self.fetcher.in_scope(url):
                    continue
                outcome = await self._fetch(url, PageKind.THREAD)
                if outcome is None:
                    return  # not marked crawled: the next run starts this thread again
                next_page = self._parse(outcome, PageKind.THREAD)
                await self._store(outcome, next_page)
        await self.writer.mark_thread_crawled(
            self.site_id, thread.native_id, thread.replies, thread.last_post_at, self.clock.now()
        )


def build_client(site: Site, settings: Settings) -> httpx.AsyncClient:
    """An httpx client for one site: its proxy (socks5h or http), timeouts, no auto-redirects."""
    proxy = site.proxy or settings.proxy or None
    timeout = httpx.Timeout(
        settings.request_timeout_seconds, connect=settings.connect_timeout_seconds
    )
    limits = httpx.Limits(
        max_connections=max(1, settings.crawl_concurrency),
        max_keepalive_connections=max(1, settings.crawl_concurrency),
    )
    return httpx.AsyncClient(
        proxy=proxy,
        timeout=timeout,
        limits=limits,
        follow_redirects=False,
        headers={"User-Agent": settings.user_agent, "Accept": "text/html,application/xhtml+xml"},
        trust_env=False,
    )
