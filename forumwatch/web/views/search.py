"""Full-text search with filters and highlighted snippets; every search is audited.

The author filter takes a pseudonym (``member-…``), which any role may use; a real handle is
accepted from analysts and admins only, since trying handles would otherwise reveal them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from forumwatch.models import Site
from forumwatch.privacy import Pseudonymiser
from forumwatch.store.base import Store
from forumwatch.store.records import StoredSection
from forumwatch.store.search import SearchPage, SearchQuery
from forumwatch.web.app import WebContext, client_of, context, page, render
from forumwatch.web.auth import Viewer
from forumwatch.web.display import defang_fragments
from forumwatch.web.figures import parse_day

PER_PAGE = 20
PSEUDONYM_CACHE_SECONDS = 300.0


@dataclass(frozen=True)
class ShownHit:
    """A hit as displayed: pseudonymised author, defanged snippet pieces."""

    post_id: int
    site_name: str
    section_id: int | None
    section_title: str | None
    thread_id: int
    thread_title: str
    author: str
    posted_at: datetime | None
    language: str | None
    pieces: list[tuple[str, bool]]


def pseudonym_index(store: Store, names: Pseudonymiser) -> dict[str, str]:
    """Pseudonym -> handle for every stored member (to filter by a pseudonym)."""
    return {names.handle(author.handle): author.handle for author in store.authors()}


def shown_hits(result: SearchPage, names: Pseudonymiser) -> list[ShownHit]:
    """The page's hits with handles pseudonymised in the author column and in the snippets."""
    handles = [h.author_handle for h in result.hits if h.author_handle]
    out = []
    for hit in result.hits:
        pieces = defang_fragments((f.text, f.is_match) for f in hit.snippet)
        out.append(
            ShownHit(
                hit.post_id,
                hit.site_name,
                hit.section_id,
                hit.section_title,
                hit.thread_id,
                hit.thread_title,
                names.handle(hit.author_handle),
                hit.posted_at,
                hit.language,
                [(names.text(text, handles), match) for text, match in pieces],
            )
        )
    return out


def _filters(params: Any) -> dict[str, str]:
    keys = ("q", "site", "section", "language", "start", "end", "author", "links", "host", "order")
    return {key: str(params.get(key, "")).strip()[:300] for key in keys}


async def _author(ctx: WebContext, viewer: Viewer, value: str) -> tuple[str | None, str | None]:
    """(handle to filter by, problem) for the author field."""
    if not value:
        return None, None
    if value.startswith("member-"):
        index = await ctx.cached(
            "pseudonyms",
            PSEUDONYM_CACHE_SECONDS,
            lambda: pseudonym_index(ctx.store, ctx.pseudonymiser),
        )
        handle = index.get(value)
        return (handle, None) if handle else ("\0no such member", None)
    if not viewer.can("analyst"):
        return None, "Filtering by a real handle needs the analyst role; use a pseudonym."
    return value, None


def build_query(
    filters: dict[str, str],
    sites: list[Site],
    sections: list[StoredSection],
    author: str | None,
    offset: int,
) -> SearchQuery:
    """The store query for the form's filters (unknown values filter nothing out silently:
    an unknown site matches no post)."""
    site_ids = None
    if filters["site"]:
        site_ids = [s.id for s in sites if s.name == filters["site"] and s.id is not None] or [-1]
    section_ids = None
    if filters["section"].isdigit():
        section_ids = [int(filters["section"])]
    start_day, end_day = parse_day(filters["start"]), parse_day(filters["end"])
    start = datetime.combine(start_day, time(), tzinfo=UTC) if start_day else None
    end = datetime.combine(end_day + timedelta(days=1), time(), tzinfo=UTC) if end_day else None
    links = {"yes": True, "no": False}.get(filters["links"])
    return SearchQuery(
        text=filters["q"],
        site_ids=site_ids,
        section_ids=section_ids,
        languages=[filters["language"].lower()] if filters["language"] else None,
        start=start,
        end=end,
        author=author,
        has_links=links,
        host=filters["host"].lower() or None,
        order="relevance" if filters["order"] == "relevance" else "newest",
        limit=PER_PAGE,
        offset=offset,
    )


@page()
async def search_page(request: Request, viewer: Viewer) -> Response:
    """GET /search: the form and, with a query, one page of hits."""
    ctx = context(request)
    filters = _filters(request.query_params)
    try:
        number = max(1, min(500, int(request.query_params.get("page", "1"))))
    except ValueError:
        number = 1
    sites = await ctx.read(ctx.store.list_sites)
    sections = await ctx.read(ctx.store.sections)
    hits: list[ShownHit] = []
    result: SearchPage | None = None
    problems: list[str] = []
    if filters["q"]:
        author, problem = await _author(ctx, viewer, filters["author"])
        if problem:
            problems.append(problem)
        else:
            query = build_query(filters, sites, sections, author, (number - 1) * PER_PAGE)
            await ctx.read(
                ctx.auditor.record,
                viewer.name,
                viewer.role,
                "search",
                {k: v for k, v in filters.items() if v} | {"page": number},
                "ok",
                client_of(request),
            )
            result = await ctx.read(ctx.store.search, query)
            problems.extend(result.problems)
            hits = shown_hits(result, ctx.pseudonymiser)
    site_names = {s.id: s.name for s in sites}
    return render(
        request,
        viewer,
        "search.html.j2",
        filters=filters,
        sites=sites,
        sections=[(s.id, site_names.get(s.site_id, "?"), s.title) for s in sections],
        result=result,
        hits=hits,
        problems=problems,
        page_number=number,
        more=result is not None and len(result.hits) == PER_PAGE,
        page_query={k: v for k, v in filters.items() if v},
    )


@page()
async def post_redirect(request: Request, viewer: Viewer) -> Response:
    """GET /posts/{id}: the thread page holding the post, scrolled to it."""
    from forumwatch.web.views.threads import POSTS_PER_PAGE

    ctx = context(request)
    post_id = int(request.path_params["post_id"])
    thread_id, before = await ctx.read(ctx.store.post_location, post_id)
    number = before // POSTS_PER_PAGE + 1
    return RedirectResponse(f"/threads/{thread_id}?page={number}#post-{post_id}", 303)


ROUTES = [
    Route("/search", search_page, methods=["GET"]),
    Route("/posts/{post_id:int}", post_redirect, methods=["GET"]),
]
