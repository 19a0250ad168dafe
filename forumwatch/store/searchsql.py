"""Full-text search over posts, with filters: the portable half.

The backend supplies a :class:`FullText` that turns a :class:`ParsedQuery` into its own match
condition and rank (FTS5 on SQLite, ``tsvector @@ tsquery`` on PostgreSQL); the filters, joins,
ordering, counting and snippets are the same SQLAlchemy Core on both. Mixed into
:class:`forumwatch.store.sql.SQLStore`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Engine, FromClause, and_, exists, func, or_, select

from forumwatch.store import schema
from forumwatch.store.search import (
    MAX_LIMIT,
    ParsedQuery,
    SearchHit,
    SearchPage,
    SearchQuery,
    parse_query,
    snippet,
)

COUNT_CAP = 1000
"""Matches are counted up to this many; beyond, the page says "1,000 or more"."""
MAX_OFFSET = 10_000


@dataclass(frozen=True)
class Match:
    """A backend's match: the condition, a rank (smaller is better), and a table to join.

    ``join`` is ``(table, on-clause)`` when matching needs another table (FTS5), else None.
    """

    condition: ColumnElement[bool]
    rank: ColumnElement[Any]
    join: tuple[FromClause, ColumnElement[bool]] | None = None


class FullText(Protocol):
    """How a backend matches a parsed query against posts."""

    def match(self, query: ParsedQuery) -> Match:
        """The condition and rank for a non-empty query."""
        ...


class SearchQueries:
    """``search`` over posts; needs ``engine`` and ``full_text``."""

    engine: Engine
    full_text: FullText

    def search(self, query: SearchQuery) -> SearchPage:
        """Posts matching ``query.text`` and its filters, one page, with highlighted snippets.

        Never raises for what the analyst typed: a query with nothing to search for returns an
        empty page that says why in ``problems``.
        """
        parsed = parse_query(query.text)
        if parsed.empty:
            problem = (
                "the query only excludes words; add a word to search for"
                if parsed.excluded
                else "the query has no word to search for"
            )
            return SearchPage(query, (), 0, problems=(problem,))
        match = self.full_text.match(parsed)
        posts, sites, threads = schema.posts, schema.sites, schema.threads
        sections, authors = schema.sections, schema.authors
        source: FromClause = posts
        if match.join is not None:
            source = source.join(match.join[0], match.join[1])
        conditions = [match.condition, *self._filters(query)]
        limit = max(1, min(query.limit, MAX_LIMIT))
        offset = max(0, min(query.offset, MAX_OFFSET))
        order = (
            [match.rank, posts.c.posted_at.desc().nulls_last(), posts.c.id.desc()]
            if query.order == "relevance"
            else [posts.c.posted_at.desc().nulls_last(), posts.c.id.desc()]
        )
        ids = (
            select(posts.c.id.label("id"))
            .select_from(source)
            .where(and_(*conditions))
            .order_by(*order)
            .limit(limit)
            .offset(offset)
        )
        rows_query = select(
            posts.c.id,
            posts.c.site_id,
            sites.c.name,
            posts.c.section_id,
            sections.c.title.label("section_title"),
            posts.c.thread_id,
            threads.c.title.label("thread_title"),
            authors.c.handle,
            posts.c.posted_at,
            posts.c.language,
            posts.c.title,
            posts.c.text,
        ).select_from(
            posts.join(sites, sites.c.id == posts.c.site_id)
            .join(threads, threads.c.id == posts.c.thread_id)
            .outerjoin(sections, sections.c.id == posts.c.section_id)
            .outerjoin(authors, authors.c.id == posts.c.author_id)
        )
        capped = (
            select(posts.c.id).select_from(source).where(and_(*conditions)).limit(COUNT_CAP + 1)
        ).subquery()
        with self.engine.connect() as connection:
            # The page's ids first, once (the match and sort are the costly part), then their
            # rows by primary key: joining the ids as a subquery ran the match twice.
            ordered_ids = [int(r[0]) for r in connection.execute(ids)]
            found = {}
            if ordered_ids:
                rows = connection.execute(rows_query.where(posts.c.id.in_(ordered_ids)))
                found = {int(row.id): row for row in rows}
            total = int(connection.execute(select(func.count()).select_from(capped)).scalar() or 0)
        hits = []
        for post_id in ordered_ids:
            row = found.get(post_id)
            if row is None:
                continue
            body = f"{row.title}\n{row.text}" if row.title else row.text
            hits.append(
                SearchHit(
                    post_id=post_id,
                    site_id=int(row.site_id),
                    site_name=row.name,
                    section_id=None if row.section_id is None else int(row.section_id),
                    section_title=row.section_title,
                    thread_id=int(row.thread_id),
                    thread_title=row.thread_title,
                    author_handle=row.handle,
                    posted_at=row.posted_at,
                    language=row.language,
                    snippet=snippet(body, parsed),
                )
            )
        return SearchPage(query, tuple(hits), min(total, COUNT_CAP), total_capped=total > COUNT_CAP)

    @staticmethod
    def _filters(query: SearchQuery) -> list[ColumnElement[bool]]:
        posts, authors, links, urls = schema.posts, schema.authors, schema.links, schema.urls
        conditions: list[ColumnElement[bool]] = []
        if query.site_ids is not None:
            conditions.append(posts.c.site_id.in_(list(query.site_ids)))
        if query.section_ids is not None:
            conditions.append(posts.c.section_id.in_(list(query.section_ids)))
        if query.languages is not None:
            conditions.append(posts.c.language.in_(list(query.languages)))
        if query.start is not None:
            conditions.append(posts.c.posted_at >= query.start)
        if query.end is not None:
            conditions.append(posts.c.posted_at < query.end)
        if query.author is not None:
            conditions.append(
                posts.c.author_id.in_(select(authors.c.id).where(authors.c.handle == query.author))
            )
        if query.has_links is not None:
            linked = exists().where(links.c.post_id == posts.c.id)
            conditions.append(linked if query.has_links else ~linked)
        if query.host is not None:
            host = query.host.strip().lower()
            conditions.append(
                exists()
                .where(links.c.post_id == posts.c.id)
                .where(links.c.url_id == urls.c.id)
                .where(or_(urls.c.host == host, urls.c.registrable_domain == host))
            )
        return conditions
