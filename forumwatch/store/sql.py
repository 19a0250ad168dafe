"""The portable half of every SQL backend: sites, fetch log, reads, and the ingest entry point.

Backends subclass :class:`SQLStore` and supply what differs between databases: how to connect
and how to write "insert, ignoring conflicts" and "add to a counter" (see ``_insert``).
Everything here is SQLAlchemy Core that runs unchanged on SQLite and PostgreSQL.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, and_, case, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from forumwatch.errors import ConfigError, NotFoundError
from forumwatch.models import Fetch, Site
from forumwatch.store import schema
from forumwatch.store.alertrules import AlertRuleQueries
from forumwatch.store.analytics import AnalyticsQueries
from forumwatch.store.crawlstate import CrawlStateQueries
from forumwatch.store.derived import fetch_contribution
from forumwatch.store.enrichment import EnrichmentQueries
from forumwatch.store.ingest import BatchWriter, Dialect, LinkWriter
from forumwatch.store.leases import LeaseQueries
from forumwatch.store.migrations import BackendSteps, apply_migrations, current_version
from forumwatch.store.records import (
    ArchivedFetch,
    DailyCount,
    FetchDay,
    IngestItem,
    IngestResult,
    SiteState,
    StoreCounts,
    StoredSection,
    ThreadProgress,
)
from forumwatch.store.reportsql import ReportQueries
from forumwatch.store.searchsql import FullText, SearchQueries
from forumwatch.store.webdata import WebQueries


class SQLStore(
    AnalyticsQueries,
    AlertRuleQueries,
    CrawlStateQueries,
    EnrichmentQueries,
    LeaseQueries,
    ReportQueries,
    SearchQueries,
    WebQueries,
):
    """A Store over a SQLAlchemy engine.

    Subclasses create the engine and set ``dialect`` (ingest statements) and ``full_text``
    (search); they may add their own migration steps (:meth:`backend_steps`).
    """

    dialect: Dialect
    full_text: FullText
    _add_count: Any = None

    def __init__(self, url: str, engine: Engine) -> None:
        self.url = url
        self.engine = engine
        with self.engine.begin() as connection:
            self._prepare_migrations(connection)
            apply_migrations(connection, self.backend_steps())

    def backend_steps(self) -> BackendSteps:
        """The backend's own steps per migration version (none here)."""
        return {}

    def _prepare_migrations(self, connection: Connection) -> None:
        """Runs in the migrations' transaction before them (a backend may take a lock)."""

    def fix_sequences(self) -> None:
        """After rows were copied with their ids, make new rows get fresh ids (no-op here)."""

    def close(self) -> None:
        """Release connections."""
        self.engine.dispose()

    def schema_version(self) -> int:
        """The schema version recorded in the store."""
        with self.engine.connect() as connection:
            return current_version(connection)

    # -- sites -------------------------------------------------------------------------
    @staticmethod
    def _site_from_row(row: Any) -> Site:
        return Site(
            name=row.name,
            base_url=row.base_url,
            engine=row.engine,
            language=row.language,
            timezone=row.timezone,
            proxy=row.proxy,
            defunct=bool(row.defunct),
            id=int(row.id),
            profile_toml=row.profile_toml or "",
        )

    def add_site(self, site: Site, now: datetime) -> Site:
        """Store a new site and return it with its id.

        Raises:
            ConfigError: a site with that name exists.
        """
        values = {
            "name": site.name,
            "base_url": site.base_url,
            "engine": site.engine,
            "language": site.language,
            "timezone": site.timezone,
            "proxy": site.proxy,
            "defunct": site.defunct,
            "profile_toml": site.profile_toml,
            "created_at": now,
            "status": "new",
        }
        try:
            with self.engine.begin() as connection:
                connection.execute(insert(schema.sites).values(**values))
        except IntegrityError as error:
            raise ConfigError(f"a site named {site.name!r} already exists") from error
        return self.get_site(site.name)

    def update_site(self, site: Site) -> Site:
        """Change a stored site's settings (matched by name)."""
        with self.engine.begin() as connection:
            result = connection.execute(
                update(schema.sites)
                .where(schema.sites.c.name == site.name)
                .values(
                    base_url=site.base_url,
                    engine=site.engine,
                    language=site.language,
                    timezone=site.timezone,
                    proxy=site.proxy,
                    defunct=site.defunct,
                    profile_toml=site.profile_toml,
                )
            )
            if result.rowcount == 0:
                raise NotFoundError(f"no site named {site.name!r}")
        return self.get_site(site.name)

    def get_site(self, name: str) -> Site:
        """Return the named site.

        Raises:
            NotFoundError: no site has that name.
        """
        with self.engine.connect() as connection:
            row = connection.execute(
                select(schema.sites).where(schema.sites.c.name == name)
            ).first()
        if row is None:
            raise NotFoundError(f"no site named {name!r}")
        return self._site_from_row(row)

    def list_sites(self) -> list[Site]:
        """All sites, by name."""
        with self.engine.connect() as connection:
            rows = connection.execute(select(schema.sites).order_by(schema.sites.c.name)).all()
        return [self._site_from_row(row) for row in rows]

    def remove_site(self, name: str) -> None:
        """Delete a site and everything stored about it."""
        site_id = self.get_site(name).id
        assert site_id is not None
        with self.engine.begin() as connection:
            post_ids = select(schema.posts.c.id).where(schema.posts.c.site_id == site_id)
            thread_ids = select(schema.threads.c.id).where(schema.threads.c.site_id == site_id)
            # URLs the site linked to may have been first seen elsewhere too: re-placed below.
            linked = [
                int(row[0])
                for row in connection.execute(
                    select(schema.links.c.url_id)
                    .where(schema.links.c.post_id.in_(post_ids))
                    .distinct()
                )
            ]
            rules = select(schema.alert_rules.c.id).where(schema.alert_rules.c.site_id == site_id)
            connection.execute(
                delete(schema.alert_notifications).where(
                    schema.alert_notifications.c.rule_id.in_(rules)
                )
            )
            for table in (
                schema.links,
                schema.quotes,
                schema.post_annotations,
                schema.post_versions,
            ):
                connection.execute(delete(table).where(table.c.post_id.in_(post_ids)))
            connection.execute(
                update(schema.urls)
                .where(schema.urls.c.first_post_id.in_(post_ids))
                .values(first_post_id=None)
            )
            connection.execute(
                delete(schema.thread_tags).where(schema.thread_tags.c.thread_id.in_(thread_ids))
            )
            for table in (
                schema.posts,
                schema.threads,
                schema.authors,
                schema.sections,
                schema.parse_problems,
                schema.fetches,
                schema.daily_counts,
                schema.crawl_frontier,
                schema.crawl_leases,
                schema.member_periods,
                schema.alert_rules,
            ):
                connection.execute(delete(table).where(table.c.site_id == site_id))
            connection.execute(delete(schema.sites).where(schema.sites.c.id == site_id))
            LinkWriter(connection, self.dialect).reattach_urls(linked)

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
        values: dict[str, Any] = {"status": status, "status_detail": detail}
        if started_at is not None:
            values["last_crawl_started_at"] = started_at
        if finished_at is not None:
            values["last_crawl_finished_at"] = finished_at
        if complete_crawl_at is not None:
            values["last_complete_crawl_at"] = complete_crawl_at
        with self.engine.begin() as connection:
            connection.execute(
                update(schema.sites).where(schema.sites.c.id == site_id).values(**values)
            )

    def site_state(self, site_id: int) -> SiteState:
        """A site's crawl state."""
        sites = schema.sites
        with self.engine.connect() as connection:
            row = connection.execute(
                select(
                    sites.c.status,
                    sites.c.status_detail,
                    sites.c.last_crawl_started_at,
                    sites.c.last_crawl_finished_at,
                    sites.c.last_complete_crawl_at,
                    sites.c.pass_started_at,
                    sites.c.next_crawl_at,
                    sites.c.unavailable_runs,
                ).where(sites.c.id == site_id)
            ).first()
        if row is None:
            raise NotFoundError(f"no site with id {site_id}")
        return SiteState(
            str(row[0]), row[1], row[2], row[3], row[4], row[5], row[6], int(row[7] or 0)
        )

    # -- writing -----------------------------------------------------------------------
    def record_fetch(self, site_id: int, fetch: Fetch) -> int:
        """Append one attempt to the fetch log and return its id."""
        with self.engine.begin() as connection:
            return self._record_fetch(connection, site_id, fetch)

    def _record_fetch(self, connection: Connection, site_id: int, fetch: Fetch) -> int:
        if fetch.warc_file is not None:
            # One archived response is one fetch, however often its page is ingested.
            fetches = schema.fetches
            existing = connection.execute(
                select(fetches.c.id).where(
                    and_(
                        fetches.c.warc_file == fetch.warc_file,
                        fetches.c.warc_offset == fetch.warc_offset,
                    )
                )
            ).first()
            if existing is not None:
                return int(existing[0])
        result = connection.execute(
            insert(schema.fetches).values(
                site_id=site_id,
                url=fetch.url,
                kind=str(fetch.kind),
                started_at=fetch.started_at,
                ended_at=fetch.ended_at,
                status=fetch.status,
                error_class=fetch.error_class,
                content_type=fetch.content_type,
                bytes_received=fetch.bytes_received,
                sha256=fetch.sha256,
                warc_file=fetch.warc_file,
                warc_offset=fetch.warc_offset,
                warc_length=fetch.warc_length,
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        # The availability rollup (fetches per site, day and outcome) follows the log.
        metric, _site, section, rollup_key, day = fetch_contribution(site_id, fetch)
        if self._add_count is None:
            # Built once: a fresh statement per fetch costs more than the write itself.
            self._add_count = self.dialect.insert_add(
                schema.daily_counts, ["metric", "site_id", "section_id", "key", "day"], "value"
            )
        connection.execute(
            self._add_count,
            [
                {
                    "metric": metric,
                    "site_id": site_id,
                    "section_id": section,
                    "key": rollup_key,
                    "day": day,
                    "value": 1,
                }
            ],
        )
        return int(key[0])

    def ingest(self, items: Sequence[IngestItem]) -> IngestResult:
        """Store parsed pages in one transaction; idempotent for unchanged pages."""
        if not items:
            return IngestResult()
        with self.engine.begin() as connection:
            return BatchWriter(connection, self.dialect).write(items)

    def mark_thread_crawled(
        self,
        site_id: int,
        native_id: str,
        replies: int | None,
        last_post_at: datetime | None,
        crawled_at: datetime,
    ) -> None:
        """Record that the crawler has stored a thread up to the given reply count."""
        with self.engine.begin() as connection:
            connection.execute(
                update(schema.threads)
                .where(
                    and_(
                        schema.threads.c.site_id == site_id, schema.threads.c.native_id == native_id
                    )
                )
                .values(
                    crawled_replies=replies,
                    crawled_last_post_at=last_post_at,
                    crawled_at=crawled_at,
                )
            )

    # -- reading -----------------------------------------------------------------------
    def thread_progress(self, site_id: int, native_ids: Sequence[str]) -> dict[str, ThreadProgress]:
        """Crawl progress of the given threads (absent ids were never stored)."""
        found: dict[str, ThreadProgress] = {}
        threads = schema.threads
        post_count = (
            select(func.count())
            .select_from(schema.posts)
            .where(schema.posts.c.thread_id == threads.c.id)
            .scalar_subquery()
        )
        with self.engine.connect() as connection:
            for chunk in _chunks(list(native_ids), 500):
                rows = connection.execute(
                    select(
                        threads.c.native_id,
                        threads.c.crawled_replies,
                        threads.c.crawled_last_post_at,
                        threads.c.crawled_at,
                        post_count,
                    ).where(and_(threads.c.site_id == site_id, threads.c.native_id.in_(chunk)))
                ).all()
                for row in rows:
                    found[row[0]] = ThreadProgress(row[0], row[1], row[2], row[3], int(row[4]))
        return found

    def sections(self, site_id: int | None = None) -> list[StoredSection]:
        """Stored sections, of one site or of all."""
        query = select(schema.sections).order_by(schema.sections.c.site_id, schema.sections.c.id)
        if site_id is not None:
            query = query.where(schema.sections.c.site_id == site_id)
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        return [
            StoredSection(
                int(r.id),
                int(r.site_id),
                r.native_id,
                r.parent_native_id,
                r.title,
                r.url,
                r.language,
            )
            for r in rows
        ]

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
        table = schema.daily_counts
        query = select(table).where(
            and_(table.c.metric == metric, table.c.day >= start, table.c.day <= end)
        )
        if site_ids is not None:
            query = query.where(table.c.site_id.in_(list(site_ids)))
        if section_ids is not None:
            query = query.where(table.c.section_id.in_(list(section_ids)))
        if keys is not None:
            query = query.where(table.c.key.in_(list(keys)))
        with self.engine.connect() as connection:
            rows = connection.execute(query.order_by(table.c.day)).all()
        return [
            DailyCount(r.metric, int(r.site_id), int(r.section_id), r.key, _as_date(r.day), r.value)
            for r in rows
            if r.value != 0
        ]

    def fetch_days(self, site_id: int, start: date, end: date) -> list[FetchDay]:
        """Per-day fetch outcomes of a site between two days (inclusive), days with fetches only."""
        fetches = schema.fetches
        day = func.date(fetches.c.started_at)
        failed = case((fetches.c.error_class.is_(None), 0), else_=1)
        query = (
            select(day.label("day"), func.count().label("total"), func.sum(failed).label("failed"))
            .where(
                and_(
                    fetches.c.site_id == site_id,
                    fetches.c.started_at >= datetime.combine(start, datetime.min.time()),
                    fetches.c.started_at
                    < datetime.combine(date.fromordinal(end.toordinal() + 1), datetime.min.time()),
                )
            )
            .group_by(day)
            .order_by(day)
        )
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        return [
            FetchDay(site_id, _as_date(r.day), int(r.total) - int(r.failed), int(r.failed))
            for r in rows
        ]

    def first_fetch_at(self, site_id: int) -> datetime | None:
        """When the site was first fetched at all (None if never)."""
        with self.engine.connect() as connection:
            value = connection.execute(
                select(func.min(schema.fetches.c.started_at)).where(
                    schema.fetches.c.site_id == site_id
                )
            ).scalar()
        if value is None:
            return None
        result = schema.UTCDateTime().process_result_value(value, self.engine.dialect)
        return result

    def counts(self) -> StoreCounts:
        """Row counts of the main tables."""

        def count(connection: Connection, table: Any, *where: Any) -> int:
            return int(
                connection.execute(select(func.count()).select_from(table).where(*where)).scalar()
                or 0
            )

        with self.engine.connect() as connection:
            span = connection.execute(
                select(func.min(schema.posts.c.posted_at), func.max(schema.posts.c.posted_at))
            ).one()
            utc = schema.UTCDateTime()
            return StoreCounts(
                sites=count(connection, schema.sites),
                sections=count(connection, schema.sections),
                threads=count(connection, schema.threads),
                authors=count(connection, schema.authors),
                posts=count(connection, schema.posts),
                post_versions=count(connection, schema.post_versions),
                urls=count(connection, schema.urls),
                links=count(connection, schema.links),
                fetches=count(connection, schema.fetches),
                failed_fetches=count(
                    connection, schema.fetches, schema.fetches.c.error_class.is_not(None)
                ),
                parse_problems=count(connection, schema.parse_problems),
                first_post_at=utc.process_result_value(span[0], self.engine.dialect),
                last_post_at=utc.process_result_value(span[1], self.engine.dialect),
            )

    def archived_fetches(self) -> Iterator[ArchivedFetch]:
        """Every fetch whose response was archived, in id order, streamed."""
        fetches = schema.fetches
        last_id = 0
        while True:
            with self.engine.connect() as connection:
                rows = connection.execute(
                    select(
                        fetches.c.id,
                        fetches.c.url,
                        fetches.c.sha256,
                        fetches.c.warc_file,
                        fetches.c.warc_offset,
                        fetches.c.warc_length,
                    )
                    .where(and_(fetches.c.id > last_id, fetches.c.warc_file.is_not(None)))
                    .order_by(fetches.c.id)
                    .limit(1000)
                ).all()
            if not rows:
                return
            for row in rows:
                yield ArchivedFetch(
                    int(row.id),
                    row.url,
                    row.sha256,
                    row.warc_file,
                    int(row.warc_offset),
                    row.warc_length,
                )
            last_id = int(rows[-1].id)

    def post_digest(self) -> str:
        """A SHA-256 over every stored post and version, independent of internal ids."""
        digest = hashlib.sha256()
        posts, sites = schema.posts, schema.sites
        query = (
            select(sites.c.name, posts.c.native_id, posts.c.content_hash, posts.c.version)
            .join(sites, sites.c.id == posts.c.site_id)
            .order_by(sites.c.name, posts.c.native_id)
        )
        versions = schema.post_versions
        version_query = (
            select(sites.c.name, posts.c.native_id, versions.c.version, versions.c.content_hash)
            .join(posts, posts.c.id == versions.c.post_id)
            .join(sites, sites.c.id == posts.c.site_id)
            .order_by(sites.c.name, posts.c.native_id, versions.c.version)
        )
        with self.engine.connect() as connection:
            for row in connection.execute(query):
                digest.update(f"p|{row[0]}|{row[1]}|{row[2]}|{row[3]}\n".encode())
            for row in connection.execute(version_query):
                digest.update(f"v|{row[0]}|{row[1]}|{row[2]}|{row[3]}\n".encode())
        return digest.hexdigest()


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _chunks(values: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]
