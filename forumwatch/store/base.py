"""The Store protocol: what every storage backend offers the rest of forumwatch.

The crawler writes through one writer (a single thread) in per-page transactions; analysis,
reports and the dashboard read. Backends: :mod:`forumwatch.store.sqlite` (the default) and, later,
PostgreSQL; both implement this protocol on top of :class:`forumwatch.store.sql.SQLStore`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol, runtime_checkable

from forumwatch.models import Fetch, ParsedPage, PostEnrichment, Site


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


@runtime_checkable
class Store(Protocol):
    """Storage for sites, the fetch log, parsed pages, enrichment and rollups."""

    url: str

    def close(self) -> None:
        """Release connections."""

    def schema_version(self) -> int:
        """The schema version recorded in the store."""

    # -- sites -------------------------------------------------------------------------
    def add_site(self, site: Site, now: datetime) -> Site:
        """Store a new site and return it with its id (ConfigError if the name is taken)."""

    def update_site(self, site: Site) -> Site:
        """Change a stored site's settings (matched by name)."""

    def get_site(self, name: str) -> Site:
        """Return the named site (NotFoundError if absent)."""

    def list_sites(self) -> list[Site]:
        """All sites, by name."""

    def remove_site(self, name: str) -> None:
        """Delete a site and everything stored about it."""

    def set_site_status(
        self,
        site_id: int,
        status: str,
        detail: str | None = None,
        started_at: datetime | None = None,
        finished_at: datetime | None = None,
        complete_crawl_at: datetime | None = None,
    ) -> None:
        """Record the state of a crawl of a site (``complete_crawl_at``: a full run's start)."""

    def site_state(self, site_id: int) -> SiteState:
        """A site's crawl state."""

    # -- writing -----------------------------------------------------------------------
    def record_fetch(self, site_id: int, fetch: Fetch) -> int:
        """Append one attempt to the fetch log and return its id."""

    def ingest(self, items: Sequence[IngestItem]) -> IngestResult:
        """Store parsed pages in one transaction; idempotent for unchanged pages."""

    def mark_thread_crawled(
        self,
        site_id: int,
        native_id: str,
        replies: int | None,
        last_post_at: datetime | None,
        crawled_at: datetime,
    ) -> None:
        """Record that the crawler has stored a thread up to the given reply count."""

    # -- reading -----------------------------------------------------------------------
    def thread_progress(self, site_id: int, native_ids: Sequence[str]) -> dict[str, ThreadProgress]:
        """Crawl progress of the given threads (absent ids were never stored)."""

    def sections(self, site_id: int | None = None) -> list[StoredSection]:
        """Stored sections, of one site or of all."""

    def daily_counts(
        self,
        metric: str,
        start: date,
        end: date,
        site_ids: Sequence[int] | None = None,
        section_ids: Sequence[int] | None = None,
        keys: Sequence[str] | None = None,
    ) -> list[DailyCount]:
        """Rollup rows of a metric between two days (inclusive)."""

    def fetch_days(self, site_id: int, start: date, end: date) -> list[FetchDay]:
        """Per-day fetch outcomes of a site between two days (inclusive), days with fetches only."""

    def first_fetch_at(self, site_id: int) -> datetime | None:
        """When the site was first fetched at all (None if never)."""

    def counts(self) -> StoreCounts:
        """Row counts of the main tables."""

    def archived_fetches(self) -> Iterator[ArchivedFetch]:
        """Every fetch whose response was archived, for re-hashing against the WARC files."""

    # -- crawl state (migration 3) -----------------------------------------------------------
    def begin_crawl_pass(
        self, site_id: int, started_at: datetime, entries: Sequence[FrontierEntry]
    ) -> None:
        """Open a new crawl pass: forget the old frontier, record the start, add ``entries``."""

    def frontier(self, site_id: int) -> list[FrontierEntry]:
        """Every entry of the site's open pass, in the order they were discovered."""

    def advance_frontier(
        self,
        site_id: int,
        url: str,
        state: str,
        finished_at: datetime,
        error_class: str | None = None,
        discovered: Sequence[FrontierEntry] = (),
    ) -> None:
        """Mark one entry finished and add the entries it led to (known URLs are kept)."""

    def end_crawl_pass(self, site_id: int) -> None:
        """Close the site's pass and clear its frontier."""

    def set_crawl_schedule(
        self, site_id: int, next_crawl_at: datetime | None, unavailable_runs: int
    ) -> None:
        """Record when the site is next due and how many runs in a row found it down."""

    def fetch_availability(
        self,
        start: datetime,
        end: datetime,
        granularity: str = "hour",
        site_ids: Sequence[int] | None = None,
    ) -> list[FetchBucket]:
        """Fetch outcomes per site per ``hour`` or ``day`` (UTC) in ``[start, end)``.

        Only periods with at least one attempt are returned: a missing period was not
        monitored, which is not the same as down.
        """

    def post_digest(self) -> str:
        """A SHA-256 over every stored post and version (site, native id, hash, version).

        Two stores with the same posts have the same digest, whatever their internal ids.
        """
