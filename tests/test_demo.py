"""`forumwatch demo` end to end: simulator over HTTP, daily crawls, archive, store, report.

Runs the smallest world (about 1,600 posts) so the suite stays quick; `make demo` runs the
default size the same way.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from forumwatch.analyse.activity import posts
from forumwatch.analyse.series import DayState, Scope
from forumwatch.crawl.verify import verify_archive
from forumwatch.demo import CRAWL_HOUR, DemoResult, run_demo
from forumwatch.sim.config import WorldConfig
from forumwatch.sim.world import World
from forumwatch.store import open_store


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    return run_demo(tmp_path_factory.mktemp("demo") / "workspace", size="tiny", hang_seconds=1.0)


def test_every_visible_post_is_stored(demo: DemoResult) -> None:
    world = World(WorldConfig(seed=7, size="tiny"))
    last_crawl = datetime.combine(world.config.monitoring_end, CRAWL_HOUR, tzinfo=UTC)
    expected = sum(world.post_count(site.name, last_crawl) for site in world.sites)
    assert demo.posts == expected
    assert demo.days == 182 and demo.pages > 0


def test_the_planted_outage_is_unavailable_not_zero(demo: DemoResult) -> None:
    outage = [date(2020, 6, 5), date(2020, 6, 6), date(2020, 6, 7)]
    store = open_store(f"sqlite:///{demo.workspace / 'forumwatch.db'}")
    try:
        series = posts(store, Scope(site="lantern"), date(2020, 6, 1), date(2020, 6, 10))
    finally:
        store.close()
    by_day = {point.day: point for point in series.points}
    for day in outage:
        assert by_day[day].state is DayState.UNAVAILABLE
        assert by_day[day].value is None
    assert by_day[date(2020, 6, 2)].state is DayState.OBSERVED
    assert by_day[date(2020, 6, 9)].state is DayState.OBSERVED


def test_the_report_names_the_outage_and_shades_it(demo: DemoResult) -> None:
    html = demo.report.read_text(encoding="utf-8")
    assert demo.report.suffix == ".html"
    assert "lantern could not be reached" in html
    assert "<svg" in html and "unavailable" in html
    assert "http://" not in html.split("</head>")[0]  # no external resource in the head


def test_the_archive_matches_the_store(demo: DemoResult) -> None:
    store = open_store(f"sqlite:///{demo.workspace / 'forumwatch.db'}")
    try:
        report = verify_archive(store, demo.workspace / "warc")
    finally:
        store.close()
    assert report.checked > 0 and report.ok


def test_a_second_demo_run_starts_afresh(demo: DemoResult, tmp_path: Path) -> None:
    # The demo refuses to wipe a folder that is not its own.
    (tmp_path / "precious.txt").write_text("analyst notes")
    from forumwatch.errors import WorkspaceError

    with pytest.raises(WorkspaceError):
        run_demo(tmp_path, size="tiny")
    assert (tmp_path / "precious.txt").exists()
