"""Core commands: init, settings, stats, verify, demo (crawl: cli/crawl.py, site: cli/sites.py)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click
from rich.table import Table

from forumwatch.analyse.catalog import headline
from forumwatch.cli import main_group
from forumwatch.cli.common import (
    LiveCrawlProgress,
    console,
    errors,
    live_progress,
    workspace_of,
)
from forumwatch.crawl.crawler import SiteCrawlSummary
from forumwatch.settings import setting_help
from forumwatch.workspace import init_workspace


@main_group.command("init")
@click.argument("path", type=click.Path(file_okay=False, path_type=Path), required=False)
@click.pass_context
def init_command(context: click.Context, path: Path | None) -> None:
    """Create a workspace in PATH (default: the --workspace folder)."""
    workspace = init_workspace(path or context.obj["workspace"])
    console.print(f"workspace ready: {workspace.path}")


@main_group.command("settings")
def settings_command() -> None:
    """List every setting with its default and help."""
    table = Table(title="settings (file < FORUMWATCH_<NAME> environment < command line)")
    table.add_column("name")
    table.add_column("default")
    table.add_column("help")
    for name, default, text in setting_help():
        table.add_row(name, default, text)
    console.print(table)


@main_group.command("stats")
@click.pass_context
def stats_command(context: click.Context) -> None:
    """Show what the store holds."""
    workspace = workspace_of(context)
    store = workspace.open_store()
    try:
        counts = store.counts()
        sites = store.list_sites()
        figures = headline(store)
    finally:
        store.close()
    table = Table(title=f"forumwatch store: {workspace.store_url}")
    table.add_column("what")
    table.add_column("count", justify="right")
    for name in (
        "sites",
        "sections",
        "threads",
        "authors",
        "posts",
        "post_versions",
        "urls",
        "links",
        "fetches",
        "failed_fetches",
        "parse_problems",
    ):
        table.add_row(name.replace("_", " "), f"{getattr(counts, name):,}")
    table.add_row("first post", str(counts.first_post_at or "-"))
    table.add_row("last post", str(counts.last_post_at or "-"))
    console.print(table)
    if sites:
        console.print("sites: " + ", ".join(s.name for s in sites))
    for figure in figures:
        console.print(f"{figure.label}: [bold]{figure.value}[/bold]  ({figure.definition})")


@main_group.command("optimize")
@click.pass_context
def optimize_command(context: click.Context) -> None:
    """Merge the search index and refresh statistics (after a backfill or an import)."""
    workspace = workspace_of(context)
    store = workspace.open_store()
    try:
        store.optimize()
    finally:
        store.close()
    console.print(f"optimized {workspace.store_url}")


@main_group.command("verify")
@click.pass_context
def verify_command(context: click.Context) -> None:
    """Re-hash every archived response against the store; exit 1 on any mismatch."""
    from forumwatch.crawl.verify import verify_archive

    workspace = workspace_of(context)
    store = workspace.open_store()
    try:
        report = verify_archive(store, workspace.warc_dir)
    finally:
        store.close()
    for mismatch in report.mismatches:
        errors.print(
            f"MISMATCH fetch {mismatch.fetch_id} {mismatch.url} "
            f"({mismatch.warc_file}@{mismatch.offset}): {mismatch.reason}",
            markup=False,
        )
    console.print(
        f"checked {report.checked:,} archived responses, {len(report.mismatches)} mismatches"
    )
    if not report.ok:
        sys.exit(1)


@main_group.command("demo")
@click.option(
    "--workspace-dir",
    "demo_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("demo-workspace"),
    show_default=True,
    help="Where the demo's workspace goes (wiped if it is an earlier demo's).",
)
@click.option(
    "--size",
    default="small",
    show_default=True,
    help="World size: tiny, small, medium, large, xl, or a number of posts.",
)
@click.option("--seed", default=7, show_default=True, help="Seed of the simulated world.")
def demo_command(demo_dir: Path, size: str, seed: int) -> None:
    """Replay six months of monitoring of the simulated world and write the report."""
    from forumwatch.demo import run_demo

    with live_progress() as progress:
        days = progress.add_task("simulated days", total=None, posts=0)
        live = LiveCrawlProgress(progress)
        totals = {"posts": 0}

        def on_day(day: date, summaries: list[SiteCrawlSummary]) -> None:
            totals["posts"] += sum(s.new_posts for s in summaries)
            progress.update(
                days, advance=1, description=f"simulated day {day}", posts=totals["posts"]
            )

        result = run_demo(demo_dir, size=size, seed=seed, progress=live, on_day=on_day)
    console.print(
        f"demo: {result.days} simulated days, {result.pages:,} pages, {result.posts:,} posts "
        f"in {result.seconds:.1f} s ({result.pages / max(result.seconds, 1e-9):,.0f} pages/s)"
    )
    console.print(f"planted truth: {result.truth}")
    console.print(f"report: {result.report}")
