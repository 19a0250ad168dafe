"""The Store protocol: what every storage backend offers the rest of forumwatch.

The crawler writes through one writer (a single thread) in per-page transactions; analysis,
reports and the dashboard read. Backends: :mod:`forumwatch.store.sqlite` (the default) and
:mod:`forumwatch.store.postgres`; both implement this protocol on top of
:class:`forumwatch.store.sql.SQLStore`. The records it speaks in are in
:mod:`forumwatch.store.records`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import Protocol, runtime_checkable

from forumwatch.models import Fetch, PostEnrichment, Site
from forumwatch.store.alertrules import AlertRule, MatchedPost
from forumwatch.store.analytics import (
    AuthorName,
    MemberPost,
    RollupSum,
    RollupTotal,
    StoredAuthor,
)
from forumwatch.store.records import (
    ArchivedFetch,
    DailyCount,
    FetchBucket,
    FetchDay,
    FrontierEntry,
    FrontierStep,
    IngestItem,
    IngestResult,
    SectionMark,
    SiteLease,
    SiteState,
    StoreCounts,
    StoredPost,
    StoredSection,
    ThreadProgress,
)
from forumwatch.store.reportsql import ExamplePost, ExampleQuery, ExportLink, ExportPost
from forumwatch.store.search import SearchPage, SearchQuery
from forumwatch.store.webdata import AuditEntry, StoredUser, ThreadPost, ThreadSummary, WebSession


@runtime_checkable
class Store(Protocol):
    """Storage for sites, the fetch log, parsed pages, enrichment and rollups."""

    url: str

    def close(self) -> None:
        """Release connections."""

    def schema_version(self) -> int:
        """The schema version recorded in the store."""

    def optimize(self) -> None:
        """Merge the full-text index and refresh the query planner's statistics.

        Worth running after a backfill, an import or a migration (search on a freshly loaded
        store reads many small index segments); safe at any time, and changes no data.
        """

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

    def advance_frontier_batch(self, site_id: int, steps: Sequence[FrontierStep]) -> None:
        """Apply several finished entries in one transaction (marking threads crawled too)."""

    def end_crawl_pass(self, site_id: int) -> None:
        """Close the site's pass and clear its frontier."""

    def section_marks(self, site_id: int) -> dict[str, SectionMark]:
        """What the index showed of each section when the last complete pass began."""

    def mark_sections_crawled(self, site_id: int, marks: Mapping[str, SectionMark]) -> None:
        """Remember what the index showed of these sections at a complete pass's start."""

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

    # -- enrichment --------------------------------------------------------------------
    def posts_for_enrichment(self, batch: int = 500) -> Iterator[list[StoredPost]]:
        """Every stored post in id order, ``batch`` at a time, as enrichers need them."""

    def replace_enrichment(self, items: Sequence[tuple[int, PostEnrichment]]) -> int:
        """Replace stored posts' enrichment and adjust rollups in one transaction; count changed."""

    def links_of_posts(self, site_id: int, native_ids: Sequence[str]) -> dict[str, list[str]]:
        """Raw link URLs of a site's posts, by native id (for requests that quote them)."""

    def rebuild_rollups(self) -> int:
        """Replace every rollup row with a recomputation from raw rows; return the row count."""

    # -- full-text search (migration 4) ------------------------------------------------
    def search(self, query: SearchQuery) -> SearchPage:
        """Posts matching an analyst's query and filters, one page, with highlighted snippets.

        Syntax in :mod:`forumwatch.store.search`; never raises for what the analyst typed.
        """

    # -- crawl workers (migration 4) ---------------------------------------------------
    def lease_site(
        self,
        worker_id: str,
        now: datetime,
        lease_seconds: float,
        due_at: datetime | None = None,
        site_names: Sequence[str] | None = None,
    ) -> Site | None:
        """Lease one due site that no live worker holds (None when nothing is free).

        ``now`` is wall time shared by the workers (leases expire by it); ``due_at`` is the
        crawl clock that ``next_crawl_at`` is compared with (default ``now``).
        """

    def renew_lease(
        self, site_id: int, worker_id: str, now: datetime, lease_seconds: float
    ) -> bool:
        """Extend a held lease; False when the worker lost it to another."""

    def release_site(self, site_id: int, worker_id: str, now: datetime) -> None:
        """Give a leased site back."""

    def lease_log(self, site_id: int | None = None) -> list[SiteLease]:
        """Every lease taken, in order (audits, and the check that none overlapped)."""

    def record_warc_files(
        self, worker_id: str, folder: str, names: Sequence[str], now: datetime
    ) -> None:
        """Record which worker wrote which WARC files, on which machine and in which folder."""

    # -- analysis (migration 5; forumwatch/store/analytics.py) -----------------------------
    def rollup_totals(
        self,
        metric: str,
        start: date,
        end: date,
        site_ids: Sequence[int] | None = None,
        keys: Sequence[str] | None = None,
    ) -> list[RollupTotal]:
        """A metric summed per key over ``start``..``end``, with each key's first/last day."""

    def rollup_totals_by_site(
        self,
        metric: str,
        start: date,
        end: date,
        site_ids: Sequence[int] | None = None,
    ) -> dict[int, list[RollupTotal]]:
        """:meth:`rollup_totals` of each site, in one query."""

    def rollup_totals_by_section(
        self,
        metric: str,
        start: date,
        end: date,
        site_ids: Sequence[int] | None = None,
    ) -> dict[tuple[int, int], list[RollupTotal]]:
        """:meth:`rollup_totals` of each (site, section), in one query."""

    def rollup_keys(self, metric: str, prefix: str = "") -> list[str]:
        """The keys of a metric (starting with ``prefix``) counted on at least one day."""

    def rollup_sums(
        self,
        metric: str,
        start: date,
        end: date,
        site_ids: Sequence[int] | None = None,
        section_ids: Sequence[int] | None = None,
        keys: Sequence[str] | None = None,
        by: Sequence[str] = (),
        key_prefix: str | None = None,
        monthly: bool = False,
    ) -> list[RollupSum]:
        """A metric summed per day (and per ``by`` dimensions) in the database; keys may be
        limited to those starting with ``key_prefix``; ``monthly``: per calendar month, dated
        by its first day."""

    def authors(self, site_ids: Sequence[int] | None = None) -> list[StoredAuthor]:
        """Members (of some sites, or all) with their first and last post and post count."""

    def author_names(self, site_ids: Sequence[int] | None = None) -> list[AuthorName]:
        """Members' ids, sites, handles and first days (of some sites, or all)."""

    def author_handles(self, site_ids: Sequence[int] | None = None) -> set[str]:
        """The distinct handles of members (of some sites, or all)."""

    def authors_by_id(self, author_ids: Sequence[int]) -> list[StoredAuthor]:
        """The members with these ids (unknown ids left out)."""

    def member_days(self, site_id: int, start: date, end: date) -> dict[int, list[date]]:
        """The days each member of a site posted between ``start`` and ``end``, by author id."""

    def last_active_before(self, author_ids: Sequence[int], before: date) -> dict[int, date]:
        """Each member's last day with a post before ``before``."""

    def member_posts(
        self, author_id: int, after: datetime | None = None, limit: int = 1000
    ) -> list[MemberPost]:
        """A member's posts (after a moment, if given), oldest first."""

    def thread_id(self, site_id: int, native_id: str) -> int:
        """The store id of a site's thread (NotFoundError if absent)."""

    def max_post_id(self) -> int:
        """The highest post id (0 for an empty store)."""

    def add_alert_rule(self, rule: AlertRule, now: datetime) -> AlertRule:
        """Store a watch rule (ConfigError if the name is taken or the kind unknown)."""

    def alert_rules(self) -> list[AlertRule]:
        """Every watch rule, by name."""

    def remove_alert_rule(self, name: str) -> None:
        """Delete a watch rule and what it notified (NotFoundError if absent)."""

    def advance_alert_rule(self, rule_id: int, last_post_id: int) -> None:
        """Record that posts up to ``last_post_id`` were checked against the rule."""

    def record_alert_notification(
        self, rule_id: int, match_key: str, summary: str, matched_at: datetime, delivered: str
    ) -> bool:
        """Remember a notified match; False when it was notified before."""

    def alert_notified(self, rule_id: int, match_keys: Sequence[str]) -> set[str]:
        """Which of these matches of a rule were already notified."""

    def posts_matching(
        self,
        kind: str,
        patterns: Sequence[str],
        after_post_id: int,
        site_id: int | None = None,
        limit: int = 200,
    ) -> list[MatchedPost]:
        """Posts stored after ``after_post_id`` that a term, handle or host rule matches."""

    def post_digest(self) -> str:
        """A SHA-256 over every stored post and version (site, native id, hash, version).

        Two stores with the same posts have the same digest, whatever their internal ids.
        """

    # -- reports and exports (forumwatch/store/reportsql.py) ----------------------------
    def example_posts(self, query: ExampleQuery) -> list[ExamplePost]:
        """Candidate posts to quote for a finding, oldest first, at most ``query.scan``."""

    def active_member_count(self, site_ids: Sequence[int], start: date, end: date) -> int:
        """Distinct members posting between two days (inclusive), per site, summed."""

    def export_posts(
        self,
        site_ids: Sequence[int] | None,
        start: datetime | None,
        end: datetime | None,
        after_id: int,
        limit: int,
    ) -> list[ExportPost]:
        """The next ``limit`` posts with ids above ``after_id`` (keyset pages, id order)."""

    def export_links(
        self,
        site_ids: Sequence[int] | None,
        start: datetime | None,
        end: datetime | None,
        after: tuple[int, int],
        limit: int,
    ) -> list[ExportLink]:
        """The next ``limit`` links after ``(post id, position)`` (keyset pages)."""

    # -- dashboard (migration 7; forumwatch/store/webdata.py) ------------------------------
    def add_user(self, name: str, password_hash: str, role: str, now: datetime) -> StoredUser:
        """Store a dashboard user (ConfigError if the name is taken)."""

    def get_user(self, name: str) -> StoredUser | None:
        """The named dashboard user, or None."""

    def list_users(self) -> list[StoredUser]:
        """Every dashboard user, by name."""

    def remove_user(self, name: str) -> None:
        """Delete a user and end their sessions (NotFoundError if absent)."""

    def update_user_login(self, user_id: int, now: datetime, password_hash: str | None) -> None:
        """Record a successful login (and a re-hashed password, when given)."""

    def create_session(self, token_hash: str, user_id: int, csrf_token: str, now: datetime) -> None:
        """Open a dashboard session (only the token's hash is stored)."""

    def get_session(self, token_hash: str) -> WebSession | None:
        """The session with this token hash and its user, or None."""

    def touch_session(self, token_hash: str, now: datetime) -> None:
        """Record activity on a session (the idle timeout counts from it)."""

    def delete_session(self, token_hash: str) -> None:
        """End one session."""

    def delete_stale_sessions(self, idle_before: datetime, created_before: datetime) -> int:
        """End sessions idle since ``idle_before`` or opened before ``created_before``."""

    def record_audit(self, entry: AuditEntry) -> None:
        """Append one entry to the audit log."""

    def audit_entries(
        self,
        limit: int = 100,
        offset: int = 0,
        user_name: str | None = None,
        action: str | None = None,
    ) -> list[AuditEntry]:
        """Audit entries, newest first."""

    def thread_summary(self, thread_id: int) -> ThreadSummary:
        """One thread with its site, section and stored post count (NotFoundError if absent)."""

    def section_threads(
        self, section_id: int, limit: int = 50, offset: int = 0
    ) -> list[ThreadSummary]:
        """A section's threads, latest post first."""

    def thread_posts(self, thread_id: int, limit: int = 20, offset: int = 0) -> list[ThreadPost]:
        """One page of a thread's posts in reading order, with quotes and links."""

    def post_location(self, post_id: int) -> tuple[int, int]:
        """(thread id, posts before it in reading order) of a post (NotFoundError if absent)."""

    def last_post_day(self) -> date | None:
        """The last day with a stored post, from the rollups."""
