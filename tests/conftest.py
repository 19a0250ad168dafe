"""Shared fixtures: stores, sample pages, table dumps."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from forumwatch.models import Site
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
