"""The statements whose SQL differs between backends, as the portable store code uses them.

:class:`Dialect` is implemented by ``SQLiteDialect`` (:mod:`forumwatch.store.sqlite`) and
``PostgresDialect`` (:mod:`forumwatch.store.postgres`), the only places with dialect-specific
SQL. Its bulk methods write many rows in a few statements without SQLAlchemy's per-row work
(measured: ~10 us of Core processing per executemany row, more than SQLite's own insert); the
values still go through the columns' types (:func:`bind_processors`), so a row reads back
exactly as a Core INSERT would have stored it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Connection, Table
from sqlalchemy.engine import Dialect as SQLDialect
from sqlalchemy.sql.dml import Insert
from sqlalchemy.sql.elements import ColumnElement


@dataclass(frozen=True, slots=True)
class Conflict:
    """What a bulk INSERT does with a row whose ``columns`` match a stored row's: skip the row,
    or (with ``add``) add its ``add`` column to the stored row's."""

    columns: tuple[str, ...]
    add: str | None = None


Rows = Sequence[Sequence[Any]]
"""Rows of values, each in the order of the column names given with them."""


class Dialect(Protocol):
    """The statements whose SQL differs between backends."""

    def insert_ignore(self, table: Table, conflict_columns: Sequence[str]) -> Insert:
        """INSERT that silently skips rows conflicting on ``conflict_columns``."""
        ...

    def insert_add(self, table: Table, conflict_columns: Sequence[str], column: str) -> Insert:
        """INSERT that, on conflict, adds the new row's ``column`` to the existing one."""
        ...

    def insert_rows(
        self,
        connection: Connection,
        table: Table,
        columns: Sequence[str],
        rows: Rows,
        conflict: Conflict | None = None,
        returning: Sequence[str] = (),
    ) -> list[tuple[Any, ...]]:
        """Insert many rows in a few statements, without SQLAlchemy's per-row work.

        Values go through the columns' types (as a Core INSERT would store them); returns the
        ``returning`` columns of the rows written (rows skipped on conflict are left out).
        """
        ...

    def update_rows(
        self,
        connection: Connection,
        table: Table,
        keys: Sequence[str],
        columns: Sequence[str],
        rows: Rows,
        added: Sequence[str] = (),
    ) -> None:
        """Update many rows, each matched on ``keys``; rows hold the key values, then the
        ``columns`` values. Columns named in ``added`` are added to, not replaced."""
        ...

    def month_start(self, day: ColumnElement[Any]) -> ColumnElement[Any]:
        """The first day of ``day``'s month (a date, or its ISO text where dates are text)."""
        ...

    def add_counts(
        self,
        connection: Connection,
        table: Table,
        columns: Sequence[str],
        rows: Rows,
        conflict: Conflict,
        group_by: Sequence[str],
    ) -> list[tuple[Any, ...]]:
        """Upsert-with-add many counters (``conflict.add`` is the counter column); return how
        many rows were created (did not exist before), per value of the ``group_by`` columns:
        ``(*group values, created)``, groups with none created left out."""
        ...


def bind_processors(
    dialect: SQLDialect, table: Table, columns: Sequence[str]
) -> list[Callable[[Any], Any] | None]:
    """How each column's type turns a Python value into a driver value (None: as is)."""
    return [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in columns]


def result_processors(
    dialect: SQLDialect, table: Table, columns: Sequence[str]
) -> list[Callable[[Any], Any] | None]:
    """How each column's type turns a driver value into a Python value (None: as is)."""
    return [
        table.c[name].type.dialect_impl(dialect).result_processor(dialect, None) for name in columns
    ]


def process_rows(
    rows: Rows, processors: Sequence[Callable[[Any], Any] | None]
) -> list[tuple[Any, ...]]:
    """``rows`` as tuples, each value through its column's processor.

    Results are remembered per column within the call: times and days repeat a lot in a batch
    (a page's capture time, a rollup's day), and a processor costs a microsecond or two.
    """
    active: list[tuple[int, Callable[[Any], Any], dict[Any, Any]]] = [
        (index, p, {}) for index, p in enumerate(processors) if p is not None
    ]
    if not active:
        return [tuple(row) for row in rows]
    out = []
    for row in rows:
        values = list(row)
        for index, processor, seen in active:
            value = values[index]
            try:
                values[index] = seen[value]
            except KeyError:
                values[index] = seen[value] = processor(value)
            except TypeError:  # not hashable
                values[index] = processor(value)
        out.append(tuple(values))
    return out
