"""The planted truth of a simulated world, as a JSON-serialisable dict.

It lists the sites (onion hosts, timezones, date formats, sections), the exact generated counts
(posts per site, section and day; links per host and day; keyword mentions; re-upload requests and
'link dead' replies) and every planted event with its dates and measured magnitude, so that tests
and benchmarks can check what the analysis finds against what was planted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from forumwatch.sim.generate import TAGS
from forumwatch.sim.ids import short_token
from forumwatch.sim.sites import FILE_EXTENSIONS, HOSTS, IMAGE_EXTENSIONS, SectionKind
from forumwatch.sim.text import LANGUAGES, LEXICONS
from forumwatch.sim.truth_events import iso, per_day, per_month, planted_events, sum_arrays

if TYPE_CHECKING:
    from forumwatch.sim.world import SiteWorld, World

TRUTH_FORMAT = "forumwatch-sim-truth/1"
_YEAR = 365 * 86_400


def build_truth(world: World) -> dict[str, Any]:
    """Assemble the truth of ``world`` (see the module docstring for the layout)."""
    timeline = world.timeline
    days = [timeline.day_date(day).isoformat() for day in range(timeline.days)]
    truth: dict[str, Any] = {
        "format": TRUTH_FORMAT,
        "config": world.config.to_json(),
        "period": {
            "history_start": world.config.history_start.isoformat(),
            "monitoring_start": world.config.monitoring_start.isoformat(),
            "monitoring_end": world.config.monitoring_end.isoformat(),
        },
        "sites": {name: _site(world, site, days) for name, site in world.by_name.items()},
        "hosts": [
            {
                "index": index,
                "label": host.name,
                "host": world.host_names[index - 1],
                "network": "onion" if host.onion else "clearnet",
                "image_weight": host.image_weight,
                "file_weight": host.file_weight,
            }
            for index, host in enumerate(HOSTS, start=1)
        ],
        "links": _links(world, days),
        "lexicons": _lexicons(),
        "events": planted_events(world, days),
        "actors": _actors(world),
        "crypto": [
            {
                "site": name,
                "address": site.donation_address,
                "type": site.spec.wallet,
                "posts": site.data.crypto_posts,
            }
            for name, site in world.by_name.items()
        ],
        "gazetteer": {
            language: {
                key: list(values)
                for key, values in LEXICONS[language].slots.items()
                if key.startswith(("city", "country"))
            }
            for language in LANGUAGES
        },
        "extensions": {
            "image": [ext for ext, _ in IMAGE_EXTENSIONS],
            "file": [ext for ext, _ in FILE_EXTENSIONS],
        },
    }
    return truth


def _site(world: World, site: SiteWorld, days: list[str]) -> dict[str, Any]:
    data = site.data
    spec = site.spec
    sections = []
    for item in spec.sections:
        sections.append(
            {
                "id": str(item.native_id),
                "title": item.title,
                "description": item.description,
                "kind": item.kind.value,
                "parent": None if item.parent is None else str(item.parent),
                "language": item.language,
                "url": f"viewforum.php?f={item.native_id}",
                "tags": list(TAGS[1:4]) if item.kind == SectionKind.MEDIA else [],
            }
        )
    daily = {str(native): per_day(values, days) for native, values in data.daily_posts.items()}
    total = sum_arrays(data.daily_posts.values(), len(days))
    return {
        "name": spec.name,
        "title": spec.title,
        "onion_host": site.onion,
        "engine": "phpbb",
        "engine_version": "phpBB 3.3.15 (prosilver)",
        "ui_language": spec.ui_language,
        "timezone": spec.timezone,
        "date_format": spec.date_format,
        "relative_dates": "|" in spec.date_format,
        "languages": [language for language, _ in spec.languages],
        "cookie_name": f"phpbb3_{short_token(world.config.seed, spec.name, 5)}",
        "posts_per_page": 10,
        "topics_per_page": 25,
        "posts": data.post_count,
        "threads": data.thread_count,
        "members": len(data.members.handles),
        "post_id_range": [1, data.post_count],
        "thread_id_range": [1, data.thread_count],
        "pages_at_end": site.page_counts(),
        "sections": sections,
        "posts_per_section": {
            str(native): sum(values) for native, values in data.daily_posts.items()
        },
        "posts_per_day": per_day(total, days),
        "posts_per_section_per_day": daily,
        "posts_per_language": {
            language: data.language_posts[index] for index, language in enumerate(LANGUAGES)
        },
        "outages": [
            {"start": first.isoformat(), "end": last.isoformat()}
            for first, last in world.timeline.outages(spec.name)
        ],
        "donation_address": site.donation_address,
    }


def _links(world: World, days: list[str]) -> dict[str, Any]:
    per_host: dict[str, dict[str, int]] = {}
    for index in range(1, len(HOSTS) + 1):
        values = sum_arrays((site.data.host_links[index] for site in world.sites), len(days))
        per_host[world.host_names[index - 1]] = per_day(values, days)
    image = sum_arrays(
        (
            site.data.host_image_links[index]
            for site in world.sites
            for index in range(1, len(HOSTS) + 1)
        ),
        len(days),
    )
    return {
        "counting": (
            "every URL in a post's own text (href, bare text or defanged), on the day it was"
            " posted; quotes never contain links"
        ),
        "per_host_per_day": per_host,
        "clearnet_image_per_day": per_day(image, days),
        "clearnet_image_per_month": per_month(image, days),
    }


def _lexicons() -> dict[str, Any]:
    out: dict[str, Any] = {"covid": {}, "reup": {}, "dead": {}}
    for language, lexicon in LEXICONS.items():
        out["covid"][language] = list(lexicon.covid_terms)
        out["reup"][language] = ["".join(parts).replace("  ", " ") for parts, _ in lexicon.reup]
        out["dead"][language] = ["".join(parts).replace("  ", " ") for parts, _ in lexicon.dead]
    return out


def _actors(world: World) -> dict[str, Any]:
    """Actor facts measured from the generated posts (planted and incidental alike)."""
    returners = []
    handles: dict[str, list[str]] = {}
    for name, site in world.by_name.items():
        data = site.data
        members = data.members
        for member, posts in enumerate(data.member_posts):
            handles.setdefault(members.handles[member], []).append(name)
            previous = None
            for index in posts:
                moment = data.post_time[index]
                if previous is not None and moment - previous >= _YEAR:
                    returners.append(
                        {
                            "site": name,
                            "handle": members.handles[member],
                            "last_active": iso(previous),
                            "returned": iso(moment),
                            "gap_days": (moment - previous) // 86_400,
                        }
                    )
                previous = moment
    shared = [
        {"handle": handle, "sites": sites}
        for handle, sites in sorted(handles.items())
        if len(sites) > 1
    ]
    return {"dormant_returns": returners, "shared_handles": shared}
