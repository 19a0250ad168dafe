"""Crawling on a schedule (``forumwatch crawl --every 6h``), with down sites retried gently.

Each site is due ``every`` after the start of its last run. A run that found the site down
(status ``unavailable``) makes it due again after ``down_retry_minutes``, doubling with every
further such run up to ``every``: 15 min, 30 min, 1 h, 2 h ... A site that is down is thus
tried on a schedule, never hammered, and each try lands in the fetch log. The plan (next due
time, runs in a row found down) is kept in the store, so a restarted scheduler keeps it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from forumwatch.clock import Clock
from forumwatch.crawl.crawler import CrawlProgress, SiteCrawlSummary
from forumwatch.errors import ConfigError
from forumwatch.models import Site
from forumwatch.store.base import Store

DOWN = "unavailable"
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_interval(text: str) -> timedelta:
    """Read ``90s``, ``15m``, ``6h``, ``1d`` or ``1h30m``.

    Raises:
        ConfigError: anything else, or a zero interval.
    """
    compact = text.strip().lower().replace(" ", "")
    parts = re.findall(r"(\d+(?:\.\d+)?)([smhd])", compact)
    if not parts or "".join(n + u for n, u in parts) != compact:
        raise ConfigError(f"cannot read the interval {text!r} (e.g. 30m, 6h, 1d)")
    seconds = sum(float(number) * _UNITS[unit] for number, unit in parts)
    if seconds <= 0:
        raise ConfigError("the interval must be longer than zero")
    return timedelta(seconds=seconds)


def next_due(
    started_at: datetime,
    status: str,
    unavailable_runs: int,
    every: timedelta,
    first_retry: timedelta,
) -> tuple[datetime, int]:
    """When a site is next due after a run, and its new count of runs in a row found down."""
    if status != DOWN:
        return started_at + every, 0
    runs = unavailable_runs + 1
    delay = min(first_retry * (2 ** (runs - 1)), every)
    return started_at + delay, runs


CrawlOnce = Callable[[Sequence[str], CrawlProgress | None], list[SiteCrawlSummary]]


class Scheduler:
    """Runs the sites that are due, records when each is next due, and waits.

    Args:
        store: the store holding the sites and their plan.
        clock: the injected clock.
        crawl: crawls the named sites once (the workspace's :func:`crawl_workspace`).
        every: the interval between runs of a healthy site.
        first_retry: the first pause after a run that found a site down.
        sleep: waits a number of seconds (tests advance a simulated clock instead).
    """

    def __init__(
        self,
        store: Store,
        clock: Clock,
        crawl: CrawlOnce,
        every: timedelta,
        first_retry: timedelta,
        sleep: Callable[[float], None],
    ) -> None:
        self.store = store
        self.clock = clock
        self.crawl = crawl
        self.every = every
        self.first_retry = min(first_retry, every)
        self.sleep = sleep

    def sites(self, names: Sequence[str] | None) -> list[Site]:
        """The sites this scheduler runs: the named ones, or every non-defunct site."""
        if names:
            return [self.store.get_site(name) for name in names]
        return [site for site in self.store.list_sites() if not site.defunct]

    def due(self, names: Sequence[str] | None) -> list[Site]:
        """Sites due now."""
        now = self.clock.now()
        due = []
        for site in self.sites(names):
            assert site.id is not None
            planned = self.store.site_state(site.id).next_crawl_at
            if planned is None or planned <= now:
                due.append(site)
        return due

    def run_due(
        self, names: Sequence[str] | None, progress: CrawlProgress | None = None
    ) -> list[SiteCrawlSummary]:
        """Crawl the sites that are due now and plan their next runs."""
        due = self.due(names)
        if not due:
            return []
        started_at = self.clock.now()
        summaries = self.crawl([site.name for site in due], progress)
        for site, summary in zip(due, summaries, strict=True):
            assert site.id is not None
            state = self.store.site_state(site.id)
            when, runs = next_due(
                started_at, summary.status, state.unavailable_runs, self.every, self.first_retry
            )
            self.store.set_crawl_schedule(site.id, when, runs)
        return summaries

    def seconds_to_next(self, names: Sequence[str] | None) -> float:
        """Seconds until the next site is due (0 when one is due now)."""
        now = self.clock.now()
        plans = []
        for site in self.sites(names):
            assert site.id is not None
            planned = self.store.site_state(site.id).next_crawl_at
            plans.append(planned or now)
        if not plans:
            return self.every.total_seconds()
        return max(0.0, (min(plans) - now).total_seconds())

    def run_forever(
        self,
        names: Sequence[str] | None,
        progress: CrawlProgress | None = None,
        on_round: Callable[[list[SiteCrawlSummary]], None] | None = None,
        rounds: int | None = None,
    ) -> None:
        """Crawl due sites and wait, ``rounds`` times (None: until interrupted)."""
        done = 0
        while rounds is None or done < rounds:
            summaries = self.run_due(names, progress)
            if summaries:
                done += 1
                if on_round is not None:
                    on_round(summaries)
                if rounds is not None and done >= rounds:
                    return
            self.sleep(max(1.0, self.seconds_to_next(names)))
