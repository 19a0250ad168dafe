"""A crawl-free replay: monitoring a simulated world into a store, day by simulated day.

The demo crawls the simulator over HTTP and parses every page; that path (server, fetcher,
parser) is tested by the crawler and parser suites and takes minutes for a small world. The
analysis needs the same store contents fast, at any size, so :func:`replay_world` skips HTTP
and parsing and hands the store what a daily crawl at ``crawl_hour`` UTC would have stored:

- for each day of the monitoring period and each site, the board index, one listing page per
  section whose threads changed (threads with their reply counts, last-post times, starter,
  pinned flag and bracketed title tags, as the phpBB parser reads them), and, per changed
  thread, its first page and every page from the one holding its first unstored post (as the
  crawler resumes a thread), ten posts a page, each post as it read at crawl time (edits
  made by then included), post times cut to the minute as the boards show them. Of those
  pages, only the ones holding a new post or a post edited since it was stored are handed to
  the store: storing an unchanged page again changes nothing but the count of successful
  fetches in the fetch log;
- the first day's crawl backfills the sites' whole history, as a first crawl does;
- a fetch-log row per page (success, HTTP 200), and on a site's outage days (``world.is_down``)
  the failed attempts the crawler logs before it gives up (two, ``http_503`` or
  ``connection_reset``), so availability comes from the fetch log as in a real deployment;
- every post enriched by the workspace's :class:`~forumwatch.enrich.Enricher` and stored
  through :meth:`Store.ingest`, in transactions of ``pages_per_transaction`` pages (2,000 by
  default, across days and sites): the same writer, rollups and search index as a crawl.

What it does not do: fetch, archive WARC records, parse HTML, or mark threads crawled; a test
(``tests/analyse/test_replay.py``) checks on a tiny world that it stores the same posts (digest)
and rollups as a real crawl of the same days.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as day_time

from forumwatch.enrich import Enricher
from forumwatch.enrich.links import extract_links
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
from forumwatch.parse.text import title_tags
from forumwatch.sim.generate import F_EDITED, KIND_ANNOUNCEMENT, KIND_STICKY
from forumwatch.sim.sites import SectionKind
from forumwatch.sim.world import POSTS_PER_PAGE, SiteWorld, World
from forumwatch.store.base import Store
from forumwatch.store.records import IngestItem

CRAWL_HOUR = day_time(12, 0)
PAGES_PER_TRANSACTION = 2000
"""Pages per ``Store.ingest`` call: big batches are stored set-wise, several times faster
than a crawl's few pages per transaction (see ``bench/bench_store.py``)."""
FAILED_ATTEMPTS = 2
OUTAGE_ERRORS = ("http_503", "http_503", "connection_reset")


@dataclass
class ReplayResult:
    """What a replay stored."""

    days: int = 0
    pages: int = 0
    posts: int = 0
    failed_fetches: int = 0


def replay_world(
    world: World,
    store: Store,
    enricher: Enricher | None = None,
    start: date | None = None,
    end: date | None = None,
    crawl_hour: day_time = CRAWL_HOUR,
    pages_per_transaction: int = PAGES_PER_TRANSACTION,
    base_urls: dict[str, str] | None = None,
    on_day: Callable[[date, ReplayResult], None] | None = None,
) -> ReplayResult:
    """Store what daily crawls of ``world`` from ``start`` to ``end`` would have stored.

    Args:
        world: the simulated world.
        store: the store; the world's sites are added when missing (by name).
        enricher: the enrichment chain (a workspace's ``Workspace.enricher()``); shipped data
            when None.
        start, end: the first and last crawl day (default: the world's monitoring period).
        crawl_hour: UTC time of each day's crawl.
        pages_per_transaction: pages per ``Store.ingest`` call; pages of several days and
            sites share a call (a batch is stored exactly as its pages one by one would be),
            except that an ``on_day`` callback sees every page of its day stored.
        base_urls: site name -> base URL (default ``http://127.0.0.1:9/<name>/``).
        on_day: called after each day with the running totals.

    Returns:
        Totals of what was stored.
    """
    enricher = enricher or Enricher()
    config = world.config
    first_day = start or config.monitoring_start
    last_day = end or config.monitoring_end
    urls = base_urls or {name: f"http://127.0.0.1:9/{name}/" for name in world.site_names}
    sites = _register(world, store, urls, datetime.combine(first_day, crawl_hour, tzinfo=UTC))
    progress = {name: _Progress() for name in world.site_names}
    result = ReplayResult()
    batch: list[IngestItem] = []

    def flush() -> None:
        if batch:
            result.posts += store.ingest(batch).new_posts
            batch.clear()

    day = first_day
    while day <= last_day:
        now = datetime.combine(day, crawl_hour, tzinfo=UTC)
        for name in world.site_names:
            site_id = sites[name]
            if world.is_down(name, now):
                # Stored in the order a crawl logs them: the pages read before come first.
                flush()
                result.failed_fetches += _record_outage(store, site_id, name, urls[name], now)
                continue
            crawl = _SiteCrawl(
                world.site(name), name, site_id, urls[name], now, enricher, progress[name]
            )
            visible = crawl.site.visible_posts(int(now.timestamp()))
            for item in crawl.items(progress[name].stored, visible):
                batch.append(item)
                if len(batch) >= pages_per_transaction:
                    flush()
            result.pages += crawl.pages
            progress[name].stored = visible
        result.days += 1
        if on_day is not None:
            flush()
            on_day(day, result)
        day += timedelta(days=1)
    flush()
    # Months of posts arrive in one go, as after a backfill: merge the search index once.
    store.optimize()
    return result


def _register(world: World, store: Store, urls: dict[str, str], now: datetime) -> dict[str, int]:
    known = {site.name: site for site in store.list_sites()}
    out: dict[str, int] = {}
    for sim_site in world.sites:
        site = known.get(sim_site.name)
        if site is None:
            site = store.add_site(
                Site(
                    name=sim_site.name,
                    base_url=urls[sim_site.name],
                    engine="phpbb",
                    timezone=sim_site.timezone,
                    language=sim_site.language,
                ),
                now,
            )
        assert site.id is not None
        out[sim_site.name] = site.id
    return out


def _record_outage(store: Store, site_id: int, name: str, base_url: str, now: datetime) -> int:
    for attempt in range(FAILED_ATTEMPTS):
        salt = zlib.crc32(f"{name}:{now.date()}:{attempt}".encode())
        error = OUTAGE_ERRORS[salt % len(OUTAGE_ERRORS)]
        store.record_fetch(
            site_id,
            Fetch(
                site_name=name,
                url=base_url,
                started_at=now,
                ended_at=now,
                kind=PageKind.INDEX,
                status=503 if error == "http_503" else None,
                error_class=error,
            ),
        )
    return FAILED_ATTEMPTS


def _minute(post: Post) -> Post:
    """The post with its time cut to the minute, as the boards print it."""
    if post.posted_at is None:
        return post
    from dataclasses import replace

    return replace(post, posted_at=post.posted_at.replace(second=0, microsecond=0))


@dataclass
class _Progress:
    """What the replay has stored of one site: posts ``0..stored-1``, and which edited posts
    are stored in their edited form."""

    stored: int = 0
    edited_stored: set[int] = field(default_factory=set)
    edit_times: dict[int, int] = field(default_factory=dict)


class _SiteCrawl:
    """The pages one day's crawl of one site stores."""

    def __init__(
        self,
        site: SiteWorld,
        name: str,
        site_id: int,
        base_url: str,
        now: datetime,
        enricher: Enricher,
        progress: _Progress,
    ) -> None:
        self.site = site
        self.name = name
        self.site_id = site_id
        self.base_url = base_url
        self.now = now
        self.limit = int(now.timestamp())
        self.enricher = enricher
        self.progress = progress
        self.pages = 0

    def _edit_time(self, index: int) -> int | None:
        """When a post is edited (Unix time), None when never."""
        data = self.site.data
        if not data.post_flags[index] & F_EDITED:
            return None
        if index not in self.progress.edit_times:
            content = self.site.content.content(index)
            moment = -1
            if content.body.edit_line is not None:
                moment = content.edit_at(data.post_time[index])
            self.progress.edit_times[index] = moment
        moment = self.progress.edit_times[index]
        return None if moment < 0 else moment

    def _changed(self, index: int) -> bool:
        """True when a stored post now reads differently (edited since it was stored)."""
        if index in self.progress.edited_stored:
            return False
        moment = self._edit_time(index)
        return moment is not None and moment <= self.limit

    def _item(
        self, page: ParsedPage, kind: PageKind, enrich: Sequence[str] | None = None
    ) -> IngestItem:
        self.pages += 1
        fetch = Fetch(
            site_name=self.name,
            url=page.url,
            started_at=self.now,
            ended_at=self.now,
            kind=kind,
            status=200,
            content_type="text/html; charset=UTF-8",
        )
        enrichment = {}
        if isinstance(page, ThreadPage):
            # Only new or changed posts are written: the others' enrichment would be ignored.
            wanted = [p for p in page.posts if enrich is None or p.native_id in enrich]
            known = {p.native_id: extract_links(p.links, p.text)[0] for p in page.posts}
            enriched = self.enricher.enrich_many(wanted, [known] * len(wanted))
            enrichment = {p.native_id: e for p, e in zip(wanted, enriched, strict=True)}
        return IngestItem(self.site_id, page, self.now, fetch=fetch, enrichment=enrichment)

    def _section(self, native: int) -> Section:
        spec = self.site.section_by_id[native]
        return Section(
            native_id=str(native),
            title=spec.title,
            url=f"{self.base_url}viewforum.php?f={native}",
            parent_native_id=None if spec.parent is None else str(spec.parent),
            description=spec.description,
        )

    def _thread(self, thread: int, visible: int) -> Thread:
        data = self.site.data
        title = self.site.content.thread_title(thread)
        kind = data.thread_kind[thread]
        shown = self.site.thread_visible_posts(thread, visible)
        last = self.site.thread_last_visible(thread, visible)
        starter = data.post_author[data.thread_posts[thread][0]]
        return Thread(
            native_id=str(thread + 1),
            title=title,
            url=f"{self.base_url}viewtopic.php?t={thread + 1}",
            section_native_id=str(data.thread_section[thread]),
            tags=title_tags(title),
            author=data.members.handles[starter],
            replies=max(0, shown - 1),
            last_post_at=datetime.fromtimestamp(data.post_time[last], UTC).replace(second=0),
            sticky=kind in (KIND_STICKY, KIND_ANNOUNCEMENT),
            locked=self.site.locked(thread, self.limit),
        )

    def items(self, stored: int, visible: int) -> Iterator[IngestItem]:
        """Index, listings and thread pages for the posts ``stored``..``visible - 1``."""
        site, data = self.site, self.site.data
        sections = [s.native_id for s in site.sections]
        yield self._item(
            IndexPage(self.base_url, site.spec.title, tuple(self._section(n) for n in sections)),
            PageKind.INDEX,
        )
        changed: dict[int, int] = {}
        for index in range(stored, visible):
            thread = data.post_thread[index]
            changed.setdefault(thread, index)
        by_section: dict[int, list[int]] = {}
        for thread in sorted(changed):
            by_section.setdefault(data.thread_section[thread], []).append(thread)
        for native, threads in sorted(by_section.items()):
            if site.section_by_id[native].kind is SectionKind.CATEGORY:
                continue
            yield self._item(
                ListingPage(
                    f"{self.base_url}viewforum.php?f={native}",
                    section=self._section(native),
                    threads=tuple(self._thread(t, visible) for t in threads),
                ),
                PageKind.LISTING,
            )
        for thread in sorted(changed):
            yield from self._thread_pages(thread, changed[thread], visible)

    def _thread_pages(self, thread: int, first_new: int, visible: int) -> Iterator[IngestItem]:
        site = self.site
        posts = site.data.thread_posts[thread]
        shown = site.thread_visible_posts(thread, visible)
        pages = max(1, -(-shown // POSTS_PER_PAGE))
        already = sum(1 for index in posts[:shown] if index < first_new)
        start_page = max(2, already // POSTS_PER_PAGE + 1 if already else 2)
        header = self._thread(thread, visible)
        wanted: Sequence[int] = [1, *range(start_page, pages + 1)]
        for number in wanted:
            chunk = posts[(number - 1) * POSTS_PER_PAGE : min(shown, number * POSTS_PER_PAGE)]
            fresh = [i for i in chunk if i >= first_new or self._changed(i)]
            if not fresh:
                continue
            for index in fresh:
                moment = self._edit_time(index)
                if moment is not None and moment <= self.limit:
                    self.progress.edited_stored.add(index)
            records = [_minute(site.content.record(index, self.limit).post) for index in chunk]
            url = header.url if number == 1 else f"{header.url}&start={(number - 1) * 10}"
            yield self._item(
                ThreadPage(
                    url,
                    Thread(
                        header.native_id,
                        header.title,
                        header.url,
                        header.section_native_id,
                        header.tags,
                        replies=header.replies,
                        locked=header.locked,
                    ),
                    posts=tuple(records),
                ),
                PageKind.THREAD,
                [str(index + 1) for index in fresh],
            )
