"""Rollups that are not a plain sum over posts: first sightings, members, threads, fetches.

:mod:`forumwatch.store.rollups` defines what each post adds; some figures depend on several
posts at once and are defined here, each with the ingest-time rule that keeps it exact and the
recomputation from raw rows that it must always equal
(:func:`forumwatch.store.recompute.recompute_all`):

- ``links_first_seen``: every URL once, on the UTC day, site and section of its first post (by
  post time, then post id). It moves when an older post with the URL is stored, when the first
  post is edited or re-enriched without it, when its thread moves, and when its site is removed.
- ``new_members``: every member (handle per site) once, on the day and in the section of their
  first post; it moves when an earlier post appears or the first post's thread moves.
- ``threads`` / ``threads_tagged``: every thread that is not pinned (sticky), once, on the day
  of its first stored post, in its current section; ``threads_tagged`` once per tag it carries.
- ``members_day`` / ``members_week`` / ``members_month``: distinct members who posted in the
  period (weeks start on Monday, months on the 1st; the row's day is the period's first day),
  per site (section 0) and section, and per site and post language (key the language). They
  change when a member's post count in ``member_periods`` goes from 0 to 1 or back.
- ``fetches_ok`` / ``fetches_failed``: fetch-log attempts per site and UTC day, by outcome; the
  availability of a day is read from them.

Entities (URLs, members, threads) contribute rows that are read back from the store before and
after every change that can move them, so the delta is exact whatever the order of events.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    and_,
    bindparam,
    delete,
    func,
    insert,
    select,
    type_coerce,
    update,
)

from forumwatch.models import Fetch
from forumwatch.store import schema
from forumwatch.store.dialect import Conflict, Dialect
from forumwatch.store.facts import CHUNK
from forumwatch.store.rollups import (
    MAX_KEY,
    UNKNOWN_LANGUAGE,
    PostFacts,
    RollupKey,
)

NEW_MEMBERS = "new_members"
LINKS_FIRST_SEEN = "links_first_seen"
THREADS = "threads"
THREADS_TAGGED = "threads_tagged"
FETCHES_OK = "fetches_ok"
FETCHES_FAILED = "fetches_failed"
MEMBERS_DAY = "members_day"
MEMBERS_WEEK = "members_week"
MEMBERS_MONTH = "members_month"
MEMBER_METRICS = {"d": MEMBERS_DAY, "w": MEMBERS_WEEK, "m": MEMBERS_MONTH}
"""Distinct-member rollup per grain of ``member_periods``."""

MemberKey = tuple[int, int, int, str, str, date]
"""(author id, site id, section id (0 = whole site), key ('' or a language), grain, period)."""


def period_of(day: date, grain: str) -> date:
    """The first day of the period (``d``, ``w`` from Monday, ``m``) holding ``day``."""
    if grain == "d":
        return day
    if grain == "w":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def member_contributions(facts: PostFacts) -> list[MemberKey]:
    """The ``member_periods`` counters one post adds 1 to (none without author or time)."""
    day, author = facts.day, facts.author_id
    if day is None or author is None:
        return []
    site = facts.site_id
    language = (facts.language or UNKNOWN_LANGUAGE)[:20]
    out: list[MemberKey] = []
    for grain in MEMBER_METRICS:
        period = period_of(day, grain)
        out.append((author, site, 0, "", grain, period))
        out.append((author, site, 0, language, grain, period))
        if facts.section_id:
            out.append((author, site, facts.section_id, "", grain, period))
    return out


def link_key(network: str, media_class: str, extension: str | None) -> str:
    """The key of ``links_by_extension`` and ``links_first_seen``: network:media:extension."""
    return f"{network}:{media_class}:{(extension or '').lower()}"[:MAX_KEY]


def fetch_contribution(site_id: int, fetch: Fetch) -> RollupKey:
    """The rollup row one fetch-log attempt adds 1 to."""
    metric = FETCHES_OK if fetch.error_class is None else FETCHES_FAILED
    started = fetch.started_at
    return (metric, site_id, 0, "", _utc_date(started))


def _utc_date(moment: datetime) -> date:
    value = schema.UTCDateTime().process_bind_param(moment, None)  # type: ignore[arg-type]
    assert value is not None
    return value.date()


def _day(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return _utc_date(value) if value.tzinfo is not None else value.date()


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


# -- what entities contribute, read from the store ------------------------------------------
# Statements are built once (expanding IN lists) so that reading them at every page costs a
# cached execution, not a fresh compilation.
def _url_statement() -> Any:
    urls, posts = schema.urls, schema.posts
    return (
        select(
            urls.c.network,
            urls.c.media_class,
            urls.c.extension,
            posts.c.posted_at,
            posts.c.site_id,
            posts.c.section_id,
        )
        .select_from(urls.join(posts, posts.c.id == urls.c.first_post_id))
        .where(
            and_(urls.c.id.in_(bindparam("ids", expanding=True)), posts.c.posted_at.is_not(None))
        )
    )


def _author_statement() -> Any:
    authors, posts = schema.authors, schema.posts
    earliest = posts.alias("earliest")
    first_id = (
        select(func.min(earliest.c.id))
        .where(
            and_(
                earliest.c.author_id == authors.c.id,
                earliest.c.posted_at == authors.c.first_post_at,
            )
        )
        .scalar_subquery()
    )
    return (
        select(authors.c.site_id, posts.c.section_id, posts.c.posted_at)
        .select_from(authors.join(posts, posts.c.id == first_id))
        .where(authors.c.id.in_(bindparam("ids", expanding=True)))
    )


def _thread_statement() -> Any:
    threads, posts = schema.threads, schema.posts
    first_post = type_coerce(
        select(func.min(posts.c.posted_at))
        .where(posts.c.thread_id == threads.c.id)
        .scalar_subquery(),
        schema.UTCDateTime(),
    )
    return select(
        threads.c.id, threads.c.site_id, threads.c.section_id, threads.c.sticky, first_post
    ).where(threads.c.id.in_(bindparam("ids", expanding=True)))


_URL_ROWS = _url_statement()
_AUTHOR_ROWS = _author_statement()
_THREAD_ROWS = _thread_statement()
_THREAD_TAGS = select(schema.thread_tags.c.thread_id, schema.thread_tags.c.tag).where(
    schema.thread_tags.c.thread_id.in_(bindparam("ids", expanding=True))
)


def url_rows(connection: Connection, url_ids: Iterable[int]) -> Counter[RollupKey]:
    """``links_first_seen`` rows of the given URLs, from their recorded first post."""
    out: Counter[RollupKey] = Counter()
    for chunk in _chunks(url_ids):
        for row in connection.execute(_URL_ROWS, {"ids": chunk}):
            day = _day(row[3])
            assert day is not None
            key = link_key(row[0], row[1], row[2])
            out[(LINKS_FIRST_SEEN, int(row[4]), int(row[5] or 0), key, day)] += 1
    return out


def author_rows(connection: Connection, author_ids: Iterable[int]) -> Counter[RollupKey]:
    """``new_members`` rows of the given members, from their first post."""
    out: Counter[RollupKey] = Counter()
    for chunk in _chunks(author_ids):
        for row in connection.execute(_AUTHOR_ROWS, {"ids": chunk}):
            day = _day(row[2])
            if day is not None:
                out[(NEW_MEMBERS, int(row[0]), int(row[1] or 0), "", day)] += 1
    return out


def thread_rows(connection: Connection, thread_ids: Iterable[int]) -> Counter[RollupKey]:
    """``threads`` and ``threads_tagged`` rows of the given threads."""
    out: Counter[RollupKey] = Counter()
    for chunk in _chunks(thread_ids):
        tagged: dict[int, list[str]] = {}
        for tag_row in connection.execute(_THREAD_TAGS, {"ids": chunk}):
            tagged.setdefault(int(tag_row[0]), []).append(tag_row[1])
        for row in connection.execute(_THREAD_ROWS, {"ids": chunk}):
            out.update(thread_contribution(row, tagged.get(int(row[0]), ())))
    return out


def thread_contribution(row: Any, tags: Iterable[str]) -> Counter[RollupKey]:
    """The thread rows one thread adds (``threads`` and one ``threads_tagged`` per tag)."""
    out: Counter[RollupKey] = Counter()
    day = _day(row[4])
    if day is None or row[3]:
        return out
    site, section = int(row[1]), int(row[2] or 0)
    out[(THREADS, site, section, "", day)] += 1
    for tag in set(tags):
        out[(THREADS_TAGGED, site, section, tag[:MAX_KEY], day)] += 1
    return out


# -- keeping them at ingest -------------------------------------------------------------------
@dataclass
class Snapshot:
    """The contributions of some entities before a change (see :meth:`DerivedDelta.settle`)."""

    urls: tuple[int, ...] = ()
    authors: tuple[int, ...] = ()
    threads: tuple[int, ...] = ()
    rows: Counter[RollupKey] = field(default_factory=Counter)


class DerivedDelta:
    """Collects one transaction's changes of the derived rollups (owned by a page writer)."""

    def __init__(self, connection: Connection, dialect: Dialect | None = None) -> None:
        self.connection = connection
        self.dialect = dialect
        self.members: Counter[MemberKey] = Counter()
        self.rows: Counter[RollupKey] = Counter()

    def count_facts(self, added: Iterable[PostFacts], removed: Iterable[PostFacts] = ()) -> None:
        """Posts appeared (``added``) and went (``removed``): adjust the members' counters."""
        for facts in added:
            self.members.update(member_contributions(facts))
        for facts in removed:
            self.members.subtract(member_contributions(facts))

    def _read(
        self, urls: Sequence[int], authors: Sequence[int], threads: Sequence[int]
    ) -> Counter[RollupKey]:
        rows: Counter[RollupKey] = Counter()
        if urls:
            rows.update(url_rows(self.connection, urls))
        if authors:
            rows.update(author_rows(self.connection, authors))
        if threads:
            rows.update(thread_rows(self.connection, threads))
        return rows

    def snapshot(
        self,
        urls: Iterable[int] = (),
        authors: Iterable[int] = (),
        threads: Iterable[int] = (),
    ) -> Snapshot:
        """Read what these entities contribute now, before they change."""
        chosen = (tuple(set(urls)), tuple(set(authors)), tuple(set(threads)))
        return Snapshot(*chosen, rows=self._read(*chosen))

    def settle(self, before: Snapshot) -> None:
        """After the change: add (now - before) for the snapshot's entities."""
        after = self._read(before.urls, before.authors, before.threads)
        self.rows.update(after)
        self.rows.subtract(before.rows)

    def flush(self, last_posts: Mapping[int, date | None] | None = None) -> Counter[RollupKey]:
        """Write the members' counters; return every derived rollup change (and reset).

        ``last_posts`` gives, for some members, the day of their latest stored post before
        this transaction (None: none); their counters of later periods cannot exist yet and
        are created without looking (the bulk of a crawl's or an import's new posts).
        """
        out = self.rows
        self.rows = Counter()
        members = {key: value for key, value in self.members.items() if value}
        self.members = Counter()
        gains = {key: value for key, value in members.items() if value > 0}
        if gains and self.dialect is not None:
            fresh: dict[MemberKey, int] = {}
            if last_posts:
                for key, value in gains.items():
                    # key: (author, site, section, key, grain, period)
                    if key[0] in last_posts:
                        last = last_posts[key[0]]
                        if last is None or key[5] > last:
                            fresh[key] = value
            if fresh:
                gains = {key: value for key, value in gains.items() if key not in fresh}
                out.update(_add_fresh_members(self.connection, self.dialect, fresh))
            out.update(_add_member_gains(self.connection, self.dialect, gains))
            members = {key: value for key, value in members.items() if value < 0}
        if members:
            out.update(_apply_member_delta(self.connection, members))
        return out


_MEMBER_READ = select(
    schema.member_periods.c.author_id,
    schema.member_periods.c.grain,
    schema.member_periods.c.section_id,
    schema.member_periods.c.key,
    schema.member_periods.c.period,
    schema.member_periods.c.posts,
).where(
    and_(
        schema.member_periods.c.author_id.in_(bindparam("authors", expanding=True)),
        schema.member_periods.c.period.in_(bindparam("periods", expanding=True)),
    )
)


_MEMBER_COLUMNS = ("author_id", "grain", "section_id", "key", "period", "site_id", "posts")


def _member_rows(changes: Mapping[MemberKey, int]) -> list[tuple[Any, ...]]:
    return [
        (author, grain, section, key, period, site, change)
        for (author, site, section, key, grain, period), change in changes.items()
    ]


def _add_fresh_members(
    connection: Connection, dialect: Dialect, fresh: Mapping[MemberKey, int]
) -> Counter[RollupKey]:
    """Create counters known not to exist yet: each one is a member newly active."""
    dialect.insert_rows(
        connection,
        schema.member_periods,
        _MEMBER_COLUMNS,
        _member_rows(fresh),
        conflict=Conflict(_MEMBER_COLUMNS[:5], add="posts"),
    )
    return Counter(
        (MEMBER_METRICS[grain], site, section, key, period)
        for (_author, site, section, key, grain, period) in fresh
    )


def _add_member_gains(
    connection: Connection, dialect: Dialect, gains: dict[MemberKey, int]
) -> Counter[RollupKey]:
    """Add positive changes with one upsert-with-add; every counter it creates (it went from
    0 to above) is a member newly active in its period."""
    created = dialect.add_counts(
        connection,
        schema.member_periods,
        _MEMBER_COLUMNS,
        _member_rows(gains),
        Conflict(_MEMBER_COLUMNS[:5], add="posts"),
        group_by=("grain", "site_id", "section_id", "key", "period"),
    )
    transitions: Counter[RollupKey] = Counter()
    for grain, site, section, key, period, count in created:
        transitions[(MEMBER_METRICS[grain], int(site), int(section), key, period)] += int(count)
    return transitions


def _apply_member_delta(connection: Connection, delta: dict[MemberKey, int]) -> Counter[RollupKey]:
    table = schema.member_periods
    stored: dict[tuple[int, str, int, str, date], int] = {}
    periods = sorted({key[5] for key in delta})
    for chunk in _chunks(key[0] for key in delta):
        for row in connection.execute(_MEMBER_READ, {"authors": chunk, "periods": periods}):
            period = row[4] if isinstance(row[4], date) else date.fromisoformat(str(row[4])[:10])
            stored[(int(row[0]), row[1], int(row[2]), row[3], period)] = int(row[5])
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    deletes: list[dict[str, Any]] = []
    transitions: Counter[RollupKey] = Counter()
    for (author, site, section, key, grain, period), change in delta.items():
        identity = (author, grain, section, key, period)
        old = stored.get(identity, 0)
        new = old + change
        if new < 0:
            raise AssertionError(f"member counter below zero for {identity}")
        values = {
            "a": author,
            "g": grain,
            "s": section,
            "k": key,
            "p": period,
            "posts": new,
            "site": site,
        }
        if old == 0 and new > 0:
            inserts.append(values)
            transitions[(MEMBER_METRICS[grain], site, section, key, period)] += 1
        elif old > 0 and new == 0:
            deletes.append(values)
            transitions[(MEMBER_METRICS[grain], site, section, key, period)] -= 1
        elif new != old:
            updates.append(values)
    if inserts:
        connection.execute(
            insert(table),
            [
                {
                    "author_id": v["a"],
                    "grain": v["g"],
                    "section_id": v["s"],
                    "key": v["k"],
                    "period": v["p"],
                    "site_id": v["site"],
                    "posts": v["posts"],
                }
                for v in inserts
            ],
        )
    where = and_(
        table.c.author_id == bindparam("a"),
        table.c.grain == bindparam("g"),
        table.c.section_id == bindparam("s"),
        table.c.key == bindparam("k"),
        table.c.period == bindparam("p"),
    )
    if updates:
        connection.execute(update(table).where(where).values(posts=bindparam("posts")), updates)
    if deletes:
        connection.execute(delete(table).where(where), deletes)
    return transitions
