"""The SQLite backend: the default store, one file in the workspace.

SQLite-specific choices live here and nowhere else: WAL journaling so the dashboard can read
while the crawler writes, ``synchronous=NORMAL`` (durable at every commit against a process
crash; WAL keeps the file consistent on power loss), a busy timeout for the rare concurrent
writer, and SQLite's ``ON CONFLICT`` clauses.

Full-text search is an FTS5 external-content table over ``posts`` (title and text), kept in
step by triggers on insert, update and delete. Its tokenizer, ``unicode61 remove_diacritics 2``,
folds case and removes diacritics from Latin letters ("quarantane" finds "Quarantäne");
Cyrillic and other scripts are matched case-insensitively as written (й is not и).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, column, create_engine, event, literal, table, text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.sql.dml import Insert

from forumwatch.errors import StoreError
from forumwatch.store import schema
from forumwatch.store.migrations import BackendSteps
from forumwatch.store.search import ParsedQuery, to_fts5
from forumwatch.store.searchsql import Match
from forumwatch.store.sql import SQLStore

_FTS_STATEMENTS = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS posts_fts USING fts5(title, text, content='posts', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS posts_fts_insert AFTER INSERT ON posts BEGIN "
    "INSERT INTO posts_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END",
    "CREATE TRIGGER IF NOT EXISTS posts_fts_delete AFTER DELETE ON posts BEGIN "
    "INSERT INTO posts_fts(posts_fts, rowid, title, text) "
    "VALUES ('delete', old.id, old.title, old.text); END",
    "CREATE TRIGGER IF NOT EXISTS posts_fts_update AFTER UPDATE OF title, text ON posts BEGIN "
    "INSERT INTO posts_fts(posts_fts, rowid, title, text) "
    "VALUES ('delete', old.id, old.title, old.text); "
    "INSERT INTO posts_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END",
    # Posts stored before the index existed.
    "INSERT INTO posts_fts(posts_fts) VALUES ('rebuild')",
)


def _create_full_text_index(connection: Connection) -> None:
    """Migration 4 on SQLite: the FTS5 index of posts and the triggers that maintain it."""
    for statement in _FTS_STATEMENTS:
        connection.execute(text(statement))


_posts_fts = table("posts_fts", column("rowid"), column("posts_fts"), column("rank"))


class FTS5Search:
    """Matches a parsed query with FTS5 (bm25 rank: smaller is better)."""

    def match(self, query: ParsedQuery) -> Match:
        """``posts_fts MATCH '<expression>'``, joined on the post's id."""
        condition = _posts_fts.c.posts_fts.op("MATCH")(literal(to_fts5(query)))
        return Match(
            condition=condition,
            rank=_posts_fts.c.rank,
            join=(_posts_fts, _posts_fts.c.rowid == schema.posts.c.id),
        )


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
    full_text = FTS5Search()

    def __init__(self, path: Path) -> None:
        if not path.parent.is_dir():
            raise StoreError(f"folder {path.parent} does not exist")
        url = f"sqlite:///{path}"
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _configure)
        super().__init__(url, engine)

    def backend_steps(self) -> BackendSteps:
        """SQLite's own migration steps: the FTS5 index (migration 4)."""
        return {4: (_create_full_text_index,)}
