"""Crawl workers (server mode): many processes, on one or many machines, share one store.

A worker loops: lease a due site from the store, crawl it once while renewing the lease, plan
its next run, release it, and lease the next. Leases expire, so the sites of a worker that dies
go to the others after at most one lease period, and the next worker resumes the crawl pass
where the dead one stopped (the frontier is in the store). No site is crawled by two workers at
once: a worker that fails to renew its lease (another took the site over) stops crawling it.

Each worker writes its own WARC files (named after the worker) into its own archive folder and
records them in the store with its host name, so ``verify`` can tell where each file lives.

Two clocks: the *crawl* clock (fetch times, schedules; simulated in tests and the demo) and the
*lease* clock, wall time shared by all workers, by which leases expire.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from forumwatch.clock import Clock, SystemClock
from forumwatch.crawl.crawler import CrawlProgress, SiteCrawlSummary
from forumwatch.crawl.run import CrawlTarget, crawl_sites_async
from forumwatch.crawl.schedule import next_due
from forumwatch.crawl.warc import WarcArchive
from forumwatch.models import Site
from forumwatch.store.base import Store
from forumwatch.workspace import Workspace

log = logging.getLogger(__name__)

LEASE_LOST = "lease_lost"


def default_worker_id() -> str:
    """``host-pid``: unique among the workers sharing a store."""
    return f"{socket.gethostname()}-{os.getpid()}"


def _file_safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")[:80] or "worker"


@dataclass(frozen=True)
class WorkerOptions:
    """How a worker behaves.

    Attributes:
        worker_id: the worker's name in leases and WARC file names.
        lease_seconds: how long a lease lasts unless renewed (renewed every third of it).
        every: interval between crawls of a healthy site.
        poll_seconds: pause when no site is free.
        exit_when_idle: stop once no site is due and none is being crawled (tests, cron jobs).
        max_sites: stop after crawling this many sites (None: no limit).
    """

    worker_id: str = field(default_factory=default_worker_id)
    lease_seconds: float = 300.0
    every: timedelta = timedelta(hours=6)
    poll_seconds: float = 10.0
    exit_when_idle: bool = False
    max_sites: int | None = None


class CrawlWorker:
    """One worker process's loop over leased sites.

    Args:
        workspace: the workspace (settings, archive folder; its store URL names the shared store).
        options: see :class:`WorkerOptions`.
        clock: the crawl clock.
        lease_clock: wall time for leases (the system clock unless a test says otherwise).
        progress: live progress of each crawl.
        sleep: waits a number of seconds.
    """

    def __init__(
        self,
        workspace: Workspace,
        options: WorkerOptions,
        clock: Clock,
        lease_clock: Clock | None = None,
        progress: CrawlProgress | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.workspace = workspace
        self.options = options
        self.clock = clock
        self.lease_clock = lease_clock or SystemClock()
        self.progress = progress
        self.sleep = sleep
        self.prefix = _file_safe(options.worker_id)
        self.enricher = workspace.enricher()

    def run(self) -> list[SiteCrawlSummary]:
        """Lease and crawl sites until idle (with ``exit_when_idle``) or ``max_sites``."""
        store = self.workspace.open_store()
        archive = self.workspace.archive(self.prefix)
        summaries: list[SiteCrawlSummary] = []
        try:
            while self.options.max_sites is None or len(summaries) < self.options.max_sites:
                site = store.lease_site(
                    self.options.worker_id,
                    self.lease_clock.now(),
                    self.options.lease_seconds,
                    due_at=self.clock.now(),
                )
                if site is None:
                    if self.options.exit_when_idle and not self._work_pending(store):
                        break
                    self.sleep(self.options.poll_seconds)
                    continue
                summaries.append(self._crawl_leased(store, archive, site))
                self._record_warc_files(store)
        finally:
            archive.close()
            self._record_warc_files(store)
            store.close()
        return summaries

    def _work_pending(self, store: Store) -> bool:
        """True while a live site is due: free, leased by a live worker, or by a dead one."""
        now = self.clock.now()
        for site in store.list_sites():
            if site.defunct or site.id is None:
                continue
            planned = store.site_state(site.id).next_crawl_at
            if planned is None or planned <= now:
                return True
        return False

    def _crawl_leased(self, store: Store, archive: WarcArchive, site: Site) -> SiteCrawlSummary:
        assert site.id is not None
        worker_id = self.options.worker_id
        log.info("worker %s leased %s", worker_id, site.name)
        started_at = self.clock.now()
        target = CrawlTarget(store, archive, self.workspace.settings)
        try:
            summary = asyncio.run(self._crawl_renewing(target, site))
            if summary.status != LEASE_LOST:
                state = store.site_state(site.id)
                first_retry = timedelta(minutes=self.workspace.settings.down_retry_minutes)
                when, runs = next_due(
                    started_at,
                    summary.status,
                    state.unavailable_runs,
                    self.options.every,
                    min(first_retry, self.options.every),
                )
                store.set_crawl_schedule(site.id, when, runs)
        finally:
            store.release_site(site.id, worker_id, self.lease_clock.now())
        return summary

    async def _crawl_renewing(self, target: CrawlTarget, site: Site) -> SiteCrawlSummary:
        """Crawl ``site`` once, renewing its lease; stop if the lease is lost."""
        assert site.id is not None
        site_id = site.id
        store = target.store
        crawl = asyncio.ensure_future(
            crawl_sites_async(target, [site], self.clock, self.progress, self.enricher)
        )
        interval = max(0.05, self.options.lease_seconds / 3)
        while True:
            done, _ = await asyncio.wait({crawl}, timeout=interval)
            if done:
                [summary] = crawl.result()
                return summary
            renewed = await asyncio.to_thread(
                store.renew_lease,
                site_id,
                self.options.worker_id,
                self.lease_clock.now(),
                self.options.lease_seconds,
            )
            # Recorded while crawling too, so a worker that dies has named its files.
            await asyncio.to_thread(self._record_warc_files, store)
            if not renewed:
                log.warning("worker %s lost its lease on %s", self.options.worker_id, site.name)
                crawl.cancel()
                await asyncio.gather(crawl, return_exceptions=True)
                return SiteCrawlSummary(
                    site.name, status=LEASE_LOST, detail="another worker took the site over"
                )

    def _record_warc_files(self, store: Store) -> None:
        folder = self.workspace.warc_dir
        if not folder.is_dir():
            return
        names = sorted(p.name for p in folder.glob(f"{self.prefix}-*.warc.gz"))
        store.record_warc_files(
            self.options.worker_id, str(folder.resolve()), names, self.lease_clock.now()
        )


def run_worker(
    workspace: Workspace,
    options: WorkerOptions,
    clock: Clock,
    progress: CrawlProgress | None = None,
) -> list[SiteCrawlSummary]:
    """Run one crawl worker on ``workspace``'s store until it stops (see :class:`CrawlWorker`)."""
    return CrawlWorker(workspace, options, clock, progress=progress).run()
