"""Actors: members by activity, handles on several sites, dormant members who returned.

Handles are pseudonymised; an analyst (or admin) may reveal them for one request, giving a
reason, and the reveal is written to the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forumwatch.analyse import actors
from forumwatch.privacy import Pseudonymiser, Revealer
from forumwatch.store.base import Store
from forumwatch.web.app import context, page, render
from forumwatch.web.auth import Viewer
from forumwatch.web.figures import period
from forumwatch.web.views.reveal import audit_reveal, reveal_reason

TOP_ACTORS = 100
MAX_ROWS = 100


@dataclass(frozen=True)
class ActorPage:
    """Rows already pseudonymised (or revealed) for display."""

    top: list[tuple[str, str, object, object, int]]
    shared: list[tuple[str, str, list[tuple[str, str, bool]]]]
    dormant: list[tuple[str, str, date, date, int]]
    members: int


def actor_data(
    store: Store,
    names: Pseudonymiser,
    site: str | None,
    start: date,
    end: date,
    dormant_days: int,
) -> ActorPage:
    """The busiest members, shared handles and dormant returns, handles as ``names`` shows."""
    everyone = actors.actors(store, site)
    busiest = sorted(everyone, key=lambda a: (-a.posts, a.site, a.handle))[:TOP_ACTORS]
    shared = actors.shared_handles(store)[:MAX_ROWS]
    dormant = actors.dormant_returns(store, start, end, dormant_days, site)[:MAX_ROWS]
    return ActorPage(
        [(a.site, names.handle(a.handle), a.first_seen, a.last_seen, a.posts) for a in busiest],
        [
            (
                s.match,
                names.handle(s.members[0][1]),
                [(m[0], names.handle(m[1]), m[2]) for m in s.members],
            )
            for s in shared
            if site is None or site in s.sites
        ],
        [(d.site, names.handle(d.handle), d.last_active, d.returned, d.gap_days) for d in dormant],
        len(everyone),
    )


async def _show(request: Request, viewer: Viewer, revealed: bool) -> Response:
    ctx = context(request)
    params = request.query_params
    site = params.get("site") or None
    last = await ctx.read(ctx.store.last_post_day)
    start, end = period(request, last, 180)
    names: Pseudonymiser = Revealer() if revealed else ctx.pseudonymiser
    data = await ctx.read(actor_data, ctx.store, names, site, start, end, ctx.settings.dormant_days)
    sites = await ctx.read(ctx.store.list_sites)
    return render(
        request,
        viewer,
        "actors.html.j2",
        data=data,
        sites=sites,
        site=site,
        start=start,
        end=end,
        revealed=revealed,
    )


@page()
async def actors_page(request: Request, viewer: Viewer) -> Response:
    """GET /actors: pseudonymised."""
    return await _show(request, viewer, False)


@page("analyst")
async def actors_reveal(request: Request, viewer: Viewer) -> Response:
    """POST /actors/reveal: the same page with real handles, once, logged with the reason."""
    reason = await reveal_reason(request)
    if reason is None:
        return await _show(request, viewer, False)
    await audit_reveal(
        request, viewer, {"page": "actors", "query": str(request.query_params)}, reason
    )
    return await _show(request, viewer, True)


ROUTES = [
    Route("/actors", actors_page, methods=["GET"]),
    Route("/actors/reveal", actors_reveal, methods=["POST"]),
]
