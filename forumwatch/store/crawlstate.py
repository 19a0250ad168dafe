"""The crawler's state in the store (migration 3): crawl passes, the frontier, the schedule, and
availability read from the fetch log.

A crawl *pass* walks a site from its board index to every changed thread. Its frontier (every
URL found, pending or finished) lives in ``crawl_frontier`` so that a crawl killed at any
moment resumes the same pass without losing a page; the pass is cleared when it ends. Portable
SQLAlchemy Core only; mixed into :class:`forumwatch.store.sql.SQLStore`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, String, and_, cast, delete, func, select, update

from forumwatch.store import schema
from forumwatch.store.ingest import Dialect
from forumwatch.store.records import FetchBucket, FrontierEntry, FrontierStep, SectionMark

GRANULARITIES = {"hour": 13, "day": 10}
"""Bucket sizes of :meth:`CrawlStateQueries.fetch_availability`, as the length of the
``YYYY-MM-DD HH`` prefix of a stored time (the same text on SQLite and PostgreSQL)."""


class CrawlStateQueries:
    """Crawl passes, frontier, schedule and availability; needs ``engine`` and ``dialect``."""

    engine: Engine
    dialect: Dialect

    def begin_crawl_pass(
        self, site_id: int, started_at: datetime, entries: Sequence[FrontierEntry]
    ) -> None:
        """Open a new crawl pass: forget the old frontier, record the start, add ``entries``."""
        with self.engine.begin() as connection:
            connection.execute(
                delete(schema.crawl_frontier).where(schema.crawl_frontier.c.site_id == site_id)
            )
            connection.execute(
                update(schema.sites)
                .where(schema.sites.c.id == site_id)
                .values(pass_started_at=started_at)
            )
            self._add_entries(connection, site_id, started_at, entries)

    def frontier(self, site_id: int) -> list[FrontierEntry]:
        """Every entry of the site's open pass, in the order they were discovered."""
        table = schema.crawl_frontier
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(
                    table.c.url,
                    table.c.kind,
                    table.c.state,
                    table.c.thread_json,
                    table.c.error_class,
                )
                .where(table.c.site_id == site_id)
                .order_by(table.c.id)
            ).all()
        return [FrontierEntry(r[0], r[1], r[2], r[3], r[4]) for r in rows]

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
        step = FrontierStep(url, state, finished_at, error_class, tuple(discovered))
        self.advance_frontier_batch(site_id, [step])

    def advance_frontier_batch(self, site_id: int, steps: Sequence[FrontierStep]) -> None:
        """Apply several finished entries in one transaction (marking threads crawled too).

        Each step's discoveries are written with its own state change, so a crash loses either
        both or neither: a lost step only means its page is fetched once more.
        """
        table, threads = schema.crawl_frontier, schema.threads
        with self.engine.begin() as connection:
            for step in steps:
                self._add_entries(connection, site_id, step.finished_at, step.discovered)
                connection.execute(
                    update(table)
                    .where(and_(table.c.site_id == site_id, table.c.url == step.url))
                    .values(
                        state=step.state,
                        error_class=step.error_class,
                        finished_at=step.finished_at,
                    )
                )
                if step.thread is not None:
                    connection.execute(
                        update(threads)
                        .where(
                            and_(
                                threads.c.site_id == site_id,
                                threads.c.native_id == step.thread.native_id,
                            )
                        )
                        .values(
                            crawled_replies=step.thread.replies,
                            crawled_last_post_at=step.thread.last_post_at,
                            crawled_at=step.thread.crawled_at,
                        )
                    )

    def _add_entries(
        self, connection: Any, site_id: int, when: datetime, entries: Sequence[FrontierEntry]
    ) -> None:
        if not entries:
            return
        rows = [
            {
                "site_id": site_id,
                "url": entry.url,
                "kind": entry.kind,
                "state": entry.state,
                "thread_json": entry.thread_json,
                "error_class": entry.error_class,
                "discovered_at": when,
            }
            for entry in entries
        ]
        connection.execute(
            self.dialect.insert_ignore(schema.crawl_frontier, ["site_id", "url"]), rows
        )

    def end_crawl_pass(self, site_id: int) -> None:
        """Close the site's pass and clear its frontier."""
        with self.engine.begin() as connection:
            connection.execute(
                delete(schema.crawl_frontier).where(schema.crawl_frontier.c.site_id == site_id)
            )
            connection.execute(
                update(schema.sites)
                .where(schema.sites.c.id == site_id)
                .values(pass_started_at=None)
            )

    def section_marks(self, site_id: int) -> dict[str, SectionMark]:
        """What the index showed of each section when the last complete pass began."""
        sections = schema.sections
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(
                    sections.c.native_id,
                    sections.c.crawled_last_post_at,
                    sections.c.crawled_post_count,
                ).where(
                    and_(
                        sections.c.site_id == site_id,
                        sections.c.crawled_last_post_at.is_not(None),
                    )
                )
            ).all()
        return {row[0]: SectionMark(row[1], row[2]) for row in rows}

    def mark_sections_crawled(self, site_id: int, marks: Mapping[str, SectionMark]) -> None:
        """Remember what the index showed of these sections at a complete pass's start."""
        sections = schema.sections
        with self.engine.begin() as connection:
            for native_id, mark in marks.items():
                connection.execute(
                    update(sections)
                    .where(and_(sections.c.site_id == site_id, sections.c.native_id == native_id))
                    .values(
                        crawled_last_post_at=mark.last_post_at, crawled_post_count=mark.post_count
                    )
                )

    def set_crawl_schedule(
        self, site_id: int, next_crawl_at: datetime | None, unavailable_runs: int
    ) -> None:
        """Record when the site is next due and how many runs in a row found it down."""
        with self.engine.begin() as connection:
            connection.execute(
                update(schema.sites)
                .where(schema.sites.c.id == site_id)
                .values(next_crawl_at=next_crawl_at, unavailable_runs=unavailable_runs)
            )

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

        Raises:
            ValueError: an unknown granularity.
        """
        if granularity not in GRANULARITIES:
            raise ValueError(f"granularity must be one of {sorted(GRANULARITIES)}")
        fetches = schema.fetches
        bucket = func.substr(cast(fetches.c.started_at, String), 1, GRANULARITIES[granularity])
        utc = schema.UTCDateTime()
        query = (
            select(
                fetches.c.site_id,
                bucket.label("bucket"),
                fetches.c.error_class,
                func.count().label("attempts"),
            )
            .where(
                and_(
                    fetches.c.started_at >= utc.process_bind_param(start, self.engine.dialect),
                    fetches.c.started_at < utc.process_bind_param(end, self.engine.dialect),
                )
            )
            .group_by(fetches.c.site_id, bucket, fetches.c.error_class)
            .order_by(fetches.c.site_id, bucket)
        )
        if site_ids is not None:
            query = query.where(fetches.c.site_id.in_(list(site_ids)))
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        buckets: dict[tuple[int, str], dict[str, int]] = {}
        for site_id, label, error_class, attempts in rows:
            counts = buckets.setdefault((int(site_id), str(label)), {})
            key = error_class or ""
            counts[key] = counts.get(key, 0) + int(attempts)
        result = []
        for (site_id, label), counts in buckets.items():
            succeeded = counts.pop("", 0)
            failed = sum(counts.values())
            result.append(
                FetchBucket(
                    site_id,
                    _bucket_start(label),
                    succeeded + failed,
                    succeeded,
                    failed,
                    dict(sorted(counts.items())),
                )
            )
        return result


def _bucket_start(label: str) -> datetime:
    """``YYYY-MM-DD`` or ``YYYY-MM-DD HH`` (also with a ``T``) as an aware UTC datetime."""
    text = label.replace("T", " ")
    if len(text) == 10:
        return datetime.fromisoformat(text).replace(tzinfo=UTC)
    return datetime.fromisoformat(text + ":00").replace(tzinfo=UTC)
