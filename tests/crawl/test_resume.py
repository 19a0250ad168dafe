"""Resumable crawls: SIGKILL at random moments, page budgets, incremental re-crawls.

The crawler runs as the real command line in a subprocess against the simulator in another
process; it is killed with SIGKILL several times and restarted until it finishes. The stored
posts must equal those of an uninterrupted crawl, exactly (compared by ``post_digest``, which
ignores internal ids), and ``forumwatch verify`` must find the archive matching the store.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from forumwatch.models import Site
from forumwatch.sim import SimProcess, SimServer, World, WorldConfig
from forumwatch.store import Store, open_store
from tests.conftest import T0
from tests.crawl.helpers import crawl, end_clock, fast_settings, fetch_log, stored_posts, world_end

ENV = {
    "FORUMWATCH_CRAWL_DELAY_SECONDS": "0",
    "FORUMWATCH_CRAWL_CONCURRENCY": "3",
    "FORUMWATCH_CRAWL_BACKOFF_SECONDS": "0.05",
    "FORUMWATCH_CRAWL_MAX_BACKOFF_SECONDS": "0.2",
    "FORUMWATCH_REQUEST_TIMEOUT_SECONDS": "5",
}


def _cli(workspace: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "forumwatch", "-w", str(workspace), *args]


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORUMWATCH_")}
    return {**env, **ENV}


def _prepare(workspace: Path, sim: SimProcess) -> None:
    env = _environment()
    subprocess.run(_cli(workspace, "init"), check=True, env=env, capture_output=True)
    for name in sim.site_names:
        subprocess.run(
            _cli(workspace, "site", "add", sim.base_url(name), "--name", name, "--engine", "phpbb"),
            check=True,
            env=env,
            capture_output=True,
        )


def _crawl_process(workspace: Path, clock_at: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        _cli(workspace, "crawl", "--once", "--clock-at", clock_at),
        env=_environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _digest(workspace: Path) -> tuple[str, int]:
    store = open_store(f"sqlite:///{workspace / 'forumwatch.db'}")
    try:
        return store.post_digest(), store.counts().posts
    finally:
        store.close()


@pytest.mark.slow
def test_sigkilled_crawls_resume_to_exactly_the_uninterrupted_result(tmp_path: Path) -> None:
    world = World(WorldConfig(seed=7, size="tiny"))
    clock_at = world_end(world).isoformat()
    rng = random.Random(20200301)
    with SimProcess(seed=7, size="tiny", start=world_end(world), hang_seconds=0.2) as sim:
        reference, killed = tmp_path / "reference", tmp_path / "killed"
        _prepare(reference, sim)
        _prepare(killed, sim)
        assert _crawl_process(reference, clock_at).wait(300) == 0
        kills = 0
        for _ in range(5):
            process = _crawl_process(killed, clock_at)
            time.sleep(rng.uniform(0.8, 3.5))
            if process.poll() is None:
                os.kill(process.pid, signal.SIGKILL)
                kills += 1
            process.wait(30)
        finished = _crawl_process(killed, clock_at)
        assert finished.wait(300) == 0
    assert kills >= 3
    expected, count = _digest(reference)
    assert count == sum(world.post_count(name) for name in world.site_names)
    assert _digest(killed) == (expected, count)
    verified = subprocess.run(
        _cli(killed, "verify"), env=_environment(), capture_output=True, text=True
    )
    assert verified.returncode == 0, verified.stderr
    assert ", 0 mismatches" in verified.stdout


def test_page_budget_spreads_a_backfill_over_runs(store: Store, tmp_path: Path) -> None:
    world = World(WorldConfig(seed=7, size="tiny"))
    clock = end_clock(world)
    name = world.site_names[-1]
    truth = {str(i) for i in world.post_ids(name)}
    profile = "[crawl]\npage_budget = 15\nconcurrency = 1\n"
    with SimServer(world, clock) as server:
        site = store.add_site(
            Site(name, server.base_url(name), engine="phpbb", profile_toml=profile), T0
        )
        runs = []
        for _ in range(20):
            [summary] = crawl(store, tmp_path / "warc", [site], clock, fast_settings())
            runs.append(summary)
            if summary.status == "ok":
                break
        fetched = [url for url, _, _ in fetch_log(store, name)]
    assert runs[0].status == "budget" and all(r.pages <= 15 for r in runs)
    assert all(r.resumed for r in runs[1:])
    assert runs[-1].status == "ok"
    assert set(stored_posts(store, name)) == truth
    # Resuming fetched no finished thread again: at most the first page of the one thread
    # each run was cut in (it holds the thread's page links). Only the fresh pass at the end
    # looked at the index and the listings once more, for news.
    threads = [url for url in fetched if "viewtopic" in url]
    assert len(threads) - len(set(threads)) <= len(runs)
    assert store.site_state(site.id or 0).last_complete_crawl_at is not None


def test_recrawl_fetches_only_what_changed(store: Store, tmp_path: Path) -> None:
    world = World(WorldConfig(seed=7, size="tiny"))
    name = world.site_names[0]
    early = end_clock(world)
    early.set(world_end(world).replace(month=5, day=1))
    with SimServer(world, early) as server:
        site = store.add_site(Site(name, server.base_url(name), engine="phpbb"), T0)
        [first] = crawl(store, tmp_path / "warc", [site], early, fast_settings())
        assert first.status == "ok"
        before = len(stored_posts(store, name))
        early.set(world_end(world).replace(month=5, day=3))
        [second] = crawl(store, tmp_path / "warc", [site], early, fast_settings())
    visible = world.post_count(name, early.now())
    assert len(stored_posts(store, name)) == visible > before
    # Only changed threads were revisited, and the listings stopped at old threads.
    assert second.threads_visited < first.threads_visited / 3
    assert second.pages < first.pages / 3


def test_sections_the_index_shows_unchanged_are_not_listed_again(
    store: Store, tmp_path: Path
) -> None:
    world = World(WorldConfig(seed=7, size="tiny"))
    name = world.site_names[0]
    clock = end_clock(world)
    with SimServer(world, clock) as server:
        site = store.add_site(Site(name, server.base_url(name), engine="phpbb"), T0)
        [first] = crawl(store, tmp_path / "warc", [site], clock, fast_settings())
        assert first.status == "ok"
        first_listings = server.request_counts(name)
        server.reset_counts()
        [second] = crawl(store, tmp_path / "warc", [site], clock, fast_settings())
        requested = server.request_counts(name)
    assert second.status == "ok" and second.new_posts == 0
    forums = [target for target in requested if "viewforum.php" in target]
    topics = [target for target in requested if "viewtopic.php" in target]
    # Nothing moved: no thread is read again, and the only listings read are category
    # pages, which show no last post to compare.
    assert topics == []
    assert 0 < len(forums) < len([t for t in first_listings if "viewforum.php" in t]) / 3
