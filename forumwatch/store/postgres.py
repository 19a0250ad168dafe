"""The PostgreSQL backend (psycopg 3): server mode, for many crawl workers and analysts.

PostgreSQL-specific choices live here and nowhere else:

- ``INSERT ... ON CONFLICT`` for the ingest's "insert, ignoring conflicts" and counters;
- migrations run under a transaction-level advisory lock, so workers starting together do not
  race to create tables;
- full-text search: a stored generated ``tsvector`` column on ``posts`` over title and text,
  built with the ``simple`` configuration after ``unaccent`` (every language is searchable,
  diacritics do not matter: "quarantane" finds "Quarantäne"), with a GIN index;
- site leases pick their candidate with ``FOR UPDATE SKIP LOCKED``: concurrent workers each get
  a different site at once instead of waiting for each other.

URLs: ``postgresql://user@host:5432/db`` or ``postgresql+psycopg://...`` (same thing).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Date,
    Engine,
    Table,
    cast,
    create_engine,
    func,
    literal_column,
    text,
)
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.sql import Select
from sqlalchemy.sql.dml import Insert

from forumwatch.store import schema
from forumwatch.store.dialect import (
    Conflict,
    Rows,
    bind_processors,
    process_rows,
    result_processors,
)
from forumwatch.store.migrations import BackendSteps
from forumwatch.store.search import ParsedQuery, Term
from forumwatch.store.searchsql import Match
from forumwatch.store.sql import SQLStore

# Any constant: every forumwatch store serialises its migrations on it.
_MIGRATION_LOCK = 0x666F72756D

_SEARCH_STATEMENTS = (
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    # unaccent() is only STABLE (its dictionary could change); a generated column needs an
    # IMMUTABLE function, so the dictionary is named explicitly in a wrapper.
    "CREATE OR REPLACE FUNCTION forumwatch_unaccent(text) RETURNS text "
    "LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT "
    "AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$",
    "ALTER TABLE posts ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, "
    "forumwatch_unaccent(coalesce(title, '') || ' ' || coalesce(text, '')))) STORED",
    "CREATE INDEX IF NOT EXISTS ix_posts_search ON posts USING gin (search_vector)",
)


def _create_search_column(connection: Connection) -> None:
    """Migration 4 on PostgreSQL: unaccent, the generated tsvector column and its GIN index."""
    for statement in _SEARCH_STATEMENTS:
        connection.execute(text(statement))


class PostgresDialect:
    """PostgreSQL's spelling of the statements that differ between backends."""

    def insert_ignore(self, table: Table, conflict_columns: Sequence[str]) -> Insert:
        """INSERT ... ON CONFLICT DO NOTHING."""
        return postgres_insert(table).on_conflict_do_nothing(index_elements=list(conflict_columns))

    def insert_add(self, table: Table, conflict_columns: Sequence[str], column: str) -> Insert:
        """INSERT ... ON CONFLICT DO UPDATE SET column = column + excluded.column."""
        statement = postgres_insert(table)
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
        """``INSERT ... SELECT * FROM unnest(<one array per column>)``: one statement and one
        round trip per ``BULK_ROWS`` rows, whatever their number."""
        if not rows:
            return []
        quote = connection.dialect.identifier_preparer.quote
        target = quote(table.name)
        sql = (
            f"INSERT INTO {target} ({', '.join(quote(c) for c in columns)}) "
            f"SELECT * FROM {_unnest(connection, table, columns)}"
        )
        if conflict is not None:
            keys = ", ".join(quote(c) for c in conflict.columns)
            if conflict.add is None:
                sql += f" ON CONFLICT ({keys}) DO NOTHING"
            else:
                added = quote(conflict.add)
                sql += (
                    f" ON CONFLICT ({keys}) DO UPDATE SET "
                    f"{added} = {target}.{added} + excluded.{added}"
                )
        if returning:
            sql += " RETURNING " + ", ".join(quote(c) for c in returning)
        readers = result_processors(connection.dialect, table, returning)
        out: list[tuple[Any, ...]] = []
        for parameters in _arrays(connection, table, columns, rows):
            result = connection.exec_driver_sql(sql, parameters)
            if returning:
                out += process_rows(result.fetchall(), readers)
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
        """``UPDATE ... FROM unnest(<arrays>) AS v WHERE keys match``: one statement per
        ``BULK_ROWS`` rows (keys must be unique among the rows)."""
        if not rows:
            return
        quote = connection.dialect.identifier_preparer.quote
        target = quote(table.name)
        names = [*keys, *columns]
        sets = ", ".join(
            f"{quote(c)} = {target}.{quote(c)} + v.{quote(c)}"
            if c in added
            else f"{quote(c)} = v.{quote(c)}"
            for c in columns
        )
        where = " AND ".join(f"{target}.{quote(k)} = v.{quote(k)}" for k in keys)
        sql = (
            f"UPDATE {target} SET {sets} FROM {_unnest(connection, table, names)} "
            f"AS v({', '.join(quote(n) for n in names)}) WHERE {where}"
        )
        for parameters in _arrays(connection, table, names, rows):
            connection.exec_driver_sql(sql, parameters)

    def month_start(self, day: ColumnElement[Any]) -> ColumnElement[Any]:
        """``date_trunc('month', day)``, back to a date."""
        return cast(func.date_trunc("month", day), Date)

    def add_counts(
        self,
        connection: Connection,
        table: Table,
        columns: Sequence[str],
        rows: Rows,
        conflict: Conflict,
        group_by: Sequence[str],
    ) -> list[tuple[Any, ...]]:
        """One upsert from arrays per ``BULK_ROWS`` rows; a row the upsert created has
        ``xmax = 0`` (no earlier version of it was replaced), and those are counted per group
        on the server."""
        if not rows:
            return []
        assert conflict.add is not None
        quote = connection.dialect.identifier_preparer.quote
        target = quote(table.name)
        added = quote(conflict.add)
        groups = ", ".join(quote(c) for c in group_by)
        sql = (
            f"WITH written AS (INSERT INTO {target} ({', '.join(quote(c) for c in columns)}) "
            f"SELECT * FROM {_unnest(connection, table, columns)} "
            f"ON CONFLICT ({', '.join(quote(c) for c in conflict.columns)}) "
            f"DO UPDATE SET {added} = {target}.{added} + excluded.{added} "
            f"RETURNING {groups}, (xmax = 0) AS created) "
            f"SELECT {groups}, count(*) FROM written WHERE created GROUP BY {groups}"
        )
        totals: Counter[tuple[Any, ...]] = Counter()
        for parameters in _arrays(connection, table, columns, rows):
            for row in connection.exec_driver_sql(sql, parameters):
                totals[tuple(row[:-1])] += int(row[-1])
        readers = [*result_processors(connection.dialect, table, group_by), None]
        return process_rows([(*group, count) for group, count in totals.items()], readers)


BULK_ROWS = 5000
"""Rows per bulk statement: big enough to amortise a round trip, small enough for memory."""


def _unnest(connection: Connection, table: Table, columns: Sequence[str]) -> str:
    """``unnest(%(c0)s::<type>[], ...)``: one typed array parameter per column."""
    dialect = connection.dialect
    return (
        "unnest("
        + ", ".join(
            f"%(c{index})s::{table.c[name].type.compile(dialect=dialect)}[]"
            for index, name in enumerate(columns)
        )
        + ")"
    )


def _arrays(
    connection: Connection, table: Table, columns: Sequence[str], rows: Rows
) -> list[dict[str, list[Any]]]:
    """The rows as column arrays (values through their types), ``BULK_ROWS`` at a time."""
    processed = process_rows(rows, bind_processors(connection.dialect, table, columns))
    out = []
    for start in range(0, len(processed), BULK_ROWS):
        chunk = processed[start : start + BULK_ROWS]
        out.append(
            {f"c{index}": list(values) for index, values in enumerate(zip(*chunk, strict=True))}
        )
    return out


_SIMPLE: ColumnElement[Any] = literal_column("'simple'::regconfig")
_VECTOR: ColumnElement[Any] = literal_column("posts.search_vector")


def _tsquery(term: Term) -> ColumnElement[Any]:
    if term.prefix:
        # Tokens hold letters and digits only, so they cannot break out of the quotes.
        expression = " <-> ".join(f"'{token}'" for token in term.tokens) + ":*"
        return func.to_tsquery(_SIMPLE, func.forumwatch_unaccent(expression))
    # The words as typed, parsed by PostgreSQL exactly as the documents were (hosts, e-mail
    # addresses and hyphenated words stay whole).
    return func.phraseto_tsquery(_SIMPLE, func.forumwatch_unaccent(term.raw))


class TsvectorSearch:
    """Matches a parsed query against the generated ``search_vector`` column."""

    def match(self, query: ParsedQuery) -> Match:
        """``search_vector @@ <tsquery>``, ranked by ``ts_rank`` (negated: smaller is better)."""
        combined: ColumnElement[Any] | None = None
        for group in query.required:
            either: ColumnElement[Any] | None = None
            for term in group.terms:
                part = _tsquery(term)
                either = part if either is None else func.tsquery_or(either, part)
            assert either is not None
            combined = either if combined is None else func.tsquery_and(combined, either)
        assert combined is not None
        for term in query.excluded:
            combined = func.tsquery_and(combined, func.tsquery_not(_tsquery(term)))
        return Match(
            condition=_VECTOR.op("@@")(combined),
            rank=-func.ts_rank(_VECTOR, combined),
        )


def engine_url(url: str) -> str:
    """The SQLAlchemy URL with the psycopg 3 driver, whichever spelling was given."""
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


class PostgresStore(SQLStore):
    """A Store in a PostgreSQL database shared by crawl workers and analysts.

    Args:
        url: ``postgresql://`` or ``postgresql+psycopg://`` URL of an existing database.
    """

    dialect = PostgresDialect()
    full_text = TsvectorSearch()

    def __init__(self, url: str, pool_size: int = 5) -> None:
        engine = create_engine(
            engine_url(url),
            pool_pre_ping=True,
            pool_size=pool_size,
            connect_args={
                "application_name": "forumwatch",
                "connect_timeout": 10,
                # No server-side prepared statements: after five runs PostgreSQL may switch a
                # prepared lookup to a generic plan that ignores the IN list of native ids and
                # scans a whole site's posts (measured: ingest fell to ~30 posts/s at 100k).
                "prepare_threshold": None,
            },
        )
        super().__init__(url, engine)

    def backend_steps(self) -> BackendSteps:
        """PostgreSQL's own migration steps: the search column and index (migration 4)."""
        return {4: (_create_search_column,)}

    def _prepare_migrations(self, connection: Connection) -> None:
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})

    def _lock_candidate(self, query: Select[Any]) -> Select[Any]:
        # Rows another worker is choosing are skipped, not waited for.
        return query.with_for_update(skip_locked=True, of=schema.sites)

    def optimize(self) -> None:
        """Refresh the planner's statistics (the GIN index merges its pending list as well)."""
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")

    def fix_sequences(self) -> None:
        """After rows were copied with their ids: move every id sequence past the largest id."""
        with self.engine.begin() as connection:
            for table in schema.metadata.sorted_tables:
                if "id" not in table.c or not table.c.id.primary_key:
                    continue
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"GREATEST((SELECT max(id) FROM {table.name}), 1), "
                        f"(SELECT max(id) FROM {table.name}) IS NOT NULL)"
                    )
                )


# -- databases for tests and benchmarks --------------------------------------------------------
def _admin_engine(admin_url: str) -> Engine:
    return create_engine(engine_url(admin_url), isolation_level="AUTOCOMMIT")


def create_database(admin_url: str, name: str) -> str:
    """Create (or recreate) database ``name`` on the server of ``admin_url``; return its URL.

    For tests and benchmarks: an existing database of that name is dropped first.
    """
    if not name.replace("_", "").isalnum():
        raise ValueError(f"unsafe database name {name!r}")
    engine = _admin_engine(admin_url)
    try:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        base = engine.url.set(database=name)
    finally:
        engine.dispose()
    return base.render_as_string(hide_password=False)


def drop_database(admin_url: str, name: str) -> None:
    """Drop database ``name`` (closing its connections)."""
    if not name.replace("_", "").isalnum():
        raise ValueError(f"unsafe database name {name!r}")
    engine = _admin_engine(admin_url)
    try:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()


def empty_all_tables(store: PostgresStore) -> None:
    """Delete every row of every forumwatch table but the schema history (tests only)."""
    names = ", ".join(
        table.name for table in schema.metadata.sorted_tables if table.name != "schema_migrations"
    )
    with store.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        # The bookkeeping of `forumwatch migrate`, when a test made one.
        connection.execute(text("DROP TABLE IF EXISTS migrate_progress"))
