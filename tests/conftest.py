"""Shared fixtures: stores, sample pages, table dumps."""

from __future__ import annotations

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


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """An empty SQLite store in a temporary folder."""
    opened = open_store(f"sqlite:///{tmp_path / 'store.db'}")
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
