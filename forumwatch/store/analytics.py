"""Reads (and the watch-rule writes) behind the analysis, portable across backends.

Series come from the rollups (``Store.daily_counts``); what is here reads members, posts of one
member, totals per rollup key, and the watch rules with what they have already notified. Every
query is bounded: by a site and period through an index, or by a rollup metric. Mixed into
:class:`forumwatch.store.sql.SQLStore`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, Text, and_, delete, func, insert, or_, select, type_coerce, update
from sqlalchemy.exc import IntegrityError

from forumwatch.errors import ConfigError, NotFoundError
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


@dataclass(frozen=True, slots=True)
class AlertRule:
    """A watch rule: ``kind`` is term, handle, host or event; ``pattern`` what it matches."""

    name: str
    kind: str
    pattern: str
    site_id: int | None = None
    webhook_url: str | None = None
    email: str | None = None
    id: int | None = None
    last_post_id: int = 0
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class MatchedPost:
    """A post a watch rule matched."""

    post_id: int
    site_id: int
    native_id: str
    handle: str | None
    posted_at: datetime | None
    thread_title: str
    text: str
    matched: str


ALERT_KINDS = ("term", "handle", "host", "event")


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

    # -- watch rules -------------------------------------------------------------------------
    def add_alert_rule(self, rule: AlertRule, now: datetime) -> AlertRule:
        """Store a watch rule; it only sees posts stored from now on.

        Raises:
            ConfigError: the name is taken or the kind unknown.
        """
        if rule.kind not in ALERT_KINDS:
            raise ConfigError(f"unknown rule kind {rule.kind!r}; use one of {ALERT_KINDS}")
        try:
            with self.engine.begin() as connection:
                start = connection.execute(select(func.max(schema.posts.c.id))).scalar() or 0
                connection.execute(
                    insert(schema.alert_rules).values(
                        name=rule.name,
                        kind=rule.kind,
                        pattern=rule.pattern,
                        site_id=rule.site_id,
                        webhook_url=rule.webhook_url,
                        email=rule.email,
                        created_at=now,
                        last_post_id=int(start),
                    )
                )
        except IntegrityError as error:
            raise ConfigError(f"a watch rule named {rule.name!r} already exists") from error
        return next(r for r in self.alert_rules() if r.name == rule.name)

    def alert_rules(self) -> list[AlertRule]:
        """Every watch rule, by name."""
        table = schema.alert_rules
        with self.engine.connect() as connection:
            rows = connection.execute(select(table).order_by(table.c.name)).all()
        return [
            AlertRule(
                r.name,
                r.kind,
                r.pattern,
                None if r.site_id is None else int(r.site_id),
                r.webhook_url,
                r.email,
                int(r.id),
                int(r.last_post_id),
                r.created_at,
            )
            for r in rows
        ]

    def remove_alert_rule(self, name: str) -> None:
        """Delete a watch rule and what it notified.

        Raises:
            NotFoundError: no rule has that name.
        """
        rules, notes = schema.alert_rules, schema.alert_notifications
        with self.engine.begin() as connection:
            found = connection.execute(select(rules.c.id).where(rules.c.name == name)).first()
            if found is None:
                raise NotFoundError(f"no watch rule named {name!r}")
            connection.execute(delete(notes).where(notes.c.rule_id == found[0]))
            connection.execute(delete(rules).where(rules.c.id == found[0]))

    def advance_alert_rule(self, rule_id: int, last_post_id: int) -> None:
        """Record that posts up to ``last_post_id`` were checked against the rule."""
        rules = schema.alert_rules
        with self.engine.begin() as connection:
            connection.execute(
                update(rules).where(rules.c.id == rule_id).values(last_post_id=last_post_id)
            )

    def record_alert_notification(
        self, rule_id: int, match_key: str, summary: str, matched_at: datetime, delivered: str
    ) -> bool:
        """Remember a notified match; False (nothing written) when it was notified before."""
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    insert(schema.alert_notifications).values(
                        rule_id=rule_id,
                        match_key=match_key[:300],
                        summary=summary,
                        matched_at=matched_at,
                        delivered=delivered,
                    )
                )
        except IntegrityError:
            return False
        return True

    def alert_notified(self, rule_id: int, match_keys: Sequence[str]) -> set[str]:
        """Which of these matches of a rule were already notified."""
        notes = schema.alert_notifications
        keys = [k[:300] for k in match_keys]
        found: set[str] = set()
        with self.engine.connect() as connection:
            for start in range(0, len(keys), 500):
                found |= {
                    r[0]
                    for r in connection.execute(
                        select(notes.c.match_key).where(
                            and_(
                                notes.c.rule_id == rule_id,
                                notes.c.match_key.in_(keys[start : start + 500]),
                            )
                        )
                    )
                }
        return found

    def posts_matching(
        self,
        kind: str,
        patterns: Sequence[str],
        after_post_id: int,
        site_id: int | None = None,
        limit: int = 200,
    ) -> list[MatchedPost]:
        """Posts stored after ``after_post_id`` that a term, handle or host rule matches.

        ``term``: a watch-term annotation whose lexicon or term equals a pattern (case folded);
        ``handle``: the author's handle (case folded); ``host``: a link whose host or
        registrable domain is a pattern. Oldest first, at most ``limit``.
        """
        posts, threads, authors = schema.posts, schema.threads, schema.authors
        wanted = [p.casefold() for p in patterns]
        joined: Any = posts.join(threads, threads.c.id == posts.c.thread_id).outerjoin(
            authors, authors.c.id == posts.c.author_id
        )
        if kind == "term":
            notes = schema.post_annotations
            joined = joined.join(notes, notes.c.post_id == posts.c.id)
            matched: Any = notes.c.detail
            condition = and_(
                notes.c.kind == "term",
                or_(func.lower(notes.c.value).in_(wanted), func.lower(notes.c.detail).in_(wanted)),
            )
        elif kind == "handle":
            matched = authors.c.handle
            condition = func.lower(authors.c.handle).in_(wanted)
        elif kind == "host":
            links, urls = schema.links, schema.urls
            joined = joined.join(links, links.c.post_id == posts.c.id).join(
                urls, urls.c.id == links.c.url_id
            )
            matched = urls.c.host
            condition = or_(urls.c.host.in_(wanted), urls.c.registrable_domain.in_(wanted))
        else:
            raise ConfigError(f"posts cannot match a rule of kind {kind!r}")
        query = (
            select(
                posts.c.id,
                posts.c.site_id,
                posts.c.native_id,
                authors.c.handle,
                posts.c.posted_at,
                threads.c.title,
                posts.c.text,
                matched,
            )
            .select_from(joined)
            .where(and_(condition, posts.c.id > after_post_id))
            .order_by(posts.c.id)
            .limit(limit)
        )
        if site_id is not None:
            query = query.where(posts.c.site_id == site_id)
        seen: set[int] = set()
        out: list[MatchedPost] = []
        with self.engine.connect() as connection:
            for r in connection.execute(query):
                if int(r[0]) in seen:
                    continue
                seen.add(int(r[0]))
                out.append(MatchedPost(int(r[0]), int(r[1]), r[2], r[3], r[4], r[5], r[6], r[7]))
        return out
