"""Re-enrichment in the store: stream stored posts, replace their enrichment, rebuild rollups.

``forumwatch enrich --rebuild`` reads every stored post in id batches (flat memory) with what the
enrichers need (text, quotes, raw link URLs, the links of the posts they quote), and writes each
batch's new enrichment (links, language, annotations) in one transaction that also adjusts the
rollups by exactly what changed. Posts whose enrichment is unchanged are not written. At the end
the rollups are rebuilt from raw rows, which also brings stores written by older versions up to
the current metrics. Portable SQLAlchemy Core only; mixed into
:class:`forumwatch.store.sql.SQLStore`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Engine, and_, delete, insert, select, update

from forumwatch.models import Post, PostEnrichment, Quote
from forumwatch.store import schema
from forumwatch.store.dialect import Dialect
from forumwatch.store.facts import CHUNK, load_facts
from forumwatch.store.ingest_links import LinkWriter
from forumwatch.store.recompute import rebuild_all, recompute_all
from forumwatch.store.records import StoredPost
from forumwatch.store.rollups import RollupKey


class EnrichmentWriter(LinkWriter):
    """Replaces stored posts' enrichment through one open connection (the caller's transaction)."""

    def replace(self, post_id: int, enrichment: PostEnrichment) -> bool:
        """Give a stored post new enrichment; False (nothing written) when it is unchanged."""
        posts, links = schema.posts, schema.links
        annotations = schema.post_annotations
        row = self.connection.execute(
            select(posts.c.posted_at, posts.c.language).where(posts.c.id == post_id)
        ).first()
        if row is None:
            return False
        stored_links = [
            (r[0], r[1])
            for r in self.connection.execute(
                select(links.c.raw_url, schema.urls.c.normalised_url)
                .join(schema.urls, schema.urls.c.id == links.c.url_id)
                .where(links.c.post_id == post_id)
                .order_by(links.c.position)
            )
        ]
        stored_annotations = {
            (r[0], r[1], r[2])
            for r in self.connection.execute(
                select(annotations.c.kind, annotations.c.value, annotations.c.detail).where(
                    annotations.c.post_id == post_id
                )
            )
        }
        wanted_links = [(link.url, link.normalised_url) for link in enrichment.links]
        wanted_annotations = {(a.kind, a.value, a.detail) for a in enrichment.annotations}
        if (
            row[1] == enrichment.language
            and stored_links == wanted_links
            and stored_annotations == wanted_annotations
        ):
            return False
        before = load_facts(self.connection, [post_id])
        self.connection.execute(
            update(posts).where(posts.c.id == post_id).values(language=enrichment.language)
        )
        if stored_annotations != wanted_annotations:
            self.connection.execute(delete(annotations).where(annotations.c.post_id == post_id))
            if wanted_annotations:
                self.connection.execute(
                    insert(annotations),
                    [
                        {"post_id": post_id, "kind": kind, "value": value, "detail": detail}
                        for kind, value, detail in sorted(wanted_annotations)
                    ],
                )
        if stored_links != wanted_links:
            self._unlink_urls(post_id)
            self._link_urls(post_id, row[0], enrichment.links)
        after = load_facts(self.connection, [post_id])
        self._count_facts(after.values(), before.values())
        return True

    def flush(self) -> None:
        """Write the accumulated rollup changes."""
        self._flush_rollups()


class EnrichmentQueries:
    """Streaming posts for re-enrichment and writing it back; needs ``engine`` and ``dialect``."""

    engine: Engine
    dialect: Dialect

    def posts_for_enrichment(self, batch: int = 500) -> Iterator[list[StoredPost]]:
        """Every stored post in id order, ``batch`` at a time, as enrichers need them."""
        last_id = 0
        posts, threads = schema.posts, schema.threads
        while True:
            with self.engine.connect() as connection:
                rows = connection.execute(
                    select(
                        posts.c.id,
                        posts.c.site_id,
                        posts.c.native_id,
                        threads.c.native_id.label("thread_native_id"),
                        posts.c.posted_at,
                        posts.c.title,
                        posts.c.text,
                        posts.c.position,
                    )
                    .join(threads, threads.c.id == posts.c.thread_id)
                    .where(posts.c.id > last_id)
                    .order_by(posts.c.id)
                    .limit(batch)
                ).all()
                if not rows:
                    return
                out = _stored_posts(connection, rows)
            yield out
            last_id = int(rows[-1].id)

    def replace_enrichment(self, items: Sequence[tuple[int, PostEnrichment]]) -> int:
        """Replace the enrichment of stored posts (by id) and their rollups, in one transaction.

        Returns how many posts changed.
        """
        changed = 0
        with self.engine.begin() as connection:
            writer = EnrichmentWriter(connection, self.dialect)
            for post_id, enrichment in items:
                changed += writer.replace(post_id, enrichment)
            writer.flush()
        return changed

    def links_of_posts(self, site_id: int, native_ids: Sequence[str]) -> dict[str, list[str]]:
        """Raw link URLs of a site's posts, by native id (for requests that quote them)."""
        with self.engine.connect() as connection:
            return _links_of_posts(connection, {site_id: set(native_ids)}).get(site_id, {})

    def recompute_rollups(self) -> Counter[RollupKey]:
        """The rollups as a recomputation from raw rows gives them (for checks and rebuilds):
        the per-post metrics and the derived ones (see :mod:`forumwatch.store.derived`)."""
        with self.engine.connect() as connection:
            return recompute_all(connection)[0]

    def rebuild_rollups(self) -> int:
        """Replace every rollup row with a recomputation from raw rows; returns the row count."""
        with self.engine.begin() as connection:
            return rebuild_all(connection)


def _stored_posts(connection: Connection, rows: Sequence[Any]) -> list[StoredPost]:
    ids = [int(row.id) for row in rows]
    quotes: dict[int, list[Quote]] = {}
    for row in connection.execute(
        select(schema.quotes)
        .where(schema.quotes.c.post_id.in_(ids))
        .order_by(schema.quotes.c.post_id, schema.quotes.c.position)
    ):
        quotes.setdefault(int(row.post_id), []).append(
            Quote(row.depth, row.author, row.text, row.quoted_post_native_id)
        )
    links: dict[int, list[str]] = {}
    for row in connection.execute(
        select(schema.links.c.post_id, schema.links.c.raw_url)
        .where(schema.links.c.post_id.in_(ids))
        .order_by(schema.links.c.post_id, schema.links.c.position)
    ):
        links.setdefault(int(row[0]), []).append(row[1])
    wanted: dict[int, set[str]] = {}
    for row in rows:
        for quote in quotes.get(int(row.id), ()):
            if quote.depth == 1 and quote.post_native_id:
                wanted.setdefault(int(row.site_id), set()).add(quote.post_native_id)
    quoted = _links_of_posts(connection, wanted)
    out: list[StoredPost] = []
    for row in rows:
        post_id, site_id = int(row.id), int(row.site_id)
        post_quotes = tuple(quotes.get(post_id, ()))
        site_links = quoted.get(site_id, {})
        out.append(
            StoredPost(
                id=post_id,
                site_id=site_id,
                post=Post(
                    native_id=row.native_id,
                    thread_native_id=row.thread_native_id,
                    author=None,
                    posted_at=row.posted_at,
                    text=row.text,
                    title=row.title,
                    quotes=post_quotes,
                    links=tuple(links.get(post_id, ())),
                    position=row.position,
                ),
                quoted_links={
                    q.post_native_id: tuple(site_links[q.post_native_id])
                    for q in post_quotes
                    if q.post_native_id in site_links
                },
            )
        )
    return out


def _links_of_posts(
    connection: Connection, wanted: Mapping[int, set[str]]
) -> dict[int, dict[str, list[str]]]:
    posts, links = schema.posts, schema.links
    found: dict[int, dict[str, list[str]]] = {}
    for site_id, native_ids in wanted.items():
        ordered = sorted(native_ids)
        for start in range(0, len(ordered), CHUNK):
            chunk = ordered[start : start + CHUNK]
            for row in connection.execute(
                select(posts.c.native_id, links.c.raw_url)
                .join(links, links.c.post_id == posts.c.id)
                .where(and_(posts.c.site_id == site_id, posts.c.native_id.in_(chunk)))
                .order_by(posts.c.native_id, links.c.position)
            ):
                found.setdefault(site_id, {}).setdefault(row[0], []).append(row[1])
    return found
