"""`forumwatch crawl [URL] [--site NAME ...] [--once | --every 6h]`."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import datetime, timedelta

import click

from forumwatch.cli import main_group
from forumwatch.cli.common import (
    LiveCrawlProgress,
    console,
    live_progress,
    summary_table,
    workspace_of,
)
from forumwatch.clock import Clock, SimulatedClock, SystemClock, as_utc
from forumwatch.crawl.crawler import CrawlProgress, SiteCrawlSummary
from forumwatch.errors import ConfigError
from forumwatch.workspace import Workspace


def _clock(clock_at: str | None) -> Clock:
    if not clock_at:
        return SystemClock()
    try:
        return SimulatedClock(as_utc(datetime.fromisoformat(clock_at.replace("Z", "+00:00"))))
    except ValueError as error:
        raise ConfigError(f"--clock-at: {error}") from error


@main_group.command("crawl")
@click.argument("url", required=False)
@click.option("--site", "site_names", multiple=True, help="Crawl this site (repeatable).")
@click.option("--once", is_flag=True, help="Crawl once and exit (the default).")
@click.option("--every", help="Crawl again at this interval (30m, 6h, 1d) until interrupted.")
@click.option("--rounds", type=int, hidden=True, help="With --every: stop after N rounds.")
@click.option(
    "--clock-at",
    hidden=True,
    help="Use this fixed 'now' (ISO 8601) instead of the system clock: for the simulator.",
)
@click.option(
    "--worker",
    is_flag=True,
    help="Server mode: run one crawl worker that leases sites from the shared store.",
)
@click.option("--worker-id", help="With --worker: this worker's name (default host-pid).")
@click.option(
    "--lease", type=float, default=300.0, show_default=True, help="With --worker: lease seconds."
)
@click.option("--exit-when-idle", is_flag=True, help="With --worker: stop when no site is due.")
@click.option("--poll", type=float, default=10.0, hidden=True, help="With --worker: idle pause.")
@click.pass_context
def crawl_command(
    context: click.Context,
    url: str | None,
    site_names: Sequence[str],
    once: bool,
    every: str | None,
    rounds: int | None,
    clock_at: str | None,
    worker: bool,
    worker_id: str | None,
    lease: float,
    exit_when_idle: bool,
    poll: float,
) -> None:
    """Crawl the workspace's sites (or the site at URL, adding it if new).

    Every site runs concurrently, each at its own pace; live progress per site goes to stderr
    and a summary table follows each round.
    """
    from forumwatch.crawl.service import crawl_url, crawl_workspace

    if once and every:
        raise click.UsageError("--once and --every exclude each other")
    workspace = workspace_of(context)
    clock = _clock(clock_at)
    if worker:
        from forumwatch.cli.worker import run_worker_command

        if url is not None or site_names:
            raise click.UsageError("--worker crawls whatever site is due; give no URL or --site")
        run_worker_command(workspace, clock, worker_id, lease, every, poll, exit_when_idle)
        return
    if url is not None:
        if site_names:
            raise click.UsageError("give a URL or --site, not both")
        with live_progress() as progress:
            summary = crawl_url(workspace, url, clock, LiveCrawlProgress(progress))
        console.print(summary_table([summary]))
        if not every:
            return
        site_names = (summary.site,)
    if not every:
        with live_progress() as progress:
            summaries = crawl_workspace(workspace, clock, site_names, LiveCrawlProgress(progress))
        console.print(summary_table(summaries))
        return
    _crawl_every(workspace, clock, site_names, every, rounds)


def _crawl_every(
    workspace: Workspace, clock: Clock, site_names: Sequence[str], every: str, rounds: int | None
) -> None:
    from forumwatch.crawl.schedule import Scheduler, parse_interval
    from forumwatch.crawl.service import crawl_workspace

    interval = parse_interval(every)
    store = workspace.open_store()

    def crawl(names: Sequence[str], progress: CrawlProgress | None) -> list[SiteCrawlSummary]:
        with live_progress() as display:
            return crawl_workspace(workspace, clock, names, LiveCrawlProgress(display), store)

    def on_round(summaries: list[SiteCrawlSummary]) -> None:
        console.print(summary_table(summaries))

    scheduler = Scheduler(
        store,
        clock,
        crawl,
        interval,
        timedelta(minutes=workspace.settings.down_retry_minutes),
        time.sleep,
    )
    try:
        scheduler.run_forever(site_names or None, on_round=on_round, rounds=rounds)
    finally:
        store.close()
