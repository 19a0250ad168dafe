"""What every ingest writer shares: times in UTC, chunking, and the rollup buffer.

Writers (the batch page writer, re-enrichment, site removal) collect rollup changes in one
:class:`RollupBuffer` per transaction and write them with one upsert-with-add at the end, so a
transaction of any size costs one ``daily_counts`` statement.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, date, datetime
from typing import TypeVar

from sqlalchemy import Connection

from forumwatch.store import schema
from forumwatch.store.derived import DerivedDelta
from forumwatch.store.dialect import Conflict, Dialect
from forumwatch.store.rollups import PostFacts, RollupKey, tally

_T = TypeVar("_T")

CHUNK = 2000
"""Values per expanding IN list in ingest reads: a few round trips for a bulk batch, and well
under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters per statement."""


def utc(moment: datetime) -> datetime:
    """``moment`` as an aware UTC datetime (a naive value is taken as UTC, as the store does)."""
    zone = moment.tzinfo
    if zone is UTC:
        return moment
    if zone is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def utc_or_none(moment: datetime | None) -> datetime | None:
    """:func:`utc`, passing None through."""
    return None if moment is None else utc(moment)


def utc_day(moment: datetime | None) -> date | None:
    """The UTC day of ``moment`` (None for None), as the rollups place posts."""
    return None if moment is None else utc(moment).date()


def chunks(values: Iterable[_T], size: int = CHUNK) -> Iterator[list[_T]]:
    """``values`` in lists of at most ``size``, in order."""
    batch: list[_T] = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


_COUNT_COLUMNS = ("metric", "site_id", "section_id", "key", "day", "value")


class RollupBuffer:
    """One transaction's rollup changes: per-post tallies, member counters, derived rows."""

    def __init__(self, connection: Connection, dialect: Dialect) -> None:
        self.connection = connection
        self.dialect = dialect
        self.rows: Counter[RollupKey] = Counter()
        # Rollups over several posts (first sightings, members, threads): store/derived.py.
        self.derived = DerivedDelta(connection, dialect)

    def count_facts(self, added: Iterable[PostFacts], removed: Iterable[PostFacts] = ()) -> None:
        """Posts appeared and went: every per-post rollup and member counter follows."""
        added, removed = list(added), list(removed)
        self.rows.update(tally(added, removed))
        self.derived.count_facts(added, removed)

    def flush(self, last_posts: Mapping[int, date | None] | None = None) -> None:
        """Write the members' counters and every rollup change; start afresh.

        ``last_posts``: see :meth:`~forumwatch.store.derived.DerivedDelta.flush`.
        """
        self.rows.update(self.derived.flush(last_posts))
        delta = {key: value for key, value in self.rows.items() if value != 0}
        self.rows.clear()
        if not delta:
            return
        self.dialect.insert_rows(
            self.connection,
            schema.daily_counts,
            _COUNT_COLUMNS,
            [(*key, value) for key, value in sorted(delta.items())],
            conflict=Conflict(_COUNT_COLUMNS[:-1], add="value"),
        )
