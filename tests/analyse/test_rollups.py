"""The analysis rollups (first sightings, members, threads, fetches) stay equal to a
recomputation from raw rows through re-ingests, late older posts, late times, edits, thread
moves, tag changes, re-enrichment and site removal; and they mean what they say."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from forumwatch.analyse import activity, linkindex, tags
from forumwatch.analyse.series import DayState, Granularity, Scope
from forumwatch.enrich import Enricher
from forumwatch.models import (
    Author,
    Fetch,
    ListingPage,
    PageKind,
    Post,
    PostEnrichment,
    Section,
    Site,
    Thread,
    ThreadPage,
)
from forumwatch.store import IngestItem, Store, schema
from forumwatch.store.recompute import recompute_all, stored_members
from forumwatch.store.sql import SQLStore
from tests.conftest import T0

BASE = "http://127.0.0.1:9/"
MONDAY = datetime(2020, 3, 2, 10, 0, tzinfo=UTC)
IMAGE = "https://pics.example-host.net/a/garden.jpg"
ENRICHER = Enricher(places=False)


def post(native: str, thread: str, who: str | None, when: datetime | None, text: str) -> Post:
    links = tuple(word for word in text.split() if word.startswith("https://"))
    return Post(native, thread, Author(who) if who else None, when, text, links=links)


def thread_page(
    thread: str, section: str | None, *posts: Post, tags: tuple[str, ...] = ()
) -> ThreadPage:
    url = BASE + f"viewtopic.php?t={thread}"
    return ThreadPage(url, Thread(thread, f"Thread {thread}", url, section, tags), posts=posts)


def listing(section: str, *threads: Thread) -> ListingPage:
    url = BASE + f"viewforum.php?f={section}"
    return ListingPage(url, section=Section(section, f"Section {section}", url), threads=threads)


def thread(native: str, tags: tuple[str, ...] = (), sticky: bool = False) -> Thread:
    return Thread(
        native, f"Thread {native}", BASE + f"viewtopic.php?t={native}", tags=tags, sticky=sticky
    )


def ingest(store: Store, site: Site, page: object, hours: int = 0, failed: bool = False) -> None:
    assert site.id is not None
    at = T0 + timedelta(hours=hours)
    enrichment = ENRICHER.enrich_page(page)  # type: ignore[arg-type]
    fetch = Fetch(site.name, getattr(page, "url", BASE), at, at, PageKind.THREAD, 200)
    store.ingest([IngestItem(site.id, page, at, fetch=fetch, enrichment=enrichment)])  # type: ignore[arg-type]


def assert_exact(store: Store) -> None:
    """Stored rollups and member counters equal their recomputation from raw rows."""
    assert isinstance(store, SQLStore)
    with store.engine.connect() as connection:
        rows, members = recompute_all(connection)
        stored = Counter(
            {
                (r.metric, r.site_id, r.section_id, r.key, r.day): r.value
                for r in connection.execute(select(schema.daily_counts))
                if r.value
            }
        )
        assert stored_members(connection) == members
    assert stored == rows


def test_rollups_stay_exact_through_every_kind_of_change(store: Store, site: Site) -> None:
    ingest(store, site, listing("1", thread("10", ("Original",))))
    ingest(store, site, listing("2", thread("20", sticky=True), thread("30")))
    first = thread_page(
        "10",
        "1",
        post("1", "10", "alice", MONDAY, f"Spring garden {IMAGE}"),
        post("2", "10", "bob", MONDAY + timedelta(days=1), f"Lovely {IMAGE}"),
        post("3", "10", "carol", None, "No time shown"),
    )
    ingest(store, site, first)
    assert_exact(store)
    ingest(store, site, first, hours=1)  # the same page again changes nothing
    assert_exact(store)
    older = thread_page(
        "30", "2", post("4", "30", "bob", MONDAY - timedelta(days=9), f"Old {IMAGE}")
    )
    ingest(store, site, older, hours=2)  # an older post of the URL: its first sighting moves
    assert_exact(store)
    timed = replace(first.posts[2], posted_at=MONDAY - timedelta(days=20))
    ingest(store, site, replace(first, posts=(*first.posts[:2], timed)), hours=3)  # late time
    assert_exact(store)
    edited = replace(older.posts[0], text="Old, link removed")
    ingest(store, site, replace(older, posts=(replace(edited, links=()),)), hours=4)  # edit
    assert_exact(store)
    ingest(store, site, listing("2", thread("10", ("Re-up",))), hours=5)  # move and re-tag
    assert_exact(store)
    ingest(store, site, listing("2", thread("10", ("Re-up",), sticky=True)), hours=6)  # pinned
    assert_exact(store)
    first_id = store.posts_matching("handle", ["alice"], 0)[0].post_id
    store.replace_enrichment([(first_id, PostEnrichment(language="de"))])  # re-enrichment
    assert_exact(store)
    other = store.add_site(Site("lantern", "http://127.0.0.1:8/"), T0)
    ingest(
        store,
        other,
        thread_page(
            "5", None, post("9", "5", "dora", MONDAY - timedelta(days=30), f"First {IMAGE}")
        ),
        hours=7,
    )
    assert_exact(store)
    store.remove_site("lantern")  # the URL's first sighting returns to the first site
    assert_exact(store)
    store.rebuild_rollups()
    assert_exact(store)


def test_members_are_distinct_per_period_and_new_members_move_back(
    store: Store, site: Site
) -> None:
    ingest(store, site, listing("1", thread("10")))
    ingest(
        store,
        site,
        thread_page(
            "10",
            "1",
            post("1", "10", "alice", MONDAY, "Monday"),
            post("2", "10", "alice", MONDAY + timedelta(days=1), "Tuesday"),
            post("3", "10", "bob", MONDAY + timedelta(days=1), "Tuesday too"),
        ),
    )
    days = activity.members(
        store, Scope(site="harbour"), MONDAY.date(), MONDAY.date() + timedelta(days=6)
    )
    assert [p.value for p in days.points[:3]] == [1, 2, 0]
    week = activity.members(
        store, Scope(site="harbour"), MONDAY.date(), MONDAY.date(), Granularity.WEEK
    )
    assert [p.value for p in week.points] == [2]  # not 1 + 2
    new = activity.new_members(
        store,
        Scope(site="harbour"),
        MONDAY.date() - timedelta(days=7),
        MONDAY.date() + timedelta(days=6),
        Granularity.WEEK,
    )
    assert [p.value for p in new.points] == [0, 2]
    ingest(
        store,
        site,
        thread_page("10", "1", post("0", "10", "bob", MONDAY - timedelta(days=3), "Earlier")),
        hours=1,
    )
    new = activity.new_members(
        store,
        Scope(site="harbour"),
        MONDAY.date() - timedelta(days=7),
        MONDAY.date() + timedelta(days=6),
        Granularity.WEEK,
    )
    assert [p.value for p in new.points] == [1, 1]  # bob's first post moved a week back
    assert_exact(store)


def test_link_index_counts_a_url_once_and_reshares_apart(store: Store, site: Site) -> None:
    ingest(store, site, listing("1", thread("10")))
    ingest(
        store,
        site,
        thread_page(
            "10",
            "1",
            post("1", "10", "alice", MONDAY, f"Look {IMAGE}"),
            post("2", "10", "bob", MONDAY + timedelta(days=40), f"Again {IMAGE}"),
            post(
                "3", "10", "bob", MONDAY + timedelta(days=41), "https://pics.example-host.net/b.png"
            ),
        ),
    )
    index = linkindex.link_index(store, Scope(), date(2020, 3, 1), date(2020, 4, 30))
    assert [p.value for p in index.points] == [1, 1]
    jpg = linkindex.link_index(
        store, Scope(), date(2020, 3, 1), date(2020, 4, 30), extensions=["jpg"]
    )
    assert [p.value for p in jpg.points] == [1, 0]
    shares = linkindex.reshares(store, Scope(), date(2020, 3, 1), date(2020, 4, 30))
    assert [p.value for p in shares.points] == [0, 1]
    assert "counted once" in index.definition


def test_unavailable_days_carry_no_value(store: Store, site: Site) -> None:
    assert site.id is not None
    later = MONDAY + timedelta(days=14)  # away from the fetches of the ingests (T0)
    ingest(store, site, listing("1", thread("10")))
    for offset, error in ((0, None), (1, "http_503"), (2, None)):
        at = later + timedelta(days=offset)
        store.record_fetch(
            site.id, Fetch(site.name, BASE, at, at, PageKind.INDEX, error_class=error)
        )
    ingest(store, site, thread_page("10", "1", post("1", "10", "alice", later, "hello")))
    first = later.date()
    series = activity.posts(
        store, Scope(site="harbour"), first - timedelta(days=4), first + timedelta(days=2)
    )
    assert [p.state for p in series.points] == [
        DayState.UNMONITORED,
        DayState.UNMONITORED,
        DayState.UNMONITORED,
        DayState.UNMONITORED,
        DayState.OBSERVED,
        DayState.UNAVAILABLE,
        DayState.OBSERVED,
    ]
    assert [p.value for p in series.points][4:] == [1, None, 0]
    weekly = activity.posts(
        store, Scope(site="harbour"), first, first + timedelta(days=6), Granularity.WEEK
    )
    assert weekly.points[0].value == 1 and weekly.points[0].unavailable_days == 1


def test_tag_share_counts_threads_by_their_first_post(store: Store, site: Site) -> None:
    ingest(
        store,
        site,
        listing(
            "1", thread("10", ("Original",)), thread("11"), thread("12", ("Original",), sticky=True)
        ),
    )
    for native, day in (("10", 0), ("11", 1), ("12", 2)):
        ingest(
            store,
            site,
            thread_page(
                native, "1", post(f"p{native}", native, "alice", MONDAY + timedelta(days=day), "x")
            ),
        )
    share = tags.tag_share(
        store, Scope(site="harbour", section="1"), "[Original]", date(2020, 3, 1), date(2020, 3, 31)
    )
    assert share.points[0].value == 0.5 and share.points[0].base == 2  # the pinned one is left out
