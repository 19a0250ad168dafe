"""Series: values per UTC day, week or month that know what the crawl could see.

Every figure of the analysis is a :class:`Series` of :class:`SeriesPoint` values, one per
period, and carries its definition. A day is *observed* when the site was fetched successfully
(0 then means none), *unavailable* when every fetch failed (the value is None, never a
misleading 0), and *unmonitored* before the first crawl or in a gap between crawls too long to
tell (values there are what later crawls found, e.g. by backfill, but say nothing about
availability). A week or month is observed when any of its days is, unavailable when none is
observed and some are unavailable, and records how many of its days were unavailable.

Weeks start on Monday (ISO weeks); months on the 1st; periods are named by their first day.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum


class Granularity(StrEnum):
    """The length of a series' periods."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"


class DayState(StrEnum):
    """What the crawl knows about a site on one day (or period)."""

    OBSERVED = "observed"
    UNAVAILABLE = "unavailable"
    UNMONITORED = "unmonitored"


@dataclass(frozen=True, slots=True)
class SeriesPoint:
    """One period of a series.

    Attributes:
        day: the period's first day.
        value: the figure; None when the site was unavailable the whole period (or, for a
            share, when there was nothing to divide by).
        state: what the crawl knew about the period.
        unavailable_days: days of the period on which every fetch failed.
        base: for shares, the denominator behind ``value`` (None for counts).
    """

    day: date
    value: float | None
    state: DayState
    unavailable_days: int = 0
    base: float | None = None

    @property
    def start(self) -> date:
        """The period's first day (same as ``day``)."""
        return self.day


@dataclass(frozen=True, slots=True)
class Series:
    """A series with the definition that travels with its numbers.

    Attributes:
        name: short name ("posts: harbour").
        definition: what is counted, how, and what the states mean; shown with every chart.
        points: one per period, in order, with no gaps.
        granularity: day, week or month.
        unit: what the values count ("posts", "members", "share of posts" ...).
        scope: the filters that made the series (site, section, language, lexicon ...).
    """

    name: str
    definition: str
    points: tuple[SeriesPoint, ...]
    granularity: Granularity = Granularity.DAY
    unit: str = "posts"
    scope: Mapping[str, str] = field(default_factory=dict)

    def total(self) -> float:
        """Sum over the periods that have a value."""
        return sum(p.value for p in self.points if p.value is not None)

    def days(self, state: DayState) -> list[date]:
        """The periods (by first day) in a given state."""
        return [p.day for p in self.points if p.state is state]

    def values(self) -> list[float | None]:
        """The values in order."""
        return [p.value for p in self.points]

    def value_on(self, day: date) -> float | None:
        """The value of the period that starts on ``day`` (KeyError when there is none)."""
        for point in self.points:
            if point.day == day:
                return point.value
        raise KeyError(day)

    def as_dict(self) -> dict[date, float | None]:
        """Period start -> value."""
        return {p.day: p.value for p in self.points}


@dataclass(frozen=True, slots=True)
class Scope:
    """Which part of the store a series covers; None means "all".

    Attributes:
        site: a site name.
        section: a section of ``site``, by native id or exact title.
        language: sections whose language is this code (ISO 639-1): the section's own language
            when the site declares it, else the language most of its posts are written in.
        thread: a thread of ``site``, by native id.
    """

    site: str | None = None
    section: str | None = None
    language: str | None = None
    thread: str | None = None

    def describe(self) -> dict[str, str]:
        """The filters that are set, for a series' ``scope``."""
        return {
            name: value
            for name, value in (
                ("site", self.site),
                ("section", self.section),
                ("language", self.language),
                ("thread", self.thread),
            )
            if value is not None
        }


def period_start(day: date, granularity: Granularity) -> date:
    """The first day of the period that holds ``day``."""
    if granularity is Granularity.DAY:
        return day
    if granularity is Granularity.WEEK:
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def period_end(start: date, granularity: Granularity) -> date:
    """The last day of the period that starts on ``start``."""
    if granularity is Granularity.DAY:
        return start
    if granularity is Granularity.WEEK:
        return start + timedelta(days=6)
    return start.replace(day=calendar.monthrange(start.year, start.month)[1])


def periods(start: date, end: date, granularity: Granularity) -> list[date]:
    """First days of every period that overlaps ``start``..``end`` (inclusive)."""
    out: list[date] = []
    current = period_start(start, granularity)
    while current <= end:
        out.append(current)
        current = period_end(current, granularity) + timedelta(days=1)
    return out


def days_between(start: date, end: date) -> list[date]:
    """Every day from ``start`` to ``end`` inclusive."""
    return [start + timedelta(days=offset) for offset in range((end - start).days + 1)]


def combine_states(states: Iterable[DayState]) -> tuple[DayState, int]:
    """The state of a period from its days' states, and how many were unavailable."""
    seen = list(states)
    unavailable = sum(1 for s in seen if s is DayState.UNAVAILABLE)
    if any(s is DayState.OBSERVED for s in seen):
        return DayState.OBSERVED, unavailable
    if unavailable:
        return DayState.UNAVAILABLE, unavailable
    return DayState.UNMONITORED, 0


def build_series(
    name: str,
    definition: str,
    values: Mapping[date, float],
    states: Mapping[date, DayState],
    start: date,
    end: date,
    granularity: Granularity,
    unit: str = "posts",
    scope: Mapping[str, str] | None = None,
    summed: bool = True,
) -> Series:
    """A series over ``start``..``end`` from values and per-day states.

    ``values`` are keyed by day when ``summed`` (and summed into periods), or already by period
    start when not (distinct counts, which do not add up across days). Days missing from
    ``states`` count as unmonitored; a period with no observed day and some unavailable ones has
    no value.
    """
    per_period: dict[date, float] = {}
    if summed:
        for day, amount in values.items():
            if start <= day <= end:
                key = period_start(day, granularity)
                per_period[key] = per_period.get(key, 0) + amount
    else:
        per_period = dict(values)
    points = []
    for first in periods(start, end, granularity):
        last = min(period_end(first, granularity), end)
        state, unavailable = combine_states(
            states.get(day, DayState.UNMONITORED) for day in days_between(max(first, start), last)
        )
        value: float | None = per_period.get(first, 0)
        if state is DayState.UNAVAILABLE:
            value = None
        points.append(SeriesPoint(first, value, state, unavailable))
    return Series(name, definition, tuple(points), granularity, unit, dict(scope or {}))


def resample(series: Series, granularity: Granularity) -> Series:
    """A daily count series summed into weeks or months (states combined as documented).

    Only for additive counts: distinct members or shares must be read at the wanted
    granularity instead (their functions take ``granularity``).
    """
    if series.granularity is not Granularity.DAY:
        raise ValueError("only daily series can be resampled")
    if granularity is Granularity.DAY or not series.points:
        return series
    values = {p.day: p.value for p in series.points if p.value is not None}
    states = {p.day: p.state for p in series.points}
    rebuilt = build_series(
        series.name,
        series.definition,
        values,
        states,
        series.points[0].day,
        series.points[-1].day,
        granularity,
        series.unit,
        series.scope,
    )
    return rebuilt


def share_series(
    numerator: Series,
    denominator: Series,
    name: str,
    definition: str,
    unit: str = "share",
) -> Series:
    """``numerator / denominator`` period by period (None where the denominator is 0 or None).

    Both series must cover the same periods; the state is the denominator's.
    """
    if [p.day for p in numerator.points] != [p.day for p in denominator.points]:
        raise ValueError("a share needs two series over the same periods")
    points = []
    for top, bottom in zip(numerator.points, denominator.points, strict=True):
        value = None
        if top.value is not None and bottom.value:
            value = top.value / bottom.value
        points.append(replace(bottom, value=value, base=bottom.value))
    return Series(
        name, definition, tuple(points), denominator.granularity, unit, dict(denominator.scope)
    )


def map_values(series: Series, function: Callable[[float], float]) -> Series:
    """The series with ``function`` applied to every value that is not None."""
    return replace(
        series,
        points=tuple(
            replace(p, value=None if p.value is None else function(p.value)) for p in series.points
        ),
    )


def to_csv_rows(series: Sequence[Series]) -> list[list[str]]:
    """Rows for a CSV file: a header, then one row per series and period."""
    rows = [["series", "period_start", "granularity", "value", "state", "unavailable_days", "base"]]
    for one in series:
        for point in one.points:
            rows.append(
                [
                    one.name,
                    point.day.isoformat(),
                    str(one.granularity),
                    "" if point.value is None else f"{point.value:g}",
                    str(point.state),
                    str(point.unavailable_days),
                    "" if point.base is None else f"{point.base:g}",
                ]
            )
    return rows
