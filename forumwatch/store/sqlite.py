"""The SQLite backend: the default store, one file in the workspace.

SQLite-specific choices live here and nowhere else: WAL journaling so the dashboard can read
while the crawler writes, ``synchronous=NORMAL`` (durable at every commit against a process
crash; WAL keeps the file consistent on power loss), a busy timeout for the rare concurrent
writer, and SQLite's ``ON CONFLICT`` clauses.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Table, create_engine, event
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.sql.dml import Insert

from forumwatch.errors import StoreError
from forumwatch.store.sql import SQLStore


class SQLiteDialect:
    """SQLite's spelling of the statements that differ between backends."""

    def insert_ignore(self, table: Table, conflict_columns: Sequence[str]) -> Insert:
        """INSERT ... ON CONFLICT DO NOTHING."""
        return sqlite_insert(table).on_conflict_do_nothing(index_elements=list(conflict_columns))

    def insert_add(self, table: Table, conflict_columns: Sequence[str], column: str) -> Insert:
        """INSERT ... ON CONFLICT DO UPDATE SET column = column + excluded.column."""
        statement = sqlite_insert(table)
        return statement.on_conflict_do_update(
            index_elements=list(conflict_columns),
            set_={column: table.c[column] + statement.excluded[column]},
        )


def _configure(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.close()


class SQLiteStore(SQLStore):
    """A Store in one SQLite file.

    Args:
        path: the database file; its folder must exist.
    """

    dialect = SQLiteDialect()

    def __init__(self, path: Path) -> None:
        if not path.parent.is_dir():
            raise StoreError(f"folder {path.parent} does not exist")
        url = f"sqlite:///{path}"
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _configure)
        super().__init__(url, engine)
