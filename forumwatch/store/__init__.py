"""Storage: the Store protocol and its backends.

Open a store with :func:`open_store`; the URL's scheme picks the backend.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.exc import OperationalError

from forumwatch.errors import StoreError
from forumwatch.store.base import Store
from forumwatch.store.records import IngestItem, IngestResult

__all__ = ["IngestItem", "IngestResult", "Store", "open_store"]


def open_store(url: str) -> Store:
    """Open (and migrate) the store at ``url``.

    ``sqlite:///path/to/file.db`` (the default backend) or, in server mode,
    ``postgresql://user@host:5432/database`` (also spelt ``postgresql+psycopg://``).

    Raises:
        StoreError: unknown scheme or unusable location.
    """
    if url.startswith("sqlite:///"):
        from forumwatch.store.sqlite import SQLiteStore

        return SQLiteStore(Path(url.removeprefix("sqlite:///")))
    if url.startswith(("postgresql://", "postgresql+psycopg://", "postgres://")):
        try:
            from forumwatch.store.postgres import PostgresStore
        except ImportError as error:
            raise StoreError(
                "the PostgreSQL backend needs psycopg: pip install 'forumwatch[postgres]'"
            ) from error
        try:
            return PostgresStore(url)
        except OperationalError as error:
            raise StoreError(f"cannot open the PostgreSQL store: {error.orig}") from error
    raise StoreError(
        f"unsupported store URL {url!r} (expected sqlite:///PATH or postgresql://HOST/DB)"
    )
