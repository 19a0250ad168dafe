"""Sections, threads and tags of a batch of pages, planned in Python and written set-wise.

The rules, applied page by page in the order the pages were read:
- a section or thread is identified by (site, native id); a new one is inserted as first seen;
- a section takes every non-empty value it is shown with; ``last_seen_at`` never moves back;
- a thread takes a listing's values (title, starter, replies, times, pin, lock) and a thread
  page's title and URL; a capture older than the thread's ``last_seen_at`` (an import of an old
  archive) only fills gaps and never moves the thread;
- a thread moved to another section takes its posts (their ``section_id``) with it;
- a listing, or a thread page that shows tags, sets a thread's tags;
- a thread page may name a section that no index or listing showed yet: it is created empty.

Each batch reads the rows it names once, plays the pages through in memory, and writes the end
state: new rows in first-seen order (so ids are the same as page by page), changed rows with
one bulk statement per table (see ``Dialect.insert_rows``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, bindparam, delete, select

from forumwatch.models import IndexPage, ListingPage, Section, Thread, ThreadPage
from forumwatch.store import schema
from forumwatch.store.dialect import Dialect
from forumwatch.store.ingest_base import chunks, utc
from forumwatch.store.records import IngestItem

_sections, _threads, _tags, _posts = (
    schema.sections,
    schema.threads,
    schema.thread_tags,
    schema.posts,
)
_SECTION_VALUES = ("title", "url", "description", "parent_native_id", "language")
_THREAD_VALUES = (
    "section_id",
    "title",
    "url",
    "author_handle",
    "replies",
    "first_post_at",
    "last_post_at",
    "sticky",
    "locked",
    "last_seen_at",
)
_READ_SECTIONS = select(
    _sections.c.id,
    _sections.c.native_id,
    *(_sections.c[name] for name in _SECTION_VALUES),
    _sections.c.first_seen_at,
    _sections.c.last_seen_at,
).where(
    and_(
        _sections.c.site_id == bindparam("site"),
        _sections.c.native_id.in_(bindparam("natives", expanding=True)),
    )
)
_READ_THREADS = select(
    _threads.c.id,
    _threads.c.native_id,
    *(_threads.c[name] for name in _THREAD_VALUES),
    _threads.c.first_seen_at,
).where(
    and_(
        _threads.c.site_id == bindparam("site"),
        _threads.c.native_id.in_(bindparam("natives", expanding=True)),
    )
)
_READ_TAGS = select(_tags.c.thread_id, _tags.c.tag).where(
    _tags.c.thread_id.in_(bindparam("ids", expanding=True))
)
_DELETE_TAG = delete(_tags).where(
    and_(_tags.c.thread_id == bindparam("thread"), _tags.c.tag == bindparam("old_tag"))
)
_POSTS_OF_THREADS = select(_posts.c.id).where(
    _posts.c.thread_id.in_(bindparam("ids", expanding=True))
)
_NEW_SECTION = ("site_id", "native_id", *_SECTION_VALUES, "first_seen_at", "last_seen_at")
_THREAD_COLUMNS = (*_THREAD_VALUES, "first_seen_at")


@dataclass(slots=True)
class _Row:
    """A section or thread as stored (``original``) and as the batch leaves it (``values``)."""

    site_id: int
    native_id: str
    values: dict[str, Any]
    original: dict[str, Any] | None = None
    id: int | None = None
    tags: frozenset[str] | None = None


def _natives(wanted: dict[int, list[str]], site_id: int, native_id: str) -> None:
    natives = wanted.setdefault(site_id, [])
    natives.append(native_id)


def _thread_sections(item: IngestItem) -> list[str]:
    """Sections a page's threads name (the page's own section for a listing's threads)."""
    page = item.page
    if isinstance(page, ListingPage):
        default = page.section.native_id if page.section is not None else None
        named = [t.section_native_id or default for t in page.threads]
        return [n for n in dict.fromkeys(named) if n]
    if isinstance(page, ThreadPage) and page.thread.section_native_id:
        return [page.thread.section_native_id]
    return []


def _page_sections(item: IngestItem) -> list[Section]:
    page = item.page
    if isinstance(page, IndexPage):
        return list(page.sections)
    if isinstance(page, ListingPage):
        return [*page.subsections, *([page.section] if page.section is not None else [])]
    return []


class SectionBatch:
    """The sections a batch shows or names."""

    def __init__(self, connection: Connection, dialect: Dialect) -> None:
        self.connection = connection
        self.dialect = dialect
        self.rows: dict[tuple[int, str], _Row] = {}
        self._order: list[_Row] = []

    def read(self, items: Sequence[IngestItem]) -> None:
        """Read every stored section the batch names, in one query per site and chunk."""
        wanted: dict[int, list[str]] = {}
        for item in items:
            for section in _page_sections(item):
                _natives(wanted, item.site_id, section.native_id)
            for native in _thread_sections(item):
                _natives(wanted, item.site_id, native)
        for site_id, natives in wanted.items():
            for batch in chunks(sorted(set(natives))):
                for row in self.connection.execute(
                    _READ_SECTIONS, {"site": site_id, "natives": batch}
                ):
                    values = dict(row._mapping)
                    self.rows[(site_id, row.native_id)] = _Row(
                        site_id, row.native_id, values, dict(values), int(row.id)
                    )

    def apply(self, item: IngestItem) -> int:
        """Play one page's sections through; returns how many it created (placeholders aside)."""
        seen_at = utc(item.captured_at)
        created = 0
        for section in {s.native_id: s for s in _page_sections(item)}.values():
            created += self._upsert(item.site_id, section, seen_at)
        for native in _thread_sections(item):
            if (item.site_id, native) not in self.rows:
                self._upsert(item.site_id, Section(native, "", ""), seen_at)
        return created

    def _upsert(self, site_id: int, section: Section, seen_at: datetime) -> int:
        row = self.rows.get((site_id, section.native_id))
        if row is None:
            row = _Row(
                site_id,
                section.native_id,
                {
                    "title": section.title,
                    "url": section.url,
                    "description": section.description,
                    "parent_native_id": section.parent_native_id,
                    "language": section.language,
                    "first_seen_at": seen_at,
                    "last_seen_at": seen_at,
                },
            )
            self.rows[(site_id, section.native_id)] = row
            self._order.append(row)
            return 1
        values = row.values
        for column in _SECTION_VALUES:
            value = getattr(section, column)
            if value and values[column] != value:
                values[column] = value
        if values["last_seen_at"] is None or seen_at > values["last_seen_at"]:
            values["last_seen_at"] = seen_at
        return 0

    def write(self) -> None:
        """Insert the new sections (in first-seen order) and update the changed ones."""
        # New rows are matched to their ids by natural key: SQLite cannot return the rows of a
        # multi-row INSERT in parameter order.
        returned = self.dialect.insert_rows(
            self.connection,
            _sections,
            _NEW_SECTION,
            [
                (row.site_id, row.native_id, *(row.values[name] for name in _NEW_SECTION[2:]))
                for row in self._order
            ],
            returning=("id", "site_id", "native_id"),
        )
        for section_id, site_id, native_id in returned:
            self.rows[(int(site_id), native_id)].id = int(section_id)
        self.dialect.update_rows(
            self.connection,
            _sections,
            ("id",),
            (*_SECTION_VALUES, "last_seen_at"),
            [
                (row.id, *(row.values[name] for name in (*_SECTION_VALUES, "last_seen_at")))
                for row in self.rows.values()
                if row.original is not None and row.values != row.original
            ],
        )

    def id_of(self, site_id: int, native_id: str | None) -> int | None:
        """The id of a section the batch named (None for no section)."""
        if not native_id:
            return None
        row = self.rows.get((site_id, native_id))
        return None if row is None else row.id


def _listing_threads(page: ListingPage) -> list[Thread]:
    section = page.section.native_id if page.section is not None else None
    return [
        t if t.section_native_id or section is None else replace(t, section_native_id=section)
        for t in page.threads
    ]


class ThreadBatch:
    """The threads a batch shows, with their tags and moves."""

    def __init__(self, connection: Connection, dialect: Dialect, sections: SectionBatch) -> None:
        self.connection = connection
        self.dialect = dialect
        self.sections = sections
        self.rows: dict[tuple[int, str], _Row] = {}
        self.rows_by_id: dict[int, _Row] = {}
        self._order: list[_Row] = []
        self.moved = 0

    def read(self, items: Sequence[IngestItem]) -> None:
        """Read every stored thread the batch shows."""
        wanted: dict[int, list[str]] = {}
        for item in items:
            page = item.page
            if isinstance(page, ListingPage):
                for thread in page.threads:
                    _natives(wanted, item.site_id, thread.native_id)
            elif isinstance(page, ThreadPage):
                _natives(wanted, item.site_id, page.thread.native_id)
        for site_id, natives in wanted.items():
            for batch in chunks(sorted(set(natives))):
                for row in self.connection.execute(
                    _READ_THREADS, {"site": site_id, "natives": batch}
                ):
                    values = dict(zip(_THREAD_VALUES, row[2:-1], strict=True))
                    stored = _Row(site_id, row.native_id, values, dict(values), int(row.id))
                    self.rows[(site_id, row.native_id)] = self.rows_by_id[int(row.id)] = stored

    def apply(self, item: IngestItem) -> int:
        """Play one page's threads through; returns how many it created."""
        page = item.page
        if isinstance(page, ListingPage):
            threads, from_listing = _listing_threads(page), True
        elif isinstance(page, ThreadPage):
            threads, from_listing = [page.thread], False
        else:
            return 0
        seen_at = utc(item.captured_at)
        created = 0
        for thread in {t.native_id: t for t in threads}.values():
            created += self._upsert(item.site_id, thread, seen_at, from_listing)
        return created

    def _upsert(self, site_id: int, thread: Thread, seen_at: datetime, from_listing: bool) -> int:
        section_id = self.sections.id_of(site_id, thread.section_native_id)
        row = self.rows.get((site_id, thread.native_id))
        # Thread pages often show no tags; only a listing (or a page that shows some) sets them.
        tags = frozenset(thread.tags) if from_listing or thread.tags else None
        if row is None:
            row = _Row(
                site_id,
                thread.native_id,
                {
                    "section_id": section_id,
                    "title": thread.title,
                    "url": thread.url,
                    "author_handle": thread.author,
                    "replies": thread.replies,
                    "first_post_at": thread.first_post_at,
                    "last_post_at": thread.last_post_at,
                    "sticky": thread.sticky,
                    "locked": thread.locked,
                    "last_seen_at": seen_at,
                    "first_seen_at": seen_at,
                },
                tags=tags,
            )
            self.rows[(site_id, thread.native_id)] = row
            self._order.append(row)
            return 1
        values = row.values
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
        # An older capture (an import of an old archive) only fills gaps: it must not roll
        # counters, titles or sections back.
        older = values["last_seen_at"] is not None and seen_at < values["last_seen_at"]
        for column, value in candidates:
            if value is None or value == "" or values[column] == value:
                continue
            if not older or values[column] is None:
                values[column] = value
        if not older and seen_at != values["last_seen_at"]:
            values["last_seen_at"] = seen_at
        if section_id is not None and values["section_id"] != section_id and not older:
            if values["section_id"] is not None:
                self.moved += 1
            values["section_id"] = section_id
        if tags is not None:
            row.tags = tags
        return 0

    def insert_new(self) -> None:
        """Insert the batch's new threads, in first-seen order, with their end state."""
        returned = self.dialect.insert_rows(
            self.connection,
            _threads,
            ("site_id", "native_id", *_THREAD_COLUMNS),
            [
                (row.site_id, row.native_id, *(row.values[name] for name in _THREAD_COLUMNS))
                for row in self._order
            ],
            returning=("id", "site_id", "native_id"),
        )
        for thread_id, site_id, native_id in returned:
            row = self.rows[(int(site_id), native_id)]
            row.id = int(thread_id)
            self.rows_by_id[row.id] = row

    def thread(self, site_id: int, native_id: str) -> _Row:
        """A thread the batch showed."""
        return self.rows[(site_id, native_id)]

    def stored_ids(self) -> list[int]:
        """Threads that were stored before the batch."""
        return [row.id for row in self.rows.values() if row.original is not None and row.id]

    def new_ids(self) -> list[int]:
        """Threads the batch created."""
        return [row.id for row in self._order if row.id is not None]

    def _moves(self) -> dict[int, int | None]:
        return {
            row.id: row.values["section_id"]
            for row in self.rows.values()
            if row.original is not None
            and row.id is not None
            and row.values["section_id"] != row.original["section_id"]
        }

    def moved_post_ids(self) -> list[int]:
        """Stored posts of threads that the batch moves to another section."""
        out: list[int] = []
        for batch in chunks(sorted(self._moves())):
            out += [int(r[0]) for r in self.connection.execute(_POSTS_OF_THREADS, {"ids": batch})]
        return out

    def write_updates(self) -> None:
        """Update changed stored threads, move their posts, and set the tags shown."""
        self.dialect.update_rows(
            self.connection,
            _threads,
            ("id",),
            _THREAD_VALUES,
            [
                (row.id, *(row.values[name] for name in _THREAD_VALUES))
                for row in self.rows.values()
                if row.original is not None and row.values != row.original
            ],
        )
        self.dialect.update_rows(
            self.connection, _posts, ("thread_id",), ("section_id",), list(self._moves().items())
        )
        self._write_tags()

    def _write_tags(self) -> None:
        tagged = [row for row in self.rows.values() if row.tags is not None and row.id is not None]
        if not tagged:
            return
        stored: dict[int, set[str]] = {}
        for ids in chunks(sorted(row.id for row in tagged if row.original and row.id)):
            for tag_row in self.connection.execute(_READ_TAGS, {"ids": ids}):
                stored.setdefault(int(tag_row[0]), set()).add(tag_row[1])
        gone: list[dict[str, Any]] = []
        new: list[tuple[int, str]] = []
        for row in tagged:
            assert row.id is not None and row.tags is not None
            before = stored.get(row.id, set())
            gone += [{"thread": row.id, "old_tag": tag} for tag in sorted(before - row.tags)]
            new += [(row.id, tag) for tag in sorted(row.tags - before)]
        if gone:
            self.connection.execute(_DELETE_TAG, gone)
        self.dialect.insert_rows(self.connection, _tags, ("thread_id", "tag"), new)
