"""Writing parsed pages into the store, inside the caller's transaction.

The rules that make ingest safe to repeat:
- a post is identified by (site, native id); the same content (hash) stored again changes nothing;
- a changed post keeps its earlier version in ``post_versions`` before the new one replaces it;
- a post's time is the first one read (a later capture only fills it in when it was unknown);
- ``last_seen_at`` style columns move with the capture time, never backwards, so re-ingesting
  one capture leaves every row as it was;
- rollups change by exactly what the stored rows changed (see :mod:`forumwatch.store.rollups`).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy import Connection, Table, and_, bindparam, delete, insert, select, update
from sqlalchemy.sql.dml import Insert

from forumwatch.models import (
    IndexPage,
    Link,
    ListingPage,
    Post,
    PostEnrichment,
    Section,
    Thread,
    ThreadPage,
)
from forumwatch.store import schema
from forumwatch.store.base import IngestItem, IngestResult
from forumwatch.store.derived import DerivedDelta
from forumwatch.store.facts import load_facts
from forumwatch.store.rollups import PostFacts, RollupKey, tally


class Dialect(Protocol):
    """The statements whose SQL differs between backends."""

    def insert_ignore(self, table: Table, conflict_columns: Sequence[str]) -> Insert:
        """INSERT that silently skips rows conflicting on ``conflict_columns``."""
        ...

    def insert_add(self, table: Table, conflict_columns: Sequence[str], column: str) -> Insert:
        """INSERT that, on conflict, adds the new row's ``column`` to the existing one."""
        ...


def _later(first: datetime | None, second: datetime | None) -> datetime | None:
    if first is None:
        return second
    if second is None:
        return first
    return max(first, second)


class PageWriter:
    """Writes pages through one open connection (one transaction, owned by the caller)."""

    def __init__(self, connection: Connection, dialect: Dialect) -> None:
        self.connection = connection
        self.dialect = dialect
        self._rollup_delta: Counter[RollupKey] = Counter()
        # Rollups over several posts (first sightings, members, threads): store/derived.py.
        self._derived = DerivedDelta(connection)

    def _count_facts(self, added: Iterable[PostFacts], removed: Iterable[PostFacts] = ()) -> None:
        """Posts appeared and went: every per-post rollup and member counter follows."""
        added, removed = list(added), list(removed)
        self._rollup_delta.update(tally(added, removed))
        self._derived.count_facts(added, removed)

    # -- entry point ---------------------------------------------------------------------
    def write(self, item: IngestItem) -> IngestResult:
        """Store one parsed page and flush its rollup changes."""
        page = item.page
        if isinstance(page, IndexPage):
            result = self._write_index(item, page)
        elif isinstance(page, ListingPage):
            result = self._write_listing(item, page)
        else:
            result = self._write_thread(item, page)
        problems = self._write_problems(item)
        self._flush_rollups()
        return IngestResult(
            result.new_posts,
            result.changed_posts,
            result.unchanged_posts,
            result.new_threads,
            result.new_sections,
            result.moved_threads,
            problems,
        )

    # -- sections ------------------------------------------------------------------------
    def _write_index(self, item: IngestItem, page: IndexPage) -> IngestResult:
        new_sections = self._upsert_sections(item.site_id, page.sections, item.captured_at)
        return IngestResult(new_sections=new_sections)

    def _upsert_sections(self, site_id: int, sections: Iterable[Section], seen_at: datetime) -> int:
        table = schema.sections
        wanted = {s.native_id: s for s in sections}
        if not wanted:
            return 0
        existing = {
            row.native_id: row
            for row in self.connection.execute(
                select(table).where(
                    and_(table.c.site_id == site_id, table.c.native_id.in_(list(wanted)))
                )
            )
        }
        new_rows = [
            {
                "site_id": site_id,
                "native_id": s.native_id,
                "parent_native_id": s.parent_native_id,
                "title": s.title,
                "url": s.url,
                "description": s.description,
                "language": s.language,
                "first_seen_at": seen_at,
                "last_seen_at": seen_at,
            }
            for native_id, s in wanted.items()
            if native_id not in existing
        ]
        if new_rows:
            self.connection.execute(insert(table), new_rows)
        for native_id, row in existing.items():
            s = wanted[native_id]
            changes: dict[str, Any] = {}
            for column, value in (
                ("title", s.title),
                ("url", s.url),
                ("description", s.description),
                ("parent_native_id", s.parent_native_id),
                ("language", s.language),
            ):
                if value and getattr(row, column) != value:
                    changes[column] = value
            last_seen = _later(row.last_seen_at, seen_at)
            if last_seen != row.last_seen_at:
                changes["last_seen_at"] = last_seen
            if changes:
                self.connection.execute(update(table).where(table.c.id == row.id).values(**changes))
        return len(new_rows)

    def _section_ids(self, site_id: int, native_ids: Iterable[str]) -> dict[str, int]:
        wanted = list(set(native_ids))
        if not wanted:
            return {}
        table = schema.sections
        rows = self.connection.execute(
            select(table.c.native_id, table.c.id).where(
                and_(table.c.site_id == site_id, table.c.native_id.in_(wanted))
            )
        )
        return {row[0]: int(row[1]) for row in rows}

    # -- threads -------------------------------------------------------------------------
    def _write_listing(self, item: IngestItem, page: ListingPage) -> IngestResult:
        sections = list(page.subsections)
        if page.section is not None:
            sections.append(page.section)
        new_sections = self._upsert_sections(item.site_id, sections, item.captured_at)
        section_native = page.section.native_id if page.section is not None else None
        threads = [
            t if t.section_native_id or section_native is None else _with_section(t, section_native)
            for t in page.threads
        ]
        new_threads, moved = self._upsert_threads(item.site_id, threads, item.captured_at)
        return IngestResult(new_threads=new_threads, new_sections=new_sections, moved_threads=moved)

    def _upsert_threads(
        self, site_id: int, threads: Sequence[Thread], seen_at: datetime, from_listing: bool = True
    ) -> tuple[int, int]:
        """Insert or update threads; return (new threads, threads moved between sections)."""
        table = schema.threads
        wanted = {t.native_id: t for t in threads}
        if not wanted:
            return 0, 0
        missing_sections = {t.section_native_id for t in threads if t.section_native_id}
        section_ids = self._section_ids(site_id, missing_sections)
        for native_id in missing_sections - set(section_ids):
            # A thread page can name a section before any listing of it was stored.
            self._upsert_sections(site_id, [Section(native_id, "", "")], seen_at)
        section_ids = self._section_ids(site_id, missing_sections)
        existing = {
            row.native_id: row
            for row in self.connection.execute(
                select(table).where(
                    and_(table.c.site_id == site_id, table.c.native_id.in_(list(wanted)))
                )
            )
        }
        new_rows = []
        moved = 0
        for native_id, thread in wanted.items():
            section_id = section_ids.get(thread.section_native_id or "")
            row = existing.get(native_id)
            if row is None:
                new_rows.append(
                    {
                        "site_id": site_id,
                        "section_id": section_id,
                        "native_id": native_id,
                        "title": thread.title,
                        "url": thread.url,
                        "author_handle": thread.author,
                        "replies": thread.replies,
                        "first_post_at": thread.first_post_at,
                        "last_post_at": thread.last_post_at,
                        "sticky": thread.sticky,
                        "locked": thread.locked,
                        "first_seen_at": seen_at,
                        "last_seen_at": seen_at,
                    }
                )
                continue
            changes: dict[str, Any] = {}
            candidates: list[tuple[str, Any]] = [("title", thread.title), ("url", thread.url)]
            if from_listing:
                candidates += [
                    ("author_handle", thread.author),
                    ("replies", thread.replies),
                    ("first_post_at", thread.first_post_at),
                    ("last_post_at", thread.last_post_at),
                    ("sticky", thread.sticky),
                    ("locked", thread.locked),
                ]
            # An older capture (an import of an old archive) only fills gaps: it must not
            # roll counters, titles or sections back.
            older = row.last_seen_at is not None and seen_at < row.last_seen_at
            for column, value in candidates:
                if value is None or value == "" or getattr(row, column) == value:
                    continue
                if not older or getattr(row, column) is None:
                    changes[column] = value
            if not older and seen_at != row.last_seen_at:
                changes["last_seen_at"] = seen_at
            if section_id is not None and row.section_id != section_id and not older:
                changes["section_id"] = section_id
                if row.section_id is not None:
                    self._move_thread(int(row.id), int(row.section_id), section_id)
                    moved += 1
                else:
                    # Posts stored before their section was known move from section 0, and
                    # their rollups with them.
                    self._move_thread(int(row.id), 0, section_id)
            if changes:
                # A thread's section and pin place it in the thread rollups.
                placed = "section_id" in changes or "sticky" in changes
                thread_before = self._derived.snapshot(threads=[int(row.id)] if placed else [])
                self.connection.execute(update(table).where(table.c.id == row.id).values(**changes))
                self._derived.settle(thread_before)
        if new_rows:
            self.connection.execute(insert(table), new_rows)
        # Thread pages often show no tags; only a listing (or a page that shows some) sets them.
        tagged = [t for t in wanted.values() if from_listing or t.tags]
        if tagged:
            self._write_tags(site_id, tagged)
        return len(new_rows), moved

    def _write_tags(self, site_id: int, threads: Sequence[Thread]) -> None:
        ids = self._thread_ids(site_id, [t.native_id for t in threads])
        table = schema.thread_tags
        for thread in threads:
            thread_id = ids[thread.native_id]
            stored = {
                row[0]
                for row in self.connection.execute(
                    select(table.c.tag).where(table.c.thread_id == thread_id)
                )
            }
            wanted = set(thread.tags)
            if stored == wanted:
                continue
            tags_before = self._derived.snapshot(threads=[thread_id])
            if stored - wanted:
                self.connection.execute(
                    delete(table).where(
                        and_(table.c.thread_id == thread_id, table.c.tag.in_(list(stored - wanted)))
                    )
                )
            if wanted - stored:
                self.connection.execute(
                    insert(table), [{"thread_id": thread_id, "tag": tag} for tag in wanted - stored]
                )
            self._derived.settle(tags_before)

    def _thread_ids(self, site_id: int, native_ids: Sequence[str]) -> dict[str, int]:
        table = schema.threads
        rows = self.connection.execute(
            select(table.c.native_id, table.c.id).where(
                and_(table.c.site_id == site_id, table.c.native_id.in_(list(set(native_ids))))
            )
        )
        return {row[0]: int(row[1]) for row in rows}

    def _move_thread(self, thread_id: int, old_section: int, new_section: int) -> None:
        posts = schema.posts
        post_ids = [
            int(r[0])
            for r in self.connection.execute(
                select(posts.c.id).where(posts.c.thread_id == thread_id)
            )
        ]
        before = load_facts(self.connection, post_ids)
        # URLs first seen and members who first posted in the thread move with it.
        firsts = self._first_sightings_in(post_ids)
        moved_before = self._derived.snapshot(
            urls=firsts, authors={f.author_id for f in before.values() if f.author_id is not None}
        )
        self.connection.execute(
            update(posts).where(posts.c.thread_id == thread_id).values(section_id=new_section)
        )
        after = load_facts(self.connection, post_ids)
        self._count_facts(after.values(), before.values())
        self._derived.settle(moved_before)

    def _first_sightings_in(self, post_ids: Sequence[int]) -> list[int]:
        """URLs whose first sighting is one of these posts."""
        urls = schema.urls
        found: list[int] = []
        for start in range(0, len(post_ids), 500):
            chunk = list(post_ids[start : start + 500])
            found += [
                int(r[0])
                for r in self.connection.execute(
                    select(urls.c.id).where(urls.c.first_post_id.in_(chunk))
                )
            ]
        return found

    # -- posts ---------------------------------------------------------------------------
    def _write_thread(self, item: IngestItem, page: ThreadPage) -> IngestResult:
        site_id = item.site_id
        new_threads, moved = self._upsert_threads(
            site_id, [page.thread], item.captured_at, from_listing=False
        )
        thread_row = self.connection.execute(
            select(schema.threads.c.id, schema.threads.c.section_id).where(
                and_(
                    schema.threads.c.site_id == site_id,
                    schema.threads.c.native_id == page.thread.native_id,
                )
            )
        ).one()
        thread_id, section_id = int(thread_row[0]), thread_row[1]
        posts = {p.native_id: p for p in page.posts}
        if not posts:
            return IngestResult(new_threads=new_threads, moved_threads=moved)
        author_ids = self._author_ids(site_id, list(posts.values()))
        table = schema.posts
        existing = {
            row.native_id: row
            for row in self.connection.execute(
                select(table).where(
                    and_(table.c.site_id == site_id, table.c.native_id.in_(list(posts)))
                )
            )
        }
        fresh = [p for native_id, p in posts.items() if native_id not in existing]
        changed = unchanged = 0
        for native_id, row in existing.items():
            post = posts[native_id]
            enrichment = item.enrichment.get(native_id, PostEnrichment())
            if post.content_hash() == row.content_hash:
                unchanged += 1
                if row.posted_at is None and post.posted_at is not None:
                    self._set_time(row, post.posted_at)
                continue
            if item.captured_at < row.captured_at:
                self._keep_older_version(row, post, item)
                unchanged += 1
                continue
            self._replace_post(row, post, enrichment, item, author_ids)
            changed += 1
        if fresh:
            self._insert_posts(site_id, thread_id, section_id, fresh, item, author_ids)
        return IngestResult(
            new_posts=len(fresh),
            changed_posts=changed,
            unchanged_posts=unchanged,
            new_threads=new_threads,
            moved_threads=moved,
        )

    def _author_ids(self, site_id: int, posts: Sequence[Post]) -> dict[str, int]:
        table = schema.authors
        authors = {p.author.handle: p.author for p in posts if p.author is not None}
        if not authors:
            return {}
        rows = [
            {
                "site_id": site_id,
                "handle": a.handle,
                "native_id": a.native_id,
                "profile_url": a.profile_url,
                "post_count": 0,
            }
            for a in authors.values()
        ]
        self.connection.execute(self.dialect.insert_ignore(table, ["site_id", "handle"]), rows)
        found = self.connection.execute(
            select(table.c.handle, table.c.id, table.c.native_id).where(
                and_(table.c.site_id == site_id, table.c.handle.in_(list(authors)))
            )
        ).all()
        for handle, author_id, native_id in found:
            author = authors[handle]
            if native_id is None and author.native_id is not None:
                self.connection.execute(
                    update(table)
                    .where(table.c.id == author_id)
                    .values(native_id=author.native_id, profile_url=author.profile_url)
                )
        return {row[0]: int(row[1]) for row in found}

    def _insert_posts(
        self,
        site_id: int,
        thread_id: int,
        section_id: int | None,
        fresh: Sequence[Post],
        item: IngestItem,
        author_ids: dict[str, int],
    ) -> None:
        table = schema.posts
        rows = []
        for post in fresh:
            enrichment = item.enrichment.get(post.native_id, PostEnrichment())
            rows.append(
                {
                    "site_id": site_id,
                    "section_id": section_id,
                    "thread_id": thread_id,
                    "native_id": post.native_id,
                    "author_id": author_ids.get(post.author.handle) if post.author else None,
                    "posted_at": post.posted_at,
                    "position": post.position,
                    "title": post.title,
                    "text": post.text,
                    "content_hash": post.content_hash(),
                    "version": 1,
                    "edited_by": post.edit.by if post.edit else None,
                    "edited_at": post.edit.at if post.edit else None,
                    "edit_reason": post.edit.reason if post.edit else None,
                    "language": enrichment.language,
                    "fetch_id": item.fetch_id,
                    "captured_at": item.captured_at,
                }
            )
        authors_before = self._derived.snapshot(
            authors={author_ids[p.author.handle] for p in fresh if p.author is not None},
            threads=[thread_id],
        )
        self.connection.execute(insert(table), rows)
        ids = dict(
            self.connection.execute(
                select(table.c.native_id, table.c.id).where(
                    and_(
                        table.c.site_id == site_id,
                        table.c.native_id.in_([p.native_id for p in fresh]),
                    )
                )
            ).all()
        )
        for post in fresh:
            post_id = int(ids[post.native_id])
            enrichment = item.enrichment.get(post.native_id, PostEnrichment())
            self._write_children(post_id, post, enrichment)
            self._link_urls(post_id, post.posted_at, enrichment.links)
        # Facts are read back from the rows just written: the same reading a recomputation does.
        self._count_facts(load_facts(self.connection, list(ids.values())).values())
        self._count_authors(
            [(author_ids[p.author.handle], p.posted_at) for p in fresh if p.author is not None]
        )
        self._derived.settle(authors_before)

    def _count_authors(
        self, posts: Sequence[tuple[int, datetime | None]], new_posts: bool = True
    ) -> None:
        """Widen authors' first/last post times and, for new posts, add to their counts."""
        table = schema.authors
        per_author: dict[int, list[datetime | None]] = {}
        for author_id, posted_at in posts:
            per_author.setdefault(author_id, []).append(posted_at)
        if not per_author:
            return
        # One read and one batched write for all of a page's authors: on a database server
        # every round trip counts (measured: two per author were half of PostgreSQL's ingest).
        stored = {
            int(row[0]): row
            for row in self.connection.execute(
                select(
                    table.c.id, table.c.first_post_at, table.c.last_post_at, table.c.post_count
                ).where(table.c.id.in_(list(per_author)))
            )
        }
        changes = []
        for author_id, times in per_author.items():
            known = [t for t in times if t is not None]
            row = stored[author_id]
            first = min([t for t in (row[1], *known) if t is not None], default=None)
            last = max([t for t in (row[2], *known) if t is not None], default=None)
            count = row[3] + (len(times) if new_posts else 0)
            if (first, last, count) != (row[1], row[2], row[3]):
                changes.append({"author": author_id, "first": first, "last": last, "count": count})
        if changes:
            self.connection.execute(
                update(table)
                .where(table.c.id == bindparam("author"))
                .values(
                    first_post_at=bindparam("first"),
                    last_post_at=bindparam("last"),
                    post_count=bindparam("count"),
                ),
                changes,
            )

    def _write_children(self, post_id: int, post: Post, enrichment: PostEnrichment) -> None:
        if post.quotes:
            self.connection.execute(
                insert(schema.quotes),
                [
                    {
                        "post_id": post_id,
                        "position": position,
                        "depth": quote.depth,
                        "author": quote.author,
                        "quoted_post_native_id": quote.post_native_id,
                        "text": quote.text,
                    }
                    for position, quote in enumerate(post.quotes)
                ],
            )
        annotations = {(a.kind, a.value, a.detail) for a in enrichment.annotations}
        if annotations:
            self.connection.execute(
                insert(schema.post_annotations),
                [
                    {"post_id": post_id, "kind": kind, "value": value, "detail": detail}
                    for kind, value, detail in sorted(annotations)
                ],
            )

    def _link_urls(self, post_id: int, posted_at: datetime | None, links: Sequence[Link]) -> None:
        if not links:
            return
        urls = schema.urls
        distinct = {link.normalised_url: link for link in links}
        self.connection.execute(
            self.dialect.insert_ignore(urls, ["normalised_url"]),
            [
                {
                    "normalised_url": link.normalised_url,
                    "host": link.host,
                    "registrable_domain": link.registrable_domain,
                    "network": str(link.network),
                    "extension": link.extension,
                    "media_class": str(link.media_class),
                    "file_name": link.file_name,
                    "onion_version": link.onion_version,
                    "first_seen_at": None,
                    "first_post_id": None,
                    "share_count": 0,
                }
                for link in distinct.values()
            ],
        )
        found = {
            row.normalised_url: row
            for row in self.connection.execute(
                select(
                    urls.c.id,
                    urls.c.normalised_url,
                    urls.c.first_seen_at,
                    urls.c.first_post_id,
                    urls.c.share_count,
                ).where(urls.c.normalised_url.in_(list(distinct)))
            )
        }
        self.connection.execute(
            insert(schema.links),
            [
                {
                    "post_id": post_id,
                    "position": position,
                    "url_id": found[link.normalised_url].id,
                    "raw_url": link.url,
                }
                for position, link in enumerate(links)
            ],
        )
        occurrences = Counter(link.normalised_url for link in links)
        urls_before = self._derived.snapshot(urls=[int(row.id) for row in found.values()])
        for normalised, row in found.items():
            changes: dict[str, Any] = {"share_count": row.share_count + occurrences[normalised]}
            # The first sighting is the earliest post, and on a tie the one stored first.
            if posted_at is not None and (
                row.first_seen_at is None
                or posted_at < row.first_seen_at
                or (posted_at == row.first_seen_at and post_id < (row.first_post_id or 0))
            ):
                changes["first_seen_at"] = posted_at
                changes["first_post_id"] = post_id
            self.connection.execute(update(urls).where(urls.c.id == row.id).values(**changes))
        self._derived.settle(urls_before)

    def _unlink_urls(self, post_id: int) -> None:
        """Remove a post's links and correct the first sighting of the URLs they named."""
        links = schema.links
        url_ids = {
            int(row[0])
            for row in self.connection.execute(
                select(links.c.url_id).where(links.c.post_id == post_id)
            )
        }
        self.connection.execute(delete(links).where(links.c.post_id == post_id))
        self._refresh_first_sightings(url_ids)

    def reattach_urls(self, url_ids: Iterable[int]) -> None:
        """After posts were deleted: first sightings and their rollups from the links left."""
        self._refresh_first_sightings(url_ids)
        self._flush_rollups()

    def _refresh_first_sightings(self, url_ids: Iterable[int]) -> None:
        """Set the share count and first sighting of URLs from the links that name them."""
        links, urls, posts = schema.links, schema.urls, schema.posts
        url_ids = set(url_ids)
        urls_before = self._derived.snapshot(urls=url_ids)
        for url_id in url_ids:
            remaining = self.connection.execute(
                select(posts.c.id, posts.c.posted_at)
                .join(links, links.c.post_id == posts.c.id)
                .where(links.c.url_id == url_id)
            ).all()
            timed = sorted((r[1], int(r[0])) for r in remaining if r[1] is not None)
            self.connection.execute(
                update(urls)
                .where(urls.c.id == url_id)
                .values(
                    share_count=len(remaining),
                    first_seen_at=timed[0][0] if timed else None,
                    first_post_id=timed[0][1] if timed else None,
                )
            )
        self._derived.settle(urls_before)

    def _version_payload(self, post_id: int) -> tuple[str, str]:
        quotes = self.connection.execute(
            select(schema.quotes)
            .where(schema.quotes.c.post_id == post_id)
            .order_by(schema.quotes.c.position)
        ).all()
        links = self.connection.execute(
            select(schema.links.c.raw_url)
            .where(schema.links.c.post_id == post_id)
            .order_by(schema.links.c.position)
        ).all()
        quotes_json = json.dumps(
            [
                {
                    "depth": q.depth,
                    "author": q.author,
                    "post_id": q.quoted_post_native_id,
                    "text": q.text,
                }
                for q in quotes
            ],
            ensure_ascii=False,
        )
        return quotes_json, json.dumps([r[0] for r in links], ensure_ascii=False)

    def _replace_post(
        self,
        row: Any,
        post: Post,
        enrichment: PostEnrichment,
        item: IngestItem,
        author_ids: dict[str, int],
    ) -> None:
        post_id = int(row.id)
        quotes_json, links_json = self._version_payload(post_id)
        self.connection.execute(
            insert(schema.post_versions).values(
                post_id=post_id,
                version=row.version,
                title=row.title,
                text=row.text,
                content_hash=row.content_hash,
                quotes_json=quotes_json,
                links_json=links_json,
                edited_at=row.edited_at,
                fetch_id=row.fetch_id,
                captured_at=row.captured_at,
                superseded_at=item.captured_at,
            )
        )
        posted_at = row.posted_at if row.posted_at is not None else post.posted_at
        before = load_facts(self.connection, [post_id])
        placed_before = self._derived.snapshot(
            authors=[] if row.author_id is None else [int(row.author_id)],
            threads=[int(row.thread_id)],
        )
        self.connection.execute(
            update(schema.posts)
            .where(schema.posts.c.id == post_id)
            .values(
                title=post.title,
                text=post.text,
                content_hash=post.content_hash(),
                version=row.version + 1,
                posted_at=posted_at,
                edited_by=post.edit.by if post.edit else None,
                edited_at=post.edit.at if post.edit else None,
                edit_reason=post.edit.reason if post.edit else None,
                language=enrichment.language,
                fetch_id=item.fetch_id,
                captured_at=item.captured_at,
            )
        )
        for table in (schema.quotes, schema.post_annotations):
            self.connection.execute(delete(table).where(table.c.post_id == post_id))
        self._unlink_urls(post_id)
        self._write_children(post_id, post, enrichment)
        self._link_urls(post_id, posted_at, enrichment.links)
        after = load_facts(self.connection, [post_id])
        self._count_facts(after.values(), before.values())
        if row.posted_at is None and posted_at is not None and row.author_id is not None:
            self._count_authors([(int(row.author_id), posted_at)], new_posts=False)
        self._derived.settle(placed_before)

    def _keep_older_version(self, row: Any, post: Post, item: IngestItem) -> None:
        """An older capture of a since-edited post: keep it as an earlier version, once."""
        versions = schema.post_versions
        known = self.connection.execute(
            select(versions.c.version, versions.c.content_hash).where(versions.c.post_id == row.id)
        ).all()
        if any(v[1] == post.content_hash() for v in known):
            return
        earliest = min([int(v[0]) for v in known] + [1])
        self.connection.execute(
            insert(versions).values(
                post_id=row.id,
                version=earliest - 1,
                title=post.title,
                text=post.text,
                content_hash=post.content_hash(),
                quotes_json=json.dumps(
                    [
                        {
                            "depth": q.depth,
                            "author": q.author,
                            "post_id": q.post_native_id,
                            "text": q.text,
                        }
                        for q in post.quotes
                    ],
                    ensure_ascii=False,
                ),
                links_json=json.dumps(list(post.links), ensure_ascii=False),
                edited_at=post.edit.at if post.edit else None,
                fetch_id=item.fetch_id,
                captured_at=item.captured_at,
                superseded_at=row.captured_at,
            )
        )

    def _set_time(self, row: Any, posted_at: datetime) -> None:
        before = load_facts(self.connection, [int(row.id)])
        placed_before = self._derived.snapshot(
            authors=[] if row.author_id is None else [int(row.author_id)],
            threads=[int(row.thread_id)],
        )
        self.connection.execute(
            update(schema.posts).where(schema.posts.c.id == row.id).values(posted_at=posted_at)
        )
        after = load_facts(self.connection, [int(row.id)])
        self._count_facts(after.values(), before.values())
        if row.author_id is not None:
            self._count_authors([(int(row.author_id), posted_at)], new_posts=False)
        # The post's links may now be the first sightings of their URLs.
        self._refresh_first_sightings(
            int(r[0])
            for r in self.connection.execute(
                select(schema.links.c.url_id).where(schema.links.c.post_id == row.id)
            )
        )
        self._derived.settle(placed_before)

    # -- problems and rollups --------------------------------------------------------------
    def _write_problems(self, item: IngestItem) -> int:
        problems = item.page.problems
        if not problems:
            return 0
        self.connection.execute(
            self.dialect.insert_ignore(
                schema.parse_problems, ["site_id", "url", "field", "message", "post_native_id"]
            ),
            [
                {
                    "site_id": item.site_id,
                    "fetch_id": item.fetch_id,
                    "url": p.url,
                    "field": p.field,
                    "message": p.message,
                    "snippet": p.snippet[:500],
                    "post_native_id": p.post_native_id or "",
                    "recorded_at": item.captured_at,
                }
                for p in problems
            ],
        )
        return len(problems)

    def _flush_rollups(self) -> None:
        self._rollup_delta.update(self._derived.flush())
        delta = {key: value for key, value in self._rollup_delta.items() if value != 0}
        self._rollup_delta.clear()
        if not delta:
            return
        self.connection.execute(
            self.dialect.insert_add(
                schema.daily_counts, ["metric", "site_id", "section_id", "key", "day"], "value"
            ),
            [
                {
                    "metric": metric,
                    "site_id": site_id,
                    "section_id": section_id,
                    "key": key,
                    "day": day,
                    "value": value,
                }
                for (metric, site_id, section_id, key, day), value in sorted(delta.items())
            ],
        )


def _with_section(thread: Thread, section_native_id: str) -> Thread:
    return replace(thread, section_native_id=section_native_id)


def _day(when: datetime | None) -> date | None:
    return None if when is None else when.date()
