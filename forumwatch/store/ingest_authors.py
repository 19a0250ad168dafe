"""Authors of a batch of thread pages: created at their first post, with widening statistics.

The rules: an author is a handle per site, created the first time a page shows a post of
theirs (with the native id and profile URL that page gives; a later page fills them in when
they were unknown); ``first_post_at`` and ``last_post_at`` widen with every post time stored,
and ``post_count`` counts their stored posts. A batch reads the authors it names once and
writes their end state with one statement per kind of change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, and_, bindparam, select

from forumwatch.models import Author
from forumwatch.store import schema
from forumwatch.store.dialect import Conflict, Dialect
from forumwatch.store.ingest_base import chunks, utc

_authors = schema.authors
_COLUMNS = (
    _authors.c.id,
    _authors.c.site_id,
    _authors.c.handle,
    _authors.c.native_id,
    _authors.c.profile_url,
    _authors.c.first_post_at,
    _authors.c.last_post_at,
    _authors.c.post_count,
)
_READ = select(*_COLUMNS).where(
    and_(
        _authors.c.site_id == bindparam("site"),
        _authors.c.handle.in_(bindparam("handles", expanding=True)),
    )
)
_READ_BY_ID = select(*_COLUMNS).where(_authors.c.id.in_(bindparam("ids", expanding=True)))
_STATE = ("native_id", "profile_url", "first_post_at", "last_post_at", "post_count")
_NEW = ("site_id", "handle", *_STATE)


@dataclass(slots=True)
class StoredAuthor:
    """An author as the batch leaves them (``original``: as stored before, None when new)."""

    site_id: int
    handle: str
    native_id: str | None
    profile_url: str | None
    first: datetime | None = None
    last: datetime | None = None
    count: int = 0
    id: int | None = None
    original: tuple[Any, ...] | None = None

    def state(self) -> tuple[Any, ...]:
        """The values written back, in the order of the update."""
        return (self.native_id, self.profile_url, self.first, self.last, self.count)

    def widen(self, moment: datetime | None) -> None:
        """A post of theirs at ``moment`` is stored."""
        if moment is None:
            return
        moment = utc(moment)
        self.first = moment if self.first is None else min(self.first, moment)
        self.last = moment if self.last is None else max(self.last, moment)


class AuthorBatch:
    """The authors a batch names."""

    def __init__(self, connection: Connection, dialect: Dialect) -> None:
        self.connection = connection
        self.dialect = dialect
        self.by_handle: dict[tuple[int, str], StoredAuthor] = {}
        self.by_id: dict[int, StoredAuthor] = {}
        self._new: list[StoredAuthor] = []

    def read(self, handles: dict[int, set[str]]) -> None:
        """Read the stored authors of these handles (per site)."""
        for site_id, wanted in handles.items():
            for batch in chunks(sorted(wanted)):
                for row in self.connection.execute(_READ, {"site": site_id, "handles": batch}):
                    self._stored(row)

    def _stored(self, row: Any) -> StoredAuthor:
        author = StoredAuthor(
            int(row.site_id),
            row.handle,
            row.native_id,
            row.profile_url,
            row.first_post_at,
            row.last_post_at,
            int(row.post_count),
            int(row.id),
        )
        author.original = author.state()
        self.by_handle[(author.site_id, author.handle)] = author
        self.by_id[int(row.id)] = author
        return author

    def see(self, site_id: int, author: Author) -> StoredAuthor:
        """A page names ``author``: create them, or fill in an unknown native id."""
        known = self.by_handle.get((site_id, author.handle))
        if known is None:
            known = StoredAuthor(site_id, author.handle, author.native_id, author.profile_url)
            self.by_handle[(site_id, author.handle)] = known
            self._new.append(known)
        elif known.native_id is None and author.native_id is not None:
            known.native_id, known.profile_url = author.native_id, author.profile_url
        return known

    def settle(
        self,
        new_posts: Iterable[tuple[StoredAuthor, datetime | None]],
        dated: Iterable[tuple[int, datetime]],
    ) -> set[int]:
        """Count the batch's new posts and widen with every post time it stored.

        Args:
            new_posts: (author, post time) of each new post with an author.
            dated: (author id, time) of stored posts whose time became known.

        Returns:
            Stored authors whose first post may have changed (their rollups are re-read).
        """
        dated = list(dated)
        missing = sorted({author_id for author_id, _ in dated} - set(self.by_id))
        for batch in chunks(missing):
            for row in self.connection.execute(_READ_BY_ID, {"ids": batch}):
                self._stored(row)
        # The earliest and latest time per author, then one widening each.
        spans: dict[int, tuple[StoredAuthor, datetime, datetime]] = {}

        def see(author: StoredAuthor, moment: datetime | None) -> None:
            if moment is None:
                return
            moment = utc(moment)
            span = spans.get(id(author))
            if span is None:
                spans[id(author)] = (author, moment, moment)
            elif moment < span[1] or moment > span[2]:
                spans[id(author)] = (author, min(span[1], moment), max(span[2], moment))

        for author, moment in new_posts:
            author.count += 1
            see(author, moment)
        for author_id, moment in dated:
            see(self.by_id[author_id], moment)
        moving: set[int] = set()
        for author, earliest, latest in spans.values():
            if author.id is not None and (author.first is None or earliest <= author.first):
                moving.add(author.id)
            author.widen(earliest)
            author.widen(latest)
        return moving

    def insert_new(self) -> None:
        """Insert the batch's new authors, in first-seen order, with their end state."""
        if not self._new:
            return
        returned = self.dialect.insert_rows(
            self.connection,
            _authors,
            _NEW,
            [(a.site_id, a.handle, *a.state()) for a in self._new],
            conflict=Conflict(("site_id", "handle")),
            returning=("id", "site_id", "handle"),
        )
        for author_id, site_id, handle in returned:
            author = self.by_handle[(int(site_id), handle)]
            author.id = int(author_id)
            self.by_id[author.id] = author
        for author in self._new:
            if author.id is None:
                self._merge_raced(author)

    def _merge_raced(self, author: StoredAuthor) -> None:
        """Another writer created the author meanwhile: add this batch's posts to theirs."""
        row = self.connection.execute(
            _READ, {"site": author.site_id, "handles": [author.handle]}
        ).one()
        author.id = int(row.id)
        author.original = tuple(row._mapping[name] for name in _STATE)
        if row.native_id is not None:
            author.native_id, author.profile_url = row.native_id, row.profile_url
        author.count += int(row.post_count)
        author.widen(row.first_post_at)
        author.widen(row.last_post_at)
        self.by_id[author.id] = author

    def last_posts(self) -> dict[int, date | None]:
        """Each author's latest stored post day before the batch (None: none, or new)."""
        out: dict[int, date | None] = {}
        for author_id, author in self.by_id.items():
            last = None if author.original is None else author.original[3]
            out[author_id] = None if last is None else utc(last).date()
        return out

    def new_ids(self) -> list[int]:
        """Authors the batch created."""
        return [a.id for a in self._new if a.id is not None and a.original is None]

    def write(self) -> None:
        """Update stored authors whose names, times or counts changed."""
        self.dialect.update_rows(
            self.connection,
            _authors,
            ("id",),
            _STATE,
            [
                (a.id, *a.state())
                for a in self.by_id.values()
                if a.original is not None and a.state() != a.original
            ],
        )
