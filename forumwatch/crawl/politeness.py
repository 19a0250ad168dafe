"""Politeness towards one site: a cap on requests in flight, a pause between requests, back-off
with jitter after errors, and a budget of retries per run.

Hidden services are slow and their admins ban noisy clients. A ``429`` or ``503`` pauses the
whole site (every slot), not just the URL that got it, for the back-off or the server's
``Retry-After``, whichever is longer (capped). Network errors pause only the URL being retried.
Pauses are real waiting time (``asyncio.sleep``); the injected clock only dates the fetch log.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from forumwatch.crawl.profile import CrawlPolicy

SITE_WIDE_PAUSE = frozenset({"http_429", "http_503"})
"""Answers that mean 'slow down' for the whole site."""


class Politeness:
    """The pacing of one site during one run.

    Args:
        policy: the site's effective crawl policy.
        rng: the source of jitter (seeded per site, so runs are reproducible).
        sleep: how to wait (tests hand in a fake).
        monotonic: a monotonic time source in seconds.
    """

    def __init__(
        self,
        policy: CrawlPolicy,
        rng: random.Random | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.policy = policy
        self.rng = rng or random.Random(0)
        self.sleep = sleep
        self.monotonic = monotonic
        self._slots = asyncio.Semaphore(max(1, policy.concurrency))
        self._paused_until = 0.0
        self.retries_used = 0
        self.pauses: list[float] = []

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one of the site's request slots; waits out any site-wide pause first.

        After the request the slot is kept for ``delay_seconds``, so each slot sends at most
        one request per delay.
        """
        async with self._slots:
            await self._wait_for_pause()
            try:
                yield
            finally:
                if self.policy.delay_seconds > 0:
                    await self.sleep(self.policy.delay_seconds)

    async def _wait_for_pause(self) -> None:
        while True:
            remaining = self._paused_until - self.monotonic()
            if remaining <= 0:
                return
            await self.sleep(remaining)

    def backoff(self, attempt: int, retry_after: float | None = None) -> float:
        """The pause before attempt ``attempt + 1``: doubling, jittered, capped; at least
        the server's ``Retry-After`` when it gave one (within the cap)."""
        base = self.policy.backoff_seconds * (2**attempt)
        pause = base * (0.5 + self.rng.random())
        if retry_after is not None:
            pause = max(pause, retry_after)
        return float(min(pause, self.policy.max_backoff_seconds))

    def may_retry(self) -> bool:
        """True while the run's retry budget lasts (and counts the retry)."""
        budget = self.policy.retry_budget
        if budget > 0 and self.retries_used >= budget:
            return False
        self.retries_used += 1
        return True

    async def after_failure(
        self, error_class: str, attempt: int, retry_after: float | None = None
    ) -> None:
        """Wait before retrying a failed URL; a 429/503 pauses every slot of the site."""
        pause = self.backoff(attempt, retry_after)
        self.pauses.append(pause)
        if error_class in SITE_WIDE_PAUSE:
            self._paused_until = max(self._paused_until, self.monotonic() + pause)
            await self._wait_for_pause()
        else:
            await self.sleep(pause)
