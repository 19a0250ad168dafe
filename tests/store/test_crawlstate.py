"""The crawler's state in the store: passes and frontier, schedule, availability, profiles."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import create_engine, inspect, text

from forumwatch.models import Fetch, PageKind, Site
from forumwatch.store import Store, open_store
from forumwatch.store.records import FrontierEntry
from tests.conftest import T0


def _fetch(site: str, minutes: int, error: str | None = None) -> Fetch:
    at = T0 + timedelta(minutes=minutes)
    return Fetch(site, "http://127.0.0.1:9/", at, at, PageKind.INDEX, 200, error)


def test_availability_per_hour_and_day(store: Store, site: Site) -> None:
    assert site.id is not None
    other = store.add_site(Site("lantern", "http://127.0.0.1:10/"), T0)
    for minutes, error in [(0, None), (10, "timeout"), (70, "http_503"), (75, "http_503")]:
        store.record_fetch(site.id, _fetch(site.name, minutes, error))
    store.record_fetch(other.id or 0, _fetch("lantern", 5))
    hours = store.fetch_availability(T0, T0 + timedelta(days=1), "hour", [site.id])
    assert [(b.start, b.attempts, b.succeeded, b.failed, b.available) for b in hours] == [
        (T0, 2, 1, 1, True),
        (T0 + timedelta(hours=1), 2, 0, 2, False),
    ]
    assert hours[1].errors == {"http_503": 2}
    days = store.fetch_availability(T0 - timedelta(hours=12), T0 + timedelta(days=1), "day")
    assert {(b.site_id, b.start.date(), b.attempts) for b in days} == {
        (site.id, T0.date(), 4),
        (other.id, T0.date(), 1),
    }


def test_frontier_pass_lifecycle(store: Store, site: Site) -> None:
    assert site.id is not None
    store.begin_crawl_pass(site.id, T0, [FrontierEntry("http://127.0.0.1:9/", "index")])
    store.advance_frontier(
        site.id,
        "http://127.0.0.1:9/",
        "done",
        T0,
        discovered=[
            FrontierEntry("http://127.0.0.1:9/f1", "listing"),
            FrontierEntry("http://127.0.0.1:9/", "index"),  # known: kept as it is
        ],
    )
    store.advance_frontier(site.id, "http://127.0.0.1:9/f1", "failed", T0, "timeout")
    assert [(e.url, e.state, e.error_class) for e in store.frontier(site.id)] == [
        ("http://127.0.0.1:9/", "done", None),
        ("http://127.0.0.1:9/f1", "failed", "timeout"),
    ]
    assert store.site_state(site.id).pass_started_at == T0
    store.end_crawl_pass(site.id)
    assert store.frontier(site.id) == [] and store.site_state(site.id).pass_started_at is None


def test_schedule_and_profile_are_stored_with_the_site(store: Store, site: Site) -> None:
    assert site.id is not None
    store.set_crawl_schedule(site.id, T0 + timedelta(hours=6), 2)
    state = store.site_state(site.id)
    assert (state.next_crawl_at, state.unavailable_runs) == (T0 + timedelta(hours=6), 2)
    from dataclasses import replace

    updated = store.update_site(replace(site, profile_toml="[crawl]\ndelay_seconds = 9\n"))
    assert store.get_site(site.name).profile_toml == updated.profile_toml != ""


def test_migration_3_upgrades_an_older_store(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    store = open_store(f"sqlite:///{path}")
    store.close()
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        for column in ("profile_toml", "pass_started_at", "next_crawl_at", "unavailable_runs"):
            connection.execute(text(f"ALTER TABLE sites DROP COLUMN {column}"))
        connection.execute(text("DROP TABLE crawl_frontier"))
        connection.execute(text("DELETE FROM schema_migrations WHERE version >= 3"))
        connection.execute(
            text(
                "INSERT INTO sites (name, base_url, engine, timezone, defunct, created_at, status)"
                " VALUES ('old', 'http://127.0.0.1:9/', 'auto', 'UTC', 0, '2020-01-01', 'ok')"
            )
        )
    engine.dispose()
    upgraded = open_store(f"sqlite:///{path}")
    try:
        old = upgraded.get_site("old")
        assert old.profile_toml == ""
        assert upgraded.site_state(old.id or 0).unavailable_runs == 0
        assert upgraded.frontier(old.id or 0) == []
    finally:
        upgraded.close()
    columns = {c["name"] for c in inspect(create_engine(f"sqlite:///{path}")).get_columns("sites")}
    assert {"profile_toml", "pass_started_at", "next_crawl_at", "unavailable_runs"} <= columns
