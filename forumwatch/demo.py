"""The demo: a monitoring deployment replayed over the simulated world, day after simulated day.

It starts the simulator on 127.0.0.1, registers its sites in a fresh workspace, crawls them
once per simulated day through the whole monitoring period (the first crawl backfills the
sites' history), and ends with the trend report of the whole period (findings naming every
planted event). The planted outage lands in the fetch log on its simulated dates, so the report
shows those days as unavailable, not as zeros.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as day_time
from pathlib import Path

from forumwatch.clock import SimulatedClock
from forumwatch.crawl.crawler import CrawlProgress, SiteCrawlSummary
from forumwatch.crawl.run import CrawlTarget, crawl_sites_async
from forumwatch.errors import WorkspaceError
from forumwatch.models import Site
from forumwatch.report.render import write_workspace_report
from forumwatch.sim.config import WorldConfig, parse_size
from forumwatch.sim.process import SimProcess
from forumwatch.sim.world import World
from forumwatch.workspace import SETTINGS_FILE, Workspace, init_workspace

DEMO_MARKER = ".forumwatch-demo"
# The simulator answers in microseconds: politeness pauses would only slow the replay.
DEMO_SETTINGS: dict[str, object] = {
    "crawl_delay_seconds": 0.0,
    "crawl_backoff_seconds": 0.02,
    # The simulated outage answers "Retry-After: 3600" (a simulated hour): do not wait it out.
    "crawl_max_backoff_seconds": 0.1,
    "crawl_retries": 2,
    "crawl_concurrency": 4,
    "request_timeout_seconds": 1.0,
    "connect_timeout_seconds": 1.0,
    "write_batch_pages": 16,
    # Archives of a replay are throw-away: the fastest compression keeps the demo quick.
    "warc_compression_level": 1,
}
CRAWL_HOUR = day_time(12, 0)


@dataclass(frozen=True)
class DemoResult:
    """What the demo did."""

    workspace: Path
    report: Path
    truth: Path
    days: int
    pages: int
    posts: int
    seconds: float


def prepare_demo_workspace(path: Path) -> Workspace:
    """A fresh workspace for the demo; refuses to wipe a folder that is not a demo's own."""
    path = path.resolve()
    if path.exists() and any(path.iterdir()):
        if not (path / DEMO_MARKER).exists():
            raise WorkspaceError(
                f"{path} exists and is not a demo workspace; choose another --workspace"
            )
        shutil.rmtree(path)
    workspace = init_workspace(path, DEMO_SETTINGS)
    (path / DEMO_MARKER).write_text("created by `forumwatch demo`; safe to delete\n")
    settings_lines = "".join(f"{k} = {_toml_value(v)}\n" for k, v in DEMO_SETTINGS.items())
    with (path / SETTINGS_FILE).open("a", encoding="utf-8") as handle:
        handle.write(settings_lines)
    return workspace


def _toml_value(value: object) -> str:
    if isinstance(value, str):
        return json.dumps(value)
    return str(value)


def run_demo(
    workspace_path: Path,
    size: str | int = "small",
    seed: int = 7,
    progress: CrawlProgress | None = None,
    on_day: Callable[[date, list[SiteCrawlSummary]], None] | None = None,
    hang_seconds: float = 1.5,
) -> DemoResult:
    """Replay the monitoring period over the simulated world and write the report."""
    began = time.monotonic()
    if isinstance(size, str):
        size = parse_size(size)  # a preset name, or a number of posts typed on the command line
    workspace = prepare_demo_workspace(workspace_path)
    config = WorldConfig(seed=seed, size=size)
    world = World(config)
    first_day = config.monitoring_start
    last_day = config.monitoring_end
    clock = SimulatedClock(datetime.combine(first_day, CRAWL_HOUR, tzinfo=UTC))
    store = workspace.open_store()
    archive = workspace.archive("demo")
    enricher = workspace.enricher()
    pages = 0
    try:
        # The simulator runs in its own process: in a thread it would share this process's
        # interpreter lock with the crawler and halve the speed of both.
        with SimProcess(
            seed=seed, size=size, hang_seconds=hang_seconds, start=clock.now()
        ) as server:
            sites = [
                store.add_site(
                    Site(
                        name=sim_site.name,
                        base_url=server.base_url(sim_site.name),
                        timezone=sim_site.timezone,
                        language=sim_site.language,
                    ),
                    clock.now(),
                )
                for sim_site in world.sites
            ]
            target = CrawlTarget(store, archive, workspace.settings)

            async def replay() -> int:
                fetched = 0
                day = first_day
                while day <= last_day:
                    clock.set(datetime.combine(day, CRAWL_HOUR, tzinfo=UTC))
                    server.set_clock(clock.now())
                    summaries = await crawl_sites_async(target, sites, clock, progress, enricher)
                    fetched += sum(s.pages for s in summaries)
                    if on_day is not None:
                        on_day(day, summaries)
                    day += timedelta(days=1)
                return fetched

            pages = asyncio.run(replay())
        truth_path = workspace.path / "planted-truth.json"
        world.write_truth(truth_path)
        # The analyst's watch list: the member the world says was arrested (see the truth).
        watched = next(
            e for e in world.truth()["events"] if e["type"] == "watchlisted_activity_after_date"
        )
        # The whole monitoring period: every planted event is in it, and the charts show the
        # months around them as the weekly reports did.
        report = write_workspace_report(
            workspace,
            store,
            first_day,
            last_day,
            clock.now(),
            watch_list=(
                (watched["site"], watched["handle"], date.fromisoformat(watched["after"])),
            ),
            title="forumwatch demo: trend report of the simulated world",
        )
        posts = store.counts().posts
    finally:
        archive.close()
        store.close()
    return DemoResult(
        workspace=workspace.path,
        report=report,
        truth=truth_path,
        days=(last_day - first_day).days + 1,
        pages=pages,
        posts=posts,
        seconds=time.monotonic() - began,
    )
