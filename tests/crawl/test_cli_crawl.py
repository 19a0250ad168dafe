"""The command line: `site add|list|show|update|remove` and `crawl [URL] [--site] [--every]`."""

from __future__ import annotations

from pathlib import Path

import pytest

from forumwatch.cli import main
from forumwatch.sim import SimServer, World, WorldConfig
from forumwatch.store import open_store
from tests.crawl.helpers import end_clock, world_end

FAST_ENV = {
    "FORUMWATCH_CRAWL_DELAY_SECONDS": "0",
    "FORUMWATCH_CRAWL_CONCURRENCY": "3",
    "FORUMWATCH_CRAWL_BACKOFF_SECONDS": "0.01",
}


def run(workspace: Path, *args: str) -> int:
    try:
        main(["-w", str(workspace), *args])
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return 0


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for key, value in FAST_ENV.items():
        monkeypatch.setenv(key, value)
    path = tmp_path / "ws"
    assert run(path, "init") == 0
    return path


def test_site_add_list_show_update_remove(
    workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = tmp_path / "harbour.toml"
    profile.write_text(
        '[crawl]\ndelay_seconds = 8\n\n[login]\nusername = "w"\npassword_env = "X"\n'
    )
    assert (
        run(workspace, "site", "add", "http://abcdefgh.onion/forum/", "--profile", str(profile))
        == 0
    )
    assert run(workspace, "site", "add", "http://127.0.0.1:9/", "--name", "lantern") == 0
    assert "added site abcdefgh" in capsys.readouterr().out
    assert run(workspace, "site", "list") == 0
    listing = capsys.readouterr().out
    assert "abcdefgh" in listing and "lantern" in listing and "yes" in listing
    assert run(workspace, "site", "show", "abcdefgh") == 0
    assert "delay_seconds = 8" in capsys.readouterr().out
    profile.write_text("[crawl]\ndelay_seconds = 3\n")
    assert run(workspace, "site", "update", "abcdefgh", "--profile", str(profile), "--defunct") == 0
    store = open_store(f"sqlite:///{workspace / 'forumwatch.db'}")
    site = store.get_site("abcdefgh")
    store.close()
    assert site.defunct and "delay_seconds = 3" in site.profile_toml
    assert run(workspace, "site", "remove", "lantern", "--yes") == 0
    assert run(workspace, "site", "remove", "lantern", "--yes") == 1
    assert "no site named 'lantern'" in capsys.readouterr().err


def test_bad_profile_and_url_are_one_line_errors(
    workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = tmp_path / "bad.toml"
    profile.write_text('[login]\nusername = "w"\npassword = "hunter2"\n')
    assert run(workspace, "site", "add", "http://127.0.0.1:9/", "--profile", str(profile)) == 1
    err = capsys.readouterr().err
    assert "password_env or password_file" in err and "Traceback" not in err
    assert run(workspace, "site", "add", "ftp://127.0.0.1/") == 1
    assert "malformed URL" in capsys.readouterr().err


def test_crawl_once_by_site_and_by_url(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    world = World(WorldConfig(seed=7, size="tiny"))
    clock = end_clock(world)
    names = world.site_names
    with SimServer(world, clock) as server:
        assert run(workspace, "site", "add", server.base_url(names[-1]), "--name", names[-1]) == 0
        at = world_end(world).isoformat()
        assert run(workspace, "crawl", "--site", names[-1], "--once", "--clock-at", at) == 0
        out = capsys.readouterr().out
        assert "crawl summary" in out and names[-1] in out
        assert run(workspace, "crawl", server.base_url(names[-2]), "--clock-at", at) == 0
    store = open_store(f"sqlite:///{workspace / 'forumwatch.db'}")
    try:
        counts = store.counts()
        sites = {s.name for s in store.list_sites()}
    finally:
        store.close()
    assert counts.posts == world.post_count(names[-1]) + world.post_count(names[-2])
    assert names[-1] in sites and len(sites) == 2


def test_crawl_every_runs_rounds_and_plans_the_next(
    workspace: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    assert run(workspace, "site", "add", "http://127.0.0.1:9/", "--name", "gone") == 0
    assert run(workspace, "crawl", "--every", "1h", "--rounds", "1") == 0
    assert "crawl summary" in capsys.readouterr().out
    store = open_store(f"sqlite:///{workspace / 'forumwatch.db'}")
    try:
        state = store.site_state(store.get_site("gone").id or 0)
    finally:
        store.close()
    assert state.unavailable_runs == 1 and state.next_crawl_at is not None
    assert run(workspace, "crawl", "--once", "--every", "1h") == 2
