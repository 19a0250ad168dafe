"""Crawling one site: board index -> section listings (every page) -> threads (every page).

The plan comes from the engine's pages: the index lists sections, a listing lists threads (with
their reply counts and last-post times) and pages, a thread page lists posts and pages. A
re-crawl only revisits threads whose reply count or last-post time changed since the store last
finished them, starting at the page that holds the first post not yet stored, and stops paging
a listing once its threads are older than the previous complete crawl.

The work of a pass lives in the store's frontier (:mod:`forumwatch.crawl.frontier`): a crawl
killed at any moment resumes its pass on the next run. Every page is stored (fetch log row,
posts, enrichment) in one transaction before the frontier moves on. A page that turns out to
be a login form, captcha, ban or maintenance notice is logged, never stored as content, and
stops the site with that status (after one fresh login, when the site has credentials).
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Protocol

from forumwatch.clock import Clock
from forumwatch.crawl.fetcher import Fetcher, FetchOutcome
from forumwatch.crawl.frontier import Frontier, Work
from forumwatch.crawl.pagestate import PageState, detect_page_state
from forumwatch.crawl.politeness import Politeness
from forumwatch.crawl.profile import CrawlPolicy, SiteProfile
from forumwatch.crawl.session import SiteSession
from forumwatch.enrich import Enricher
from forumwatch.errors import ConfigError, CrawlError, SessionError
from forumwatch.models import (
    Fetch,
    IndexPage,
    ListingPage,
    PageKind,
    ParsedPage,
    Section,
    Site,
    Thread,
    ThreadPage,
)
from forumwatch.parse.base import EngineParser
from forumwatch.parse.registry import detect_engine
from forumwatch.store.records import (
    CrawledThread,
    FrontierEntry,
    IngestItem,
    SectionMark,
    SiteState,
    ThreadProgress,
)
from forumwatch.store.writer import StoreWriter

# Failures worth another attempt after a pause; others (404, not_html ...) are final.
RETRYABLE = frozenset(
    {
        "timeout",
        "deadline",
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
# Fresh logins per run when pages show we were logged out.
MAX_LOGINS_PER_RUN = 2
# Statuses after which a run stops early but the site is fine (the pass resumes next run).
PARTIAL = frozenset({"budget"})


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
    resumed: bool = False
    pending: int = 0
    errors: dict[str, int] = field(default_factory=dict)


class SiteCrawler:
    """One run over one site.

    Args:
        site: the stored site (with its id).
        fetcher: the site's fetcher (client, archive, scope, size cap, deadline).
        writer: the single store writer shared by all sites of the run.
        clock: the injected clock.
        policy: the site's effective politeness.
        state: the site's crawl state at the start of the run.
        parser: the site's parser, or None to detect the engine from the first page.
        profile: the site's profile (login).
        politeness: the site's pacing (built from ``policy`` when not given).
    """

    def __init__(
        self,
        site: Site,
        fetcher: Fetcher,
        writer: StoreWriter,
        clock: Clock,
        policy: CrawlPolicy,
        state: SiteState,
        parser: EngineParser | None = None,
        profile: SiteProfile | None = None,
        enricher: Enricher | None = None,
        progress: CrawlProgress | None = None,
        politeness: Politeness | None = None,
    ) -> None:
        if site.id is None:
            raise CrawlError(f"site {site.name!r} is not stored yet")
        self.site = site
        self.site_id: int = site.id
        self.fetcher = fetcher
        self.writer = writer
        self.clock = clock
        self.policy = policy
        self.state = state
        self.parser = parser
        self.profile = profile or SiteProfile()
        self.enricher = enricher or Enricher()
        self.progress = progress or NoProgress()
        self.politeness = politeness or Politeness(policy, random.Random(site.name))
        self.summary = SiteCrawlSummary(site.name)
        self.frontier = Frontier(writer, self.site_id)
        self.session = SiteSession(
            self.profile.login, site.engine, site.base_url, fetcher, self._record_attempt
        )
        self._queue: asyncio.Queue[Work] = asyncio.Queue()
        self._consecutive_failures = 0
        self._stopped = False
        self._login_lock = asyncio.Lock()
        self._left: list[Work] = []
        self._last_error: dict[str, str] = {}
        # The index as this pass saw it, and as the last complete pass saw it: a section
        # whose last post and post count have not moved needs no listing fetch.
        self._index_marks: dict[str, SectionMark] | None = None
        self._crawled_marks: dict[str, SectionMark] = {}
        # The marks as stored now: a complete pass writes only those that moved.
        self._stored_marks: dict[str, SectionMark] = {}

    # -- the run -------------------------------------------------------------------------
    async def run(self) -> SiteCrawlSummary:
        """Crawl the site once; the summary says how it went (never raises for site trouble)."""
        started_at = self.clock.now()
        await self.writer.set_site_status(self.site_id, "crawling", None, started_at=started_at)
        complete_at: datetime | None = None
        try:
            if self.profile.login.form_login:
                await self._log_in()
            resumed = self.state.pass_started_at is not None and await self.frontier.resume()
            pass_started = self.state.pass_started_at if resumed else started_at
            self.summary.resumed = resumed
            if not resumed:
                await self.frontier.begin(started_at, self.site.base_url)
            if self.state.last_complete_crawl_at is not None:
                self._crawled_marks = await self.writer.call(
                    self.writer.store.section_marks, self.site_id
                )
                self._stored_marks = dict(self._crawled_marks)
            while not self._stopped:
                finished = await self._work_through_frontier()
                if not finished:
                    break
                if self.frontier.failed == 0 and self.summary.status == "ok":
                    complete_at = pass_started
                    moved = {
                        native_id: mark
                        for native_id, mark in (self._index_marks or {}).items()
                        if self._stored_marks.get(native_id) != mark
                    }
                    if moved:
                        await self.writer.call(
                            self.writer.store.mark_sections_crawled, self.site_id, moved
                        )
                        self._stored_marks.update(moved)
                await self.frontier.end()
                if not resumed or self._stopped:
                    break
                # A resumed pass is done: start a fresh one, so this run sees what is new.
                resumed = False
                pass_started = self.clock.now()
                await self.frontier.begin(pass_started, self.site.base_url)
        except ConfigError as error:
            self._stop("config_error", str(error))
        except SessionError as error:
            self._stop("login_failed", str(error))
        await self.frontier.drain()
        self.summary.pending = len(self.frontier.pending)
        await self.writer.set_site_status(
            self.site_id,
            self.summary.status,
            self.summary.detail,
            finished_at=self.clock.now(),
            complete_crawl_at=complete_at,
        )
        return self.summary

    async def _work_through_frontier(self) -> bool:
        """Process the pending work; True when the pass has nothing left."""
        for work in self.frontier.pending:
            self._queue.put_nowait(work)
        self.frontier.pending = []
        self._left = []
        workers = [
            asyncio.create_task(self._worker()) for _ in range(max(1, self.policy.concurrency))
        ]
        try:
            await self._queue.join()
        finally:
            for worker in workers:
                worker.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
        self.frontier.pending = self._left
        return not self._left

    async def _worker(self) -> None:
        while True:
            work = await self._queue.get()
            try:
                if self._stopped or not await self._process(work):
                    self._left.append(work)
            finally:
                self._queue.task_done()

    def _enqueue(self, work: Work, discovered: list[FrontierEntry]) -> None:
        if not self.fetcher.in_scope(work.url):
            return
        entry = self.frontier.discover(work)
        if entry is not None:
            discovered.append(entry)
            self._queue.put_nowait(work)

    # -- one unit of work ----------------------------------------------------------------
    async def _process(self, work: Work) -> bool:
        """Do one frontier entry; False when it was left pending (the site stopped)."""
        if work.kind is PageKind.THREAD:
            return await self._crawl_thread(work)
        page = await self._fetch_page(work.url, work.kind)
        if page is None and work.kind is PageKind.INDEX and work.url in self._last_error:
            self._stop("unavailable", "the board index could not be fetched")
            return False
        if page is None:
            return await self._give_up(work)
        _, parsed = page
        discovered: list[FrontierEntry] = []
        if isinstance(parsed, IndexPage):
            self._index_marks = {
                section.native_id: SectionMark(section.last_post_at, section.post_count)
                for section in parsed.sections
                if section.last_post_at is not None
            }
            for section in parsed.sections:
                if section.url and not self._unchanged_since_last_pass(section):
                    self._enqueue(Work(section.url, PageKind.LISTING), discovered)
        elif isinstance(parsed, ListingPage):
            await self._plan_listing(parsed, discovered)
        await self.frontier.finish(work, self.clock.now(), discovered)
        return True

    def _unchanged_since_last_pass(self, section: Section) -> bool:
        """True when the index shows a section exactly as at the last complete pass."""
        if section.last_post_at is None:
            return False
        mark = self._crawled_marks.get(section.native_id)
        return mark == SectionMark(section.last_post_at, section.post_count)

    async def _give_up(self, work: Work) -> bool:
        error = self._last_error.get(work.url)
        if error is None:
            return False
        await self.frontier.finish(work, self.clock.now(), error_class=error)
        return True

    async def _plan_listing(self, page: ListingPage, discovered: list[FrontierEntry]) -> None:
        for subsection in page.subsections:
            if self._index_marks is not None and subsection.last_post_at is not None:
                self._index_marks[subsection.native_id] = SectionMark(
                    subsection.last_post_at, subsection.post_count
                )
            if subsection.url and not self._unchanged_since_last_pass(subsection):
                self._enqueue(Work(subsection.url, PageKind.LISTING), discovered)
        progress = await self.writer.thread_progress(
            self.site_id, [t.native_id for t in page.threads]
        )
        for thread in page.threads:
            if thread.url and _changed(thread, progress.get(thread.native_id)):
                self._enqueue(Work(thread.url, PageKind.THREAD, thread), discovered)
        if self._listing_is_exhausted(page):
            return
        pagination = page.pagination
        if pagination.page < pagination.pages and len(pagination.page_urls) >= pagination.page + 1:
            self._enqueue(Work(pagination.page_urls[pagination.page], PageKind.LISTING), discovered)

    def _listing_is_exhausted(self, page: ListingPage) -> bool:
        """True when a re-crawl has reached threads last active before the previous crawl."""
        last_crawl_at = self.state.last_complete_crawl_at
        if last_crawl_at is None:
            return False
        ordinary = [t for t in page.threads if not t.sticky]
        if not ordinary:
            return False
        oldest = ordinary[-1].last_post_at
        # A day of margin absorbs clock skew and timezone mistakes on the site's side.
        return oldest is not None and oldest < last_crawl_at - timedelta(days=1)

    async def _crawl_thread(self, work: Work) -> bool:
        thread = work.thread or Thread(native_id="", title="", url=work.url)
        self.summary.threads_visited += 1
        first = await self._fetch_page(work.url, PageKind.THREAD)
        if first is None:
            return await self._give_up(work)
        _, page = first
        if not isinstance(page, ThreadPage):
            await self.frontier.finish(work, self.clock.now())
            return True
        native_id = thread.native_id or page.thread.native_id
        pagination = page.pagination
        if pagination.pages > 1 and pagination.page_urls:
            progress = (await self.writer.thread_progress(self.site_id, [native_id])).get(native_id)
            per_page = pagination.per_page or max(1, len(page.posts))
            stored = progress.stored_posts if progress else 0
            start_page = max(2, stored // per_page + 1 if stored else 2)
            for number in range(start_page, pagination.pages + 1):
                if number - 1 >= len(pagination.page_urls):
                    break
                url = pagination.page_urls[number - 1]
                if not self.fetcher.in_scope(url):
                    continue
                if await self._fetch_page(url, PageKind.THREAD) is None:
                    # Not marked crawled: the next pass starts this thread again.
                    error = self._last_error.get(url)
                    if error is None:
                        return False
                    await self.frontier.finish(work, self.clock.now(), error_class=error)
                    return True
        crawled = None
        if native_id:
            listed = work.thread or page.thread
            crawled = CrawledThread(
                native_id, listed.replies, listed.last_post_at, self.clock.now()
            )
        await self.frontier.finish(work, self.clock.now(), thread=crawled)
        return True

    # -- fetching, checking and storing one page ----------------------------------------
    async def _fetch_page(self, url: str, kind: PageKind) -> tuple[FetchOutcome, ParsedPage] | None:
        """Fetch, check and store one page; None when it failed or the site stopped.

        A failure leaves its error class in ``_last_error[url]``; a stop leaves none.
        """
        self._last_error.pop(url, None)
        for _ in range(MAX_LOGINS_PER_RUN + 1):
            outcome = await self._fetch(url, kind)
            if outcome is None:
                return None
            if self.parser is None and not self._choose_parser(outcome):
                return None
            parsed = self._parse(outcome, kind)
            assert outcome.text is not None
            state = detect_page_state(
                outcome.text,
                _has_content(parsed),
                self.profile.login.logged_in_selector,
                self.session.expects_login,
            )
            if state is PageState.OK:
                await self._store(outcome, parsed)
                return outcome, parsed
            await self._record(outcome, error_class=str(state))
            if not await self._recover_session(state):
                self._stop(str(state), f"{url} is a {str(state).replace('_', ' ')} page")
                return None
        self._stop(str(PageState.LOGGED_OUT), f"{url}: still logged out after logging in again")
        return None

    async def _recover_session(self, state: PageState) -> bool:
        """Log in again after a logged-out page, once per run; False when that is not possible."""
        if state not in (PageState.LOGGED_OUT, PageState.SESSION_EXPIRED):
            return False
        if not self.profile.login.form_login or self._stopped:
            return False
        async with self._login_lock:
            if self.session.attempts >= MAX_LOGINS_PER_RUN:
                return False
            try:
                await self._log_in()
            except (SessionError, ConfigError) as error:
                self._stop("login_failed", str(error))
                return False
        return True

    async def _log_in(self) -> None:
        async with self.politeness.slot():
            await self.session.log_in()

    async def _record_attempt(self, outcome: FetchOutcome) -> None:
        self._count(outcome)
        await self._record(outcome, error_class=outcome.fetch.error_class)

    async def _fetch(self, url: str, kind: PageKind) -> FetchOutcome | None:
        """Fetch with retries and back-off; log every failed attempt; None when it failed."""
        attempts = max(1, self.policy.retries)
        error = "unknown"
        for attempt in range(attempts):
            if self._stopped:
                return None
            if self._budget_spent():
                self._stop("budget", "page budget reached")
                return None
            async with self.politeness.slot():
                if self._stopped:
                    return None
                outcome = await self.fetcher.fetch(url, kind)
            self._count(outcome)
            if outcome.ok:
                self._consecutive_failures = 0
                self.summary.reached = True
                return outcome
            error = outcome.fetch.error_class or "unknown"
            self.summary.errors[error] = self.summary.errors.get(error, 0) + 1
            await self._record(outcome)
            if error not in RETRYABLE or attempt == attempts - 1 or self._stopped:
                break
            if not self.politeness.may_retry():
                break
            await self.politeness.after_failure(error, attempt, outcome.retry_after)
        self.summary.failed += 1
        self._last_error[url] = error
        self._consecutive_failures += 1
        if self._consecutive_failures >= CONSECUTIVE_FAILURES_TO_STOP:
            self._stop("unavailable", f"{self._consecutive_failures} URLs failed in a row")
        return None

    def _count(self, outcome: FetchOutcome) -> None:
        self.summary.pages += 1
        self.summary.bytes_received += outcome.fetch.bytes_received
        self.progress.on_fetch(self.site.name, outcome.fetch)

    async def _record(self, outcome: FetchOutcome, error_class: str | None = None) -> None:
        fetch = outcome.fetch
        if error_class is not None and fetch.error_class != error_class:
            fetch = _with_error(fetch, error_class)
            self.summary.errors[error_class] = self.summary.errors.get(error_class, 0) + 1
        await self.writer.record_fetch(self.site_id, fetch)

    def _budget_spent(self) -> bool:
        budget = self.policy.page_budget
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

    def _choose_parser(self, outcome: FetchOutcome) -> bool:
        """Detect the engine from the first page of the run; False (and stop) if none fits."""
        assert outcome.text is not None
        detected, confidence = detect_engine(
            outcome.text, outcome.fetch.url, timezone=self.site.timezone
        )
        if detected is None:
            self._stop("unknown_engine", f"no parser recognises the site (best {confidence:.2f})")
            return False
        self.parser = detected
        return True


def _changed(thread: Thread, progress: ThreadProgress | None) -> bool:
    if progress is None or progress.crawled_at is None:
        return True
    if thread.replies is not None and thread.replies != progress.replies:
        return True
    return thread.last_post_at is not None and thread.last_post_at != progress.last_post_at


def _has_content(page: ParsedPage) -> bool:
    if isinstance(page, IndexPage):
        return bool(page.sections)
    if isinstance(page, ListingPage):
        return bool(page.threads or page.subsections or page.section)
    return bool(page.posts)


def _with_error(fetch: Fetch, error_class: str) -> Fetch:
    return replace(fetch, error_class=error_class)
