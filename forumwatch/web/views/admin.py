"""For admins: the audit log and the list of users (users are managed with the CLI)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from forumwatch.web.app import context, page, render
from forumwatch.web.auth import Viewer

PER_PAGE = 100


@page("admin")
async def audit_page(request: Request, viewer: Viewer) -> Response:
    """GET /admin/audit: audit entries, newest first, by user or action."""
    ctx = context(request)
    params = request.query_params
    user = params.get("user") or None
    action = params.get("action") or None
    try:
        number = max(1, int(params.get("page", "1")))
    except ValueError:
        number = 1
    entries = await ctx.read(
        ctx.store.audit_entries, PER_PAGE, (number - 1) * PER_PAGE, user, action
    )
    users = await ctx.read(ctx.store.list_users)
    return render(
        request,
        viewer,
        "audit.html.j2",
        entries=entries,
        users=users,
        user=user or "",
        action=action or "",
        page_number=number,
        more=len(entries) == PER_PAGE,
    )


ROUTES = [Route("/admin/audit", audit_page, methods=["GET"])]
