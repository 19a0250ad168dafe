"""The activity report: posts per day per site and section, with unavailable days shaded.

This is the report ``forumwatch demo`` ends with. It is one HTML file with inline SVG charts
and inline CSS, so it opens offline and can be mailed as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from forumwatch.analyse.activity import (
    POSTS_PER_DAY_DEFINITION,
    DayState,
    Series,
    posts_per_day,
    posts_per_day_by_section,
)
from forumwatch.report.charts import ChartSeries, ChartStyle, day_bands, line_chart
from forumwatch.store.base import Store

MAX_SECTION_LINES = 10


def template_environment() -> Environment:
    """The Jinja2 environment of report templates (autoescaping on for every template)."""
    return Environment(
        loader=PackageLoader("forumwatch.report", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


@dataclass(frozen=True)
class SiteActivity:
    """One site's part of the report."""

    name: str
    chart: Markup
    total_posts: int
    observed_days: int
    unavailable_days: list[date]
    unmonitored_days: int
    sections: list[tuple[str, int]]


def _chart_series(series: Series, label: str) -> ChartSeries:
    return ChartSeries(label, [(p.day, p.value) for p in series.points])


def site_activity(
    store: Store, site_id: int, name: str, start: date, end: date, max_gap_days: int
) -> SiteActivity:
    """Compute one site's series and chart."""
    total = posts_per_day(store, site_id, start, end, max_gap_days=max_gap_days, name=name)
    by_section = posts_per_day_by_section(store, site_id, start, end, max_gap_days)
    ranked = sorted(by_section.values(), key=lambda s: s.total(), reverse=True)
    lines = [_chart_series(total, "all sections")]
    lines += [_chart_series(s, s.name) for s in ranked[:MAX_SECTION_LINES] if s.total() > 0]
    unavailable = total.days(DayState.UNAVAILABLE)
    unmonitored = total.days(DayState.UNMONITORED)
    bands = day_bands(unavailable, "site unavailable (every fetch failed)")
    bands += day_bands(unmonitored, "not monitored", colour="#e6e6e6")
    chart = line_chart(
        f"{name}: posts per day",
        lines,
        bands=bands,
        y_label="posts",
        style=ChartStyle(legend_columns=3),
    )
    return SiteActivity(
        name=name,
        chart=Markup(chart),
        total_posts=int(total.total()),
        observed_days=len(total.days(DayState.OBSERVED)),
        unavailable_days=unavailable,
        unmonitored_days=len(unmonitored),
        sections=[(s.name, int(s.total())) for s in ranked if s.total() > 0],
    )


def write_activity_report(
    store: Store,
    folder: Path,
    start: date,
    end: date,
    generated_at: datetime,
    site_names: list[str] | None = None,
    max_gap_days: int = 2,
    title: str = "forumwatch activity report",
) -> Path:
    """Write the activity report as one HTML file in ``folder`` and return its path."""
    sites = [s for s in store.list_sites() if site_names is None or s.name in site_names]
    parts = []
    for site in sites:
        assert site.id is not None
        parts.append(site_activity(store, site.id, site.name, start, end, max_gap_days))
    html = (
        template_environment()
        .get_template("activity.html.j2")
        .render(
            title=title,
            start=start,
            end=end,
            generated_at=generated_at,
            sites=parts,
            definition=POSTS_PER_DAY_DEFINITION,
        )
    )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"activity-{start:%Y%m%d}-{end:%Y%m%d}.html"
    path.write_text(html, encoding="utf-8")
    return path
