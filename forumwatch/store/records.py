"""What the store hands back and takes in besides the models: pages to ingest with their
outcome, crawl state (progress, frontier, section marks, fetch buckets, leases), and the
read-side records of sections, counts and posts. The :class:`~forumwatch.store.base.Store`
protocol speaks in these types.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from forumwatch.models import Fetch, ParsedPage, Post, PostEnrichment


@dataclass(frozen=True, slots=True)
class IngestItem:
    """One parsed page to store, with the fetch it came from and its posts' enrichment.

    Give either ``fetch_id`` (a fetch already in the log) or ``fetch`` (recorded in the same
    transaction as the page, so the log and the posts can never disagree).
    """

    site_id: int
    page: ParsedPage
    captured_at: datetime
    fetch_id: int | None = None
    fetch: Fetch | None = None
    enrichment: Mapping[str, PostEnrichment] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What an ingest changed; all zeros when a page is stored a second time."""

    new_posts: int = 0
    changed_posts: int = 0
    unchanged_posts: int = 0
    new_threads: int = 0
    new_sections: int = 0
    moved_threads: int = 0
    problems: int = 0

    def __add__(self, other: IngestResult) -> IngestResult:
        return IngestResult(
            self.new_posts + other.new_posts,
            self.changed_posts + other.changed_posts,
            self.unchanged_posts + other.unchanged_posts,
            self.new_threads + other.new_threads,
            self.new_sections + other.new_sections,
            self.moved_threads + other.moved_threads,
            self.problems + other.problems,
        )


@dataclass(frozen=True, slots=True)
class ThreadProgress:
    """What the crawler had stored of a thread when it last finished it."""

    native_id: str
    replies: int | None
    last_post_at: datetime | None
    crawled_at: datetime | None
    stored_posts: int


@dataclass(frozen=True, slots=True)
class SiteState:
    """A site's crawl state as the store keeps it."""

    status: str
    detail: str | None
    last_crawl_started_at: datetime | None
    last_crawl_finished_at: datetime | None
    last_complete_crawl_at: datetime | None
    # Crawler state (migration 3): the open crawl pass, and the scheduler's plan.
    pass_started_at: datetime | None = None
    next_crawl_at: datetime | None = None
    unavailable_runs: int = 0


@dataclass(frozen=True, slots=True)
class FrontierEntry:
    """One URL of a site's open crawl pass.

    ``state`` is ``pending``, ``done`` or ``failed``; ``thread_json`` holds the thread as its
    listing showed it (for thread entries), so a resumed crawl knows what it was after.
    """

    url: str
    kind: str
    state: str = "pending"
    thread_json: str | None = None
    error_class: str | None = None


@dataclass(frozen=True, slots=True)
class CrawledThread:
    """A thread the crawler has stored up to ``replies`` (see ``Store.mark_thread_crawled``)."""

    native_id: str
    replies: int | None
    last_post_at: datetime | None
    crawled_at: datetime


@dataclass(frozen=True, slots=True)
class FrontierStep:
    """One finished frontier entry: its new state, what it led to, the thread it completed."""

    url: str
    state: str
    finished_at: datetime
    error_class: str | None = None
    discovered: tuple[FrontierEntry, ...] = ()
    thread: CrawledThread | None = None


@dataclass(frozen=True, slots=True)
class FetchBucket:
    """How a site's fetches went in one hour or day (UTC): the availability series."""

    site_id: int
    start: datetime
    attempts: int
    succeeded: int
    failed: int
    errors: Mapping[str, int] = field(default_factory=dict)

    @property
    def available(self) -> bool:
        """True when at least one fetch in the period succeeded."""
        return self.succeeded > 0


@dataclass(frozen=True, slots=True)
class SectionMark:
    """A section's last-post time and post count as the board index showed them."""

    last_post_at: datetime | None
    post_count: int | None


@dataclass(frozen=True, slots=True)
class StoredSection:
    """A section as stored, with the ids analysis needs."""

    id: int
    site_id: int
    native_id: str
    parent_native_id: str | None
    title: str
    url: str
    language: str | None


@dataclass(frozen=True, slots=True)
class DailyCount:
    """One row of a rollup: a metric's value for a site, section, key and UTC day."""

    metric: str
    site_id: int
    section_id: int
    key: str
    day: date
    value: int


@dataclass(frozen=True, slots=True)
class FetchDay:
    """How a site's fetches went on one UTC day."""

    site_id: int
    day: date
    succeeded: int
    failed: int


@dataclass(frozen=True, slots=True)
class StoreCounts:
    """Row counts of the main tables, for `forumwatch stats`."""

    sites: int
    sections: int
    threads: int
    authors: int
    posts: int
    post_versions: int
    urls: int
    links: int
    fetches: int
    failed_fetches: int
    parse_problems: int
    first_post_at: datetime | None
    last_post_at: datetime | None


@dataclass(frozen=True, slots=True)
class ArchivedFetch:
    """A fetch with an archived response: what `verify` re-hashes."""

    id: int
    url: str
    sha256: str
    warc_file: str
    warc_offset: int
    warc_length: int | None


@dataclass(frozen=True, slots=True)
class StoredPost:
    """A stored post as re-enrichment reads it: its id, site, the post (text, quotes, raw link
    URLs; no author) and the raw link URLs of the posts it quotes, by native id."""

    id: int
    site_id: int
    post: Post
    quoted_links: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SiteLease:
    """One lease from the log: which crawl worker held which site, from when until when.

    ``released_at`` is None for a lease still held, or one whose worker died (it ended at
    ``expires_at``, the last renewal's end).
    """

    site_id: int
    worker_id: str
    leased_at: datetime
    expires_at: datetime
    released_at: datetime | None

    @property
    def ended_at(self) -> datetime:
        """When the lease stopped counting: released, or else expired."""
        return self.released_at if self.released_at is not None else self.expires_at
