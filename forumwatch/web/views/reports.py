"""Reports: the workspace's generated reports, generating one for a period, downloading one.

Listing and downloading are open to every role (reports pseudonymise handles); generating
needs the analyst role and calls :func:`forumwatch.report.render.write_workspace_report`
(handles pseudonymised). Each generation and each download is written to the audit log (a
download as an ``export``). A download is sent as an attachment under a sandboxing CSP, so a
report never runs as a page of the dashboard's origin.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from forumwatch.errors import ReportError
from forumwatch.store.base import Store
from forumwatch.web.app import client_of, context, error_page, page, render
from forumwatch.web.auth import Viewer
from forumwatch.web.figures import parse_day
from forumwatch.workspace import Workspace

REPORT_FILE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}\.(html|pdf|csv|json|zip|md|txt)$")
MAX_REPORT_DAYS = 400
FORMATS = ("html", "pdf", "md")


@dataclass(frozen=True)
class ReportFile:
    """A report in the workspace's reports folder."""

    name: str
    size: int
    modified: datetime


def list_reports(folder: Path) -> list[ReportFile]:
    """Report files, newest first (only names a download would accept)."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        if path.is_file() and REPORT_FILE.match(path.name):
            stat = path.stat()
            found.append(
                ReportFile(path.name, stat.st_size, datetime.fromtimestamp(stat.st_mtime, UTC))
            )
    return sorted(found, key=lambda r: (r.modified, r.name), reverse=True)


def generate_report(
    workspace: Workspace, store: Store, start: date, end: date, now: datetime, fmt: str
) -> Path:
    """Write the trend report for ``start``..``end`` into the workspace's reports folder
    (handles pseudonymised; revealing them is the command line's ``--reveal`` only)."""
    from forumwatch.report.render import write_workspace_report

    return write_workspace_report(workspace, store, start, end, now, fmt)


@page()
async def reports_page(request: Request, viewer: Viewer) -> Response:
    """GET /reports: the list and, for analysts, the form to generate one."""
    ctx = context(request)
    reports = await ctx.read(list_reports, ctx.workspace.reports_dir)
    last = await ctx.read(ctx.store.last_post_day)
    end = last or ctx.now().date()
    return render(
        request,
        viewer,
        "reports.html.j2",
        reports=reports,
        default_start=end - timedelta(days=6),
        default_end=end,
        made=request.query_params.get("made", ""),
    )


@page("analyst")
async def generate(request: Request, viewer: Viewer) -> Response:
    """POST /reports/generate: write a report for the period, then show the list."""
    ctx = context(request)
    form = await request.form()
    start = parse_day(str(form.get("start", "")))
    end = parse_day(str(form.get("end", "")))
    fmt = str(form.get("format", "html"))
    if start is None or end is None or start > end or (end - start).days > MAX_REPORT_DAYS:
        return error_page(request, viewer, 400, "Give a period of at most 400 days, start first.")
    if fmt not in FORMATS:
        return error_page(request, viewer, 400, "Choose HTML, PDF or Markdown.")
    try:
        path = await ctx.read(generate_report, ctx.workspace, ctx.store, start, end, ctx.now(), fmt)
    except ReportError as error:
        return error_page(request, viewer, 400, f"No report: {error}")
    await ctx.read(
        ctx.auditor.record,
        viewer.name,
        viewer.role,
        "report",
        {"start": start, "end": end, "format": fmt, "file": path.name},
        "ok",
        client_of(request),
    )
    return RedirectResponse(f"/reports?made={path.name}", status_code=303)


@page()
async def download(request: Request, viewer: Viewer) -> Response:
    """GET /reports/files/{name}: the report as an attachment (audited as an export)."""
    ctx = context(request)
    name = request.path_params["name"]
    folder = ctx.workspace.reports_dir
    path = folder / name
    if not REPORT_FILE.match(name) or not path.is_file() or path.parent != folder:
        return error_page(request, viewer, 404, "No such report.")
    await ctx.read(
        ctx.auditor.record,
        viewer.name,
        viewer.role,
        "export",
        {"file": name},
        "ok",
        client_of(request),
    )
    response = FileResponse(
        path,
        filename=name,
        media_type="application/octet-stream",
        content_disposition_type="attachment",
    )
    response.headers["content-security-policy"] = "sandbox; default-src 'none'"
    return response


ROUTES = [
    Route("/reports", reports_page, methods=["GET"]),
    Route("/reports/generate", generate, methods=["POST"]),
    Route("/reports/files/{name}", download, methods=["GET"]),
]
