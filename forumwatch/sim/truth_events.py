"""The planted events of the truth, each with its dates and the magnitude measured in the data."""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from forumwatch.sim.generate import KIND_NORMAL, TAGS
from forumwatch.sim.sites import host_index
from forumwatch.sim.text import LEXICONS

if TYPE_CHECKING:
    from forumwatch.sim.world import World

WINDOW = 28
"""Days before/after an event over which daily means are compared."""


def per_day(values: Iterable[int], days: list[str]) -> dict[str, int]:
    """Map day strings to values."""
    return dict(zip(days, values, strict=True))


def sum_arrays(arrays: Iterable[array[int] | list[int]], length: int) -> list[int]:
    """Element-wise sum of daily arrays."""
    total = [0] * length
    for values in arrays:
        for index, value in enumerate(values):
            total[index] += value
    return total


def per_month(values: list[int], days: list[str]) -> dict[str, int]:
    """Sum daily values per ``YYYY-MM``."""
    out: dict[str, int] = {}
    for day, value in zip(days, values, strict=True):
        out[day[:7]] = out.get(day[:7], 0) + value
    return out


def mean(values: list[int], start: int, stop: int) -> float:
    """Mean of ``values[start:stop]`` (clipped to the list)."""
    start, stop = max(0, start), min(len(values), stop)
    return sum(values[start:stop]) / max(1, stop - start)


def iso(timestamp: int) -> str:
    """ISO 8601 UTC time of a Unix time."""
    return datetime.fromtimestamp(timestamp, UTC).isoformat()


def planted_events(world: World, days: list[str]) -> list[dict[str, Any]]:
    """Every planted event with its configuration and measured magnitude."""
    return [
        _keyword_wave(world, days),
        _image_spike(world, days),
        _host_down(world, days),
        _merge(world, days),
        _site_outage(world),
        _sister(world, days),
        _dormant(world),
        _shared(world),
        _watch(world),
        _tag_share(world),
    ]


def _keyword_wave(world: World, days: list[str]) -> dict[str, Any]:
    events = world.config.events
    mentions = sum_arrays((site.data.covid_daily for site in world.sites), len(days))
    posts = sum_arrays(
        (values for site in world.sites for values in site.data.daily_posts.values()),
        len(days),
    )
    monthly_mentions = per_month(mentions, days)
    monthly_posts = per_month(posts, days)
    share = {
        month: monthly_mentions[month] / max(1, monthly_posts[month]) for month in monthly_posts
    }
    monitored = {
        month: value
        for month, value in share.items()
        if month >= events.keyword_wave_start.isoformat()[:4]
    }
    return {
        "type": "keyword_wave",
        "terms": {language: list(lexicon.covid_terms) for language, lexicon in LEXICONS.items()},
        "start": events.keyword_wave_start.isoformat(),
        "peak": events.keyword_wave_peak.isoformat(),
        "fade": events.keyword_wave_fade.isoformat(),
        "peak_share_configured": events.keyword_wave_peak_share,
        "peak_month": max(monitored, key=monitored.__getitem__),
        "share_per_month": share,
        "mentions_per_month": monthly_mentions,
        "mentions_per_day": per_day(mentions, days),
        "expected": {
            "direction": "rise then fall",
            "peak_month": events.keyword_wave_peak.isoformat()[:7],
        },
    }


def _image_spike(world: World, days: list[str]) -> dict[str, Any]:
    events = world.config.events
    image = sum_arrays(
        (site.data.host_image_links[index] for site in world.sites for index in range(1, 12)),
        len(days),
    )
    monthly = per_month(image, days)
    month = events.image_spike_start.isoformat()[:7]
    before = (events.image_spike_start - timedelta(days=1)).isoformat()[:7]
    after = (events.image_spike_end + timedelta(days=1)).isoformat()[:7]
    neighbours = [monthly.get(before, 0), monthly.get(after, 0)]
    return {
        "type": "image_link_spike",
        "network": "clearnet",
        "extensions": ["jpg", "png"],
        "start": events.image_spike_start.isoformat(),
        "end": events.image_spike_end.isoformat(),
        "factor_configured": events.image_spike_factor,
        "per_month": monthly,
        "ratio_to_neighbour_months": monthly.get(month, 0) / max(1.0, sum(neighbours) / 2),
        "expected": {"direction": "up", "month": month, "min_ratio": 2.0},
    }


def _host_series(world: World, name: str, days: list[str]) -> list[int]:
    index = host_index(name)
    return sum_arrays((site.data.host_links[index] for site in world.sites), len(days))


def _host_down(world: World, days: list[str]) -> dict[str, Any]:
    events = world.config.events
    timeline = world.timeline
    down = timeline.day_index(events.host_down_date)
    series = _host_series(world, events.host_down, days)
    before, after = mean(series, down - WINDOW, down), mean(series, down, down + WINDOW)
    replacement = _host_series(world, events.replacement_host, days)
    first = next((day for day, value in enumerate(replacement) if value), None)
    reup = sum_arrays((site.data.reup_daily for site in world.sites), len(days))
    dead = sum_arrays((site.data.dead_daily for site in world.sites), len(days))
    reup_host = sum_arrays((site.data.reup_down_daily for site in world.sites), len(days))
    dead_host = sum_arrays((site.data.dead_down_daily for site in world.sites), len(days))
    return {
        "type": "host_down",
        "host": events.host_down,
        "date": events.host_down_date.isoformat(),
        "daily_links_before": before,
        "daily_links_after": after,
        "drop_ratio": 1.0 - after / before if before else 0.0,
        "replacement": {
            "host": events.replacement_host,
            "start": events.replacement_start.isoformat(),
            "full": events.replacement_full.isoformat(),
            "first_link_day": None if first is None else days[first],
            "daily_links_last_14_days": mean(replacement, len(days) - 14, len(days)),
        },
        "reup_requests_per_day": per_day(reup, days),
        "reup_requests_naming_host_per_day": per_day(reup_host, days),
        "link_dead_per_day": per_day(dead, days),
        "link_dead_naming_host_per_day": per_day(dead_host, days),
        "reup_requests_daily_before": mean(reup, down - WINDOW, down),
        "reup_requests_daily_after": mean(reup, down, down + 21),
        "link_dead_daily_before": mean(dead, down - WINDOW, down),
        "link_dead_daily_after": mean(dead, down, down + 21),
        "expected": {"direction": "down", "min_drop_ratio": 0.85},
    }


def _merge(world: World, days: list[str]) -> dict[str, Any]:
    events = world.config.events
    day = world.timeline.day_index(events.merge_date)
    hosts: dict[str, dict[str, float]] = {}
    for name in (*events.merge_sources, events.merge_target):
        series = _host_series(world, name, days)
        hosts[name] = {
            "daily_before": mean(series, day - WINDOW, day),
            "daily_after": mean(series, day, day + WINDOW),
        }
    return {
        "type": "host_merge",
        "sources": list(events.merge_sources),
        "target": events.merge_target,
        "date": events.merge_date.isoformat(),
        "hosts": hosts,
        "expected": {"sources_after": 0, "target": "takes the sources' traffic"},
    }


def _site_outage(world: World) -> dict[str, Any]:
    events = world.config.events
    return {
        "type": "site_outage",
        "site": events.outage_site,
        "start": events.outage_start.isoformat(),
        "end": events.outage_end.isoformat(),
        "posts_during": 0,
        "behaviour": {"http_503": 0.60, "connection_reset": 0.25, "hang": 0.15},
    }


def _sister(world: World, days: list[str]) -> dict[str, Any]:
    events = world.config.events
    timeline = world.timeline
    site = world.site(events.sister_spike_site)
    section = int(events.sister_spike_section)
    series = list(site.data.daily_posts[section])
    start, end = timeline.day_index(events.sister_start), timeline.day_index(events.sister_end)
    before = mean(series, start - WINDOW, start)
    during = mean(series, start, end + 1)
    return {
        "type": "sister_site_outage",
        "site": events.sister_site,
        "start": events.sister_start.isoformat(),
        "end": events.sister_end.isoformat(),
        "spiking_site": events.sister_spike_site,
        "spiking_section": events.sister_spike_section,
        "spiking_section_title": site.section_by_id[section].title,
        "language": site.section_by_id[section].language,
        "factor_configured": events.sister_spike_factor,
        "daily_posts_before": before,
        "daily_posts_during": during,
        "ratio": during / before if before else 0.0,
        "expected": {"direction": "up", "min_ratio": 1.8},
    }


def _member_posts(world: World, site_name: str, member: int) -> list[int]:
    data = world.site(site_name).data
    return [data.post_time[index] for index in data.member_posts[member]]


def _dormant(world: World) -> dict[str, Any]:
    events = world.config.events
    site = world.site(events.dormant_site)
    members = []
    for member in site.data.members.planted.get("dormant", []):
        times = _member_posts(world, events.dormant_site, member)
        gaps = [(later - earlier, earlier, later) for earlier, later in pairwise(times)]
        gap, last, back = max(gaps)
        members.append(
            {
                "handle": site.data.members.handles[member],
                "user_id": site.data.members.user_ids[member],
                "last_active": iso(last),
                "returned": iso(back),
                "gap_days": gap // 86_400,
                "posts_before": sum(1 for moment in times if moment <= last),
                "posts_after": sum(1 for moment in times if moment >= back),
            }
        )
    return {
        "type": "dormant_return",
        "site": events.dormant_site,
        "return_date": events.dormant_return.isoformat(),
        "min_gap_days": 365,
        "members": members,
    }


def _shared(world: World) -> dict[str, Any]:
    events = world.config.events
    sites = {}
    handle = world.planted.shared
    for name in events.shared_handle_sites:
        members = world.site(name).data.members
        member = members.planted["shared"][0]
        sites[name] = {
            "user_id": members.user_ids[member],
            "posts": len(world.site(name).data.member_posts[member]),
        }
    return {"type": "shared_handle", "handle": handle, "sites": sites}


def _watch(world: World) -> dict[str, Any]:
    events = world.config.events
    site = world.site(events.watch_site)
    member = site.data.members.planted["watch"][0]
    times = _member_posts(world, events.watch_site, member)
    after = (
        int(datetime.combine(events.watch_after, datetime.min.time(), tzinfo=UTC).timestamp())
        + 86_400
    )
    later = [moment for moment in times if moment >= after]
    return {
        "type": "watchlisted_activity_after_date",
        "site": events.watch_site,
        "handle": site.data.members.handles[member],
        "user_id": site.data.members.user_ids[member],
        "after": events.watch_after.isoformat(),
        "posts_total": len(times),
        "posts_after": len(later),
        "first_post_after": iso(later[0]) if later else None,
        "last_post": iso(times[-1]) if times else None,
    }


def _tag_share(world: World) -> dict[str, Any]:
    events = world.config.events
    site = world.site(events.tag_site)
    data = site.data
    section = int(events.tag_section)
    tag = TAGS.index(events.tag)
    totals: dict[str, int] = {}
    tagged: dict[str, int] = {}
    for thread in data.section_threads[section]:
        if data.thread_kind[thread] != KIND_NORMAL:
            continue
        month = iso(data.post_time[data.thread_posts[thread][0]])[:7]
        totals[month] = totals.get(month, 0) + 1
        if data.thread_tag[thread] == tag:
            tagged[month] = tagged.get(month, 0) + 1
    return {
        "type": "tag_share",
        "site": events.tag_site,
        "section": events.tag_section,
        "section_title": site.section_by_id[section].title,
        "tag": events.tag,
        "rise_start": events.tag_rise_start.isoformat(),
        "base_share_configured": events.tag_base_share,
        "end_share_configured": events.tag_end_share,
        "threads_per_month": totals,
        "tagged_per_month": {month: tagged.get(month, 0) for month in totals},
        "share_per_month": {month: tagged.get(month, 0) / count for month, count in totals.items()},
        "expected": {"direction": "up", "from": events.tag_rise_start.isoformat()[:7]},
    }
