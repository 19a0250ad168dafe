"""Injected time.

Nothing in the pipeline reads the wall clock directly: the crawler, the fetch log, relative dates
("Yesterday") and the analysis take their 'now' from a :class:`Clock`. The simulator drives a
:class:`SimulatedClock` so that months of monitoring replay in seconds.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Something that tells the current time, always timezone-aware in UTC."""

    def now(self) -> datetime:
        """Return the current time (aware, UTC)."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        """Return the wall-clock time in UTC."""
        return datetime.now(UTC)


class SimulatedClock:
    """A clock that only moves when told to; thread-safe.

    Args:
        start: the initial time; naive values are taken as UTC.
    """

    def __init__(self, start: datetime) -> None:
        self._lock = threading.Lock()
        self._now = as_utc(start)

    def now(self) -> datetime:
        """Return the simulated time."""
        with self._lock:
            return self._now

    def set(self, when: datetime) -> None:
        """Move the clock to ``when`` (forwards or backwards)."""
        with self._lock:
            self._now = as_utc(when)

    def advance(self, delta: timedelta) -> datetime:
        """Move the clock forwards by ``delta`` and return the new time."""
        with self._lock:
            self._now = self._now + delta
            return self._now


def as_utc(when: datetime) -> datetime:
    """Return ``when`` as an aware UTC datetime; naive values are taken as UTC."""
    if when.tzinfo is None:
        return when.replace(tzinfo=UTC)
    return when.astimezone(UTC)
