"""Server mode: three crawl workers share one PostgreSQL store; one is killed mid-crawl.

Every worker is the real command line (``forumwatch crawl --worker``) in its own process and
workspace (so its own WARC folder), all pointing at one PostgreSQL database, crawling the
simulator in another process. One worker is SIGKILLed while it holds a site with part of the
site stored; its lease expires and another worker takes the site over and resumes the pass.
Every planted post must be stored exactly once, and no two leases of a site may overlap.
"""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from forumwatch.sim import SimProcess, World, WorldConfig
from forumwatch.store import open_store, schema
from forumwatch.store.postgres import PostgresStore, empty_all_tables
from forumwatch.store.records import SiteLease
from forumwatch.store.sql import SQLStore
from tests.crawl.helpers import stored_posts, world_end

LEASE_SECONDS = 3.0
ENV = {
    "FORUMWATCH_CRAWL_DELAY_SECONDS": "0.02",
    "FORUMWATCH_CRAWL_CONCURRENCY": "1",
    "FORUMWATCH_CRAWL_BACKOFF_SECONDS": "0.05",
    "FORUMWATCH_CRAWL_MAX_BACKOFF_SECONDS": "0.2",
    "FORUMWATCH_REQUEST_TIMEOUT_SECONDS": "5",
}


def _cli(workspace: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "forumwatch", "-w", str(workspace), *args]


def _environment(store_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORUMWATCH_")}
    return {**env, **ENV, "FORUMWATCH_STORE_URL": store_url}


def _worker(workspace: Path, worker_id: str, clock_at: str, env: dict[str, str]) -> Any:
    return subprocess.Popen(
        _cli(
            workspace,
            "crawl",
            "--worker",
            "--worker-id",
            worker_id,
            "--lease",
            str(LEASE_SECONDS),
            "--poll",
            "0.3",
            "--exit-when-idle",
            "--clock-at",
            clock_at,
        ),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _held_with_posts(store: SQLStore, worker_id: str) -> int | None:
    """The site ``worker_id`` holds, once some of its posts are stored."""
    sites, posts = schema.sites, schema.posts
    with store.engine.connect() as connection:
        site_id = connection.execute(
            select(sites.c.id).where(sites.c.lease_owner == worker_id)
        ).scalar()
        if site_id is None:
            return None
        stored = connection.execute(
            select(func.count()).select_from(posts).where(posts.c.site_id == site_id)
        ).scalar()
    return int(site_id) if stored else None


@pytest.mark.postgres
@pytest.mark.slow
def test_three_workers_one_killed_store_every_post_once(postgres_url: str, tmp_path: Path) -> None:
    cleaner = PostgresStore(postgres_url)
    empty_all_tables(cleaner)
    cleaner.close()
    world = World(WorldConfig(seed=7, size="tiny"))
    clock_at = world_end(world).isoformat()
    env = _environment(postgres_url)
    with SimProcess(seed=7, size="tiny", start=world_end(world), hang_seconds=0.2) as sim:
        workspaces = [tmp_path / f"worker{n}" for n in (1, 2, 3)]
        for workspace in workspaces:
            subprocess.run(_cli(workspace, "init"), check=True, env=env, capture_output=True)
        for name in sim.site_names:
            subprocess.run(
                [
                    *_cli(workspaces[0], "site", "add", sim.base_url(name), "--name", name),
                    "--engine",
                    "phpbb",
                ],
                check=True,
                env=env,
                capture_output=True,
            )
        store = open_store(postgres_url)
        assert isinstance(store, SQLStore)
        try:
            victim = _worker(workspaces[0], "w1", clock_at, env)
            others = [
                _worker(workspace, f"w{n}", clock_at, env)
                for n, workspace in ((2, workspaces[1]), (3, workspaces[2]))
            ]
            deadline = time.monotonic() + 60
            killed_site = None
            while killed_site is None and time.monotonic() < deadline:
                killed_site = _held_with_posts(store, "w1")
                if killed_site is None:
                    assert victim.poll() is None, "the victim finished before it could be killed"
                    time.sleep(0.02)
            assert killed_site is not None
            os.kill(victim.pid, signal.SIGKILL)
            victim.wait(30)
            for process in others:
                _, errors = process.communicate(timeout=240)
                assert process.returncode == 0, errors.decode()
            leases = store.lease_log()
            counts = store.counts()
            locations = store.warc_file_locations()
        finally:
            store.close()

    # Every planted post is stored, and only once (the database would refuse a duplicate).
    check = open_store(postgres_url)
    try:
        for name in world.site_names:
            stored = stored_posts(check, name)
            assert set(stored) == {str(i) for i in world.post_ids(name)}, name
        assert counts.posts == sum(world.post_count(name) for name in world.site_names)
    finally:
        check.close()

    # The killed worker's lease was never released; another worker took the site over after
    # it expired; no two leases of a site overlapped.
    dead = [lease for lease in leases if lease.worker_id == "w1"]
    assert any(lease.site_id == killed_site and lease.released_at is None for lease in dead)
    takeovers = [x for x in leases if x.site_id == killed_site and x.worker_id != "w1"]
    assert takeovers
    by_site: dict[int, list[SiteLease]] = {}
    for lease in leases:
        by_site.setdefault(lease.site_id, []).append(lease)
    for site_leases in by_site.values():
        ordered = sorted(site_leases, key=lambda lease: lease.leased_at)
        for earlier, later in itertools.pairwise(ordered):
            assert later.leased_at >= earlier.ended_at

    # Each worker wrote its own WARC files and the store knows where they are.
    for n, workspace in ((2, workspaces[1]), (3, workspaces[2])):
        files = sorted(p.name for p in (workspace / "warc").glob("*.warc.gz"))
        assert files and all(name.startswith(f"w{n}-") for name in files)
        for name in files:
            assert locations[name][0] == f"w{n}"
            assert Path(locations[name][2]) == (workspace / "warc").resolve()


def test_a_worker_crawls_every_due_site_once_and_plans_the_next_run(
    store_url: str, tmp_path: Path
) -> None:
    # In-process, on each backend: the worker loop without the kill.
    from forumwatch.crawl.worker import CrawlWorker, WorkerOptions
    from forumwatch.models import Site
    from forumwatch.sim import SimServer
    from forumwatch.workspace import init_workspace
    from tests.crawl.helpers import FAST, end_clock

    world = World(WorldConfig(seed=7, size="tiny"))
    clock = end_clock(world)
    workspace = init_workspace(tmp_path / "ws", {**FAST, "store_url": store_url})
    with SimServer(world, clock) as server:
        store = open_store(store_url)
        for name in world.site_names:
            store.add_site(Site(name, server.base_url(name), engine="phpbb"), clock.now())
        options = WorkerOptions("solo", lease_seconds=30, poll_seconds=0.05, exit_when_idle=True)
        summaries = CrawlWorker(workspace, options, clock).run()
        try:
            assert sorted(s.site for s in summaries) == sorted(world.site_names)
            assert all(s.status == "ok" for s in summaries)
            for name in world.site_names:
                assert len(stored_posts(store, name)) == world.post_count(name)
                site_id = store.get_site(name).id
                assert site_id is not None
                assert store.site_state(site_id).next_crawl_at == clock.now() + options.every
            assert all(lease.released_at is not None for lease in store.lease_log())
            # Nothing is due any more: a second worker finds no work and stops at once.
            assert CrawlWorker(workspace, options, clock).run() == []
        finally:
            store.close()
