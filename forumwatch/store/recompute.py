"""The rollups recomputed from raw rows: what :mod:`forumwatch.store.rollups` and
:mod:`forumwatch.store.derived` keep at ingest must always equal this (tests compare them), and
``forumwatch enrich --rebuild`` and migrations that change rollups rewrite the tables from it.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

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

from forumwatch.store import schema
from forumwatch.store.derived import (
    FETCHES_FAILED,
    FETCHES_OK,
    LINKS_FIRST_SEEN,
    MEMBER_METRICS,
    NEW_MEMBERS,
    MemberKey,
    link_key,
    member_contributions,
    thread_contribution,
)
from forumwatch.store.facts import iter_facts
from forumwatch.store.rollups import RollupKey, contributions


def recompute_all(connection: Connection) -> tuple[Counter[RollupKey], Counter[MemberKey]]:
    """Every rollup row and member counter as the raw rows define them.

    Returns (``daily_counts`` rows, ``member_periods`` counters), zeros left out.
    """
    rows: Counter[RollupKey] = Counter()
    members: Counter[MemberKey] = Counter()
    for facts in iter_facts(connection):
        rows.update(contributions(facts))
        members.update(member_contributions(facts))
    for _author, site, section, key, grain, period in +members:
        rows[(MEMBER_METRICS[grain], site, section, key, period)] += 1
    for _url, _post, posted_at, site, section, key in first_sightings(connection):
        rows[(LINKS_FIRST_SEEN, site, section, key, posted_at.date())] += 1
    rows.update(_first_posts_of_members(connection))
    rows.update(_threads_from_posts(connection))
    rows.update(_fetches_per_day(connection))
    return +rows, +members


def first_sightings(connection: Connection) -> list[tuple[int, int, datetime, int, int, str]]:
    """Each linked URL's first post by time then id, from the links and posts themselves.

    Returns (url id, post id, post time, site id, section id, link key) per URL.
    """
    links, posts, urls = schema.links, schema.posts, schema.urls
    ranked = (
        select(
            links.c.url_id,
            posts.c.id.label("post_id"),
            posts.c.posted_at,
            posts.c.site_id,
            posts.c.section_id,
            func.row_number()
            .over(partition_by=links.c.url_id, order_by=(posts.c.posted_at, posts.c.id))
            .label("rank"),
        )
        .join(posts, posts.c.id == links.c.post_id)
        .where(posts.c.posted_at.is_not(None))
        .subquery()
    )
    out: list[tuple[int, int, datetime, int, int, str]] = []
    for row in connection.execute(
        select(
            ranked.c.url_id,
            ranked.c.post_id,
            ranked.c.posted_at,
            ranked.c.site_id,
            ranked.c.section_id,
            urls.c.network,
            urls.c.media_class,
            urls.c.extension,
        )
        .join(urls, urls.c.id == ranked.c.url_id)
        .where(ranked.c.rank == 1)
    ):
        out.append(
            (
                int(row[0]),
                int(row[1]),
                row[2],
                int(row[3]),
                int(row[4] or 0),
                link_key(row[5], row[6], row[7]),
            )
        )
    return out


def _first_posts_of_members(connection: Connection) -> Counter[RollupKey]:
    posts = schema.posts
    ranked = (
        select(
            posts.c.site_id,
            posts.c.section_id,
            posts.c.posted_at,
            func.row_number()
            .over(partition_by=posts.c.author_id, order_by=(posts.c.posted_at, posts.c.id))
            .label("rank"),
        )
        .where(and_(posts.c.author_id.is_not(None), posts.c.posted_at.is_not(None)))
        .subquery()
    )
    out: Counter[RollupKey] = Counter()
    for row in connection.execute(
        select(ranked.c.site_id, ranked.c.section_id, ranked.c.posted_at).where(ranked.c.rank == 1)
    ):
        out[(NEW_MEMBERS, int(row[0]), int(row[1] or 0), "", row[2].date())] += 1
    return out


def _threads_from_posts(connection: Connection) -> Counter[RollupKey]:
    posts, threads, tags = schema.posts, schema.threads, schema.thread_tags
    firsts = (
        select(posts.c.thread_id, func.min(posts.c.posted_at).label("first"))
        .where(posts.c.posted_at.is_not(None))
        .group_by(posts.c.thread_id)
        .subquery()
    )
    tagged: dict[int, list[str]] = {}
    for tag_row in connection.execute(select(tags.c.thread_id, tags.c.tag)):
        tagged.setdefault(int(tag_row[0]), []).append(tag_row[1])
    out: Counter[RollupKey] = Counter()
    for row in connection.execute(
        select(
            threads.c.id,
            threads.c.site_id,
            threads.c.section_id,
            threads.c.sticky,
            type_coerce(firsts.c.first, schema.UTCDateTime()),
        ).join(firsts, firsts.c.thread_id == threads.c.id)
    ):
        out.update(thread_contribution(row, tagged.get(int(row[0]), ())))
    return out


def _fetches_per_day(connection: Connection) -> Counter[RollupKey]:
    fetches = schema.fetches
    out: Counter[RollupKey] = Counter()
    for row in connection.execute(
        select(fetches.c.site_id, fetches.c.started_at, fetches.c.error_class)
    ):
        metric = FETCHES_OK if row[2] is None else FETCHES_FAILED
        out[(metric, int(row[0]), 0, "", row[1].date())] += 1
    return out


def stored_members(connection: Connection) -> Counter[MemberKey]:
    """The ``member_periods`` counters as stored (for checks)."""
    table = schema.member_periods
    out: Counter[MemberKey] = Counter()
    for row in connection.execute(select(table)):
        period = row.period if isinstance(row.period, date) else date.fromisoformat(str(row.period))
        key = (
            int(row.author_id),
            int(row.site_id),
            int(row.section_id),
            row.key,
            row.grain,
            period,
        )
        out[key] = int(row.posts)
    return out


def rebuild_all(connection: Connection) -> int:
    """Replace every rollup row, member counter and URL first sighting with a recomputation.

    Returns the number of ``daily_counts`` rows written.
    """
    rows, members = recompute_all(connection)
    urls = schema.urls
    firsts = {
        url_id: (post_id, posted_at)
        for url_id, post_id, posted_at, *_ in first_sightings(connection)
    }
    stale = []
    for row in connection.execute(select(urls.c.id, urls.c.first_post_id, urls.c.first_seen_at)):
        wanted = firsts.get(int(row[0]), (None, None))
        if (row[1], row[2]) != wanted:
            stale.append({"u": int(row[0]), "p": wanted[0], "t": wanted[1]})
    if stale:
        connection.execute(
            update(urls)
            .where(urls.c.id == bindparam("u"))
            .values(first_post_id=bindparam("p"), first_seen_at=bindparam("t")),
            stale,
        )
    connection.execute(delete(schema.daily_counts))
    connection.execute(delete(schema.member_periods))
    count_rows = [
        {"metric": m, "site_id": s, "section_id": c, "key": k, "day": d, "value": v}
        for (m, s, c, k, d), v in sorted(rows.items())
    ]
    member_rows = [
        {
            "author_id": a,
            "site_id": s,
            "section_id": c,
            "key": k,
            "grain": g,
            "period": p,
            "posts": v,
        }
        for (a, s, c, k, g, p), v in sorted(members.items())
    ]
    for start in range(0, len(count_rows), 5000):
        connection.execute(insert(schema.daily_counts), count_rows[start : start + 5000])
    for start in range(0, len(member_rows), 5000):
        connection.execute(insert(schema.member_periods), member_rows[start : start + 5000])
    return len(count_rows)
