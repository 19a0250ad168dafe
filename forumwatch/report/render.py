"""One call that makes a report: read, build, render and write it (what the CLI and the web
dashboard call)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from forumwatch.errors import ReportError
from forumwatch.privacy import Pseudonymiser
from forumwatch.report.build import build_report
from forumwatch.report.data import FORMATS, ReportData, ReportRequest
from forumwatch.report.html import render_html
from forumwatch.report.markdown import render_markdown
from forumwatch.report.pdf import html_to_pdf
from forumwatch.store.base import Store

if TYPE_CHECKING:
    from forumwatch.workspace import Workspace

SUFFIXES = {"html": ".html", "pdf": ".pdf", "md": ".md"}


def report_name(request: ReportRequest, fmt: str) -> str:
    """``report-20200511-20200517.html`` (with the sites when not all)."""
    sites = "-" + "-".join(request.sites) if request.sites else ""
    return f"report-{request.start:%Y%m%d}-{request.end:%Y%m%d}{sites}{SUFFIXES[fmt]}"


def write_report(
    store: Store,
    request: ReportRequest,
    pseudonymiser: Pseudonymiser,
    now: datetime,
    fmt: str = "html",
    output: Path | None = None,
    folder: Path | None = None,
) -> tuple[Path, ReportData]:
    """Build the report and write it as HTML, PDF or Markdown.

    Args:
        store: the store to read.
        request: period, sites and options.
        pseudonymiser: the workspace's pseudonymiser (``Workspace.pseudonymiser(redact=...)``),
            or a :class:`~forumwatch.privacy.Revealer` for ``--reveal``.
        now: the time of writing (injected).
        fmt: ``html``, ``pdf`` or ``md``.
        output: the file to write; default ``folder / report_name(...)``.
        folder: where to write when ``output`` is not given (a workspace's ``reports/``).

    Returns:
        The file written, and the data it shows (figures, findings, timings).

    Raises:
        ReportError: an unknown format, an empty period, an unknown site, no PDF printer.
    """
    if fmt not in FORMATS:
        raise ReportError(f"unknown report format {fmt!r}; use one of {', '.join(FORMATS)}")
    if output is None:
        if folder is None:
            raise ReportError("give an output file or a folder")
        output = folder / report_name(request, fmt)
    data = build_report(store, request, pseudonymiser, now)
    output.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "md":
        output.write_text(render_markdown(data), encoding="utf-8")
    elif fmt == "html":
        output.write_text(render_html(data), encoding="utf-8")
    else:
        html_to_pdf(render_html(data), output)
    return output, data


def write_workspace_report(
    workspace: Workspace,
    store: Store,
    start: date,
    end: date,
    now: datetime,
    fmt: str = "html",
    sites: tuple[str, ...] | None = None,
    redact: bool = False,
    watch_list: tuple[tuple[str, str, date], ...] = (),
    title: str = "forumwatch trend report",
) -> Path:
    """The report of a period written into a workspace's ``reports/`` with its settings, host
    families and pseudonym key (what the dashboard's reports page and the demo call).

    Handles are pseudonymised (or redacted); revealing them is the command line's
    ``--reveal`` only.
    """
    from forumwatch.enrich.hosts import HostFamilies
    from forumwatch.enrich.pipeline import EnrichmentFiles

    request = ReportRequest(
        start,
        end,
        sites,
        redact=redact,
        watch_list=watch_list,
        families=HostFamilies.load(EnrichmentFiles.in_folder(workspace.path).hosts),
        max_gap_days=workspace.settings.max_gap_days,
        title=title,
    )
    path, _ = write_report(
        store,
        request,
        workspace.pseudonymiser(redact=redact),
        now,
        fmt,
        folder=workspace.reports_dir,
    )
    return path
