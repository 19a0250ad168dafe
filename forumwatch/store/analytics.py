"""Reads behind the analysis, portable across backends.

Series come from the rollups (``Store.daily_counts``); what is here reads members, posts of one
member and totals per rollup key (watch rules are in :mod:`forumwatch.store.alertrules`). Every
query is bounded: by a site and period through an index, or by a rollup metric. Mixed into
:class:`forumwatch.store.sql.SQLStore`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, Text, and_, func, select, type_coerce

from forumwatch.errors import NotFoundError
from forumwatch.store import schema
from forumwatch.store.derived import MEMBER_METRICS
from forumwatch.store.dialect import Dialect


@dataclass(frozen=True, slots=True)
class RollupTotal:
    """A rollup metric summed over a period for one key, with its first and last day."""

    key: str
    value: int
    first_day: date
    last_day: date


@dataclass(frozen=True, slots=True)
class RollupSum:
    """A rollup metric summed per day (and per the dimensions asked for; others are None)."""

    day: date
    value: int
    site_id: int | None = None
    section_id: int | None = None
    key: str | None = None


@dataclass(frozen=True, slots=True)
class StoredAuthor:
    """A member of one site as the store keeps them."""

    id: int
    site_id: int
    handle: str
    first_post_at: datetime | None
    last_post_at: datetime | None
    post_count: int


@dataclass(frozen=True, slots=True)
class AuthorName:
    """A member's id, site, handle and the UTC day of their first post: what matching
    handles needs, read without converting times."""

    id: int
    site_id: int
    handle: str
    first_day: date | None


@dataclass(frozen=True, slots=True)
class MemberPost:
    """One post of a member (for actor findings and watch-list reports)."""

    post_id: int
    site_id: int
    native_id: str
    thread_native_id: str
    thread_title: str
    section_id: int | None
    posted_at: datetime | None


def _as_date(value: Any) -> date:
    if isinstance(value, str):  # SQLite's text first: members' first posts are read as text
        return date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _stored_author(row: Any) -> StoredAuthor:
    return StoredAuthor(
        int(row.id),
        int(row.site_id),
        row.handle,
        row.first_post_at,
        row.last_post_at,
        int(row.post_count),
    )


class AnalyticsQueries:
    """Analysis reads over ``engine`` (mixed into SQLStore)."""

    engine: Engine
    dialect: Dialect

    # -- rollup totals -----------------------------------------------------------------------
    def rollup_totals(
        self,
        metric: str,
        start: date,
        end: date,
        site_ids: Sequence[int] | None = None,
        keys: Sequence[str] | None = None,
    ) -> list[RollupTotal]:
        """A metric summed per key over ``start``..``end``, with each key's first/last day."""
        return [total for _, total in self._rollup_totals(metric, start, end, site_ids, keys)]

    def rollup_totals_by_site(
        self,
        metric: str,
        start: date,
        end: date,
        site_ids: Sequence[int] | None = None,
    ) -> dict[int, list[RollupTotal]]:
        """:meth:`rollup_totals` of each site, in one query (sites without a count left out)."""
        out: dict[int, list[RollupTotal]] = {}
        for place, total in self._rollup_totals(metric, start, end, site_ids, by=["site_id"]):
            out.setdefault(place[0], []).append(total)
        return out

    def rollup_totals_by_section(
        self,
        metric: str,
        start: date,
        end: date,
        site_ids: Sequence[int] | None = None,
    ) -> dict[tuple[int, int], list[RollupTotal]]:
        """:meth:`rollup_totals` of each (site, section), in one query."""
        out: dict[tuple[int, int], list[RollupTotal]] = {}
        for place, total in self._rollup_totals(
            metric, start, end, site_ids, by=["site_id", "section_id"]
        ):
            out.setdefault((place[0], place[1]), []).append(total)
        return out

    def _rollup_totals(
        self,
        metric: str,
        start: date,
        end: date,
        site_ids: Sequence[int] | None,
        keys: Sequence[str] | None = None,
        by: Sequence[str] = (),
    ) -> list[tuple[tuple[int, ...], RollupTotal]]:
        """(the ``by`` columns' values, total) per key (and ``by``), zero sums left out."""
        table = schema.daily_counts
        groups = [*(table.c[name] for name in by), table.c.key]
        query = (
            select(
                *groups,
                func.sum(table.c.value),
                func.min(table.c.day),
                func.max(table.c.day),
            )
            .where(
                and_(
                    table.c.metric == metric,
                    table.c.day >= start,
                    table.c.day <= end,
                    table.c.value != 0,
                )
            )
            .group_by(*groups)
        )
        if site_ids is not None:
            query = query.where(table.c.site_id.in_(list(site_ids)))
        if keys is not None:
            query = query.where(table.c.key.in_(list(keys)))
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        width = len(by)
        return [
            (
                tuple(int(value) for value in r[:width]),
                RollupTotal(r[width], int(r[-3]), _as_date(r[-2]), _as_date(r[-1])),
            )
            for r in rows
            if r[-3]
        ]

    def rollup_keys(self, metric: str, prefix: str = "") -> list[str]:
        """The keys of a metric (those starting with ``prefix``) counted on at least one day.

        Each key is found by one seek on the key index (the next key after the last found),
        so the cost is the number of keys, not of their days, sites and sections."""
        table = schema.daily_counts
        after = prefix[:-1] + chr(ord(prefix[-1]) + 1) if prefix else None
        found: list[str] = []
        previous: str | None = None
        with self.engine.connect() as connection:
            while True:
                condition = and_(table.c.metric == metric, table.c.key >= prefix)
                if previous is not None:
                    condition = and_(condition, table.c.key > previous)
                if after is not None:
                    condition = and_(condition, table.c.key < after)
                key = connection.execute(select(func.min(table.c.key)).where(condition)).scalar()
                if key is None:
                    return found
                previous = key
                # Counts are never negative: a key sums to non-zero when some day is non-zero.
                counted = connection.execute(
                    select(table.c.day)
                    .where(and_(table.c.metric == metric, table.c.key == key, table.c.value != 0))
                    .limit(1)
                ).first()
                if counted is not None:
                    found.append(key)

    def rollup_sums(
        self,
        metric: str,
        start: date,
        end: date,
        site_ids: Sequence[int] | None = None,
        section_ids: Sequence[int] | None = None,
        keys: Sequence[str] | None = None,
        by: Sequence[str] = (),
        key_prefix: str | None = None,
        monthly: bool = False,
    ) -> list[RollupSum]:
        """A metric summed per day in the database (one row a day, or a day and each of the
        ``by`` dimensions: ``site_id``, ``section_id``, ``key``), zero sums left out.

        ``key_prefix`` keeps the keys that start with it (a range on the key index);
        ``monthly`` sums each calendar month instead, dated by its first day (a year of a
        metric split by site, section and key is thirty times fewer rows to return)."""
        table = schema.daily_counts
        wanted = [d for d in ("site_id", "section_id", "key") if d in by]
        day: Any = self.dialect.month_start(table.c.day) if monthly else table.c.day
        columns = [day, *(table.c[d] for d in wanted)]
        query = (
            select(*columns, func.sum(table.c.value))
            .where(and_(table.c.metric == metric, table.c.day >= start, table.c.day <= end))
            .group_by(*columns)
        )
        if site_ids is not None:
            query = query.where(table.c.site_id.in_(list(site_ids)))
        if section_ids is not None:
            query = query.where(table.c.section_id.in_(list(section_ids)))
        if keys is not None:
            query = query.where(table.c.key.in_(list(keys)))
        if key_prefix:
            after = key_prefix[:-1] + chr(ord(key_prefix[-1]) + 1)
            query = query.where(and_(table.c.key >= key_prefix, table.c.key < after))
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        out = []
        for row in rows:
            if not row[-1]:
                continue
            named = dict(zip(wanted, row[1:-1], strict=True))
            out.append(
                RollupSum(
                    _as_date(row[0]),
                    int(row[-1]),
                    None if named.get("site_id") is None else int(named["site_id"]),
                    None if named.get("section_id") is None else int(named["section_id"]),
                    named.get("key"),
                )
            )
        return out

    # -- members -----------------------------------------------------------------------------
    def authors(self, site_ids: Sequence[int] | None = None) -> list[StoredAuthor]:
        """Members (of some sites, or all) with their first and last post and post count."""
        table = schema.authors
        query = select(table).order_by(table.c.site_id, table.c.id)
        if site_ids is not None:
            query = query.where(table.c.site_id.in_(list(site_ids)))
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        return [_stored_author(r) for r in rows]

    def author_names(self, site_ids: Sequence[int] | None = None) -> list[AuthorName]:
        """Members' ids, sites, handles and first days (of some sites, or all), by site and
        id: the light read behind handle matching and masking.

        The first post's time is read as the driver gives it (text or a naive UTC datetime)
        and cut to its day: converting every member's times to aware datetimes cost more than
        the rest of the read. Rows are read in id order (the table's own order in SQLite, no
        index walk) and sorted here."""
        table = schema.authors
        query = select(
            table.c.id, table.c.site_id, table.c.handle, type_coerce(table.c.first_post_at, Text)
        ).order_by(table.c.id)
        if site_ids is not None:
            query = query.where(table.c.site_id.in_(list(site_ids)))
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        out = [
            AuthorName(int(r[0]), int(r[1]), r[2], None if r[3] is None else _as_date(r[3]))
            for r in rows
        ]
        out.sort(key=lambda a: (a.site_id, a.id))
        return out

    def author_handles(self, site_ids: Sequence[int] | None = None) -> set[str]:
        """The distinct handles of members (of some sites, or all): what masking needs."""
        table = schema.authors
        query = select(table.c.handle).distinct()
        if site_ids is not None:
            query = query.where(table.c.site_id.in_(list(site_ids)))
        with self.engine.connect() as connection:
            return {r[0] for r in connection.execute(query)}

    def authors_by_id(self, author_ids: Sequence[int]) -> list[StoredAuthor]:
        """The members with these ids (unknown ids left out), by site and id."""
        table = schema.authors
        ids = sorted(set(author_ids))
        rows: list[Any] = []
        with self.engine.connect() as connection:
            for start in range(0, len(ids), 500):
                rows += connection.execute(
                    select(table).where(table.c.id.in_(ids[start : start + 500]))
                ).all()
        rows.sort(key=lambda r: (r.site_id, r.id))
        return [_stored_author(r) for r in rows]

    def member_days(self, site_id: int, start: date, end: date) -> dict[int, list[date]]:
        """The days each member of a site posted between ``start`` and ``end``, by author id."""
        table = schema.member_periods
        query = (
            select(table.c.author_id, table.c.period)
            .where(
                and_(
                    table.c.site_id == site_id,
                    table.c.grain == "d",
                    table.c.section_id == 0,
                    table.c.key == "",
                    table.c.period >= start,
                    table.c.period <= end,
                )
            )
            .order_by(table.c.author_id, table.c.period)
        )
        out: dict[int, list[date]] = {}
        with self.engine.connect() as connection:
            for row in connection.execute(query):
                out.setdefault(int(row[0]), []).append(_as_date(row[1]))
        return out

    def last_active_before(self, author_ids: Sequence[int], before: date) -> dict[int, date]:
        """Each member's last day with a post before ``before`` (members without one left out)."""
        table = schema.member_periods
        out: dict[int, date] = {}
        ids = sorted(set(author_ids))
        with self.engine.connect() as connection:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                for row in connection.execute(
                    select(table.c.author_id, func.max(table.c.period))
                    .where(
                        and_(
                            table.c.author_id.in_(chunk),
                            table.c.grain == "d",
                            table.c.section_id == 0,
                            table.c.key == "",
                            table.c.period < before,
                        )
                    )
                    .group_by(table.c.author_id)
                ):
                    if row[1] is not None:
                        out[int(row[0])] = _as_date(row[1])
        return out

    def member_posts(
        self,
        author_id: int,
        after: datetime | None = None,
        limit: int = 1000,
    ) -> list[MemberPost]:
        """A member's posts (after a moment, if given), oldest first, at most ``limit``."""
        posts, threads = schema.posts, schema.threads
        query = (
            select(
                posts.c.id,
                posts.c.site_id,
                posts.c.native_id,
                threads.c.native_id,
                threads.c.title,
                posts.c.section_id,
                posts.c.posted_at,
            )
            .join(threads, threads.c.id == posts.c.thread_id)
            .where(posts.c.author_id == author_id)
            .order_by(posts.c.posted_at, posts.c.id)
            .limit(limit)
        )
        if after is not None:
            query = query.where(posts.c.posted_at > after)
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        return [MemberPost(int(r[0]), int(r[1]), r[2], r[3], r[4], r[5], r[6]) for r in rows]

    def member_metric(self, grain: str) -> str:
        """The rollup metric of distinct members per ``d``, ``w`` or ``m``."""
        return MEMBER_METRICS[grain]

    def thread_id(self, site_id: int, native_id: str) -> int:
        """The store id of a site's thread.

        Raises:
            NotFoundError: no such thread.
        """
        threads = schema.threads
        with self.engine.connect() as connection:
            found = connection.execute(
                select(threads.c.id).where(
                    and_(threads.c.site_id == site_id, threads.c.native_id == native_id)
                )
            ).first()
        if found is None:
            raise NotFoundError(f"no thread {native_id!r} on site {site_id}")
        return int(found[0])

    def max_post_id(self) -> int:
        """The highest post id (0 for an empty store): where watch rules start."""
        with self.engine.connect() as connection:
            return int(connection.execute(select(func.max(schema.posts.c.id))).scalar() or 0)
