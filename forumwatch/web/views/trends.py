"""Keyword trends, the link index and file hosts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forumwatch.analyse import hosts, keywords, linkindex
from forumwatch.analyse.linkindex import LinkIndex
from forumwatch.analyse.series import Granularity, Scope
from forumwatch.store.base import Store
from forumwatch.web.app import context, page, render
from forumwatch.web.auth import Viewer
from forumwatch.web.display import defang_host
from forumwatch.web.figures import chart, period

TOP_HOSTS = 25


@dataclass(frozen=True)
class KeywordPage:
    """Lexicons, the chosen one, its mentions and share charts."""

    lexicons: list[str]
    lexicon: str | None
    mentions: Markup | None
    share: Markup | None
    total: int
    definition: str


def keyword_data(
    store: Store, wanted: str | None, site: str | None, start: date, end: date
) -> KeywordPage:
    """Mentions of a lexicon (default: the first) and their share of posts."""
    names = keywords.lexicon_names(store)
    lexicon = wanted if wanted in names else (names[0] if names else None)
    if lexicon is None:
        return KeywordPage(names, None, None, None, 0, "")
    scope = Scope(site=site)
    mentions = keywords.mentions(store, lexicon, scope, start, end)
    share = keywords.mention_share(store, lexicon, scope, start, end, Granularity.WEEK)
    return KeywordPage(
        names,
        lexicon,
        chart(f"Posts mentioning '{lexicon}' per day", [mentions], y_label="posts"),
        chart(f"Share of posts mentioning '{lexicon}' per week", [share], y_label="share"),
        int(mentions.total()),
        mentions.definition,
    )


@page()
async def keyword_page(request: Request, viewer: Viewer) -> Response:
    """GET /keywords: a lexicon's daily mentions and weekly share."""
    ctx = context(request)
    last = await ctx.read(ctx.store.last_post_day)
    start, end = period(request, last, 180)
    site = request.query_params.get("site") or None
    data = await ctx.read(
        keyword_data, ctx.store, request.query_params.get("lexicon"), site, start, end
    )
    sites = await ctx.read(ctx.store.list_sites)
    return render(
        request,
        viewer,
        "keywords.html.j2",
        data=data,
        sites=sites,
        site=site,
        start=start,
        end=end,
    )


@dataclass(frozen=True)
class LinkPage:
    """The monthly index, its daily chart, the top hosts and a chosen host's series."""

    index: LinkIndex
    index_chart: Markup
    extensions: list[str]
    hosts: list[tuple[str, str, int, date, date, tuple[str, ...]]]
    host: str | None
    host_chart: Markup | None


def link_data(store: Store, host: str | None, start: date, end: date) -> LinkPage:
    """The link index and the hosts over the period."""
    table = linkindex.index_table(store, Scope(), start, end, Granularity.MONTH)
    daily = linkindex.link_index(store, Scope(), start, end, Granularity.DAY)
    extensions = sorted({ext for row in table.rows for ext in row.by_extension})
    top = hosts.top_hosts(store, start, end, limit=TOP_HOSTS)
    shown = [
        (
            h.name,
            defang_host(h.name),
            h.links,
            h.first_seen,
            h.last_seen,
            tuple(defang_host(x) for x in h.hosts),
        )
        for h in top
    ]
    host_chart = None
    if host:
        series = hosts.host_links(store, host, Scope(), start, end)
        host_chart = chart(f"Links to {defang_host(host)} per day", [series], y_label="links")
    return LinkPage(
        table,
        chart("New clearnet image links per day (each URL once)", [daily], y_label="links"),
        extensions,
        shown,
        defang_host(host) if host else None,
        host_chart,
    )


@page()
async def links_page(request: Request, viewer: Viewer) -> Response:
    """GET /links: the link index (monthly table, daily chart), hosts, one host's series."""
    ctx = context(request)
    last = await ctx.read(ctx.store.last_post_day)
    start, end = period(request, last, 180)
    host = (request.query_params.get("host") or "").strip().lower()[:255] or None
    data = await ctx.read(link_data, ctx.store, host, start.replace(day=1), end)
    return render(request, viewer, "links.html.j2", data=data, start=start, end=end)


ROUTES = [
    Route("/keywords", keyword_page, methods=["GET"]),
    Route("/links", links_page, methods=["GET"]),
]
