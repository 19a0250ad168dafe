"""The schema version is recorded; a newer store is refused instead of misread."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert

from forumwatch.errors import SchemaVersionError
from forumwatch.store import open_store, schema
from forumwatch.store.migrations import latest_version
from forumwatch.store.sql import SQLStore


def test_new_store_records_the_latest_version(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'a.db'}")
    assert store.schema_version() == latest_version()
    store.close()
    reopened = open_store(f"sqlite:///{tmp_path / 'a.db'}")
    assert reopened.schema_version() == latest_version()
    reopened.close()


def test_store_from_a_newer_forumwatch_is_refused(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'a.db'}")
    assert isinstance(store, SQLStore)
    with store.engine.begin() as connection:
        connection.execute(
            insert(schema.schema_migrations).values(
                version=latest_version() + 1, name="future", applied_at=datetime.now(UTC)
            )
        )
    store.close()
    with pytest.raises(SchemaVersionError):
        open_store(f"sqlite:///{tmp_path / 'a.db'}")


def test_sqlite_store_uses_wal(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'a.db'}")
    assert isinstance(store, SQLStore)
    with store.engine.connect() as connection:
        mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
    assert mode == "wal"
    store.close()
