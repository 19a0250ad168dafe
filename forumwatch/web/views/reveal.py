"""What every reveal shares: a reason is required, and the reveal is logged before it shows."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from forumwatch.web.app import client_of, context
from forumwatch.web.auth import Viewer

MAX_REASON_CHARS = 500


async def reveal_reason(request: Request) -> str | None:
    """The reason given in the reveal form, or None when it was left empty."""
    form = await request.form()
    reason = " ".join(str(form.get("reason", "")).split())[:MAX_REASON_CHARS]
    return reason or None


async def audit_reveal(request: Request, viewer: Viewer, what: dict[str, Any], reason: str) -> None:
    """Write the reveal to the audit log (before anything is shown)."""
    ctx = context(request)
    await ctx.read(
        ctx.auditor.record,
        viewer.name,
        viewer.role,
        "reveal",
        {**what, "reason": reason},
        "ok",
        client_of(request),
    )
