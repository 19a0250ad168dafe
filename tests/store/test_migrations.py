"""The schema version is recorded; a newer store is refused instead of misread."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import delete, insert, select

from forumwatch.errors import SchemaVersionError
from forumwatch.store import open_store, schema
from forumwatch.store.migrations import latest_version
from forumwatch.store.sql import SQLStore


def test_new_store_records_the_latest_version(store_url: str) -> None:
    store = open_store(store_url)
    assert store.schema_version() == latest_version()
    store.close()
    reopened = open_store(store_url)
    assert reopened.schema_version() == latest_version()
    reopened.close()


def test_store_from_a_newer_forumwatch_is_refused(store_url: str) -> None:
    store = open_store(store_url)
    assert isinstance(store, SQLStore)
    future = schema.schema_migrations.c.version == latest_version() + 1
    with store.engine.begin() as connection:
        connection.execute(
            insert(schema.schema_migrations).values(
                version=latest_version() + 1, name="future", applied_at=datetime.now(UTC)
            )
        )
    try:
        with pytest.raises(SchemaVersionError):
            open_store(store_url)
    finally:
        # The PostgreSQL test database is shared by the session.
        with store.engine.begin() as connection:
            connection.execute(delete(schema.schema_migrations).where(future))
        store.close()


def test_a_missing_older_migration_is_applied(store_url: str) -> None:
    # Migrations merged out of order: one below the newest recorded still runs, idempotently.
    store = open_store(store_url)
    assert isinstance(store, SQLStore)
    with store.engine.begin() as connection:
        connection.execute(
            delete(schema.schema_migrations).where(schema.schema_migrations.c.version == 4)
        )
    store.close()
    reopened = open_store(store_url)
    assert isinstance(reopened, SQLStore)
    with reopened.engine.connect() as connection:
        versions = set(connection.execute(select(schema.schema_migrations.c.version)).scalars())
    reopened.close()
    assert 4 in versions


def test_sqlite_store_uses_wal(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'a.db'}")
    assert isinstance(store, SQLStore)
    with store.engine.connect() as connection:
        mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
    assert mode == "wal"
    store.close()
