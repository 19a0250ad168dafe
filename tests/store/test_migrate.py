"""`forumwatch migrate`: a lossless, checked, resumable copy into another (empty) store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from forumwatch.cli import main
from forumwatch.enrich import Enricher
from forumwatch.errors import StoreError
from forumwatch.models import Site
from forumwatch.sim.config import WorldConfig
from forumwatch.sim.world import World
from forumwatch.store import Store, open_store, schema
from forumwatch.store.migrate import migrate_store
from forumwatch.store.records import FrontierEntry
from forumwatch.store.search import SearchQuery
from forumwatch.store.sql import SQLStore
from tests.conftest import dump_tables
from tests.enrich.simworld import ingest_world
from tests.store.test_ingest import ingest_all, item, thread_page

NOW = datetime(2020, 7, 2, tzinfo=UTC)


class CopyInterruptedError(Exception):
    pass


@pytest.fixture(scope="module")
def tiny_world() -> World:
    return World(WorldConfig(seed=7, size="tiny"))


def _source(path: Path, world: World) -> str:
    """A SQLite store with every kind of row: sim posts with enrichment, an edited post with
    its earlier version, parse problems, a crawl frontier, a lease and a WARC file record."""
    url = f"sqlite:///{path}"
    store = open_store(url)
    ingest_world(store, world, Enricher(places=False))
    extra = store.add_site(Site("harbour-extra", "http://127.0.0.1:9/"), NOW)
    ingest_all(store, extra)
    store.ingest([item(extra, thread_page(first_text="Sowing tomatoes next week"), NOW)])
    assert extra.id is not None
    store.begin_crawl_pass(extra.id, NOW, [FrontierEntry("http://127.0.0.1:9/", "index")])
    store.lease_site("w1", NOW, 60)
    store.record_warc_files("w1", "/var/warc", ["w1-1.warc.gz"], NOW)
    store.close()
    return url


def test_copy_is_lossless_and_checked(tmp_path: Path, store_url: str, tiny_world: World) -> None:
    source_url = _source(tmp_path / "source.db", tiny_world)
    report = migrate_store(source_url, store_url, batch_rows=300)
    assert report.ok and not report.resumed
    assert {check.name for check in report.tables} >= {"posts", "links", "daily_counts"}
    source, target = open_store(source_url), open_store(store_url)
    try:
        assert dump_tables(target) == dump_tables(source)
        assert target.counts() == source.counts()
        # New rows get fresh ids: the id sequences were moved past the copied ids.
        added = target.add_site(Site("after-migration", "http://127.0.0.1:8/"), NOW)
        assert added.id is not None and added.id > max(s.id or 0 for s in source.list_sites())
        # The copy is searchable on the target (its own index was built as rows arrived).
        word = _a_word(source)
        assert len(target.search(SearchQuery(word, limit=5)).hits) == len(
            source.search(SearchQuery(word, limit=5)).hits
        )
    finally:
        source.close()
        target.close()


def _a_word(store: Store) -> str:
    assert isinstance(store, SQLStore)
    with store.engine.connect() as connection:
        text = connection.execute(select(schema.posts.c.text).limit(1)).scalar()
    return str(text).split()[0].strip(".,!?;:'\"")


def test_interrupted_copy_resumes_to_the_same_result(
    tmp_path: Path, store_url: str, tiny_world: World
) -> None:
    source_url = _source(tmp_path / "source.db", tiny_world)
    calls = 0

    def crash(table: str, rows: int) -> None:
        nonlocal calls
        calls += 1
        if calls == 7:
            raise CopyInterruptedError

    with pytest.raises(CopyInterruptedError):
        migrate_store(source_url, store_url, batch_rows=200, progress=crash)
    report = migrate_store(source_url, store_url, batch_rows=200)
    assert report.ok and report.resumed
    source, target = open_store(source_url), open_store(store_url)
    try:
        assert dump_tables(target) == dump_tables(source)
        assert report.copied_rows < sum(check.source_rows for check in report.tables)
    finally:
        source.close()
        target.close()
    # A finished copy re-run copies nothing and still checks out.
    again = migrate_store(source_url, store_url)
    assert again.ok and again.copied_rows == 0


def test_a_non_empty_target_is_refused(tmp_path: Path, store_url: str, tiny_world: World) -> None:
    source_url = _source(tmp_path / "source.db", tiny_world)
    target = open_store(store_url)
    target.add_site(Site("already-here", "http://127.0.0.1:7/"), NOW)
    target.close()
    with pytest.raises(StoreError, match="not empty"):
        migrate_store(source_url, store_url)


def test_resuming_from_another_source_is_refused(
    tmp_path: Path, store_url: str, tiny_world: World
) -> None:
    first = _source(tmp_path / "first.db", tiny_world)
    with pytest.raises(CopyInterruptedError):
        migrate_store(first, store_url, batch_rows=100, progress=_crash_at_once)
    other = open_store(f"sqlite:///{tmp_path / 'other.db'}")
    other.add_site(Site("other", "http://127.0.0.1:6/"), NOW - timedelta(days=1))
    other.close()
    with pytest.raises(StoreError, match="another store"):
        migrate_store(f"sqlite:///{tmp_path / 'other.db'}", store_url)


def _crash_at_once(table: str, rows: int) -> None:
    raise CopyInterruptedError


def test_migrate_command(
    tmp_path: Path, store_url: str, tiny_world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    source_url = _source(tmp_path / "source.db", tiny_world)
    main(["migrate", source_url, store_url, "--batch", "1000"])
    out = capsys.readouterr().out
    assert "the stores match" in out and "DIFFERENT" not in out
