"""Enrichment rollups stay equal to a recomputation through re-ingests, edits, moves and
re-enrichment, and `enrich --rebuild` replaces stale enrichment."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, insert, select

from forumwatch.cli import main
from forumwatch.enrich import Enricher
from forumwatch.enrich.pipeline import EnrichmentFiles
from forumwatch.enrich.rebuild import rebuild_enrichment
from forumwatch.models import Author, ListingPage, Post, Quote, Section, Site, Thread, ThreadPage
from forumwatch.store import IngestItem, Store, schema
from forumwatch.store.sql import SQLStore
from forumwatch.workspace import init_workspace
from tests.conftest import T0

BASE = "http://127.0.0.1:9/"
DAY = datetime(2020, 5, 20, 9, 0, tzinfo=UTC)


def page(section: str = "1", first: str = "Day 3 of quarantine in Lisbon") -> ThreadPage:
    posts = (
        Post(
            "100",
            "10",
            Author("alice_gardener"),
            DAY,
            first + " hxxps://snapcellar[.]net/i/a/garden.jpg",
            links=("https://snapcellar.net/i/a/garden.jpg",),
        ),
        Post(
            "101",
            "10",
            Author("bob_striker"),
            DAY + timedelta(hours=5),
            "Reup please, link dead",
            quotes=(Quote(1, "alice_gardener", "Day 3 of quarantine", "100"),),
        ),
        Post("102", "10", Author("carol_coder"), None, "Корабли в Лиссабоне, карантин"),
    )
    return ThreadPage(BASE + "t10", Thread("10", "Garden", BASE + "t10", section), posts=posts)


def listing(section: str) -> ListingPage:
    return ListingPage(
        BASE + f"f{section}",
        section=Section(section, f"Section {section}", BASE + f"f{section}"),
        threads=(Thread("10", "Garden", BASE + "t10", replies=2),),
    )


def ingest(store: Store, site: Site, parsed: object, enricher: Enricher, hours: int = 0) -> None:
    assert site.id is not None
    enrichment = enricher.enrich_page(parsed)  # type: ignore[arg-type]
    store.ingest(
        [IngestItem(site.id, parsed, T0 + timedelta(hours=hours), enrichment=enrichment)]  # type: ignore[arg-type]
    )


def stored(store: Store) -> Counter[tuple[object, ...]]:
    assert isinstance(store, SQLStore)
    with store.engine.connect() as connection:
        rows = connection.execute(select(schema.daily_counts)).all()
    return Counter(
        {(r.metric, r.site_id, r.section_id, r.key, r.day): r.value for r in rows if r.value}
    )


def recomputed(store: Store) -> Counter[tuple[object, ...]]:
    assert isinstance(store, SQLStore)
    counts: Counter[tuple[object, ...]] = Counter()
    counts.update(store.recompute_rollups())
    return counts


def test_rollups_equal_a_recomputation_through_every_change(store: Store, site: Site) -> None:
    enricher = Enricher()
    ingest(store, site, listing("1"), enricher)
    ingest(store, site, page(), enricher)
    assert stored(store) == recomputed(store)
    keys = {key[3] for key in stored(store) if key[0] == "annotations"}
    assert {"term:covid", "place:PT/Lisbon", "request:reupload", "request:dead_link"} <= keys
    ingest(store, site, page(), enricher, hours=1)  # the same page again
    assert stored(store) == recomputed(store)
    ingest(store, site, page(first="Day 4, no more lockdown talk"), enricher, hours=2)  # edit
    assert stored(store) == recomputed(store)
    ingest(store, site, listing("2"), enricher, hours=3)  # the thread moves
    assert stored(store) == recomputed(store)
    dated = page(section="2")
    late = replace(dated.posts[2], posted_at=DAY + timedelta(days=1))
    ingest(store, site, replace(dated, posts=(*dated.posts[:2], late)), enricher, hours=4)
    assert stored(store) == recomputed(store)
    sections = {s.native_id: s.id for s in store.sections()}
    rows = store.daily_counts("posts_by_language", date(2020, 1, 1), date(2020, 12, 31))
    assert {r.section_id for r in rows} == {sections["2"]}
    assert {r.key for r in rows} == {"en", "ru"}


def test_rebuild_applies_a_new_lexicon_and_keeps_rollups_exact(
    store: Store, site: Site, tmp_path: Path
) -> None:
    ingest(store, site, listing("1"), Enricher())
    ingest(store, site, page(), Enricher())
    folder = tmp_path / "ws"
    (folder / "lexicons").mkdir(parents=True)
    (folder / "lexicons" / "garden.toml").write_text('words = ["garden*"]\n', "utf-8")
    (folder / "lexicons" / "covid.toml").write_text("enabled = false\n", "utf-8")
    seen: list[int] = []
    result = rebuild_enrichment(
        store, Enricher(EnrichmentFiles.in_folder(folder)), seen.append, batch=2
    )
    assert (result.posts, seen) == (3, [2, 3])
    assert result.changed == 2  # the two posts that mention covid terms
    keys = {key[3] for key in stored(store) if key[0] == "annotations"}
    assert "term:covid" not in keys
    assert stored(store) == recomputed(store)
    again = rebuild_enrichment(store, Enricher(EnrichmentFiles.in_folder(folder)))
    assert again.changed == 0  # idempotent


def test_rebuild_repairs_rollups_of_a_store_from_an_older_version(store: Store, site: Site) -> None:
    ingest(store, site, listing("1"), Enricher())
    ingest(store, site, page(), Enricher())
    assert isinstance(store, SQLStore)
    with store.engine.begin() as connection:  # as an older forumwatch left it: posts only
        connection.execute(delete(schema.daily_counts))
        connection.execute(delete(schema.links))
        connection.execute(
            insert(schema.daily_counts).values(
                metric="posts", site_id=site.id, section_id=1, key="", day=DAY.date(), value=2
            )
        )
    rebuild_enrichment(store, Enricher())
    assert stored(store) == recomputed(store)
    assert store.counts().links == 1


def test_enrich_rebuild_command(tmp_path: Path) -> None:
    workspace = init_workspace(tmp_path / "ws")
    store = workspace.open_store()
    site = store.add_site(Site("harbour", BASE), T0)
    ingest(store, site, listing("1"), Enricher(places=False))
    ingest(store, site, page(), Enricher(places=False))  # no places stored yet
    store.close()
    main(["-w", str(workspace.path), "enrich", "--rebuild"])
    store = workspace.open_store()
    keys = {key[3] for key in stored(store) if key[0] == "annotations"}
    store.close()
    assert "place:PT/Lisbon" in keys
