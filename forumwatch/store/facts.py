"""Reading the rollup facts of stored posts from their raw rows.

Every code path that changes rollups (ingest, edits, thread moves, a late time, re-enrichment)
reads a post's facts here, before and after its change, and :func:`iter_facts` reads all of
them for a recomputation; so the rollups always equal a recomputation from raw rows.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlalchemy import Connection, Engine, select

from forumwatch.store import schema
from forumwatch.store.rollups import PostFacts, facts_of

CHUNK = 500
"""Ids per IN (...) list: well under every backend's limit on bound parameters."""


def load_facts(connection: Connection, post_ids: Sequence[int]) -> dict[int, PostFacts]:
    """The facts of the given posts, keyed by post id (absent ids are left out)."""
    posts, links, urls = schema.posts, schema.links, schema.urls
    annotations = schema.post_annotations
    found: dict[int, PostFacts] = {}
    ids = sorted(set(post_ids))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        post_rows = connection.execute(
            select(
                posts.c.id,
                posts.c.site_id,
                posts.c.section_id,
                posts.c.posted_at,
                posts.c.language,
                posts.c.thread_id,
                posts.c.author_id,
            ).where(posts.c.id.in_(chunk))
        ).all()
        link_rows: dict[int, list[tuple[str, str, str, str, str | None]]] = {}
        for link_row in connection.execute(
            select(
                links.c.post_id,
                urls.c.normalised_url,
                urls.c.registrable_domain,
                urls.c.network,
                urls.c.media_class,
                urls.c.extension,
            )
            .join(urls, urls.c.id == links.c.url_id)
            .where(links.c.post_id.in_(chunk))
        ):
            link_rows.setdefault(int(link_row[0]), []).append(
                (link_row[1], link_row[2], link_row[3], link_row[4], link_row[5])
            )
        annotation_rows: dict[int, list[tuple[str, str, str]]] = {}
        for annotation_row in connection.execute(
            select(
                annotations.c.post_id, annotations.c.kind, annotations.c.value, annotations.c.detail
            ).where(annotations.c.post_id.in_(chunk))
        ):
            annotation_rows.setdefault(int(annotation_row[0]), []).append(
                (annotation_row[1], annotation_row[2], annotation_row[3])
            )
        for row in post_rows:
            post_id = int(row[0])
            found[post_id] = facts_of(
                int(row[1]),
                None if row[2] is None else int(row[2]),
                None if row[3] is None else row[3].date(),
                row[4],
                link_rows.get(post_id, ()),
                annotation_rows.get(post_id, ()),
                int(row[5]),
                None if row[6] is None else int(row[6]),
            )
    return found


def iter_facts(source: Engine | Connection, batch: int = 5000) -> Iterator[PostFacts]:
    """The facts of every stored post, in id order, read in batches (flat memory).

    Given a connection it reads inside that connection's transaction; given an engine, each
    batch opens its own connection.
    """
    last_id = 0
    while True:
        if isinstance(source, Connection):
            ids, facts = _batch(source, last_id, batch)
        else:
            with source.connect() as connection:
                ids, facts = _batch(connection, last_id, batch)
        if not ids:
            return
        for post_id in ids:
            yield facts[post_id]
        last_id = ids[-1]


def _batch(
    connection: Connection, after: int, batch: int
) -> tuple[list[int], dict[int, PostFacts]]:
    posts = schema.posts
    ids = [
        int(row[0])
        for row in connection.execute(
            select(posts.c.id).where(posts.c.id > after).order_by(posts.c.id).limit(batch)
        )
    ]
    return ids, load_facts(connection, ids) if ids else {}
