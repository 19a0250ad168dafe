"""Moving a workspace's store to another backend (``forumwatch migrate SQLITE-URL POSTGRES-URL``).

Every table is copied in dependency order, in batches by primary key, with its ids kept (the
target's id sequences are moved past them afterwards). Each batch commits together with a
progress record in the target (``migrate_progress``: the last key copied per table), so a copy
that is interrupted - killed, network gone - continues where it stopped when run again with the
same source. Derived structures (SQLite's FTS5 index, PostgreSQL's search column) are built by
the target itself as rows arrive.

The copy is then checked table by table: row counts and a digest of every row's values (an
order-free multiset hash, so it does not depend on either database's collation), and
:meth:`Store.post_digest` on both sides. A target that holds data from anything but an
interrupted copy of the same source is refused. Stop crawl workers before migrating: rows
written to the source during the copy would not be carried over.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    MetaData,
    String,
    Table,
    Text,
    and_,
    func,
    insert,
    select,
    tuple_,
    update,
)
from sqlalchemy.sql import ColumnElement

from forumwatch.errors import StoreError
from forumwatch.store import open_store, schema
from forumwatch.store.sql import SQLStore

_progress_metadata = MetaData()
migrate_progress = Table(
    "migrate_progress",
    _progress_metadata,
    Column("table_name", String(100), primary_key=True),
    Column("source", Text, nullable=False),
    # JSON list: the primary key of the last row copied (None before the first batch).
    Column("last_key", Text),
    Column("rows_copied", BigInteger, nullable=False, default=0),
    Column("done", Boolean, nullable=False, default=False),
)

Progress = Callable[[str, int], None]
"""Called after every batch with the table's name and its rows copied so far."""


@dataclass(frozen=True, slots=True)
class TableCheck:
    """One table compared after the copy."""

    name: str
    source_rows: int
    target_rows: int
    source_digest: str
    target_digest: str

    @property
    def ok(self) -> bool:
        """Same row count and same digest."""
        return self.source_rows == self.target_rows and self.source_digest == self.target_digest


@dataclass(frozen=True, slots=True)
class MigrationReport:
    """What a migration copied and whether the target matches the source."""

    tables: tuple[TableCheck, ...]
    source_post_digest: str
    target_post_digest: str
    resumed: bool
    copied_rows: int

    @property
    def ok(self) -> bool:
        """Every table and the post digests match."""
        return (
            all(check.ok for check in self.tables)
            and self.source_post_digest == self.target_post_digest
        )


def copied_tables() -> list[Table]:
    """The tables a migration copies, parents before children."""
    return [t for t in schema.metadata.sorted_tables if t.name != schema.schema_migrations.name]


def _source_identity(url: str) -> str:
    if url.startswith("sqlite:///"):
        return "sqlite:///" + str(Path(url.removeprefix("sqlite:///")).resolve())
    return url


def _encode_key(values: Sequence[Any]) -> str:
    return json.dumps([v.isoformat() if isinstance(v, date) else v for v in values])


def _decode_key(table: Table, text: str) -> list[Any]:
    values = json.loads(text)
    decoded = []
    for column, value in zip(table.primary_key.columns, values, strict=True):
        if isinstance(column.type, Date) and isinstance(value, str):
            decoded.append(date.fromisoformat(value))
        else:
            decoded.append(value)
    return decoded


def _after(table: Table, key: list[Any]) -> ColumnElement[bool]:
    columns = list(table.primary_key.columns)
    if len(columns) == 1:
        single: ColumnElement[bool] = columns[0] > key[0]
        return single
    return tuple_(*columns) > tuple_(*key)


def _batches(
    store: SQLStore, table: Table, last_key: list[Any] | None, size: int
) -> Iterator[list[dict[str, Any]]]:
    """The source's rows after ``last_key``, in primary key order, ``size`` at a time."""
    columns = list(table.primary_key.columns)
    while True:
        query = select(table).order_by(*columns).limit(size)
        if last_key is not None:
            query = query.where(_after(table, last_key))
        with store.engine.connect() as connection:
            rows = [dict(row._mapping) for row in connection.execute(query)]
        if not rows:
            return
        yield rows
        last_key = [rows[-1][c.name] for c in columns]


def _row_hash(values: Sequence[Any]) -> int:
    parts = []
    for value in values:
        if value is None:
            parts.append("\x00")
        elif isinstance(value, bool):
            parts.append("b1" if value else "b0")
        elif isinstance(value, datetime | date):
            parts.append(value.isoformat())
        else:
            parts.append(repr(value))
    return int.from_bytes(hashlib.sha256("\x1f".join(parts).encode()).digest(), "big")


def table_digest(store: SQLStore, table: Table, batch: int = 20_000) -> tuple[int, str]:
    """Row count and an order-free digest of every row's values (sum of row hashes)."""
    total = 0
    count = 0
    for rows in _batches(store, table, None, batch):
        for row in rows:
            total = (total + _row_hash([row[c.name] for c in table.columns])) % (1 << 256)
        count += len(rows)
    return count, f"{count}:{total:064x}"


def _is_empty(store: SQLStore) -> bool:
    with store.engine.connect() as connection:
        for table in copied_tables():
            if connection.execute(select(func.count()).select_from(table).limit(1)).scalar():
                return False
    return True


def _start(source_url: str, target: SQLStore) -> tuple[dict[str, Any], bool]:
    """The target's progress rows (created now for a fresh copy) and whether it resumes.

    Raises:
        StoreError: the target holds other data, or an interrupted copy of another source.
    """
    identity = _source_identity(source_url)
    migrate_progress.create(target.engine, checkfirst=True)
    with target.engine.connect() as connection:
        rows = {r.table_name: r for r in connection.execute(select(migrate_progress))}
    if rows:
        sources = {r.source for r in rows.values()}
        if sources != {identity}:
            raise StoreError(
                f"the target holds a copy of another store ({', '.join(sorted(sources))}); "
                "migrate into an empty database"
            )
        return rows, True
    if not _is_empty(target):
        raise StoreError("the target store is not empty; migrate into an empty database")
    with target.engine.begin() as connection:
        connection.execute(
            insert(migrate_progress),
            [
                {"table_name": t.name, "source": identity, "rows_copied": 0, "done": False}
                for t in copied_tables()
            ],
        )
    with target.engine.connect() as connection:
        rows = {r.table_name: r for r in connection.execute(select(migrate_progress))}
    return rows, False


def migrate_store(
    source_url: str,
    target_url: str,
    batch_rows: int = 5_000,
    progress: Progress | None = None,
) -> MigrationReport:
    """Copy the store at ``source_url`` into the (empty) store at ``target_url`` and check it.

    Run it again after an interruption to continue. Returns the comparison; ``report.ok``
    says whether the target matches.

    Raises:
        StoreError: a refused target, or backends this copy does not support.
    """
    source, target = open_store(source_url), open_store(target_url)
    try:
        if not isinstance(source, SQLStore) or not isinstance(target, SQLStore):
            raise StoreError("both stores must be SQL stores")
        if source.schema_version() != target.schema_version():
            raise StoreError("source and target are at different schema versions")
        state, resumed = _start(source_url, target)
        copied = 0
        for table in copied_tables():
            record = state[table.name]
            if record.done:
                continue
            copied += _copy_table(source, target, table, record, batch_rows, progress)
        target.fix_sequences()
        return _compare(source, target, resumed, copied)
    finally:
        source.close()
        target.close()


def _copy_table(
    source: SQLStore,
    target: SQLStore,
    table: Table,
    record: Any,
    batch_rows: int,
    progress: Progress | None,
) -> int:
    last_key = None if record.last_key is None else _decode_key(table, record.last_key)
    done_rows = int(record.rows_copied)
    copied = 0
    columns = list(table.primary_key.columns)
    where = migrate_progress.c.table_name == table.name
    for rows in _batches(source, table, last_key, batch_rows):
        key = _encode_key([rows[-1][c.name] for c in columns])
        done_rows += len(rows)
        with target.engine.begin() as connection:
            connection.execute(insert(table), rows)
            connection.execute(
                update(migrate_progress).where(where).values(last_key=key, rows_copied=done_rows)
            )
        copied += len(rows)
        if progress is not None:
            progress(table.name, done_rows)
    with target.engine.begin() as connection:
        connection.execute(update(migrate_progress).where(and_(where)).values(done=True))
    return copied


def _compare(source: SQLStore, target: SQLStore, resumed: bool, copied: int) -> MigrationReport:
    checks = []
    for table in copied_tables():
        source_rows, source_digest = table_digest(source, table)
        target_rows, target_digest = table_digest(target, table)
        checks.append(
            TableCheck(table.name, source_rows, target_rows, source_digest, target_digest)
        )
    return MigrationReport(
        tuple(checks), source.post_digest(), target.post_digest(), resumed, copied
    )
