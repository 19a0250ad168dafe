"""The planted truth: layout, exact counts and the planted events visible in the generated data."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from forumwatch.sim import World
from forumwatch.sim.ids import is_valid_base58check, is_valid_bech32, is_valid_onion_v3


@pytest.fixture(scope="module")
def truth(small_world: World) -> dict[str, Any]:
    result: dict[str, Any] = small_world.truth()
    return result


def _event(truth: dict[str, Any], kind: str) -> dict[str, Any]:
    matches: list[dict[str, Any]] = [event for event in truth["events"] if event["type"] == kind]
    assert len(matches) == 1
    return matches[0]


def test_truth_is_json_and_can_be_written(small_world: World, tmp_path: Path) -> None:
    path = small_world.write_truth(tmp_path / "truth.json")
    loaded = json.loads(path.read_text("utf-8"))
    assert loaded["format"] == "forumwatch-sim-truth/1"
    assert set(loaded["sites"]) == {"harbour", "lantern", "birch"}


def test_site_facts_and_exact_counts(small_world: World, truth: dict[str, Any]) -> None:
    for name, site in truth["sites"].items():
        assert is_valid_onion_v3(site["onion_host"])
        assert site["posts"] == small_world.site(name).post_count
        assert sum(site["posts_per_day"].values()) == site["posts"]
        assert sum(site["posts_per_section"].values()) == site["posts"]
        assert sum(site["posts_per_language"].values()) == site["posts"]
        ids = {section["id"] for section in site["sections"]}
        assert all(section["parent"] in ids | {None} for section in site["sections"])
    harbour = truth["sites"]["harbour"]
    languages = {section["language"] for section in harbour["sections"]}
    assert {"en", "de", "ru", "es", "nl"} <= languages
    nested = [s for s in harbour["sections"] if s["parent"] and s["kind"] != "category"]
    parents = {s["id"]: s["kind"] for s in harbour["sections"]}
    assert any(parents[s["parent"]] != "category" for s in nested), "a sub-forum of a forum"
    assert truth["sites"]["birch"]["ui_language"] == "ru"
    assert truth["sites"]["lantern"]["timezone"] == "Europe/Berlin"


def test_day_counts_match_the_generated_posts(small_world: World, truth: dict[str, Any]) -> None:
    counted: dict[str, int] = {}
    for record in small_world.iter_posts("birch"):
        assert record.post.posted_at is not None
        day = record.post.posted_at.date().isoformat()
        counted[day] = counted.get(day, 0) + 1
    expected = {
        day: count for day, count in truth["sites"]["birch"]["posts_per_day"].items() if count
    }
    assert counted == expected


def test_host_links_per_day_match_the_posts(small_world: World, truth: dict[str, Any]) -> None:
    host = "snapcellar.net"
    counted = 0
    for record in small_world.iter_posts():
        if record.post.posted_at is not None and record.post.posted_at.date() < date(2019, 3, 1):
            counted += sum(1 for link in record.post.links if f"//{host}/" in link)
    series = truth["links"]["per_host_per_day"][host]
    assert counted == sum(value for day, value in series.items() if day < "2019-03-01")


def test_keyword_wave_peaks_in_march_and_fades(truth: dict[str, Any]) -> None:
    wave = _event(truth, "keyword_wave")
    share = wave["share_per_month"]
    assert wave["peak_month"] == "2020-03"
    assert share["2020-01"] == 0
    assert share["2020-03"] > 0.15 and share["2020-06"] < share["2020-03"] / 3
    assert set(wave["terms"]) == {"en", "de", "ru", "es", "nl"}


def test_image_links_spike_in_march(truth: dict[str, Any]) -> None:
    spike = _event(truth, "image_link_spike")
    assert spike["ratio_to_neighbour_months"] >= 2.0
    monthly = truth["links"]["clearnet_image_per_month"]
    assert monthly["2020-03"] > 2 * max(monthly["2020-02"], monthly["2020-04"])


def test_host_down_collapses_and_a_replacement_rises(truth: dict[str, Any]) -> None:
    down = _event(truth, "host_down")
    assert down["drop_ratio"] >= 0.85
    assert down["replacement"]["first_link_day"] >= down["replacement"]["start"]
    assert down["replacement"]["daily_links_last_14_days"] > 0.5 * down["daily_links_before"]
    assert down["reup_requests_daily_after"] > 2 * down["reup_requests_daily_before"]
    assert down["link_dead_daily_after"] > 2 * down["link_dead_daily_before"]
    naming = down["reup_requests_naming_host_per_day"]
    assert sum(v for d, v in naming.items() if d >= down["date"]) > 3 * sum(
        v for d, v in naming.items() if "2020-04-18" <= d < down["date"]
    )


def test_merged_hosts_stop_and_the_target_takes_over(truth: dict[str, Any]) -> None:
    merge = _event(truth, "host_merge")
    hosts = merge["hosts"]
    for source in merge["sources"]:
        assert hosts[source]["daily_before"] > 0 and hosts[source]["daily_after"] == 0
    target = hosts[merge["target"]]
    assert target["daily_after"] > 2 * target["daily_before"]


def test_outage_days_have_no_posts(truth: dict[str, Any]) -> None:
    outage = _event(truth, "site_outage")
    days = truth["sites"][outage["site"]]["posts_per_day"]
    assert [days[day] for day in ("2020-06-05", "2020-06-06", "2020-06-07")] == [0, 0, 0]
    assert days["2020-06-04"] > 0 and days["2020-06-08"] > 0
    birch = truth["sites"]["birch"]["posts_per_day"]
    assert all(birch[f"2020-04-{day:02d}"] == 0 for day in range(6, 20))


def test_russian_section_spikes_while_the_sister_site_is_down(truth: dict[str, Any]) -> None:
    sister = _event(truth, "sister_site_outage")
    assert sister["language"] == "ru" and sister["spiking_site"] == "harbour"
    assert sister["ratio"] >= 1.8
    series = truth["sites"]["harbour"]["posts_per_section_per_day"][sister["spiking_section"]]
    after = sum(series[f"2020-04-{day:02d}"] for day in range(20, 30)) / 10
    assert after < sister["daily_posts_during"] / 1.5


def test_actors_are_exactly_the_planted_ones(truth: dict[str, Any]) -> None:
    dormant = _event(truth, "dormant_return")
    planted = {member["handle"] for member in dormant["members"]}
    assert len(planted) == 3
    assert all(member["gap_days"] >= 365 for member in dormant["members"])
    assert all(member["returned"] >= dormant["return_date"] for member in dormant["members"])
    assert {actor["handle"] for actor in truth["actors"]["dormant_returns"]} == planted
    shared = _event(truth, "shared_handle")
    assert truth["actors"]["shared_handles"] == [
        {"handle": shared["handle"], "sites": ["harbour", "lantern"]}
    ]
    watch = _event(truth, "watchlisted_activity_after_date")
    assert watch["posts_after"] >= 5 and watch["first_post_after"] > watch["after"]


def test_original_tag_share_rises(truth: dict[str, Any]) -> None:
    tags = _event(truth, "tag_share")
    tagged, totals = tags["tagged_per_month"], tags["threads_per_month"]
    before = sum(tagged[m] for m in totals if m < "2020-02") / sum(
        totals[m] for m in totals if m < "2020-02"
    )
    late = sum(tagged[m] for m in ("2020-05", "2020-06")) / sum(
        totals[m] for m in ("2020-05", "2020-06")
    )
    assert late > before + 0.12


def test_crypto_addresses_are_valid(truth: dict[str, Any]) -> None:
    for entry in truth["crypto"]:
        valid = is_valid_bech32 if entry["type"] == "bech32" else is_valid_base58check
        assert valid(entry["address"])
    assert any(entry["posts"] > 0 for entry in truth["crypto"])
