"""The narrow analysis reads a report makes instead of whole tables: rollup keys by seek, each
site's totals in one query, members' handles with only their first day, members by id. Each
must give what the broad read it replaces gives."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import insert

from forumwatch.models import Site
from forumwatch.store import Store, schema
from forumwatch.store.sql import SQLStore
from tests.analyse.test_rollups import MONDAY, ingest, post, thread_page
from tests.conftest import T0

DAY = date(2020, 3, 2)
EARLY, LATE = date(1990, 1, 1), date(2100, 12, 31)


def _counts(store: Store, rows: list[tuple[str, int, int, str, date, int]]) -> None:
    assert isinstance(store, SQLStore)
    with store.engine.begin() as connection:
        connection.execute(
            insert(schema.daily_counts),
            [
                {
                    "metric": metric,
                    "site_id": site_id,
                    "section_id": section_id,
                    "key": key,
                    "day": day,
                    "value": value,
                }
                for metric, site_id, section_id, key, day, value in rows
            ],
        )


def test_rollup_keys_are_the_counted_keys_of_a_prefix(store: Store) -> None:
    later = DAY + timedelta(days=3)
    _counts(
        store,
        [
            ("annotations", 1, 0, "term:covid", DAY, 3),
            ("annotations", 2, 4, "term:covid", later, 1),
            ("annotations", 1, 0, "term:garden", DAY, 0),  # counted once, then taken back
            ("annotations", 1, 0, "term:weather", later, 0),
            ("annotations", 2, 0, "term:weather", DAY, 2),
            ("annotations", 1, 0, "term", DAY, 1),
            ("annotations", 1, 0, "term;x", DAY, 1),
            ("annotations", 1, 0, "place:PT/Lisbon", DAY, 2),
            ("terms", 1, 0, "term:football", DAY, 5),
        ],
    )
    broad = store.rollup_totals("annotations", EARLY, LATE)
    expected = sorted(t.key for t in broad if t.key.startswith("term:"))
    assert store.rollup_keys("annotations", "term:") == expected == ["term:covid", "term:weather"]
    assert store.rollup_keys("annotations") == sorted(t.key for t in broad)
    assert store.rollup_keys("terms", "term:") == ["term:football"]
    assert store.rollup_keys("links_by_host") == []


def test_rollup_totals_by_site_and_section_are_their_totals(store: Store) -> None:
    rows = [
        ("posts", site_id, section_id, "", DAY + timedelta(days=offset), value)
        for site_id, section_id, offset, value in (
            (1, 10, 0, 4),
            (1, 11, 5, 2),
            (1, 10, 9, 0),  # a zero day is neither first nor last
            (2, 20, 2, 7),
            (3, 30, 1, 0),  # a site with only zeros has no total
        )
    ]
    _counts(store, [*rows, ("posts_by_language", 1, 10, "en", DAY, 4)])
    by_site = store.rollup_totals_by_site("posts", EARLY, LATE)
    assert by_site == {
        site_id: totals
        for site_id in (1, 2, 3)
        if (totals := store.rollup_totals("posts", EARLY, LATE, [site_id]))
    }
    assert by_site[1][0].value == 6 and by_site[1][0].last_day == DAY + timedelta(days=5)
    assert store.rollup_totals_by_site("posts", EARLY, LATE, [2]) == {2: by_site[2]}
    by_section = store.rollup_totals_by_section("posts", EARLY, LATE, [1, 3])
    seen = {place: [(t.value, t.first_day) for t in found] for place, found in by_section.items()}
    assert seen == {(1, 10): [(4, DAY)], (1, 11): [(2, DAY + timedelta(days=5))]}
    assert store.rollup_totals_by_site("posts", DAY + timedelta(days=1), LATE, [1]) == {
        1: store.rollup_totals("posts", DAY + timedelta(days=1), LATE, [1])
    }


def test_member_reads_match_the_full_read(store: Store, site: Site) -> None:
    other = store.add_site(Site("lantern", "http://127.0.0.1:8/"), T0)
    ingest(
        store,
        site,
        thread_page(
            "10",
            None,
            post("1", "10", "Alice", MONDAY, "Spring garden"),
            post("2", "10", "bob", MONDAY + timedelta(days=1), "Lovely"),
            post("3", "10", "Alice", MONDAY + timedelta(days=2), "Again"),
        ),
    )
    ingest(store, other, thread_page("5", None, post("9", "5", "alice", MONDAY, "Hello")))
    everyone = store.authors()
    assert len(everyone) == 3
    assert [(a.id, a.site_id, a.handle, a.first_day) for a in store.author_names()] == [
        (a.id, a.site_id, a.handle, a.first_post_at and a.first_post_at.date()) for a in everyone
    ]
    assert {a.first_day for a in store.author_names()} == {DAY, DAY + timedelta(days=1)}
    assert other.id is not None
    assert [a.handle for a in store.author_names([other.id])] == ["alice"]
    assert store.author_handles() == {"Alice", "bob", "alice"}
    assert store.author_handles([other.id]) == {"alice"}
    assert store.author_handles([]) == set()
    assert store.authors_by_id([a.id for a in reversed(everyone)] + [10**9]) == everyone
    assert store.authors_by_id([everyone[0].id, everyone[0].id]) == everyone[:1]
    assert store.authors_by_id([]) == []


def test_monthly_rollup_sums_add_up_the_days_of_each_month(store: Store) -> None:
    days = [date(2020, 1, 31), date(2020, 2, 1), date(2020, 2, 29), date(2020, 3, 1)]
    _counts(
        store,
        [
            ("threads_tagged", site_id, section_id, key, day, value)
            for site_id, section_id, key in ((1, 10, "help"), (1, 10, "news"), (2, 20, "help"))
            for day, value in zip(days, (1, 2, 3, 0), strict=True)
        ]
        + [("threads", 1, 10, "", date(2019, 12, 31), 4)],
    )
    by = ["site_id", "section_id", "key"]
    daily = store.rollup_sums("threads_tagged", EARLY, LATE, by=by)
    expected: dict[tuple[date, int | None, int | None, str | None], int] = {}
    for row in daily:
        place = (row.day.replace(day=1), row.site_id, row.section_id, row.key)
        expected[place] = expected.get(place, 0) + row.value
    monthly = store.rollup_sums("threads_tagged", EARLY, LATE, by=by, monthly=True)
    assert {(r.day, r.site_id, r.section_id, r.key): r.value for r in monthly} == expected
    assert len(monthly) == len(expected) == 6  # March holds only zeros: left out
    assert store.rollup_sums("threads", EARLY, LATE, monthly=True)[0].day == date(2019, 12, 1)
    assert [
        (r.day, r.value)
        for r in store.rollup_sums(
            "threads_tagged", date(2020, 2, 1), LATE, [1], keys=["help"], monthly=True
        )
    ] == [(date(2020, 2, 1), 5)]
