"""A batch of pages is stored exactly as the same pages one by one: the same rows (ids
included), the same versions, first sightings, member counters and rollups, on each backend."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

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
from forumwatch.sim.config import WorldConfig
from forumwatch.sim.replay import replay_world
from forumwatch.sim.world import World
from forumwatch.store import IngestItem, Store, open_store, schema
from forumwatch.store.recompute import recompute_all, stored_members
from forumwatch.store.sql import SQLStore
from tests.conftest import T0, dump_tables

BASE = "http://127.0.0.1:9/"
DAY = datetime(2020, 2, 1, 9, 0, tzinfo=UTC)
PLAN = "https://files.example-host.net/a/plan.jpg"
MAP = "https://maps.example.org/lisbon.png"


def _post(
    native: str,
    thread: str,
    handle: str | None,
    hours: float | None,
    text: str,
    links: tuple[str, ...] = (),
    **extra: object,
) -> Post:
    posted = None if hours is None else DAY + timedelta(hours=hours)
    author = None if handle is None else Author(handle, f"u-{handle}")
    return Post(native, thread, author, posted, " ".join((text, *links)), links=links, **extra)  # type: ignore[arg-type]


def _thread_page(
    thread: str,
    section: str | None,
    posts: Sequence[Post],
    tags: tuple[str, ...] = (),
    problems: Sequence[ParseProblem] = (),
) -> ThreadPage:
    url = BASE + f"viewtopic.php?t={thread}"
    return ThreadPage(
        url,
        Thread(thread, f"Thread {thread}", url, section, tags=tags),
        posts=tuple(posts),
        problems=tuple(problems),
    )


def _listing(section: str, threads: Sequence[Thread]) -> ListingPage:
    url = BASE + f"viewforum.php?f={section}"
    return ListingPage(
        url, section=Section(section, f"Section {section}", url), threads=tuple(threads)
    )


def _fetch(url: str, offset: int | None, when: datetime) -> Fetch:
    return Fetch(
        "harbour",
        url,
        when,
        when,
        PageKind.THREAD,
        200,
        sha256="0" * 64,
        warc_file="a.warc.gz",
        warc_offset=offset,
        warc_length=10,
    )


def scenario(site_ids: Sequence[int]) -> list[IngestItem]:
    """Pages that exercise every rule: re-reads, edits, older captures, late times, moves,
    tags, placeholder sections, shared URLs across sites, problems and archived fetches."""
    harbour, lantern = site_ids
    enricher = Enricher()
    first = [
        _post("100", "10", "alice", 0, "Sowing tomatoes now", (PLAN,), title="Tomatoes"),
        _post(
            "101",
            "10",
            "bob",
            5,
            "Thanks, very useful",
            quotes=(Quote(1, "alice", "Sowing tomatoes now", "100"),),
        ),
        _post("102", "10", "carol", None, "No date on this one"),
    ]
    edited = [
        replace(
            first[0],
            text="Sowing tomatoes next week " + PLAN,
            edit=Edit("alice", DAY + timedelta(days=1), "typo"),
        ),
        first[1],
        replace(first[2], posted_at=DAY + timedelta(hours=30)),
    ]
    older = [replace(first[0], text="Sowing tomatoes soon " + PLAN), *first[1:]]
    problem = ParseProblem(
        "posted_at", "unreadable date", BASE + "viewtopic.php?t=10", "Someday", "102"
    )
    pages: list[tuple[int, object, datetime, Fetch | None]] = [
        (
            harbour,
            IndexPage(
                BASE,
                sections=(
                    Section("1", "General", BASE + "f1"),
                    Section("2", "German", BASE + "f2", parent_native_id="1"),
                ),
            ),
            T0,
            None,
        ),
        (
            harbour,
            _listing(
                "1",
                [
                    Thread(
                        "10",
                        "[Original] Tomatoes",
                        BASE + "t10",
                        tags=("Original",),
                        replies=2,
                        last_post_at=DAY,
                    ),
                    Thread("11", "Pinned", BASE + "t11", sticky=True),
                ],
            ),
            T0,
            None,
        ),
        (
            harbour,
            _thread_page("10", "1", first, problems=[problem]),
            T0,
            _fetch(BASE + "viewtopic.php?t=10", 0, T0),
        ),
        # The same archived response again, in the same batch: one fetch, nothing new.
        (
            harbour,
            _thread_page("10", "1", first, problems=[problem]),
            T0,
            _fetch(BASE + "viewtopic.php?t=10", 0, T0),
        ),
        # A section no index showed yet; a post linking the same URL earlier (first sighting).
        (
            harbour,
            _thread_page(
                "11",
                "3",
                [
                    _post("110", "11", "dave", -48, "Old plan", (PLAN, PLAN)),
                    _post("111", "11", "alice", -50, "Even older", (MAP,)),
                ],
            ),
            T0 + timedelta(hours=1),
            None,
        ),
        # Edited, and the undated post gets its time.
        (
            harbour,
            _thread_page("10", "1", edited),
            T0 + timedelta(days=2),
            _fetch(BASE + "viewtopic.php?t=10", 100, T0 + timedelta(days=2)),
        ),
        # An older capture of the since-edited post: kept as an earlier version.
        (harbour, _thread_page("10", "1", older), T0 + timedelta(days=1), None),
        # The thread moves to section 2; the listing shows no tags any more.
        (
            harbour,
            _listing("2", [Thread("10", "Tomatoes", BASE + "t10", replies=3)]),
            T0 + timedelta(days=3),
            None,
        ),
        # A thread page that shows tags sets them; a new thread with a new member.
        (
            harbour,
            _thread_page("10", None, edited, tags=("Guide", "Spring")),
            T0 + timedelta(days=3),
            None,
        ),
        (
            harbour,
            _thread_page(
                "12",
                "1",
                [
                    _post("120", "12", "erin", 40, "Weather for the weekend", (MAP,)),
                    _post("121", "12", None, 41, "Anonymous reply"),
                ],
            ),
            T0 + timedelta(days=3),
            None,
        ),
        # Edited back: the first text comes back as version 3.
        (harbour, _thread_page("10", "2", first), T0 + timedelta(days=4), None),
        # Another site links the same URLs: share counts and first sightings across sites.
        (
            lantern,
            _thread_page(
                "50",
                "9",
                [
                    _post("500", "50", "alice", -72, "Lisbon map", (MAP, PLAN)),
                ],
            ),
            T0,
            None,
        ),
        (
            lantern,
            _listing("9", [Thread("50", "Maps", BASE + "t50", replies=0)]),
            T0 + timedelta(hours=2),
            None,
        ),
    ]
    return [
        IngestItem(site_id, page, captured, fetch=fetch, enrichment=enricher.enrich_page(page))  # type: ignore[arg-type]
        for site_id, page, captured, fetch in pages
    ]


def comparable(store: Store) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows; rollup rows holding 0 (left by a change undone later) aside."""
    dump = dump_tables(store)
    dump["daily_counts"] = [row for row in dump["daily_counts"] if row[-1] != 0]
    return dump


def check_rollups(store: Store) -> None:
    assert isinstance(store, SQLStore)
    with store.engine.connect() as connection:
        stored = Counter(
            {
                (r.metric, r.site_id, r.section_id, r.key, r.day): r.value
                for r in connection.execute(select(schema.daily_counts))
                if r.value
            }
        )
        rows, members = recompute_all(connection)
        assert stored_members(connection) == members
    assert stored == rows


def _fresh_store(store_url: str, tmp_path: Path, name: str) -> Store:
    """An empty store at ``store_url`` (emptied) or, for SQLite, a new file."""
    if store_url.startswith("sqlite"):
        return open_store(f"sqlite:///{tmp_path / name}")
    from forumwatch.store.postgres import PostgresStore, empty_all_tables

    opened = PostgresStore(store_url)
    empty_all_tables(opened)
    return opened


def _stored(
    store_url: str, tmp_path: Path, name: str, build: Callable[[Store], None]
) -> dict[str, list[tuple[object, ...]]]:
    store = _fresh_store(store_url, tmp_path, name)
    try:
        build(store)
        check_rollups(store)
        return comparable(store)
    finally:
        store.close()


def _sites(store: Store) -> list[int]:
    ids = [store.add_site(Site(name, BASE), T0).id for name in ("harbour", "lantern")]
    return [site_id for site_id in ids if site_id is not None]


def _batches(items: Sequence[IngestItem], size: int) -> Iterator[Sequence[IngestItem]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@pytest.mark.parametrize("size", [2, 5, 100])
def test_a_batch_stores_what_its_pages_store_one_by_one(
    store_url: str, tmp_path: Path, size: int
) -> None:
    def one_by_one(store: Store) -> None:
        for item in scenario(_sites(store)):
            store.ingest([item])

    def batched(store: Store) -> None:
        for batch in _batches(scenario(_sites(store)), size):
            store.ingest(batch)

    expected = _stored(store_url, tmp_path, "single.db", one_by_one)
    assert _stored(store_url, tmp_path, f"batch{size}.db", batched) == expected
    assert len(expected["post_versions"]) == 3
    assert len(expected["fetches"]) == 2


def test_a_batch_reports_what_its_pages_report(store: Store) -> None:
    items = scenario(_sites(store))
    total = store.ingest(items)
    # Posts 100-102, 110-111, 120-121 and 500; post 100 edited twice; threads 10, 11, 12 and
    # 50; thread 11 moved by its page naming section 3, thread 10 by the listing of section 2.
    assert (total.new_posts, total.changed_posts, total.new_threads, total.moved_threads) == (
        8,
        2,
        4,
        2,
    )
    assert total.new_sections == 2  # the index's two; sections only pages named are aside
    # Every capture is now the current version or a kept earlier one.
    again = store.ingest(items)
    assert (again.new_posts, again.changed_posts, again.new_threads, again.moved_threads) == (
        0,
        0,
        0,
        0,
    )


def test_a_batch_stored_twice_changes_nothing(store: Store) -> None:
    items = [item for item in scenario(_sites(store)) if item.captured_at == T0]
    store.ingest(items)
    before = dump_tables(store)
    store.ingest(items)
    assert dump_tables(store) == before


def test_a_replay_in_big_batches_equals_one_page_at_a_time(store_url: str, tmp_path: Path) -> None:
    config = WorldConfig(
        seed=7, size="tiny", monitoring_start=date(2020, 6, 4), monitoring_end=date(2020, 6, 14)
    )

    def replay(pages: int) -> Callable[[Store], None]:
        return lambda store: replay_world(World(config), store, pages_per_transaction=pages)

    expected = _stored(store_url, tmp_path, "pages.db", replay(1))
    assert len(expected["posts"]) > 1000 and len(expected["fetches"]) > 400
    assert _stored(store_url, tmp_path, "bulk.db", replay(5000)) == expected
