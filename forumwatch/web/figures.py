"""Series and events as the pages show them: inline SVG charts (no script), periods, events.

Charts come from :mod:`forumwatch.report.charts`, which escapes every label; the SVG is marked
safe only here. Events are detected over the page's period and kept for a few minutes, since
detection reads every series of the store.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from markupsafe import Markup
from starlette.requests import Request

from forumwatch.analyse.events import Event, detect_events
from forumwatch.analyse.series import DayState, Series
from forumwatch.report.charts import ChartSeries, ChartStyle, Marker, day_bands, line_chart
from forumwatch.store.base import Store

DEFAULT_DAYS = 90
MAX_DAYS = 3 * 366
EVENT_CACHE_SECONDS = 600.0


def chart(
    title: str,
    series: Sequence[Series],
    events: Sequence[Event] = (),
    y_label: str = "",
    labels: Sequence[str] | None = None,
) -> Markup:
    """A line chart of the series; the first one's unavailable and unmonitored days shaded,
    events marked. The SVG is built by report.charts, which escapes every label."""
    lines = [
        ChartSeries(
            labels[index] if labels is not None else s.name,
            [(p.day, p.value) for p in s.points],
        )
        for index, s in enumerate(series)
    ]
    bands = []
    if series:
        bands = day_bands(
            series[0].days(DayState.UNAVAILABLE), "site unavailable (every fetch failed)"
        )
        bands += day_bands(series[0].days(DayState.UNMONITORED), "not monitored", "#e6e6e6")
    markers = [Marker(e.start, e.type.value.replace("_", " ")) for e in events[:12]]
    svg = line_chart(
        title, lines, bands, markers, y_label=y_label, style=ChartStyle(width=960, height=300)
    )
    # Safe: report.charts escapes every label it writes into the SVG.
    return Markup(svg)


def parse_day(value: str | None) -> date | None:
    """A ``YYYY-MM-DD`` query parameter, or None when absent or malformed."""
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def period(request: Request, last: date | None, days: int = DEFAULT_DAYS) -> tuple[date, date]:
    """The page's period: ``start``/``end`` parameters, else the ``days`` up to ``last``."""
    end = parse_day(request.query_params.get("end")) or last or date.today()
    start = parse_day(request.query_params.get("start")) or end - timedelta(days=days - 1)
    if start > end:
        start, end = end, start
    if (end - start).days > MAX_DAYS:
        start = end - timedelta(days=MAX_DAYS)
    return start, end


def events_between(store: Store, start: date, end: date) -> list[Event]:
    """Every detected event of the period (the analysis' detectors, default settings)."""
    return detect_events(store, start, end)


def events_of(
    events: Sequence[Event], site: str | None = None, section: str | None = None
) -> list[Event]:
    """The events about a site (and section), store-wide host events included for a site."""
    out = []
    for event in events:
        if site is not None and event.site not in (site, None):
            continue
        if section is not None and event.section != section:
            continue
        out.append(event)
    return out


def state_cells(states: Mapping[date, DayState]) -> list[tuple[date, str]]:
    """(day, state) in day order, for availability strips."""
    return [(day, states[day].value) for day in sorted(states)]
