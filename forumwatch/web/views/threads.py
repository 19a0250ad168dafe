"""The thread reader: text only, page by page, handles pseudonymised, links defanged.

Nothing crawled becomes markup: post text, quotes, titles and handles are escaped by the
templates; links are listed as defanged text, never in an ``href`` and never fetched. Provenance
(capture time, version, native id) is shown with each post.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forumwatch.privacy import Pseudonymiser, Revealer
from forumwatch.store.base import Store
from forumwatch.store.webdata import ThreadSummary
from forumwatch.web.app import context, page, render
from forumwatch.web.auth import Viewer
from forumwatch.web.display import defang, defang_host, mask
from forumwatch.web.views.reveal import audit_reveal, reveal_reason

POSTS_PER_PAGE = 20


@dataclass(frozen=True)
class ShownQuote:
    """A quote as displayed."""

    depth: int
    author: str | None
    text: str


@dataclass(frozen=True)
class ShownPost:
    """A post as displayed: every crawled string already masked and defanged (still to be
    escaped by the template)."""

    id: int
    native_id: str
    author: str
    posted_at: datetime | None
    title: str
    text: str
    language: str | None
    version: int
    captured_at: datetime
    quotes: list[ShownQuote]
    links: list[tuple[str, str, str]]


def thread_data(
    store: Store, thread_id: int, number: int, names: Pseudonymiser
) -> tuple[ThreadSummary, list[ShownPost]]:
    """The thread and one page of its posts, shown through ``names``."""
    thread = store.thread_summary(thread_id)
    posts = store.thread_posts(thread_id, POSTS_PER_PAGE, (number - 1) * POSTS_PER_PAGE)
    handles = {p.author_handle for p in posts} | {q.author for p in posts for q in p.quotes}
    handles.add(thread.author_handle)
    known = [h for h in handles if h]
    shown = [
        ShownPost(
            id=p.id,
            native_id=p.native_id,
            author=names.handle(p.author_handle),
            posted_at=p.posted_at,
            title=mask(names, p.title, known),
            text=mask(names, p.text, known),
            language=p.language,
            version=p.version,
            captured_at=p.captured_at,
            quotes=[
                ShownQuote(
                    q.depth,
                    names.handle(q.author) if q.author else None,
                    mask(names, q.text, known),
                )
                for q in p.quotes
            ],
            links=[
                (defang(link.raw_url), defang_host(link.host), link.media_class) for link in p.links
            ],
        )
        for p in posts
    ]
    return thread, shown


async def _show(request: Request, viewer: Viewer, number: int, revealed: bool) -> Response:
    ctx = context(request)
    thread_id = int(request.path_params["thread_id"])
    names: Pseudonymiser = Revealer() if revealed else ctx.pseudonymiser
    thread, posts = await ctx.read(thread_data, ctx.store, thread_id, number, names)
    pages = max(1, -(-thread.stored_posts // POSTS_PER_PAGE))
    return render(
        request,
        viewer,
        "thread.html.j2",
        thread=thread,
        thread_title=mask(names, thread.title, [thread.author_handle]),
        starter=names.handle(thread.author_handle),
        posts=posts,
        page_number=number,
        pages=pages,
        revealed=revealed,
    )


def _page_number(value: object) -> int:
    try:
        return max(1, min(100_000, int(str(value))))
    except ValueError:
        return 1


@page()
async def thread_page(request: Request, viewer: Viewer) -> Response:
    """GET /threads/{id}?page=N: one page of the thread, pseudonymised."""
    return await _show(request, viewer, _page_number(request.query_params.get("page", 1)), False)


@page("analyst")
async def thread_reveal(request: Request, viewer: Viewer) -> Response:
    """POST /threads/{id}/reveal: the same page with real handles, once, logged with a reason."""
    form = await request.form()
    number = _page_number(form.get("page", 1))
    reason = await reveal_reason(request)
    if reason is None:
        return await _show(request, viewer, number, False)
    what = {"page": "thread", "thread_id": int(request.path_params["thread_id"]), "number": number}
    await audit_reveal(request, viewer, what, reason)
    return await _show(request, viewer, number, True)


ROUTES = [
    Route("/threads/{thread_id:int}", thread_page, methods=["GET"]),
    Route("/threads/{thread_id:int}/reveal", thread_reveal, methods=["POST"]),
]
