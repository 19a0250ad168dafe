"""The single writer: every write of a crawl goes through one thread, in batches.

SQLite allows one writer at a time; funnelling writes through one thread avoids lock contention
and lets pages that arrive together share a transaction. Callers ``await`` their write and only
then treat the page as stored, so a crash never leaves the crawler believing in a write that
did not happen.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import TypeVar

from forumwatch.models import Fetch
from forumwatch.store.base import Store
from forumwatch.store.records import IngestItem, IngestResult, ThreadProgress

_T = TypeVar("_T")
# Event-loop turns a flush waits for more pages before it takes a batch.
LINGER_TURNS = 4


class StoreWriter:
    """Serialises writes to a store on one background thread.

    Args:
        store: the store to write to.
        batch_pages: most pages committed in one transaction.
    """

    def __init__(self, store: Store, batch_pages: int = 8) -> None:
        self.store = store
        self.batch_pages = max(1, batch_pages)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store-writer")
        self._pending: list[tuple[IngestItem, asyncio.Future[IngestResult]]] = []
        self._flushing = False

    async def _run(self, function: object, *args: object) -> object:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, function, *args)  # type: ignore[arg-type]

    async def record_fetch(self, site_id: int, fetch: Fetch) -> int:
        """Log a fetch that produced no page to store (a failure, a refused response)."""
        result = await self._run(self.store.record_fetch, site_id, fetch)
        assert isinstance(result, int)
        return result

    async def ingest(self, item: IngestItem) -> IngestResult:
        """Store one page (and its fetch); returns once it is committed."""
        future: asyncio.Future[IngestResult] = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        if not self._flushing:
            self._flushing = True
            asyncio.get_running_loop().create_task(self._flush())
        return await future

    async def _flush(self) -> None:
        try:
            while self._pending:
                # Let pages that are being parsed right now join the batch: a batch's
                # cost is largely per statement, whatever the number of pages in it.
                for _ in range(LINGER_TURNS):
                    if len(self._pending) >= self.batch_pages:
                        break
                    await asyncio.sleep(0)
                batch = self._pending[: self.batch_pages]
                del self._pending[: self.batch_pages]
                try:
                    result = await self._run(self.store.ingest, [item for item, _ in batch])
                except Exception as error:  # noqa: BLE001 - handed to every waiting caller
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(error)
                    continue
                assert isinstance(result, IngestResult)
                # The batch's total goes to the first caller; the others get zeros, so sums
                # over callers equal what was stored.
                for index, (_, future) in enumerate(batch):
                    if not future.done():
                        future.set_result(result if index == 0 else IngestResult())
        finally:
            self._flushing = False

    async def thread_progress(
        self, site_id: int, native_ids: Sequence[str]
    ) -> dict[str, ThreadProgress]:
        """Read thread progress on the writer's thread, so it sees every write queued before."""
        result = await self._run(self.store.thread_progress, site_id, native_ids)
        assert isinstance(result, dict)
        return result

    async def mark_thread_crawled(
        self,
        site_id: int,
        native_id: str,
        replies: int | None,
        last_post_at: datetime | None,
        crawled_at: datetime,
    ) -> None:
        """Record that a thread is stored up to ``replies``."""
        await self._run(
            self.store.mark_thread_crawled, site_id, native_id, replies, last_post_at, crawled_at
        )

    async def set_site_status(
        self,
        site_id: int,
        status: str,
        detail: str | None = None,
        started_at: datetime | None = None,
        finished_at: datetime | None = None,
        complete_crawl_at: datetime | None = None,
    ) -> None:
        """Record a site's crawl state."""
        await self._run(
            self.store.set_site_status,
            site_id,
            status,
            detail,
            started_at,
            finished_at,
            complete_crawl_at,
        )

    async def call(self, function: Callable[..., _T], *args: object) -> _T:
        """Run any store method on the writer's thread, after every write queued before it."""
        result = await self._run(function, *args)
        return result  # type: ignore[return-value]

    def close(self) -> None:
        """Wait for queued writes and stop the thread."""
        self._executor.shutdown(wait=True)
