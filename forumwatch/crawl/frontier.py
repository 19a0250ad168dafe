"""The frontier of a crawl pass, kept in the store so that a killed crawl resumes.

A pass starts at the board index. Every URL it finds (listing pages, changed threads) is
written to the store *with* the finishing of the page that led to it, in one transaction; a
URL is marked done only after its page (and, for a thread, every page of it) is stored. So a
crawl killed at any moment finds, on restart, each URL either done (its data stored) or still
pending (fetched again; ingest is idempotent, so nothing is duplicated). Ends of passes clear
the frontier.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from forumwatch.models import PageKind, Thread
from forumwatch.store.records import CrawledThread, FrontierEntry, FrontierStep
from forumwatch.store.writer import StoreWriter

PENDING = "pending"
DONE = "done"
FAILED = "failed"


def thread_to_json(thread: Thread) -> str:
    """What a thread entry remembers of its listing row."""
    return json.dumps(
        {
            "native_id": thread.native_id,
            "title": thread.title,
            "url": thread.url,
            "section_native_id": thread.section_native_id,
            "replies": thread.replies,
            "last_post_at": thread.last_post_at.isoformat() if thread.last_post_at else None,
        },
        ensure_ascii=False,
    )


def thread_from_json(text: str) -> Thread:
    """The thread a frontier entry was made for."""
    data = json.loads(text)
    last = data.get("last_post_at")
    return Thread(
        native_id=str(data["native_id"]),
        title=str(data.get("title") or ""),
        url=str(data["url"]),
        section_native_id=data.get("section_native_id"),
        replies=data.get("replies"),
        last_post_at=datetime.fromisoformat(last) if last else None,
    )


@dataclass(frozen=True, slots=True)
class Work:
    """One unit of work taken from the frontier."""

    url: str
    kind: PageKind
    thread: Thread | None = None


class Frontier:
    """A site's pass: the URLs known to it, and their persistence through the store writer.

    Args:
        writer: the run's single store writer.
        site_id: the site.
    """

    def __init__(self, writer: StoreWriter, site_id: int) -> None:
        self.writer = writer
        self.site_id = site_id
        self.known: set[str] = set()
        self.failed = 0
        self.pending: list[Work] = []
        self._steps: list[FrontierStep] = []
        self._flushing: asyncio.Future[None] | None = None

    async def begin(self, started_at: datetime, index_url: str) -> None:
        """Open a new pass that starts at the board index."""
        await self.drain()
        self.known = {index_url}
        self.failed = 0
        self.pending = [Work(index_url, PageKind.INDEX)]
        entry = FrontierEntry(index_url, str(PageKind.INDEX))
        await self.writer.call(
            self.writer.store.begin_crawl_pass, self.site_id, started_at, [entry]
        )

    async def resume(self) -> bool:
        """Load the site's open pass; False when there is none (or nothing left in it)."""
        entries: list[FrontierEntry] = await self.writer.call(
            self.writer.store.frontier, self.site_id
        )
        self.known = {e.url for e in entries}
        self.failed = sum(1 for e in entries if e.state == FAILED)
        self.pending = [_work(e) for e in entries if e.state == PENDING]
        return bool(entries)

    def discover(self, work: Work) -> FrontierEntry | None:
        """Note a URL found on a page; None when the pass already knows it."""
        if work.url in self.known:
            return None
        self.known.add(work.url)
        return FrontierEntry(
            work.url,
            str(work.kind),
            thread_json=thread_to_json(work.thread) if work.thread is not None else None,
        )

    async def finish(
        self,
        work: Work,
        finished_at: datetime,
        discovered: Sequence[FrontierEntry] = (),
        error_class: str | None = None,
        thread: CrawledThread | None = None,
    ) -> None:
        """Record a URL as done (or failed, with its error), what it led to, and the thread it
        completed.

        Steps are written in batches, one transaction each, without waiting for the commit:
        a step lost to a crash only means its page is fetched (and ingested, idempotently)
        once more, and a step's discoveries are committed together with it.
        """
        state = FAILED if error_class else DONE
        if error_class:
            self.failed += 1
        self._steps.append(
            FrontierStep(work.url, state, finished_at, error_class, tuple(discovered), thread)
        )
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.ensure_future(self._flush())

    async def _flush(self) -> None:
        while self._steps:
            steps, self._steps = self._steps, []
            await self.writer.call(self.writer.store.advance_frontier_batch, self.site_id, steps)

    async def drain(self) -> None:
        """Wait until every finished step is committed."""
        while self._flushing is not None and not self._flushing.done():
            await self._flushing
        if self._steps:
            await self._flush()

    async def end(self) -> None:
        """Close the pass (after committing what is buffered)."""
        await self.drain()
        await self.writer.call(self.writer.store.end_crawl_pass, self.site_id)


def _work(entry: FrontierEntry) -> Work:
    kind = PageKind(entry.kind)
    thread = thread_from_json(entry.thread_json) if entry.thread_json else None
    return Work(entry.url, kind, thread)
