"""Activity series that know when the site was down.

A day is *observed* when the site was fetched successfully (0 then means no posts),
*unavailable* when every fetch that day failed, and *unmonitored* before the first crawl, after
the last one, or in a gap between crawls too long to tell. Post counts come from the rollups,
so a series costs the same whatever the size of the store.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from forumwatch.store.base import Store
from forumwatch.store.rollups import POSTS


POSTS_PER_DAY_DEFINITION = (
    "Posts per UTC day by the post's own time stamp. Unavailable days (every fetch of the "
    "site failed) carry no value; unmonitored days (before the first crawl or in long gaps "
    "between crawls) carry the posts found later but say nothing about availability."
)


class DayState(StrEnum):
    """What the crawl knows about a site on one day."""

    OBSERVED = "observed"
    UNAVAILABLE = "unavailable"
    UNMONITORED = "unmonitored"


@dataclass(frozen=True, slots=True)
class SeriesPoint:
    """One day of a series. ``value`` is None on unavailable days: never a misleading 0."""

    day: date
    value: int | None
    state: DayState


@dataclass(frozen=True, slots=True)
class Series:
    """A daily series with the definition that travels with its numbers."""

    name: str
    definition: str
    points: tuple[SeriesPoint, ...]

    def total(self) -> int:
        """Sum over the days that have a value."""
        return sum(p.value for p in self.points if p.value is not None)

    def days(self, state: DayState) -> list[date]:
        """The days in a given state."""
        return [p.day for p in self.points if p.state is state]


def days_between(start: date, end: date) -> list[date]:
    """Every day from ``start`` to ``end`` inclusive."""
    return [start + timedelta(days=offset) for offset in range((end - start).days + 1)]


def availability(
    store: Store, site_id: int, start: date, end: date, max_gap_days: int = 2
) -> dict[date, DayState]:
    """The state of every day from ``start`` to ``end`` for one site, from the fetch log."""
    # Look a little beyond the period so gap days at its edges can see their neighbours.
    margin = timedelta(days=max_gap_days + 1)
    fetched: dict[date, DayState] = {}
    for row in store.fetch_days(site_id, start - margin, end + margin):
        fetched[row.day] = DayState.OBSERVED if row.succeeded > 0 else DayState.UNAVAILABLE
    known = sorted(fetched)
    states: dict[date, DayState] = {}
    for day in days_between(start, end):
        if day in fetched:
            states[day] = fetched[day]
            continue
        before = [d for d in known if d < day]
        after = [d for d in known if d > day]
        if not before or not after or (after[0] - before[-1]).days > max_gap_days:
            states[day] = DayState.UNMONITORED
        elif fetched[before[-1]] == fetched[after[0]]:
            states[day] = fetched[before[-1]]
        else:
            states[day] = DayState.UNMONITORED
    return states


def posts_per_day(
    store: Store,
    site_id: int,
    start: date,
    end: date,
    section_ids: Sequence[int] | None = None,
    max_gap_days: int = 2,
    name: str = "posts",
) -> Series:
    """Posts per UTC day for a site (or some of its sections), availability-aware."""
    counts: dict[date, int] = defaultdict(int)
    for row in store.daily_counts(POSTS, start, end, site_ids=[site_id], section_ids=section_ids):
        counts[row.day] += row.value
    states = availability(store, site_id, start, end, max_gap_days)
    points = tuple(
        SeriesPoint(
            day,
            None if states[day] is DayState.UNAVAILABLE else counts.get(day, 0),
            states[day],
        )
        for day in days_between(start, end)
    )
    return Series(name, POSTS_PER_DAY_DEFINITION, points)


def posts_per_day_by_section(
    store: Store, site_id: int, start: date, end: date, max_gap_days: int = 2
) -> dict[int, Series]:
    """One availability-aware posts-per-day series for each section of a site."""
    states = availability(store, site_id, start, end, max_gap_days)
    per_section: dict[int, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for row in store.daily_counts(POSTS, start, end, site_ids=[site_id]):
        per_section[row.section_id][row.day] += row.value
    result: dict[int, Series] = {}
    for section in store.sections(site_id):
        counts = per_section.get(section.id, {})
        result[section.id] = Series(
            section.title,
            "Posts per UTC day in this section.",
            tuple(
                SeriesPoint(
                    day,
                    None if states[day] is DayState.UNAVAILABLE else counts.get(day, 0),
                    states[day],
                )
                for day in days_between(start, end)
            ),
        )
    return result
