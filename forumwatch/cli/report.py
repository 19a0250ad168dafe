"""`forumwatch report` (the period's trend report) and `forumwatch export` (data for other
tools). Handles are pseudonymised unless --redact or --reveal says otherwise."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import click

from forumwatch.cli import main_group
from forumwatch.cli.common import console, errors, workspace_of
from forumwatch.enrich.hosts import HostFamilies
from forumwatch.enrich.pipeline import EnrichmentFiles
from forumwatch.errors import ConfigError
from forumwatch.privacy import Pseudonymiser, Revealer
from forumwatch.report.data import FORMATS, ReportRequest
from forumwatch.report.exports import EXPORT_FORMATS, EXPORT_KINDS, ExportRequest, export
from forumwatch.report.render import write_report
from forumwatch.store.base import Store
from forumwatch.workspace import Workspace

REVEAL_WARNING = (
    "warning: --reveal shows real handles; the output is personal data, do not share it"
)


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise ConfigError(f"{option}: {value!r} is not a date (YYYY-MM-DD)") from error


def _watch_list(entries: tuple[str, ...]) -> tuple[tuple[str, str, date], ...]:
    out = []
    for entry in entries:
        parts = entry.rsplit(":", 1)
        site_handle = parts[0].split(":", 1)
        if len(parts) != 2 or len(site_handle) != 2:
            raise click.UsageError(f"--watch {entry!r}: expected SITE:HANDLE:YYYY-MM-DD")
        after = _day(parts[1], "--watch")
        assert after is not None
        out.append((site_handle[0], site_handle[1], after))
    return tuple(out)


def _sites(value: str | None) -> tuple[str, ...] | None:
    if not value:
        return None
    return tuple(s.strip() for s in value.split(",") if s.strip()) or None


def _pseudonymiser(workspace: Workspace, redact: bool, reveal: bool) -> Pseudonymiser:
    if redact and reveal:
        raise click.UsageError("--redact and --reveal exclude each other")
    if reveal:
        errors.print(REVEAL_WARNING, markup=False)
        return Revealer()
    return workspace.pseudonymiser(redact=redact)


def _last_day(store: Store) -> date:
    last = store.counts().last_post_at
    return last.date() if last is not None else datetime.now(UTC).date()


@main_group.command("report")
@click.option("--from", "start", help="First day (YYYY-MM-DD); default 6 days before --to.")
@click.option("--to", "end", help="Last day (YYYY-MM-DD); default the last stored post's day.")
@click.option("--sites", help="Comma-separated site names (default: every site).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="html", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="File.")
@click.option("--redact", is_flag=True, help="Show every handle as [redacted].")
@click.option("--reveal", is_flag=True, help="Show real handles (the footer says so).")
@click.option(
    "--watch",
    multiple=True,
    help="SITE:HANDLE:YYYY-MM-DD (SITE may be *): report the member's posts after the date.",
)
@click.option("--title", default="forumwatch trend report", show_default=True)
@click.pass_context
def report_command(
    context: click.Context,
    start: str | None,
    end: str | None,
    sites: str | None,
    fmt: str,
    output: Path | None,
    redact: bool,
    reveal: bool,
    watch: tuple[str, ...],
    title: str,
) -> None:
    """Write the trend report of a period: headline numbers against the previous period,
    charts, findings in plain sentences with quotes, and a methods appendix."""
    workspace = workspace_of(context)
    pseudonymiser = _pseudonymiser(workspace, redact, reveal)
    store = workspace.open_store()
    try:
        to_day = _day(end, "--to") or _last_day(store)
        from_day = _day(start, "--from") or to_day - timedelta(days=6)
        request = ReportRequest(
            from_day,
            to_day,
            _sites(sites),
            redact=redact,
            reveal=reveal,
            watch_list=_watch_list(watch),
            families=HostFamilies.load(EnrichmentFiles.in_folder(workspace.path).hosts),
            max_gap_days=workspace.settings.max_gap_days,
            title=title,
        )
        path, data = write_report(
            store,
            request,
            pseudonymiser,
            datetime.now(UTC),
            fmt,
            output=output,
            folder=workspace.reports_dir,
        )
    finally:
        store.close()
    console.print(
        f"report {from_day}..{to_day}: {len(data.findings)} findings, "
        f"{sum(data.timings.values()):.1f} s"
    )
    console.print(str(path), markup=False)


@main_group.command("export")
@click.argument("kind", type=click.Choice(EXPORT_KINDS))
@click.option(
    "--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="csv", show_default=True
)
@click.option("--from", "start", help="First day (YYYY-MM-DD).")
@click.option("--to", "end", help="Last day (YYYY-MM-DD).")
@click.option("--sites", help="Comma-separated site names (default: every site).")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (default: standard output; Parquet: the workspace's reports/).",
)
@click.option("--redact", is_flag=True, help="Write every handle as [redacted].")
@click.option("--reveal", is_flag=True, help="Write real handles.")
@click.option("--watch", multiple=True, help="SITE:HANDLE:YYYY-MM-DD (events).")
@click.pass_context
def export_command(
    context: click.Context,
    kind: str,
    fmt: str,
    start: str | None,
    end: str | None,
    sites: str | None,
    output: Path | None,
    redact: bool,
    reveal: bool,
    watch: tuple[str, ...],
) -> None:
    """Export posts, links, series or events as CSV, JSON lines or Parquet (handles
    pseudonymised by default)."""
    workspace = workspace_of(context)
    pseudonymiser = _pseudonymiser(workspace, redact, reveal)
    request = ExportRequest(
        kind,
        fmt,
        _sites(sites),
        _day(start, "--from"),
        _day(end, "--to"),
        redact=redact,
        reveal=reveal,
        watch_list=_watch_list(watch),
        max_gap_days=workspace.settings.max_gap_days,
    )
    if output is None and fmt == "parquet":
        output = workspace.reports_dir / f"{kind}.parquet"
    store = workspace.open_store()
    try:
        if output is None:
            rows = export(store, request, pseudonymiser, sys.stdout.buffer, datetime.now(UTC))
            sys.stdout.flush()
        else:
            output.parent.mkdir(parents=True, exist_ok=True)
            with output.open("wb") as handle:
                rows = export(store, request, pseudonymiser, handle, datetime.now(UTC))
    finally:
        store.close()
    if output is not None:
        console.print(f"{rows:,} {kind} rows -> {output}", markup=False)
    else:
        errors.print(f"{rows:,} {kind} rows", markup=False)
