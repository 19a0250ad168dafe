"""Site profiles ([crawl], [login]) and the crawl schedule with gentle retries of down sites."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from forumwatch.clock import SimulatedClock
from forumwatch.crawl.crawler import SiteCrawlSummary
from forumwatch.crawl.politeness import Politeness
from forumwatch.crawl.profile import parse_profile
from forumwatch.crawl.schedule import Scheduler, next_due, parse_interval
from forumwatch.errors import ConfigError
from forumwatch.models import Site
from forumwatch.store import Store
from tests.conftest import T0
from tests.crawl.helpers import fast_settings

PROFILE = """
[crawl]
delay_seconds = 5
concurrency = 1
page_budget = 2000
proxy = "socks5h://127.0.0.1:9150"
user_agent = "Mozilla/5.0"

[login]
engine = "smf"
username = "watcher"
password_env = "FW_LANTERN_PASSWORD"

[parse]
date_formats = ["%d.%m.%Y"]
"""


def test_profile_values_win_over_settings_and_the_rest_are_defaults() -> None:
    settings = fast_settings(crawl_retries=7)
    profile = parse_profile(PROFILE)
    policy = profile.policy(settings)
    assert (policy.delay_seconds, policy.concurrency, policy.page_budget) == (5.0, 1, 2000)
    assert policy.proxy == "socks5h://127.0.0.1:9150" and policy.retries == 7
    assert profile.login.engine == "smf" and profile.login.form_login
    assert profile.parse == {"date_formats": ["%d.%m.%Y"]}
    assert (
        parse_profile("").policy(settings, "http://127.0.0.1:8118").proxy == "http://127.0.0.1:8118"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[crawl]\ndelay = 3", "unknown \\[crawl\\] key"),
        ("[crawl]\nconcurrency = 'two'", "not a valid int"),
        ("[crawl]\nconcurrency = 0", "at least 1"),
        ("[crawl]\nproxy = 'ftp://x'", "socks5h"),
        ("[login]\nengine = 'wordpress'", "no known login form"),
        ("[login]\nusername = 'w'", "password_env or password_file"),
        ("[other]\nx = 1", "unknown table"),
        ("[crawl\n", "profile"),
    ],
)
def test_invalid_profiles_are_refused_with_the_reason(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_profile(text)


def test_backoff_doubles_with_jitter_and_respects_the_cap_and_retry_after() -> None:
    policy = parse_profile("[crawl]\nbackoff_seconds = 10\nmax_backoff_seconds = 60").policy(
        fast_settings()
    )
    politeness = Politeness(policy)
    pauses = [politeness.backoff(attempt) for attempt in range(6)]
    assert 5 <= pauses[0] < 15 and 10 <= pauses[1] < 30
    assert max(pauses) <= 60
    assert politeness.backoff(0, retry_after=45) == 45
    assert politeness.backoff(0, retry_after=3600) == 60


def test_retry_budget_runs_out() -> None:
    politeness = Politeness(parse_profile("[crawl]\nretry_budget = 2").policy(fast_settings()))
    assert [politeness.may_retry() for _ in range(4)] == [True, True, False, False]


@pytest.mark.parametrize(
    ("text", "seconds"), [("90s", 90), ("15m", 900), ("6h", 21600), ("1d", 86400), ("1h30m", 5400)]
)
def test_intervals(text: str, seconds: int) -> None:
    assert parse_interval(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "6", "h", "0m", "6 hours"])
def test_bad_intervals(text: str) -> None:
    with pytest.raises(ConfigError):
        parse_interval(text)


def test_down_sites_are_retried_on_a_doubling_schedule_capped_at_the_interval() -> None:
    every, first = timedelta(hours=6), timedelta(minutes=15)
    runs, delays = 0, []
    for _ in range(7):
        when, runs = next_due(T0, "unavailable", runs, every, first)
        delays.append(when - T0)
    assert [d.total_seconds() / 60 for d in delays] == [15, 30, 60, 120, 240, 360, 360]
    assert next_due(T0, "ok", runs, every, first) == (T0 + every, 0)


def test_scheduler_runs_due_sites_and_waits_without_hammering(store: Store) -> None:
    clock = SimulatedClock(T0)
    up = store.add_site(Site("harbour", "http://127.0.0.1:9/"), T0)
    down = store.add_site(Site("lantern", "http://127.0.0.1:10/"), T0)
    calls: list[tuple[str, ...]] = []

    def crawl(names, progress):  # type: ignore[no-untyped-def]
        calls.append((clock.now().strftime("%H:%M"), *names))
        return [
            SiteCrawlSummary(name, status="unavailable" if name == "lantern" else "ok")
            for name in names
        ]

    def sleep(seconds: float) -> None:
        clock.advance(timedelta(seconds=seconds))

    scheduler = Scheduler(store, clock, crawl, timedelta(hours=1), timedelta(minutes=15), sleep)
    scheduler.run_forever(None, rounds=5)
    assert calls == [
        ("12:00", "harbour", "lantern"),
        ("12:15", "lantern"),
        ("12:45", "lantern"),
        ("13:00", "harbour"),
        ("13:45", "lantern"),
    ]
    state = store.site_state(down.id or 0)
    assert state.unavailable_runs == 4
    assert state.next_crawl_at == T0 + timedelta(hours=2, minutes=45)
    assert store.site_state(up.id or 0).unavailable_runs == 0


def test_parse_table_of_the_profile_builds_the_parser(store: Store, tmp_path: Path) -> None:
    from forumwatch.sim import SimServer, World, WorldConfig
    from tests.crawl.helpers import crawl, end_clock, stored_posts

    world = World(WorldConfig(seed=7, size="tiny"))
    clock = end_clock(world)
    name = world.site_names[-1]
    profile = '[crawl]\npage_budget = 25\n\n[parse]\nengine = "phpbb"\ntimezone = "UTC"\n'
    with SimServer(world, clock) as server:
        site = store.add_site(Site(name, server.base_url(name), profile_toml=profile), T0)
        [summary] = crawl(store, tmp_path / "warc", [site], clock, fast_settings())
    assert summary.status == "budget" and summary.pages == 25
    assert stored_posts(store, name)
    with pytest.raises(ConfigError, match="unknown"):
        parse_profile('[parse]\nengine = "phpbb"\nselectors = { post = { nope = "div" } }\n')
