"""Shared fixtures: stores, sample pages, table dumps."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from forumwatch.enrich import Enricher
from forumwatch.models import Site
from forumwatch.sim.config import WorldConfig
from forumwatch.sim.replay import replay_world
from forumwatch.sim.world import World
from forumwatch.store import Store, open_store
from forumwatch.store.schema import metadata
from forumwatch.store.sql import SQLStore

FIXTURES = Path(__file__).parent / "fixtures"
T0 = datetime(2020, 3, 1, 12, 0, tzinfo=UTC)


# Every test that takes `store` (or `store_url`) runs on each backend. PostgreSQL tests use one
# database per test session (created and migrated once), emptied before each test.
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
POSTGRES_ADMIN_URL = os.environ.get(
    "FORUMWATCH_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """URL of this session's PostgreSQL test database (migrated, emptied per test by users).

    Fails in CI when the server is down; skips locally with the reason.
    """
    from forumwatch.store.postgres import create_database, drop_database

    name = f"forumwatch_test_{os.getpid()}"
    try:
        url = create_database(POSTGRES_ADMIN_URL, name)
    except Exception as error:  # noqa: BLE001 - any failure to reach the server
        message = f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}: {error}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    open_store(url).close()
    yield url
    drop_database(POSTGRES_ADMIN_URL, name)


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty store, on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    from forumwatch.store.postgres import PostgresStore, empty_all_tables

    url: str = request.getfixturevalue("postgres_url")
    opened = PostgresStore(url)
    try:
        empty_all_tables(opened)
    finally:
        opened.close()
    return url


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """An empty store, on each backend (SQLite in a temporary folder, and PostgreSQL)."""
    opened = open_store(store_url)
    yield opened
    opened.close()


@pytest.fixture
def site(store: Store) -> Site:
    """One stored site."""
    return store.add_site(Site("harbour", "http://127.0.0.1:9/"), T0)


def dump_tables(store: Store) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, in a stable order: equal dumps mean equal stores."""
    assert isinstance(store, SQLStore)
    dump: dict[str, list[tuple[object, ...]]] = {}
    with store.engine.connect() as connection:
        for table in metadata.sorted_tables:
            if table.name == "schema_migrations":
                continue
            rows = connection.execute(select(table)).all()
            dump[table.name] = sorted((tuple(row) for row in rows), key=repr)
    return dump


MONITORING_START = date(2020, 2, 1)
"""The shared replay's first crawl: it backfills 2019 and January, then crawls daily to June."""


@dataclass
class Replayed:
    """The small simulated world (seed 7) monitored daily from February to June 2020."""

    store: Store
    world: World
    truth: dict[str, Any]

    def event(self, kind: str) -> dict[str, Any]:
        """The planted event of a type."""
        return next(e for e in self.truth["events"] if e["type"] == kind)

    def watch_list(self) -> tuple[tuple[str, str, date], ...]:
        """The analyst's watch list: the member the world says was arrested."""
        watch = self.event("watchlisted_activity_after_date")
        return ((watch["site"], watch["handle"], date.fromisoformat(watch["after"])),)

    def handles(self) -> set[str]:
        """Every handle in the store."""
        return {a.handle for a in self.store.authors()}


@pytest.fixture(scope="session")
def replayed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Replayed]:
    """About 25,000 posts on three sites, replayed once per test session (SQLite; read-only).

    Shared by the analysis, report and web tests; tests must not write to it.
    """
    world = World(WorldConfig(seed=7, size="small"))
    path = tmp_path_factory.mktemp("replay") / "store.db"
    store = open_store(f"sqlite:///{path}")
    replay_world(world, store, Enricher(), start=MONITORING_START)
    yield Replayed(store, world, world.truth())
    store.close()
