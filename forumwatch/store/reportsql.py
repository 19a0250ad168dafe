"""Reads behind reports and exports, portable across backends.

Reports need a handful of example posts per finding (posts with a given annotation, host, tag,
author or section in a period), distinct member counts over any period, and exports stream
posts and links in id order, a batch at a time, so memory stays flat whatever the store's
size. Every query is bounded by the sites' ``(site_id, posted_at)`` index or a keyset on the
primary key. Mixed into :class:`forumwatch.store.sql.SQLStore`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, and_, exists, func, or_, select

from forumwatch.store import schema


@dataclass(frozen=True, slots=True)
class ExampleQuery:
    """Which posts may illustrate a finding.

    Attributes:
        site_ids: the sites in scope (required: the query walks their time index).
        start, end: posts from ``start`` (inclusive) to ``end`` (exclusive).
        section_ids: only these sections.
        annotation: (kind, value, detail or None): posts with that annotation
            (``("request", "reupload", "snapcellar.net")``, ``("term", "covid", None)``).
        hosts: posts linking to one of these registrable domains.
        link_class: (network, media class): posts linking to such a file.
        author_ids: posts by these members.
        thread_tag: posts in threads carrying this tag (case folded).
        min_chars, max_chars: the length of text accepted (short posts quote best).
        scan: how many candidates to read, oldest first, before choosing.
    """

    site_ids: Sequence[int]
    start: datetime
    end: datetime
    section_ids: Sequence[int] | None = None
    annotation: tuple[str, str, str | None] | None = None
    hosts: Sequence[str] | None = None
    link_class: tuple[str, str] | None = None
    author_ids: Sequence[int] | None = None
    thread_tag: str | None = None
    min_chars: int = 12
    max_chars: int = 600
    scan: int = 60


@dataclass(frozen=True, slots=True)
class ExamplePost:
    """A candidate quote, with where it was posted and by whom (the caller pseudonymises)."""

    post_id: int
    site: str
    section: str | None
    thread_title: str
    thread_native_id: str
    native_id: str
    handle: str | None
    posted_at: datetime | None
    text: str


@dataclass(frozen=True, slots=True)
class ExportPost:
    """One post as exports write it (handles still real: the exporter pseudonymises)."""

    id: int
    site: str
    section: str | None
    thread_native_id: str
    thread_title: str
    native_id: str
    handle: str | None
    posted_at: datetime | None
    language: str | None
    title: str
    text: str
    version: int
    content_hash: str
    captured_at: datetime
    fetch_id: int | None


@dataclass(frozen=True, slots=True)
class ExportLink:
    """One link of a post, with its URL's class and first sighting."""

    post_id: int
    position: int
    site: str
    post_native_id: str
    posted_at: datetime | None
    handle: str | None
    raw_url: str
    normalised_url: str
    host: str
    registrable_domain: str
    network: str
    media_class: str
    extension: str | None
    first_seen_at: datetime | None
    first_post: bool


def _bounds(
    query: Any, site_ids: Sequence[int] | None, start: datetime | None, end: datetime | None
) -> Any:
    posts = schema.posts
    if site_ids is not None:
        query = query.where(posts.c.site_id.in_(list(site_ids)))
    if start is not None:
        query = query.where(posts.c.posted_at >= start)
    if end is not None:
        query = query.where(posts.c.posted_at < end)
    return query


class ReportQueries:
    """Report and export reads over ``engine`` (mixed into SQLStore)."""

    engine: Engine

    def example_posts(self, query: ExampleQuery) -> list[ExamplePost]:
        """Candidate posts for quotes, oldest first, at most ``query.scan``."""
        posts, threads, sites = schema.posts, schema.threads, schema.sites
        sections, authors = schema.sections, schema.authors
        statement = (
            select(
                posts.c.id,
                sites.c.name,
                sections.c.title,
                threads.c.title,
                threads.c.native_id,
                posts.c.native_id,
                authors.c.handle,
                posts.c.posted_at,
                posts.c.text,
            )
            .join(threads, threads.c.id == posts.c.thread_id)
            .join(sites, sites.c.id == posts.c.site_id)
            .outerjoin(sections, sections.c.id == posts.c.section_id)
            .outerjoin(authors, authors.c.id == posts.c.author_id)
            .where(
                and_(
                    func.length(posts.c.text) >= query.min_chars,
                    func.length(posts.c.text) <= query.max_chars,
                )
            )
            .order_by(posts.c.posted_at, posts.c.id)
            .limit(query.scan)
        )
        statement = _bounds(statement, query.site_ids, query.start, query.end)
        if query.section_ids is not None:
            statement = statement.where(posts.c.section_id.in_(list(query.section_ids)))
        if query.author_ids is not None:
            statement = statement.where(posts.c.author_id.in_(list(query.author_ids)))
        if query.annotation is not None:
            notes = schema.post_annotations
            kind, value, detail = query.annotation
            condition = and_(
                notes.c.post_id == posts.c.id, notes.c.kind == kind, notes.c.value == value
            )
            if detail is not None:
                condition = and_(condition, notes.c.detail == detail)
            statement = statement.where(exists().where(condition))
        if query.hosts is not None or query.link_class is not None:
            links, urls = schema.links, schema.urls
            condition = and_(links.c.post_id == posts.c.id, urls.c.id == links.c.url_id)
            if query.hosts is not None:
                condition = and_(condition, urls.c.registrable_domain.in_(list(query.hosts)))
            if query.link_class is not None:
                network, media = query.link_class
                condition = and_(condition, urls.c.network == network, urls.c.media_class == media)
            statement = statement.where(exists().where(condition))
        if query.thread_tag is not None:
            tags = schema.thread_tags
            statement = statement.where(
                exists().where(
                    and_(
                        tags.c.thread_id == posts.c.thread_id,
                        func.lower(tags.c.tag) == query.thread_tag.casefold(),
                    )
                )
            )
        with self.engine.connect() as connection:
            rows = connection.execute(statement).all()
        return [
            ExamplePost(int(r[0]), r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8]) for r in rows
        ]

    def active_member_count(self, site_ids: Sequence[int], start: date, end: date) -> int:
        """Distinct members with a post between ``start`` and ``end`` (inclusive), per site,
        summed over sites (from the per-member active days)."""
        table = schema.member_periods
        query = select(func.count(func.distinct(table.c.author_id))).where(
            and_(
                table.c.site_id.in_(list(site_ids)),
                table.c.grain == "d",
                table.c.section_id == 0,
                table.c.key == "",
                table.c.period >= start,
                table.c.period <= end,
            )
        )
        with self.engine.connect() as connection:
            return int(connection.execute(query).scalar() or 0)

    def export_posts(
        self,
        site_ids: Sequence[int] | None,
        start: datetime | None,
        end: datetime | None,
        after_id: int,
        limit: int,
    ) -> list[ExportPost]:
        """The next ``limit`` posts with ids above ``after_id`` (keyset pages, id order)."""
        posts, threads, sites = schema.posts, schema.threads, schema.sites
        sections, authors = schema.sections, schema.authors
        statement = (
            select(
                posts.c.id,
                sites.c.name,
                sections.c.title,
                threads.c.native_id,
                threads.c.title,
                posts.c.native_id,
                authors.c.handle,
                posts.c.posted_at,
                posts.c.language,
                posts.c.title,
                posts.c.text,
                posts.c.version,
                posts.c.content_hash,
                posts.c.captured_at,
                posts.c.fetch_id,
            )
            .join(threads, threads.c.id == posts.c.thread_id)
            .join(sites, sites.c.id == posts.c.site_id)
            .outerjoin(sections, sections.c.id == posts.c.section_id)
            .outerjoin(authors, authors.c.id == posts.c.author_id)
            .where(posts.c.id > after_id)
            .order_by(posts.c.id)
            .limit(limit)
        )
        statement = _bounds(statement, site_ids, start, end)
        with self.engine.connect() as connection:
            rows = connection.execute(statement).all()
        return [
            ExportPost(
                int(r[0]),
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                r[6],
                r[7],
                r[8],
                r[9] or "",
                r[10],
                int(r[11]),
                r[12],
                r[13],
                None if r[14] is None else int(r[14]),
            )
            for r in rows
        ]

    def export_links(
        self,
        site_ids: Sequence[int] | None,
        start: datetime | None,
        end: datetime | None,
        after: tuple[int, int],
        limit: int,
    ) -> list[ExportLink]:
        """The next ``limit`` links after ``(post id, position)`` (keyset pages)."""
        posts, links, urls = schema.posts, schema.links, schema.urls
        sites, authors = schema.sites, schema.authors
        after_post, after_position = after
        statement = (
            select(
                links.c.post_id,
                links.c.position,
                sites.c.name,
                posts.c.native_id,
                posts.c.posted_at,
                authors.c.handle,
                links.c.raw_url,
                urls.c.normalised_url,
                urls.c.host,
                urls.c.registrable_domain,
                urls.c.network,
                urls.c.media_class,
                urls.c.extension,
                urls.c.first_seen_at,
                urls.c.first_post_id,
            )
            .join(posts, posts.c.id == links.c.post_id)
            .join(urls, urls.c.id == links.c.url_id)
            .join(sites, sites.c.id == posts.c.site_id)
            .outerjoin(authors, authors.c.id == posts.c.author_id)
            .where(
                or_(
                    links.c.post_id > after_post,
                    and_(links.c.post_id == after_post, links.c.position > after_position),
                )
            )
            .order_by(links.c.post_id, links.c.position)
            .limit(limit)
        )
        statement = _bounds(statement, site_ids, start, end)
        with self.engine.connect() as connection:
            rows = connection.execute(statement).all()
        return [
            ExportLink(
                int(r[0]),
                int(r[1]),
                r[2],
                r[3],
                r[4],
                r[5],
                r[6],
                r[7],
                r[8],
                r[9],
                r[10],
                r[11],
                r[12],
                r[13],
                r[14] is not None and int(r[14]) == int(r[0]),
            )
            for r in rows
        ]
