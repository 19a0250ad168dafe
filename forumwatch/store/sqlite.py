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

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Table,
    column,
    create_engine,
    event,
    func,
    literal,
    table,
    text,
)
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.sql.dml import Insert
from sqlalchemy.sql.elements import ColumnElement

from forumwatch.errors import StoreError
from forumwatch.store import schema
from forumwatch.store.dialect import (
    Conflict,
    Rows,
    bind_processors,
    process_rows,
    result_processors,
)
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

    def insert_rows(
        self,
        connection: Connection,
        table: Table,
        columns: Sequence[str],
        rows: Rows,
        conflict: Conflict | None = None,
        returning: Sequence[str] = (),
    ) -> list[tuple[Any, ...]]:
        """The DBAPI's executemany (in-process, no SQLAlchemy work per row); with
        ``returning``, multi-row VALUES statements as long as SQLite's bound-parameter limit."""
        if not rows:
            return []
        quote = connection.dialect.identifier_preparer.quote
        target = quote(table.name)
        head = f"INSERT INTO {target} ({', '.join(quote(c) for c in columns)}) VALUES "
        tail = ""
        if conflict is not None:
            keys = ", ".join(quote(c) for c in conflict.columns)
            if conflict.add is None:
                tail = f" ON CONFLICT ({keys}) DO NOTHING"
            else:
                added = quote(conflict.add)
                tail = (
                    f" ON CONFLICT ({keys}) DO UPDATE SET "
                    f"{added} = {target}.{added} + excluded.{added}"
                )
        values = process_rows(rows, bind_processors(connection.dialect, table, columns))
        one = "(" + ", ".join("?" * len(columns)) + ")"
        if not returning:
            connection.exec_driver_sql(head + one + tail, values)
            return []
        tail += " RETURNING " + ", ".join(quote(c) for c in returning)
        readers = result_processors(connection.dialect, table, returning)
        per_statement = max(1, _variable_limit(connection) // len(columns))
        out: list[tuple[Any, ...]] = []
        for start in range(0, len(values), per_statement):
            chunk = values[start : start + per_statement]
            sql = head + ", ".join([one] * len(chunk)) + tail
            flat = tuple(value for row in chunk for value in row)
            out += process_rows(connection.exec_driver_sql(sql, flat).fetchall(), readers)
        return out

    def update_rows(
        self,
        connection: Connection,
        table: Table,
        keys: Sequence[str],
        columns: Sequence[str],
        rows: Rows,
        added: Sequence[str] = (),
    ) -> None:
        """UPDATE ... SET ... WHERE keys, through the DBAPI's executemany."""
        if not rows:
            return
        quote = connection.dialect.identifier_preparer.quote
        sets = ", ".join(
            f"{quote(c)} = {quote(c)} + ?" if c in added else f"{quote(c)} = ?" for c in columns
        )
        where = " AND ".join(f"{quote(k)} = ?" for k in keys)
        processors = bind_processors(connection.dialect, table, [*keys, *columns])
        width = len(keys)
        # The statement names the new values first and the keys last.
        values = [row[width:] + row[:width] for row in process_rows(rows, processors)]
        connection.exec_driver_sql(f"UPDATE {quote(table.name)} SET {sets} WHERE {where}", values)

    def month_start(self, day: ColumnElement[Any]) -> ColumnElement[Any]:
        """Dates are ISO text in SQLite: the year and month, then ``-01``."""
        return func.substr(day, 1, 7).op("||")(literal("-01"))

    def add_counts(
        self,
        connection: Connection,
        table: Table,
        columns: Sequence[str],
        rows: Rows,
        conflict: Conflict,
        group_by: Sequence[str],
    ) -> list[tuple[Any, ...]]:
        """Through a scratch table: the rows are loaded with executemany, the rows with no
        stored match are counted per group, then upserted, all inside SQLite (measured faster
        than an upsert with RETURNING, or a lookup joined from a VALUES list, even for a
        crawl's few hundred counters)."""
        if not rows:
            return []
        assert conflict.add is not None
        quote = connection.dialect.identifier_preparer.quote
        target = quote(table.name)
        scratch = quote(f"scratch_{table.name}")
        names = ", ".join(quote(c) for c in columns)
        groups = ", ".join(f"d.{quote(c)}" for c in group_by)
        matched = " AND ".join(f"m.{quote(c)} = d.{quote(c)}" for c in conflict.columns)
        added = quote(conflict.add)
        keys = ", ".join(quote(c) for c in conflict.columns)
        connection.exec_driver_sql(
            f"CREATE TEMP TABLE IF NOT EXISTS {scratch} AS SELECT {names} FROM {target} WHERE 0"
        )
        connection.exec_driver_sql(
            f"INSERT INTO temp.{scratch} ({names}) VALUES ({', '.join('?' * len(columns))})",
            process_rows(rows, bind_processors(connection.dialect, table, columns)),
        )
        created = connection.exec_driver_sql(
            f"SELECT {groups}, count(*) FROM temp.{scratch} AS d WHERE NOT EXISTS "
            f"(SELECT 1 FROM main.{target} AS m WHERE {matched}) GROUP BY {groups}"
        ).fetchall()
        # "WHERE true" keeps SQLite from reading ON CONFLICT as a join constraint.
        connection.exec_driver_sql(
            f"INSERT INTO main.{target} ({names}) SELECT {names} FROM temp.{scratch} WHERE true "
            f"ON CONFLICT ({keys}) DO UPDATE SET {added} = {target}.{added} + excluded.{added}"
        )
        connection.exec_driver_sql(f"DELETE FROM temp.{scratch}")
        readers = [*result_processors(connection.dialect, table, group_by), None]
        return process_rows(created, readers)


def _variable_limit(connection: Connection) -> int:
    """Most bound parameters one statement may carry on this SQLite build."""
    driver = connection.connection.driver_connection
    getlimit = getattr(driver, "getlimit", None)
    if getlimit is None:
        return 999
    return int(getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))


def _configure(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA cache_size=-65536")
    # Checkpoint every ~40 MB of WAL instead of 4 MB: a crawl commits a batch every few pages,
    # each touching rollup pages all over their indexes, and copying them back to the file
    # every few commits cost more than the writes (measured: 1.3 s of 7.8 s at 16 pages per
    # commit). Durability is unchanged: checkpoints are not what makes a commit durable.
    cursor.execute("PRAGMA wal_autocheckpoint=10000")
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

    def optimize(self) -> None:
        """Merge the FTS5 index into one segment and let SQLite refresh its statistics."""
        with self.engine.begin() as connection:
            connection.exec_driver_sql("INSERT INTO posts_fts(posts_fts) VALUES ('optimize')")
            connection.exec_driver_sql("PRAGMA optimize")
