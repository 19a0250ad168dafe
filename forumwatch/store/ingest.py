"""Writing parsed pages into the store, inside the caller's transaction, a batch at a time.

The rules that make ingest safe to repeat:
- a post is identified by (site, native id); the same content (hash) stored again changes nothing;
- a changed post keeps its earlier version in ``post_versions`` before the new one replaces it;
- a post's time is the first one read (a later capture only fills it in when it was unknown);
- ``last_seen_at`` style columns move with the capture time, never backwards, so re-ingesting
  one capture leaves every row as it was;
- rollups change by exactly what the stored rows changed (see :mod:`forumwatch.store.rollups`).

A batch (the pages of one ``Store.ingest`` call) is stored set-wise, with the same end state as
storing its pages one by one: every row the batch names is read once per table, the pages are
played through in memory in order (:mod:`~forumwatch.store.ingest_threads` for sections and
threads, :mod:`~forumwatch.store.ingest_posts` for authors and posts,
:mod:`~forumwatch.store.ingest_links` for URLs), and the end state is written with one statement
per table (executemany). Rollups follow from what changed: new posts' facts are known from the
batch itself; stored posts that change (edits, late times, thread moves) and entities whose
derived rollups can move (threads, members' first posts, URLs' first sightings) are read before
and after the writes, and the difference is added.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, and_, bindparam, select

from forumwatch.models import Fetch, ThreadPage
from forumwatch.store import schema
from forumwatch.store.derived import fetch_contribution
from forumwatch.store.dialect import Conflict, Dialect
from forumwatch.store.facts import load_facts
from forumwatch.store.ingest_base import RollupBuffer, chunks, utc
from forumwatch.store.ingest_links import LinkWriter, UrlBatch
from forumwatch.store.ingest_posts import PostBatch
from forumwatch.store.ingest_threads import SectionBatch, ThreadBatch
from forumwatch.store.records import IngestItem, IngestResult
from forumwatch.store.rollups import RollupKey

__all__ = ["BatchWriter", "Dialect", "LinkWriter"]

_fetches = schema.fetches
_ARCHIVED_FETCHES = select(_fetches.c.id, _fetches.c.warc_offset).where(
    and_(
        _fetches.c.warc_file == bindparam("file"),
        _fetches.c.warc_offset.in_(bindparam("offsets", expanding=True)),
    )
)
_UNPLACED_FETCH = select(_fetches.c.id).where(
    and_(_fetches.c.warc_file == bindparam("file"), _fetches.c.warc_offset.is_(None))
)
_FETCH_COLUMNS = tuple(column.name for column in _fetches.c if column.name != "id")
_PROBLEM_COLUMNS = (
    "site_id",
    "fetch_id",
    "url",
    "field",
    "message",
    "snippet",
    "post_native_id",
    "recorded_at",
)


def fetch_row(site_id: int, fetch: Fetch) -> tuple[Any, ...]:
    """The fetch-log row of one attempt, in ``_FETCH_COLUMNS`` order."""
    values = {
        "site_id": site_id,
        "url": fetch.url,
        "kind": str(fetch.kind),
        "started_at": fetch.started_at,
        "ended_at": fetch.ended_at,
        "status": fetch.status,
        "error_class": fetch.error_class,
        "content_type": fetch.content_type,
        "bytes_received": fetch.bytes_received,
        "sha256": fetch.sha256,
        "warc_file": fetch.warc_file,
        "warc_offset": fetch.warc_offset,
        "warc_length": fetch.warc_length,
    }
    return tuple(values[name] for name in _FETCH_COLUMNS)


class BatchWriter:
    """Stores batches of parsed pages through one open connection (the caller's transaction)."""

    def __init__(self, connection: Connection, dialect: Dialect) -> None:
        self.connection = connection
        self.dialect = dialect

    def write(self, items: Sequence[IngestItem]) -> IngestResult:
        """Store the pages (and the fetches they carry), in order, with their rollups."""
        connection, dialect = self.connection, self.dialect
        rollups = RollupBuffer(connection, dialect)
        items = self._record_fetches(items, rollups.rows)

        sections = SectionBatch(connection, dialect)
        sections.read(items)
        new_sections = sum(sections.apply(item) for item in items)
        sections.write()
        threads = ThreadBatch(connection, dialect, sections)
        threads.read(items)
        new_threads = sum(threads.apply(item) for item in items)
        threads.insert_new()

        urls = UrlBatch(connection, dialect)
        posts = PostBatch(connection, dialect, threads, urls)
        posts.read(items)
        for item in items:
            if isinstance(item.page, ThreadPage):
                posts.apply(item, item.page)
        moving_authors = posts.settle_authors()
        posts.authors.insert_new()

        # What stored rows contribute before the batch changes them.
        moved_posts = threads.moved_post_ids()
        changed = sorted(set(posts.changed_stored()) | set(moved_posts))
        facts_before = load_facts(connection, changed)
        moved = set(moved_posts)
        moving_authors.update(
            facts.author_id
            for post_id, facts in facts_before.items()
            if post_id in moved and facts.author_id is not None
        )
        derived = rollups.derived
        entities = derived.snapshot(authors=moving_authors, threads=threads.stored_ids())

        posts.insert_posts()
        posts.plan_links(moved_posts)
        sightings = derived.snapshot(urls=urls.snapshot_ids)
        threads.write_updates()
        posts.write_posts()
        urls.write()
        posts.authors.write()

        facts_after = load_facts(connection, changed)
        rollups.count_facts([*posts.new_facts(), *facts_after.values()], facts_before.values())
        entities.authors = (*entities.authors, *posts.authors.new_ids())
        entities.threads = (*entities.threads, *threads.new_ids())
        derived.settle(entities)
        sightings.urls = (*sightings.urls, *urls.new_ids)
        derived.settle(sightings)
        problems = self._write_problems(items)
        rollups.flush(posts.authors.last_posts())
        return IngestResult(
            new_posts=posts.new_posts,
            changed_posts=posts.changed_posts,
            unchanged_posts=posts.unchanged_posts,
            new_threads=new_threads,
            new_sections=new_sections,
            moved_threads=threads.moved,
            problems=problems,
        )

    def _record_fetches(
        self, items: Sequence[IngestItem], rollups: Counter[RollupKey]
    ) -> list[IngestItem]:
        """Log the fetches the items carry; returns the items with their fetch ids."""
        ids: dict[int, int] = {}
        archived = self._archived_fetches(items)
        new: list[tuple[int, tuple[Any, ...]]] = []
        # Pages of this batch from one archived response: (page, the page that logged it).
        logged: dict[tuple[Any, Any], int] = {}
        repeats: list[tuple[int, int]] = []
        for index, item in enumerate(items):
            fetch = item.fetch
            if fetch is None or item.fetch_id is not None:
                continue
            # One archived response is one fetch, however often its page is ingested.
            archive = (fetch.warc_file, fetch.warc_offset)
            if fetch.warc_file is not None and archive in archived:
                ids[index] = archived[archive]
                continue
            if fetch.warc_file is not None and archive in logged:
                repeats.append((index, logged[archive]))
                continue
            new.append((index, fetch_row(item.site_id, fetch)))
            # The availability rollup (fetches per site, day and outcome) follows the log.
            rollups[fetch_contribution(item.site_id, fetch)] += 1
            if fetch.warc_file is not None:
                logged[archive] = index
        for index, fetch_id in zip(
            [index for index, _ in new], self._insert_fetches([row for _, row in new]), strict=True
        ):
            ids[index] = fetch_id
        for index, first in repeats:
            ids[index] = ids[first]
        return [
            IngestItem(item.site_id, item.page, item.captured_at, ids[index], None, item.enrichment)
            if index in ids
            else item
            for index, item in enumerate(items)
        ]

    def _insert_fetches(self, rows: list[tuple[Any, ...]]) -> list[int]:
        """Insert fetch-log rows; returns their ids in order."""
        # Matched to their ids by (site, URL, start): SQLite cannot return the rows of a
        # multi-row INSERT in parameter order.
        keys = [(row[0], row[1], utc(row[3])) for row in rows]
        if len(set(keys)) < len(keys):
            # The same URL fetched twice at the same instant (rare): one row at a time.
            return [self._insert_fetches([row])[0] for row in rows]
        returned = self.dialect.insert_rows(
            self.connection,
            _fetches,
            _FETCH_COLUMNS,
            rows,
            returning=("id", "site_id", "url", "started_at"),
        )
        ids = {
            (int(site_id), url, started_at): int(fetch_id)
            for fetch_id, site_id, url, started_at in returned
        }
        return [ids[key] for key in keys]

    def _archived_fetches(self, items: Sequence[IngestItem]) -> dict[tuple[Any, Any], int]:
        """Logged fetches of the archived responses the items carry, by (WARC file, offset)."""
        offsets: dict[str, set[int | None]] = {}
        for item in items:
            fetch = item.fetch
            if fetch is not None and item.fetch_id is None and fetch.warc_file is not None:
                offsets.setdefault(fetch.warc_file, set()).add(fetch.warc_offset)
        found: dict[tuple[Any, Any], int] = {}
        for warc_file, wanted in offsets.items():
            if None in wanted:
                row = self.connection.execute(_UNPLACED_FETCH, {"file": warc_file}).first()
                if row is not None:
                    found[(warc_file, None)] = int(row[0])
            for batch in chunks(sorted(offset for offset in wanted if offset is not None)):
                rows = self.connection.execute(
                    _ARCHIVED_FETCHES, {"file": warc_file, "offsets": batch}
                )
                for row in rows:
                    found.setdefault((warc_file, int(row[1])), int(row[0]))
        return found

    def _write_problems(self, items: Sequence[IngestItem]) -> int:
        rows = [
            (
                item.site_id,
                item.fetch_id,
                p.url,
                p.field,
                p.message,
                p.snippet[:500],
                p.post_native_id or "",
                item.captured_at,
            )
            for item in items
            for p in item.page.problems
        ]
        self.dialect.insert_rows(
            self.connection,
            schema.parse_problems,
            _PROBLEM_COLUMNS,
            rows,
            conflict=Conflict(("site_id", "url", "field", "message", "post_native_id")),
        )
        return len(rows)
