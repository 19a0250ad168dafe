"""Storage: the Store protocol and its backends.

Open a store with :func:`open_store`; the URL's scheme picks the backend.
"""

from __future__ import annotations

from pathlib import Path

from forumwatch.errors import StoreError
from forumwatch.store.base import IngestItem, IngestResult, Store

__all__ = ["IngestItem", "IngestResult", "Store", "open_store"]


def open_store(url: str) -> Store:
    """Open (and migrate) the store at ``url``: ``sqlite:///path/to/file.db``.

    Raises:
        StoreError: unknown scheme or unusable location.
    """
    if url.startswith("sqlite:///"):
        from forumwatch.store.sqlite import SQLiteStore

        return SQLiteStore(Path(url.removeprefix("sqlite:///")))
    raise StoreError(f"unsupported store URL {url!r} (expected sqlite:///PATH)")
