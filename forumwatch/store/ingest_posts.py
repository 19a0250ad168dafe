"""Posts of a batch of thread pages, planned in Python and written set-wise.

The rules, applied page by page in the order the pages were read:
- a post is identified by (site, native id); the same content (hash) stored again changes nothing;
- a changed post keeps its earlier version in ``post_versions`` before the new one replaces it;
- an older capture of a since-edited post is kept once, as an earlier version;
- a post's time is the first one read (a later capture only fills it in when it was unknown).

The batch reads every post it names once, plays the pages through in memory, then writes the
end state: new rows in the order a page-by-page ingest creates them (the same ids), changes
with one bulk statement per table (see ``Dialect.insert_rows``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, bindparam, delete, select

from forumwatch.models import Link, Post, PostEnrichment, Quote, ThreadPage
from forumwatch.store import schema
from forumwatch.store.dialect import Dialect
from forumwatch.store.ingest_authors import AuthorBatch, StoredAuthor
from forumwatch.store.ingest_base import chunks, utc, utc_day
from forumwatch.store.ingest_links import UrlBatch
from forumwatch.store.ingest_threads import ThreadBatch
from forumwatch.store.records import IngestItem
from forumwatch.store.rollups import PostFacts, facts_of

_posts, _versions = schema.posts, schema.post_versions
_quotes, _annotations = schema.quotes, schema.post_annotations
_NO_ENRICHMENT = PostEnrichment()

_READ_POSTS = select(
    _posts.c.id,
    _posts.c.native_id,
    _posts.c.thread_id,
    _posts.c.author_id,
    _posts.c.posted_at,
    _posts.c.content_hash,
    _posts.c.version,
    _posts.c.captured_at,
).where(
    and_(
        _posts.c.site_id == bindparam("site"),
        _posts.c.native_id.in_(bindparam("natives", expanding=True)),
    )
)
_POST_DETAILS = select(
    _posts.c.id,
    _posts.c.title,
    _posts.c.text,
    _posts.c.edited_by,
    _posts.c.edited_at,
    _posts.c.edit_reason,
    _posts.c.language,
    _posts.c.fetch_id,
).where(_posts.c.id.in_(bindparam("ids", expanding=True)))
_POST_QUOTES = (
    select(_quotes)
    .where(_quotes.c.post_id.in_(bindparam("ids", expanding=True)))
    .order_by(_quotes.c.post_id, _quotes.c.position)
)
_POST_LINKS = (
    select(schema.links.c.post_id, schema.links.c.raw_url)
    .where(schema.links.c.post_id.in_(bindparam("ids", expanding=True)))
    .order_by(schema.links.c.post_id, schema.links.c.position)
)
_POST_VERSIONS = select(_versions.c.post_id, _versions.c.version, _versions.c.content_hash).where(
    _versions.c.post_id.in_(bindparam("ids", expanding=True))
)
_DELETE_QUOTES = delete(_quotes).where(_quotes.c.post_id.in_(bindparam("ids", expanding=True)))
_DELETE_ANNOTATIONS = delete(_annotations).where(
    _annotations.c.post_id.in_(bindparam("ids", expanding=True))
)
_EDITABLE = (
    "title",
    "text",
    "version",
    "posted_at",
    "edited_by",
    "edited_at",
    "edit_reason",
    "language",
    "fetch_id",
)
"""Columns a post's state keeps in ``values``; an edit replaces them all."""
_NEW_POST = (
    "site_id",
    "section_id",
    "thread_id",
    "native_id",
    "author_id",
    "position",
    "content_hash",
    "captured_at",
    *_EDITABLE,
)
_VERSION = (
    "post_id",
    "version",
    "title",
    "text",
    "content_hash",
    "quotes_json",
    "links_json",
    "edited_at",
    "fetch_id",
    "captured_at",
    "superseded_at",
)
_QUOTE = ("post_id", "position", "depth", "author", "quoted_post_native_id", "text")
_ANNOTATION = ("post_id", "kind", "value", "detail")


@dataclass(slots=True)
class _Post:
    """A post as the batch leaves it; ``stored`` posts existed before the batch."""

    site_id: int
    native_id: str
    thread_id: int
    author: StoredAuthor | None
    author_id: int | None
    stored: bool
    values: dict[str, Any]
    content_hash: str
    captured_at: datetime
    position: int | None = None
    id: int | None = None
    quotes: tuple[Quote, ...] = ()
    link_urls: tuple[str, ...] = ()
    links: tuple[Link, ...] | None = None
    """The links written by the batch (None: the stored ones are kept)."""
    annotations: tuple[tuple[str, str, str], ...] = ()
    versions: list[tuple[int, str]] = field(default_factory=list)
    replaced: bool = False
    timed: bool = False


def _quotes_json(quotes: Sequence[Quote]) -> str:
    return json.dumps(
        [
            {"depth": q.depth, "author": q.author, "post_id": q.post_native_id, "text": q.text}
            for q in quotes
        ],
        ensure_ascii=False,
    )


def _edit_values(post: Post) -> dict[str, Any]:
    edit = post.edit
    return {
        "edited_by": edit.by if edit else None,
        "edited_at": edit.at if edit else None,
        "edit_reason": edit.reason if edit else None,
    }


class PostBatch:
    """The posts of a batch's thread pages (and, through :class:`AuthorBatch`, their authors)."""

    def __init__(
        self, connection: Connection, dialect: Dialect, threads: ThreadBatch, urls: UrlBatch
    ) -> None:
        self.connection = connection
        self.dialect = dialect
        self.threads = threads
        self.urls = urls
        self.authors = AuthorBatch(connection, dialect)
        self.posts: dict[tuple[int, str], _Post] = {}
        self._new: list[_Post] = []
        self._versions: list[tuple[_Post, tuple[Any, ...]]] = []
        self._hashes: dict[int, str] = {}
        self._dated: list[tuple[int, datetime]] = []
        self.new_posts = self.changed_posts = self.unchanged_posts = 0

    # -- reading ---------------------------------------------------------------------------
    def _hash(self, post: Post) -> str:
        digest = self._hashes.get(id(post))
        if digest is None:
            digest = self._hashes[id(post)] = post.content_hash()
        return digest

    def read(self, items: Sequence[IngestItem]) -> None:
        """Read the stored posts and authors the batch's thread pages name."""
        natives: dict[int, set[str]] = {}
        handles: dict[int, set[str]] = {}
        pages = [(item.site_id, item.page) for item in items if isinstance(item.page, ThreadPage)]
        for site_id, page in pages:
            natives.setdefault(site_id, set()).update(p.native_id for p in page.posts)
            handles.setdefault(site_id, set()).update(
                p.author.handle for p in page.posts if p.author is not None
            )
        self.authors.read(handles)
        for site_id, wanted in natives.items():
            for native_ids in chunks(sorted(wanted)):
                parameters = {"site": site_id, "natives": native_ids}
                for row in self.connection.execute(_READ_POSTS, parameters):
                    self.posts[(site_id, row.native_id)] = _Post(
                        site_id,
                        row.native_id,
                        int(row.thread_id),
                        None,
                        None if row.author_id is None else int(row.author_id),
                        True,
                        {"posted_at": row.posted_at, "version": int(row.version)},
                        row.content_hash,
                        row.captured_at,
                        id=int(row.id),
                    )
        # Posts that may be edited or archived as an earlier version: their full rows.
        candidates: dict[int, _Post] = {}
        for site_id, page in pages:
            for post in page.posts:
                state = self.posts.get((site_id, post.native_id))
                if state is not None and state.id and self._hash(post) != state.content_hash:
                    candidates[state.id] = state
        for ids in chunks(sorted(candidates)):
            self._read_details(ids, candidates)

    def _read_details(self, ids: list[int], candidates: dict[int, _Post]) -> None:
        for row in self.connection.execute(_POST_DETAILS, {"ids": ids}):
            candidates[int(row.id)].values.update(
                title=row.title,
                text=row.text,
                edited_by=row.edited_by,
                edited_at=row.edited_at,
                edit_reason=row.edit_reason,
                language=row.language,
                fetch_id=row.fetch_id,
            )
        quotes: dict[int, list[Quote]] = {}
        for quote in self.connection.execute(_POST_QUOTES, {"ids": ids}):
            quotes.setdefault(int(quote.post_id), []).append(
                Quote(quote.depth, quote.author, quote.text, quote.quoted_post_native_id)
            )
        links: dict[int, list[str]] = {}
        for link in self.connection.execute(_POST_LINKS, {"ids": ids}):
            links.setdefault(int(link[0]), []).append(link[1])
        for version in self.connection.execute(_POST_VERSIONS, {"ids": ids}):
            candidates[int(version[0])].versions.append((int(version[1]), version[2]))
        for post_id in ids:
            candidates[post_id].quotes = tuple(quotes.get(post_id, ()))
            candidates[post_id].link_urls = tuple(links.get(post_id, ()))

    # -- playing the pages through ---------------------------------------------------------
    def apply(self, item: IngestItem, page: ThreadPage) -> None:
        """Play one thread page's posts through, as a page-by-page ingest would store them."""
        posts = {p.native_id: p for p in page.posts}
        if not posts:
            return
        site_id = item.site_id
        thread_id = self.threads.thread(site_id, page.thread.native_id).id
        assert thread_id is not None
        for author in {p.author.handle: p.author for p in posts.values() if p.author}.values():
            self.authors.see(site_id, author)
        captured_at = utc(item.captured_at)
        for native_id, post in posts.items():
            enrichment = item.enrichment.get(native_id, _NO_ENRICHMENT)
            state = self.posts.get((site_id, native_id))
            digest = self._hash(post)
            if state is None:
                self._create(item, thread_id, post, digest, enrichment, captured_at)
                self.new_posts += 1
            elif digest == state.content_hash:
                self.unchanged_posts += 1
                if state.values["posted_at"] is None and post.posted_at is not None:
                    self._set_time(state, post.posted_at)
            elif captured_at < state.captured_at:
                self._keep_older_version(state, post, digest, item, captured_at)
                self.unchanged_posts += 1
            else:
                self._replace(state, post, digest, enrichment, item, captured_at)
                self.changed_posts += 1

    def _create(
        self,
        item: IngestItem,
        thread_id: int,
        post: Post,
        digest: str,
        enrichment: PostEnrichment,
        captured_at: datetime,
    ) -> None:
        author = None
        if post.author is not None:
            author = self.authors.by_handle[(item.site_id, post.author.handle)]
        state = _Post(
            item.site_id,
            post.native_id,
            thread_id,
            author,
            None,
            False,
            {
                "title": post.title,
                "text": post.text,
                "version": 1,
                "posted_at": post.posted_at,
                **_edit_values(post),
                "language": enrichment.language,
                "fetch_id": item.fetch_id,
            },
            digest,
            captured_at,
            position=post.position,
        )
        self._write_children(state, post, enrichment)
        self.posts[(item.site_id, post.native_id)] = state
        self._new.append(state)

    def _write_children(self, state: _Post, post: Post, enrichment: PostEnrichment) -> None:
        state.quotes = post.quotes
        state.links = enrichment.links
        state.link_urls = tuple(link.url for link in enrichment.links)
        state.annotations = tuple(
            sorted({(a.kind, a.value, a.detail) for a in enrichment.annotations})
        )
        self.urls.note(enrichment.links)

    def _set_time(self, state: _Post, posted_at: datetime) -> None:
        state.values["posted_at"] = posted_at
        if state.stored:
            state.timed = True
            if state.author_id is not None:
                self._dated.append((state.author_id, posted_at))

    def _replace(
        self,
        state: _Post,
        post: Post,
        digest: str,
        enrichment: PostEnrichment,
        item: IngestItem,
        captured_at: datetime,
    ) -> None:
        values = state.values
        self._versions.append(
            (
                state,
                (
                    values["version"],
                    values["title"],
                    values["text"],
                    state.content_hash,
                    _quotes_json(state.quotes),
                    json.dumps(list(state.link_urls), ensure_ascii=False),
                    values["edited_at"],
                    values["fetch_id"],
                    state.captured_at,
                    captured_at,
                ),
            )
        )
        state.versions.append((values["version"], state.content_hash))
        if values["posted_at"] is None and post.posted_at is not None:
            self._set_time(state, post.posted_at)
        values.update(
            title=post.title,
            text=post.text,
            version=values["version"] + 1,
            **_edit_values(post),
            language=enrichment.language,
            fetch_id=item.fetch_id,
        )
        state.content_hash = digest
        state.captured_at = captured_at
        state.replaced = state.stored
        self._write_children(state, post, enrichment)

    def _keep_older_version(
        self, state: _Post, post: Post, digest: str, item: IngestItem, captured_at: datetime
    ) -> None:
        """An older capture of a since-edited post: keep it as an earlier version, once."""
        if any(known == digest for _, known in state.versions):
            return
        earliest = min([version for version, _ in state.versions] + [1])
        state.versions.append((earliest - 1, digest))
        self._versions.append(
            (
                state,
                (
                    earliest - 1,
                    post.title,
                    post.text,
                    digest,
                    _quotes_json(post.quotes),
                    json.dumps(list(post.links), ensure_ascii=False),
                    post.edit.at if post.edit else None,
                    item.fetch_id,
                    captured_at,
                    state.captured_at,
                ),
            )
        )

    # -- writing ---------------------------------------------------------------------------
    def settle_authors(self) -> set[int]:
        """Authors' end state; returns stored authors whose first post may have moved."""
        return self.authors.settle(
            [(s.author, s.values["posted_at"]) for s in self._new if s.author is not None],
            self._dated,
        )

    def changed_stored(self) -> list[int]:
        """Stored posts the batch edits or dates (their facts are read before and after)."""
        return [s.id for s in self.posts.values() if s.stored and s.id and (s.replaced or s.timed)]

    def insert_posts(self) -> None:
        """Insert the batch's new posts, in the order they were read, with their end state."""
        rows = []
        for state in self._new:
            values = state.values
            rows.append(
                (
                    state.site_id,
                    self.threads.rows_by_id[state.thread_id].values["section_id"],
                    state.thread_id,
                    state.native_id,
                    None if state.author is None else state.author.id,
                    state.position,
                    state.content_hash,
                    state.captured_at,
                    *(values[name] for name in _EDITABLE),
                )
            )
        # Matched to their ids by natural key: SQLite cannot return rows in parameter order.
        returned = self.dialect.insert_rows(
            self.connection, _posts, _NEW_POST, rows, returning=("id", "site_id", "native_id")
        )
        for post_id, site_id, native_id in returned:
            self.posts[(int(site_id), native_id)].id = int(post_id)

    def plan_links(self, moved_posts: Sequence[int]) -> None:
        """Hand the batch's link changes to the URL batch (after :meth:`insert_posts`)."""
        written = [
            (s.id, s.values["posted_at"], s.links)
            for s in self.posts.values()
            if s.links is not None and s.id is not None
        ]
        removed = [s.id for s in self.posts.values() if s.replaced and s.id is not None]
        timed = {
            s.id: s.values["posted_at"]
            for s in self.posts.values()
            if s.timed and not s.replaced and s.id is not None
        }
        self.urls.plan(written, removed, timed, moved_posts)

    def write_posts(self) -> None:
        """Update edited and dated stored posts, their children, and the earlier versions."""
        connection, dialect = self.connection, self.dialect
        replaced = [s for s in self.posts.values() if s.replaced]
        dialect.update_rows(
            connection,
            _posts,
            ("id",),
            (*_EDITABLE, "content_hash", "captured_at"),
            [
                (s.id, *(s.values[name] for name in _EDITABLE), s.content_hash, s.captured_at)
                for s in replaced
            ],
        )
        for batch in chunks(sorted(s.id for s in replaced if s.id is not None)):
            connection.execute(_DELETE_QUOTES, {"ids": batch})
            connection.execute(_DELETE_ANNOTATIONS, {"ids": batch})
        dialect.update_rows(
            connection,
            _posts,
            ("id",),
            ("posted_at",),
            [
                (s.id, s.values["posted_at"])
                for s in self.posts.values()
                if s.timed and not s.replaced
            ],
        )
        dialect.insert_rows(
            connection, _versions, _VERSION, [(s.id, *values) for s, values in self._versions]
        )
        written = [s for s in self.posts.values() if s.links is not None]
        quotes = [
            (s.id, position, q.depth, q.author, q.post_native_id, q.text)
            for s in written
            for position, q in enumerate(s.quotes)
        ]
        dialect.insert_rows(connection, _quotes, _QUOTE, quotes)
        annotations = [(s.id, *annotation) for s in written for annotation in s.annotations]
        dialect.insert_rows(connection, _annotations, _ANNOTATION, annotations)

    def new_facts(self) -> list[PostFacts]:
        """The rollup facts of the batch's new posts, as a recomputation would read them."""
        out = []
        for state in self._new:
            assert state.links is not None
            out.append(
                facts_of(
                    state.site_id,
                    self.threads.rows_by_id[state.thread_id].values["section_id"],
                    utc_day(state.values["posted_at"]),
                    state.values["language"],
                    [self.urls.attributes(link.normalised_url) for link in state.links],
                    state.annotations,
                    state.thread_id,
                    None if state.author is None else state.author.id,
                )
            )
        return out
