"""Site and section pages: series, detected events, sections and threads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forumwatch.analyse import activity
from forumwatch.analyse.events import Event
from forumwatch.analyse.series import Scope
from forumwatch.errors import NotFoundError
from forumwatch.models import Site
from forumwatch.store.base import Store
from forumwatch.store.records import SiteState, StoredSection
from forumwatch.store.webdata import ThreadSummary
from forumwatch.web.app import WebContext, context, page, render
from forumwatch.web.auth import Viewer
from forumwatch.web.figures import EVENT_CACHE_SECONDS, chart, events_between, events_of, period

THREADS_PER_PAGE = 50
MAX_SECTION_LINES = 6


@dataclass(frozen=True)
class SitePage:
    """A site with its state, chart and sections (title, id, posts in the period)."""

    site: Site
    state: SiteState
    chart: Markup
    total: int
    sections: list[tuple[StoredSection, int]]


def site_data(store: Store, name: str, start: date, end: date) -> SitePage:
    """A site's posts per day (all sections and the busiest ones) and its sections."""
    site = store.get_site(name)
    assert site.id is not None
    total = activity.posts(store, Scope(site=name), start, end)
    by_section = activity.posts_by_section(store, name, start, end)
    sections = store.sections(site.id)
    totals = {title: int(series.total()) for title, series in by_section.items()}
    ranked = sorted(by_section.items(), key=lambda item: -item[1].total())[:MAX_SECTION_LINES]
    lines = [total] + [series for _, series in ranked]
    labels = ["all sections"] + [title for title, _ in ranked]
    rows = [(s, totals.get(s.title or s.native_id, 0)) for s in sections]
    return SitePage(
        site,
        store.site_state(site.id),
        chart(f"{name}: posts per day", lines, labels=labels, y_label="posts"),
        int(total.total()),
        rows,
    )


async def _events(ctx: WebContext, start: date, end: date) -> list[Event]:
    return await ctx.cached(
        ("events", start, end),
        EVENT_CACHE_SECONDS,
        lambda: events_between(ctx.store, start, end),
    )


@page()
async def site_page(request: Request, viewer: Viewer) -> Response:
    """GET /sites/{name}: the site's series, events and sections."""
    ctx = context(request)
    name = request.path_params["name"]
    last = await ctx.read(ctx.store.last_post_day)
    start, end = period(request, last)
    data = await ctx.read(site_data, ctx.store, name, start, end)
    events = events_of(await _events(ctx, start, end), site=name)
    return render(request, viewer, "site.html.j2", data=data, events=events, start=start, end=end)


def section_data(
    store: Store, section_id: int, start: date, end: date, offset: int
) -> tuple[Site, StoredSection, Markup, list[ThreadSummary]]:
    """A section's posts per day and one page of its threads."""
    found = next((s for s in store.sections() if s.id == section_id), None)
    if found is None:
        raise NotFoundError(f"no section {section_id}")
    site = next(s for s in store.list_sites() if s.id == found.site_id)
    series = activity.posts(store, Scope(site=site.name, section=found.native_id), start, end)
    title = f"{site.name} / {found.title}: posts per day"
    threads = store.section_threads(section_id, THREADS_PER_PAGE, offset)
    return site, found, chart(title, [series], y_label="posts"), threads


@page()
async def section_page(request: Request, viewer: Viewer) -> Response:
    """GET /sections/{id}: the section's series, events and threads."""
    ctx = context(request)
    section_id = int(request.path_params["section_id"])
    last = await ctx.read(ctx.store.last_post_day)
    start, end = period(request, last)
    number = max(1, _int(request.query_params.get("page"), 1))
    site, section, figure, threads = await ctx.read(
        section_data, ctx.store, section_id, start, end, (number - 1) * THREADS_PER_PAGE
    )
    events = events_of(await _events(ctx, start, end), site=site.name, section=section.title)
    return render(
        request,
        viewer,
        "section.html.j2",
        site=site,
        section=section,
        chart=figure,
        threads=threads,
        events=events,
        page_number=number,
        more=len(threads) == THREADS_PER_PAGE,
        start=start,
        end=end,
    )


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


ROUTES = [
    Route("/sites/{name}", site_page, methods=["GET"]),
    Route("/sections/{section_id:int}", section_page, methods=["GET"]),
]
