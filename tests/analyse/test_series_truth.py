"""On the replayed world: series equal the planted truth's exact counts; queries read rollups."""

from __future__ import annotations

from datetime import date

from forumwatch.analyse import activity, hosts, keywords, linkindex
from forumwatch.analyse.catalog import SERIES_NAMES, SeriesRequest, headline, named_series
from forumwatch.analyse.series import DayState, Granularity, Scope, resample
from tests.analyse.conftest import MONITORING_START, Replayed

LAST = date(2020, 6, 29)  # the last crawl is at noon on 30 June: that day is partial


def test_posts_per_site_and_day_equal_the_truth(replayed: Replayed) -> None:
    for name, site in replayed.truth["sites"].items():
        series = activity.posts(replayed.store, Scope(site=name), date(2019, 1, 1), LAST)
        truth = site["posts_per_day"]
        outage = {o["start"] for o in site["outages"]}
        for point in series.points:
            if point.state is DayState.UNAVAILABLE:
                assert truth[point.day.isoformat()] == 0
                continue
            assert point.value == truth[point.day.isoformat()], (name, point.day)
        states = {p.state for p in series.points if p.day < MONITORING_START}
        assert states == {DayState.UNMONITORED}
        assert {
            p.day.isoformat() for p in series.points if p.state is DayState.UNAVAILABLE
        } >= outage


def test_link_index_and_mentions_equal_the_truth(replayed: Replayed) -> None:
    index = linkindex.link_index(replayed.store, Scope(), date(2019, 1, 1), date(2020, 5, 31))
    truth = replayed.truth["links"]["clearnet_image_per_month"]
    assert {p.day.isoformat()[:7]: p.value for p in index.points} == {
        month: value for month, value in truth.items() if month <= "2020-05"
    }
    wave = replayed.event("keyword_wave")
    mentions = keywords.mentions(replayed.store, "covid", Scope(), date(2020, 1, 1), LAST)
    assert {p.day.isoformat(): p.value for p in mentions.points} == {
        day: value
        for day, value in wave["mentions_per_day"].items()
        if "2020-01-01" <= day <= LAST.isoformat()
    }
    share = keywords.mention_share(
        replayed.store, "covid", Scope(), date(2020, 3, 1), date(2020, 3, 31), Granularity.MONTH
    )
    assert abs((share.points[0].value or 0) - wave["share_per_month"]["2020-03"]) < 0.005


def test_sections_group_by_language_and_hosts_roll_up(replayed: Replayed) -> None:
    sister = replayed.event("sister_site_outage")
    by_language = activity.posts_by_language(
        replayed.store, date(2020, 4, 1), date(2020, 4, 30), Granularity.MONTH, site="harbour"
    )
    russian = activity.posts(
        replayed.store,
        Scope(site="harbour", language="ru"),
        date(2020, 4, 1),
        date(2020, 4, 30),
        Granularity.MONTH,
    )
    assert by_language["ru"].points[0].value == russian.points[0].value > 0
    section = activity.posts(
        replayed.store,
        Scope(site="harbour", section=sister["spiking_section"]),
        date(2020, 4, 1),
        date(2020, 4, 30),
        Granularity.MONTH,
    )
    assert section.points[0].value == russian.points[0].value
    down = replayed.event("host_down")
    series = hosts.host_links(replayed.store, down["host"], Scope(), date(2020, 1, 1), LAST)
    truth = down["reup_requests_naming_host_per_day"]
    complaints = hosts.complaints(
        replayed.store,
        down["host"],
        Scope(),
        date(2020, 5, 18),
        date(2020, 5, 31),
        kinds=("reupload",),
    )
    assert complaints.total() >= 0.9 * sum(
        v for d, v in truth.items() if "2020-05-18" <= d <= "2020-05-31"
    )
    per_host = replayed.truth["links"]["per_host_per_day"][down["host"]]
    assert {p.day.isoformat(): p.value for p in series.points} == {
        d: v for d, v in per_host.items() if "2020-01-01" <= d <= LAST.isoformat()
    }
    top = hosts.top_hosts(replayed.store, date(2020, 6, 1), LAST, limit=3)
    assert top[0].name == down["replacement"]["host"]


def test_resampling_and_every_named_series(replayed: Replayed) -> None:
    daily = activity.posts(
        replayed.store, Scope(site="lantern"), date(2020, 6, 1), date(2020, 6, 14)
    )
    weekly = resample(daily, Granularity.WEEK)
    assert weekly.total() == daily.total()
    assert [p.unavailable_days for p in weekly.points] == [3, 0]  # 5-7 June
    params = {"lexicon": "covid", "host": "snapcellar.net", "tag": "Original"}
    for name in SERIES_NAMES:
        request = SeriesRequest(
            name,
            Scope(site="harbour"),
            date(2020, 3, 1),
            date(2020, 3, 31),
            Granularity.WEEK,
            **params,
        )  # type: ignore[arg-type]
        series = named_series(replayed.store, request)
        assert series.points and series.definition, name
    assert next(f.label for f in headline(replayed.store)).startswith("posts")
