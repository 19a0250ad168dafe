"""The overview (sites, availability, last crawl, headline series) and the crawl status page.

Everything here reads rollups (one read for every site's posts, one for their fetch outcomes),
the sites table and the fetch log of two days, so the overview costs the same whatever the
number of posts (see ``bench/bench_web.py``). Link figures live on the links page.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forumwatch.analyse import activity
from forumwatch.analyse.activity import POSTS_PER_DAY_DEFINITION
from forumwatch.analyse.reading import combined_day_states, site_day_states
from forumwatch.analyse.series import DayState, Granularity, Scope, Series, build_series
from forumwatch.models import Site
from forumwatch.store.base import Store
from forumwatch.store.records import FetchBucket, SiteState
from forumwatch.store.rollups import POSTS
from forumwatch.web.app import context, page, render
from forumwatch.web.auth import Viewer
from forumwatch.web.figures import chart, period, state_cells

MAX_SITE_LINES = 8
STRIP_DAYS = 14


@dataclass(frozen=True)
class SiteRow:
    """One site on the overview and status pages."""

    site: Site
    state: SiteState
    days: list[tuple[date, str]]
    week_posts: int | None
    hours: list[FetchBucket]


@dataclass(frozen=True)
class Overview:
    """What the overview shows."""

    start: date
    end: date
    sites: list[SiteRow]
    chart: Markup | None
    figures: list[tuple[str, str, str]]


def _last_crawl_day(states: list[SiteState], fallback: date | None) -> date:
    finished = [s.last_crawl_finished_at for s in states if s.last_crawl_finished_at is not None]
    if finished:
        return max(finished).date()
    return fallback or datetime.now(UTC).date()


def site_rows(store: Store, hourly: bool = False) -> tuple[list[SiteRow], date]:
    """Every site with its crawl state and a 14-day availability strip (and 48 hours)."""
    sites = [s for s in store.list_sites() if s.id is not None]
    states = [store.site_state(s.id) for s in sites if s.id is not None]
    last_post = store.last_post_day()
    end = _last_crawl_day(states, last_post)
    ids = [s.id for s in sites if s.id is not None]
    days = site_day_states(store, ids, end - timedelta(days=STRIP_DAYS - 1), end) if ids else {}
    weekly: dict[int, int] = {}
    if last_post is not None and ids:
        for row in store.rollup_sums(
            POSTS, last_post - timedelta(days=6), last_post, keys=[""], by=["site_id"]
        ):
            weekly[row.site_id or 0] = weekly.get(row.site_id or 0, 0) + row.value
    buckets: dict[int, list[FetchBucket]] = {}
    if hourly and ids:
        until = datetime.combine(end + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
        for bucket in store.fetch_availability(until - timedelta(hours=48), until, "hour", ids):
            buckets.setdefault(bucket.site_id, []).append(bucket)
    rows = []
    for site, state in zip(sites, states, strict=True):
        assert site.id is not None
        rows.append(
            SiteRow(
                site,
                state,
                state_cells(days.get(site.id, {})),
                weekly.get(site.id, 0) if last_post is not None else None,
                buckets.get(site.id, []),
            )
        )
    return rows, end


def posts_per_site(
    store: Store,
    site_ids: list[int],
    start: date,
    end: date,
    max_gap_days: int,
    lines: list[int] | None = None,
) -> tuple[Series, dict[int, Series]]:
    """Posts per day of all sites together and of each site in ``lines`` (default all), from
    one rollup read and one fetch-log read (the analysis' per-scope calls would read them once
    per site)."""
    values: dict[int, dict[date, float]] = defaultdict(lambda: defaultdict(float))
    # key "" is the only key of the posts rollup; naming it lets the (metric, key, day) index
    # read just the period's rows.
    for row in store.rollup_sums(POSTS, start, end, keys=[""], by=["site_id"]):
        values[row.site_id or 0][row.day] += row.value
    states = site_day_states(store, site_ids, start, end, max_gap_days)
    total: dict[date, float] = defaultdict(float)
    for per_day in values.values():
        for day, value in per_day.items():
            total[day] += value

    def series(name: str, counts: dict[date, float], days: dict[date, DayState]) -> Series:
        return build_series(
            f"posts: {name}", POSTS_PER_DAY_DEFINITION, counts, days, start, end, Granularity.DAY
        )

    everything = series("all sites", total, combined_day_states(states))
    return everything, {
        site: series(str(site), values.get(site, {}), states.get(site, {}))
        for site in (site_ids if lines is None else lines)
    }


def overview_data(store: Store, start: date, end: date, max_gap_days: int = 2) -> Overview:
    """The overview's figures, chart and site table for ``start``..``end``."""
    rows, _ = site_rows(store)
    ids = [r.site.id for r in rows if r.site.id is not None]
    ranked = sorted(rows, key=lambda r: -(r.week_posts or 0))[:MAX_SITE_LINES]
    shown = [r.site.id for r in ranked if r.site.id is not None]
    total, per_site = posts_per_site(store, ids, start, end, max_gap_days, shown)
    lines = [total] + [per_site[r.site.id] for r in ranked if r.site.id is not None]
    labels = ["all sites"] + [r.site.name for r in ranked]
    values = [p.value or 0 for p in total.points]
    this_week, week_before = sum(values[-7:]), sum(values[-14:-7])
    change = f" ({(this_week - week_before) / week_before:+.0%})" if week_before else ""
    members = activity.members(store, Scope(), end, end, Granularity.WEEK)
    reachable = sum(1 for r in rows if r.days and r.days[-1][1] == DayState.OBSERVED.value)
    week = members.points[0] if members.points else None
    figures = [
        (
            f"posts {end - timedelta(days=6)}..{end}",
            f"{int(this_week):,}{change}",
            "posts by their own time stamp, all sites; change against the 7 days before",
        ),
        (
            f"active members, week of {week.day}" if week else "active members",
            f"{int((week.value or 0) if week else 0):,}",
            "distinct handles posting that week, per site, summed over sites",
        ),
        (
            f"sites, {reachable} reachable at the last crawl",
            f"{len(rows)}",
            "sites monitored; reachable: a fetch succeeded on the last crawl day",
        ),
    ]
    return Overview(
        start,
        end,
        rows,
        chart("Posts per day", lines, labels=labels, y_label="posts"),
        figures,
    )


@page()
async def overview(request: Request, viewer: Viewer) -> Response:
    """GET /: sites, availability, last crawl, headline figures and the posts chart."""
    ctx = context(request)
    last = await ctx.read(ctx.store.last_post_day)
    if last is None:
        rows, _ = await ctx.read(site_rows, ctx.store)
        return render(request, viewer, "overview.html.j2", data=None, sites=rows)
    start, end = period(request, last)
    data = await ctx.read(overview_data, ctx.store, start, end, ctx.settings.max_gap_days)
    return render(request, viewer, "overview.html.j2", data=data, sites=data.sites)


@page()
async def status(request: Request, viewer: Viewer) -> Response:
    """GET /status: every site's crawl state, schedule and fetch outcomes of the last days."""
    ctx = context(request)
    rows, end = await ctx.read(site_rows, ctx.store, True)
    return render(request, viewer, "status.html.j2", sites=rows, end=end)


ROUTES = [
    Route("/", overview, methods=["GET"]),
    Route("/status", status, methods=["GET"]),
]
