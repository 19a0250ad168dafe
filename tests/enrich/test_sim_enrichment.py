"""On the simulator: the planted outage, merge and re-upload wave show in stored enrichment.

The small world's spring 2020 (about 5,500 posts on three sites) is enriched and stored once;
the checks read the store's rollups, as the analysis will.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from forumwatch.enrich import Enricher
from forumwatch.enrich.hosts import HostFamilies
from forumwatch.enrich.language import section_languages
from forumwatch.sim.world import World
from forumwatch.store import Store
from forumwatch.store.sql import SQLStore
from tests.enrich.simworld import small_world_store, sum_by_key

WEEKS4 = timedelta(days=28)


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, World]]:
    path = tmp_path_factory.mktemp("sim") / "store.db"
    store, world = small_world_store(path, Enricher())
    yield store, world
    store.close()


def window(store: Store, metric: str, start: date, end: date) -> dict[str, int]:
    """Rollup totals by key for days start <= day < end."""
    return sum_by_key(store.daily_counts(metric, start, end - timedelta(days=1)))


def event(world: World, kind: str) -> dict[str, Any]:
    return next(e for e in world.truth()["events"] if e["type"] == kind)


def test_links_to_the_host_that_went_down_collapse(stored: tuple[Store, World]) -> None:
    store, world = stored
    down = event(world, "host_down")
    host, day = down["host"], date.fromisoformat(down["date"])
    before = window(store, "links_by_host", day - WEEKS4, day).get(host, 0)
    after = window(store, "links_by_host", day, day + WEEKS4).get(host, 0)
    assert before >= 20
    assert after <= 0.15 * before
    replacement = down["replacement"]["host"]
    late = window(store, "links_by_host", day + WEEKS4 / 2, day + WEEKS4 + WEEKS4 / 2)
    assert late.get(replacement, 0) > window(store, "links_by_host", day - WEEKS4, day).get(
        replacement, 0
    )


def test_requests_naming_the_dead_host_rise_as_planted(stored: tuple[Store, World]) -> None:
    store, world = stored
    down = event(world, "host_down")
    host, day = down["host"], date.fromisoformat(down["date"])
    before = window(store, "requests_by_host", day - WEEKS4, day)
    after = window(store, "requests_by_host", day, day + WEEKS4)
    reups_before, reups_after = before.get(f"reupload:{host}", 0), after.get(f"reupload:{host}", 0)
    assert reups_after >= 3 * max(reups_before, 1)

    def planted(series: str, start: date, end: date) -> int:
        return sum(v for d, v in down[series].items() if start.isoformat() <= d < end.isoformat())

    truth = planted("reup_requests_naming_host_per_day", day, day + WEEKS4)
    assert abs(reups_after - truth) <= 0.1 * truth + 1  # found what was planted
    dead_truth = planted("link_dead_naming_host_per_day", day, day + WEEKS4)
    assert after.get(f"dead_link:{host}", 0) >= 0.9 * dead_truth


def test_merged_hosts_roll_up_to_their_family(stored: tuple[Store, World], tmp_path: Path) -> None:
    store, world = stored
    merge = event(world, "host_merge")
    target, day = merge["target"], date.fromisoformat(merge["date"])
    hosts_file = tmp_path / "hosts.toml"
    sources = ", ".join(f'"{host}"' for host in merge["sources"])
    hosts_file.write_text(
        f'[[family]]\nname = "{target}"\nhosts = ["{target}"]\n'
        f"[[family.merge]]\nhosts = [{sources}]\ndate = {day.isoformat()}\n",
        "utf-8",
    )
    families = HostFamilies.load(hosts_file)
    before = window(store, "links_by_host", day - WEEKS4, day)
    after = window(store, "links_by_host", day, day + WEEKS4)
    for source in merge["sources"]:
        assert before.get(source, 0) >= 5 and after.get(source, 0) == 0  # per host: gone
    assert after.get(target, 0) >= 3 * before.get(target, 1)  # per host: a jump
    family_before = families.roll_up(before)[target]
    family_after = families.roll_up(after)[target]
    assert 0.6 <= family_after / family_before <= 1.6  # the family carries on
    assert [m.date for m in families.merges()] == [day]


def test_covid_terms_and_languages_are_stored(stored: tuple[Store, World]) -> None:
    store, _world = stored
    terms = window(store, "annotations", date(2020, 3, 15), date(2020, 7, 1))
    assert terms["term:covid"] > 300
    march = window(store, "annotations", date(2020, 3, 15), date(2020, 4, 1))["term:covid"]
    june = window(store, "annotations", date(2020, 6, 1), date(2020, 6, 18))["term:covid"]
    assert march > june  # the wave fades
    languages = window(store, "posts_by_language", date(2020, 3, 15), date(2020, 7, 1))
    assert set(sorted(languages, key=languages.__getitem__)[-5:]) == {"en", "de", "ru", "es", "nl"}
    assert terms["crypto:BTC"] >= 1 and terms["amount:BTC"] >= 1


def test_sections_get_their_dominant_language(stored: tuple[Store, World]) -> None:
    store, world = stored
    sister = event(world, "sister_site_outage")
    languages = section_languages(store, date(2020, 3, 15), date(2020, 6, 30))
    site_id = store.get_site(sister["spiking_site"]).id
    assert site_id is not None
    section = next(
        s.id for s in store.sections(site_id) if s.native_id == sister["spiking_section"]
    )
    assert languages[(site_id, section)] == sister["language"] == "ru"
    assert "en" in languages.values() and "de" in languages.values()


def test_stored_rollups_equal_a_recomputation(stored: tuple[Store, World]) -> None:
    store, _world = stored
    assert isinstance(store, SQLStore)
    recomputed = store.recompute_rollups()
    for metric in {key[0] for key in recomputed}:
        rows = store.daily_counts(metric, date(2019, 1, 1), date(2020, 12, 31))
        stored_metric = {(r.metric, r.site_id, r.section_id, r.key, r.day): r.value for r in rows}
        wanted = {key: value for key, value in recomputed.items() if key[0] == metric}
        assert stored_metric == wanted, metric
