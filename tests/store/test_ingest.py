"""Ingest: idempotent, keeps edits' earlier versions, keeps rollups equal to a recomputation."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from forumwatch.enrich import Enricher
from forumwatch.models import (
    Author,
    Edit,
    Fetch,
    IndexPage,
    ListingPage,
    PageKind,
    ParseProblem,
    Post,
    Quote,
    Section,
    Site,
    Thread,
    ThreadPage,
)
from forumwatch.store import IngestItem, Store, schema
from forumwatch.store.sql import SQLStore
from tests.conftest import T0, dump_tables

BASE = "http://127.0.0.1:9/"


def index_page() -> IndexPage:
    return IndexPage(
        BASE,
        sections=(
            Section("1", "General chat", BASE + "viewforum.php?f=1"),
            Section("2", "German chat", BASE + "viewforum.php?f=2", parent_native_id="1"),
        ),
    )


def listing_page(section: str = "1", replies: int = 1) -> ListingPage:
    return ListingPage(
        BASE + f"viewforum.php?f={section}",
        section=Section(section, "General chat", BASE + f"viewforum.php?f={section}"),
        threads=(
            Thread(
                "10",
                "[Original] Tomato calendar",
                BASE + "viewtopic.php?t=10",
                tags=("Original",),
                replies=replies,
                last_post_at=T0,
            ),
        ),
    )


def thread_page(section: str = "1", first_text: str = "Sowing tomatoes now") -> ThreadPage:
    posts = (
        Post(
            "100",
            "10",
            Author("alice_gardener", "5"),
            datetime(2020, 2, 1, 9, 0, tzinfo=UTC),
            first_text + " https://files.example-host.net/a/plan.jpg",
            title="Tomato calendar",
            links=("https://files.example-host.net/a/plan.jpg",),
        ),
        Post(
            "101",
            "10",
            Author("bob_striker", "6"),
            datetime(2020, 2, 2, 18, 30, tzinfo=UTC),
            "Thanks, very useful",
            quotes=(Quote(1, "alice_gardener", "Sowing tomatoes now", "100"),),
        ),
        Post("102", "10", Author("carol_coder"), None, "No date on this one"),
    )
    return ThreadPage(
        BASE + "viewtopic.php?t=10",
        Thread("10", "[Original] Tomato calendar", BASE + "viewtopic.php?t=10", section),
        posts=posts,
        problems=(
            ParseProblem(
                "posted_at", "unreadable date", BASE + "viewtopic.php?t=10", "Someday", "102"
            ),
        ),
    )


def item(
    site: Site, page: object, captured_at: datetime = T0, fetch: Fetch | None = None
) -> IngestItem:
    assert site.id is not None
    enrichment = Enricher().enrich_page(page)  # type: ignore[arg-type]
    return IngestItem(site.id, page, captured_at, fetch=fetch, enrichment=enrichment)  # type: ignore[arg-type]


def archived_fetch(url: str, offset: int) -> Fetch:
    return Fetch(
        "harbour",
        url,
        T0,
        T0,
        PageKind.THREAD,
        200,
        sha256="0" * 64,
        warc_file="a.warc.gz",
        warc_offset=offset,
        warc_length=10,
    )


def stored_rollups(store: Store) -> Counter[tuple[object, ...]]:
    assert isinstance(store, SQLStore)
    with store.engine.connect() as connection:
        rows = connection.execute(select(schema.daily_counts)).all()
    return Counter(
        {(r.metric, r.site_id, r.section_id, r.key, r.day): r.value for r in rows if r.value}
    )


def recomputed_rollups(store: Store) -> Counter[tuple[object, ...]]:
    # Every metric (per-post ones, and first sightings, members, threads, fetches) from raw rows.
    assert isinstance(store, SQLStore)
    return Counter(dict(store.recompute_rollups()))


def ingest_all(store: Store, site: Site) -> None:
    store.ingest([item(site, index_page())])
    store.ingest([item(site, listing_page())])
    store.ingest([item(site, thread_page(), fetch=archived_fetch(BASE + "viewtopic.php?t=10", 0))])


def test_ingesting_the_same_pages_twice_changes_nothing(store: Store, site: Site) -> None:
    ingest_all(store, site)
    before = dump_tables(store)
    ingest_all(store, site)
    assert dump_tables(store) == before
    assert store.counts().posts == 3
    assert store.counts().fetches == 1


def test_second_ingest_reports_no_new_posts(store: Store, site: Site) -> None:
    ingest_all(store, site)
    again = store.ingest([item(site, thread_page(), fetch=archived_fetch(BASE + "t", 0))])
    assert (again.new_posts, again.changed_posts, again.unchanged_posts) == (0, 0, 3)


def test_edited_post_keeps_its_earlier_version(store: Store, site: Site) -> None:
    ingest_all(store, site)
    edited = thread_page(first_text="Sowing tomatoes next week")
    edited_posts = (
        replace(edited.posts[0], edit=Edit("alice_gardener", T0, "typo")),
        *edited.posts[1:],
    )
    later = T0 + timedelta(days=1)
    result = store.ingest([item(site, replace(edited, posts=edited_posts), later)])
    assert result.changed_posts == 1
    assert isinstance(store, SQLStore)
    with store.engine.connect() as connection:
        post = connection.execute(
            select(schema.posts).where(schema.posts.c.native_id == "100")
        ).one()
        versions = connection.execute(select(schema.post_versions)).all()
    assert post.version == 2
    assert post.text.startswith("Sowing tomatoes next week")
    assert post.edit_reason == "typo"
    assert len(versions) == 1
    assert versions[0].version == 1
    assert versions[0].text.startswith("Sowing tomatoes now")
    assert "plan.jpg" in versions[0].links_json
    # Editing it back and forth never loses a version, and re-ingesting adds none.
    store.ingest([item(site, thread_page(), later + timedelta(days=1))])
    store.ingest([item(site, thread_page(), later + timedelta(days=1))])
    assert store.counts().post_versions == 2


def test_an_older_capture_of_an_edited_post_is_kept_as_an_earlier_version(
    store: Store, site: Site
) -> None:
    ingest_all(store, site)
    store.ingest([item(site, thread_page(first_text="Second text"), T0 + timedelta(days=2))])
    store.ingest([item(site, thread_page(first_text="Intermediate"), T0 + timedelta(days=1))])
    assert isinstance(store, SQLStore)
    with store.engine.connect() as connection:
        current = connection.execute(
            select(schema.posts.c.text).where(schema.posts.c.native_id == "100")
        ).scalar_one()
        texts = sorted(r[0] for r in connection.execute(select(schema.post_versions.c.text)))
    assert current.startswith("Second text")
    assert [t.split(" https")[0] for t in texts] == ["Intermediate", "Sowing tomatoes now"]


def test_rollups_equal_a_recomputation_after_reingests_edits_and_moves(
    store: Store, site: Site
) -> None:
    ingest_all(store, site)
    assert stored_rollups(store) == recomputed_rollups(store)
    store.ingest([item(site, thread_page(first_text="changed"), T0 + timedelta(hours=1))])
    # The thread moves to the German section: its posts' rollups move with it.
    moved = store.ingest(
        [item(site, listing_page(section="2", replies=2), T0 + timedelta(hours=2))]
    )
    assert moved.moved_threads == 1
    assert stored_rollups(store) == recomputed_rollups(store)
    rows = store.daily_counts("posts", date(2020, 1, 1), date(2020, 12, 31))
    sections = {s.native_id: s.id for s in store.sections()}
    assert {r.section_id for r in rows} == {sections["2"]}
    assert sum(r.value for r in rows) == 2  # the undated post is on no day


def test_undated_post_gets_its_time_from_a_later_capture(store: Store, site: Site) -> None:
    ingest_all(store, site)
    page = thread_page()
    dated = replace(page.posts[2], posted_at=datetime(2020, 2, 3, tzinfo=UTC))
    store.ingest(
        [item(site, replace(page, posts=(*page.posts[:2], dated)), T0 + timedelta(hours=3))]
    )
    assert stored_rollups(store) == recomputed_rollups(store)
    assert (
        sum(r.value for r in store.daily_counts("posts", date(2020, 1, 1), date(2020, 12, 31))) == 3
    )


def test_links_are_recorded_with_their_first_sighting(store: Store, site: Site) -> None:
    ingest_all(store, site)
    assert isinstance(store, SQLStore)
    with store.engine.connect() as connection:
        url = connection.execute(select(schema.urls)).one()
    assert url.host == "files.example-host.net"
    assert url.registrable_domain == "example-host.net"
    assert url.extension == "jpg" and url.media_class == "image" and url.file_name == "plan.jpg"
    assert url.first_seen_at == datetime(2020, 2, 1, 9, 0, tzinfo=UTC)
    assert url.share_count == 1


def test_parse_problems_are_stored_once_with_their_source(store: Store, site: Site) -> None:
    ingest_all(store, site)
    ingest_all(store, site)
    assert store.counts().parse_problems == 1


def test_posts_point_to_the_fetch_they_were_parsed_from(store: Store, site: Site) -> None:
    ingest_all(store, site)
    assert isinstance(store, SQLStore)
    with store.engine.connect() as connection:
        rows = connection.execute(
            select(
                schema.posts.c.native_id, schema.fetches.c.sha256, schema.fetches.c.warc_file
            ).join(schema.fetches, schema.fetches.c.id == schema.posts.c.fetch_id)
        ).all()
    assert len(rows) == 3
    assert all(r.warc_file == "a.warc.gz" and r.sha256 == "0" * 64 for r in rows)


def test_tags_are_stored_per_thread(store: Store, site: Site) -> None:
    ingest_all(store, site)
    assert isinstance(store, SQLStore)
    with store.engine.connect() as connection:
        tags = connection.execute(select(schema.thread_tags.c.tag)).scalars().all()
    assert tags == ["Original"]


def test_removing_a_site_removes_its_data(store: Store, site: Site) -> None:
    ingest_all(store, site)
    store.remove_site("harbour")
    counts = store.counts()
    assert (counts.sites, counts.posts, counts.threads, counts.fetches) == (0, 0, 0, 0)


@pytest.mark.parametrize("batch", [1, 3])
def test_batched_ingest_equals_page_by_page(store: Store, site: Site, batch: int) -> None:
    items = [item(site, index_page()), item(site, listing_page()), item(site, thread_page())]
    for start in range(0, len(items), batch):
        store.ingest(items[start : start + batch])
    assert store.counts().posts == 3
