"""The report's charts, drawn from its data as inline SVG (see :mod:`forumwatch.report.charts`).

Every chart carries its definition next to it. Days a site was unavailable are shaded red,
unmonitored days grey, the reported period pale yellow; detected events are drawn as markers.
Sections of a site are small multiples on one shared scale rather than a dozen tangled lines.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from markupsafe import Markup

from forumwatch.analyse import activity, hosts, keywords, tags
from forumwatch.analyse.events import EventType
from forumwatch.analyse.series import DayState, Granularity, Series, resample
from forumwatch.report.charts import (
    Band,
    ChartSeries,
    ChartStyle,
    Marker,
    bar_chart,
    day_bands,
    line_chart,
)
from forumwatch.report.data import ReportData
from forumwatch.report.masking import defang_host

PERIOD_COLOUR = "#fff1b8"
UNMONITORED_COLOUR = "#e6e6e6"
HOST_DOWN_COLOUR = "#f9d2a7"
SMALL = ChartStyle(width=296, height=170, left=40, right=8, top=26, bottom=30, legend_columns=1)


@dataclass(frozen=True)
class Figure:
    """One chart with its title and definition."""

    title: str
    svg: Markup
    definition: str


@dataclass(frozen=True)
class SiteFigures:
    """A site's daily posts, and its busiest sections as small multiples."""

    name: str
    total: Figure
    sections: tuple[Figure, ...]
    other_sections: int
    posts_in_period: int


@dataclass
class ReportFigures:
    """Every chart of a report."""

    sites: list[SiteFigures] = field(default_factory=list)
    keywords: Figure | None = None
    keyword_share: Figure | None = None
    link_index: Figure | None = None
    hosts: Figure | None = None
    tags: Figure | None = None
    languages: Figure | None = None


def _scope(data: ReportData) -> str:
    sites = data.request.sites
    return ", ".join(sites) if sites else "all sites"


def _line(series: Series, label: str | None = None) -> ChartSeries:
    return ChartSeries(label or series.name, [(p.day, p.value) for p in series.points])


def _state_bands(series: Series, data: ReportData) -> list[Band]:
    bands = [Band(data.request.start, data.request.end, "reported period", PERIOD_COLOUR)]
    bands += day_bands(
        series.days(DayState.UNMONITORED), "not monitored", colour=UNMONITORED_COLOUR
    )
    bands += day_bands(series.days(DayState.UNAVAILABLE), "site unavailable (every fetch failed)")
    return bands


def _site_markers(data: ReportData, site: str, section: str | None = None) -> list[Marker]:
    markers = []
    for finding in data.findings:
        event = finding.event
        if event.site != site or event.type is EventType.SITE_UNAVAILABLE:
            continue
        if event.type not in (EventType.ACTIVITY_SPIKE, EventType.ACTIVITY_DROP):
            continue
        if section is not None and event.section != section:
            continue
        word = "rise" if event.type is EventType.ACTIVITY_SPIKE else "fall"
        where = f": {event.section}" if event.section and section is None else ""
        markers.append(Marker(event.start, word + where))
    return markers


def site_figures(data: ReportData) -> list[SiteFigures]:
    """Per site: the daily total with events, then its sections on one shared scale."""
    out = []
    for site in data.sites:
        total = Figure(
            f"{site.name}: posts per day",
            Markup(
                line_chart(
                    f"{site.name}: posts per day",
                    [_line(site.total, "all sections")],
                    bands=_state_bands(site.total, data),
                    markers=_site_markers(data, site.name),
                    y_label="posts",
                    style=ChartStyle(legend_columns=1, height=250),
                )
            ),
            site.total.definition,
        )
        top = max((p.value or 0 for s in site.sections for p in s.points), default=1.0)
        sections = []
        for series in site.sections:
            svg = line_chart(
                series.name,
                [ChartSeries("", [(p.day, p.value) for p in series.points])],
                bands=_state_bands(series, data),
                markers=[
                    Marker(m.day, m.label) for m in _site_markers(data, site.name, series.name)
                ],
                style=SMALL,
                y_max=top,
            )
            sections.append(Figure(series.name, Markup(svg), series.definition))
        out.append(
            SiteFigures(
                site.name, total, tuple(sections), site.other_sections, site.posts_in_period
            )
        )
    return out


def _keywords(data: ReportData) -> tuple[Figure | None, Figure | None]:
    if not data.keywords:
        return None, None
    markers = []
    for finding in data.findings:
        event = finding.event
        if event.type is EventType.KEYWORD_WAVE:
            lexicon = str(event.evidence.get("lexicon", ""))
            markers.append(Marker(event.start, f"{lexicon}: onset"))
            peak = event.evidence.get("peak_day")
            if peak:
                markers.append(Marker(date.fromisoformat(str(peak)), "peak"))
    lines = [_line(s, s.name.removeprefix("mentions of ").split(": ")[0]) for s in data.keywords]
    mentions = Figure(
        "Posts mentioning each watch lexicon, per day",
        Markup(
            line_chart(
                "Posts mentioning each watch lexicon, per day",
                lines,
                bands=_state_bands(data.keywords[0], data),
                markers=markers,
                y_label="posts",
            )
        ),
        keywords.MENTIONS_DEFINITION.format(
            period="day", what="each watch lexicon", scope=_scope(data)
        ),
    )
    share = None
    if data.keyword_shares:
        first = data.keyword_shares[0]
        share = Figure(
            "Share of posts mentioning each watch lexicon, per week",
            Markup(
                line_chart(
                    "Share of posts mentioning each watch lexicon, per week",
                    [_line(s, s.scope.get("lexicon", s.name)) for s in data.keyword_shares],
                    y_label="share of posts",
                    percent=True,
                    bands=[Band(data.request.start, data.request.end, "period", PERIOD_COLOUR)],
                )
            ),
            first.definition,
        )
    return mentions, share


def month_label(first: date, end: date) -> str:
    """``Mar 2020``, with ``(to 18th)`` when the period ends inside the month."""
    last_day = calendar.monthrange(first.year, first.month)[1]
    label = f"{first:%b %Y}"
    if end < first.replace(day=last_day):
        label += f" (to {end.day})"
    return label


def full_weeks(series: Series, data: ReportData) -> Series:
    """A weekly series without its partial first and last weeks (a partial week would read as
    a fall), unless that leaves fewer than four weeks."""
    first, last = data.chart_start, data.request.end
    kept = tuple(p for p in series.points if p.day >= first and p.day + timedelta(days=6) <= last)
    return replace(series, points=kept) if len(kept) >= 4 else series


def _link_index(data: ReportData) -> Figure | None:
    index = data.link_index
    if index is None:
        return None
    bars = [(month_label(row.period, data.request.end), float(row.total)) for row in index.rows]
    title = f"New {index.network} {index.media_class} links per month (link index)"
    return Figure(
        title,
        Markup(bar_chart(title, bars, y_label="links")),
        index.definition,
    )


def _hosts(data: ReportData) -> Figure | None:
    if not data.hosts:
        return None
    weekly = [full_weeks(resample(s, Granularity.WEEK), data) for s in data.hosts]
    lines = []
    for series in weekly:
        host = series.name.removeprefix("links to ").split(": ")[0]
        lines.append(_line(series, defang_host(host)))
    bands = [Band(data.request.start, data.request.end, "reported period", PERIOD_COLOUR)]
    markers = []
    for mark in data.host_marks:
        markers.append(Marker(mark.day, f"{defang_host(mark.host)} {mark.label}"))
        if mark.down_until is not None:
            bands.append(Band(mark.day, mark.down_until, f"{mark.host} down", HOST_DOWN_COLOUR))
    title = "Links per host, per week"
    return Figure(
        title,
        Markup(
            line_chart(
                title,
                lines,
                bands=bands,
                markers=markers,
                y_label="links",
                style=ChartStyle(height=300, legend_columns=3),
            )
        ),
        hosts.HOST_DEFINITION.format(
            what="each host (registrable domain)", period="week", scope=_scope(data)
        )
        + " Weeks start on Monday. Orange: the host was down (links collapsed and members "
        "complained); markers: detected downtime and migrations.",
    )


def _shares(series: Sequence[Series], title: str, definition: str) -> Figure | None:
    if not series:
        return None
    return Figure(
        title,
        Markup(
            line_chart(
                title,
                [_line(s) for s in series],
                y_label="share",
                percent=True,
                style=ChartStyle(legend_columns=2),
            )
        ),
        definition,
    )


def _languages(data: ReportData) -> Figure | None:
    if not data.languages:
        return None
    title = "Posts per week in sections of each language"
    return Figure(
        title,
        Markup(
            line_chart(
                title,
                [_line(full_weeks(s, data), s.name) for s in data.languages],
                bands=[Band(data.request.start, data.request.end, "period", PERIOD_COLOUR)],
                y_label="posts",
                style=ChartStyle(legend_columns=5),
            )
        ),
        activity.POSTS_DEFINITION.format(period="week", scope=_scope(data))
        + " Sections are grouped by language: the one declared, else that of most of their "
        "posts.",
    )


def _constant(series: Series) -> bool:
    """True for a share that is (nearly) always 100%: a tag every thread of a section has."""
    values = [p.value for p in series.points if p.value is not None]
    return bool(values) and min(values) >= 0.95


def report_figures(data: ReportData) -> ReportFigures:
    """Every chart of the report."""
    mentions, share = _keywords(data)
    tags_definition = tags.SHARE_DEFINITION.format(
        period="month", tag="(named in the legend)", scope="the section named in the legend"
    )
    return ReportFigures(
        sites=site_figures(data),
        keywords=mentions,
        keyword_share=share,
        link_index=_link_index(data),
        hosts=_hosts(data),
        tags=_shares(
            [s for s in data.tag_shares if not _constant(s)],
            "Share of new threads carrying a tag, per month",
            tags_definition,
        ),
        languages=_languages(data),
    )
