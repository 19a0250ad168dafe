"""Activity: posts, active members and new members per site, section, thread and language.

Every series is availability-aware (see :mod:`forumwatch.analyse.series`): a day on which every
fetch of the site failed is unavailable and carries no value, never a 0. Counts come from the
rollups maintained at ingest, so a series costs the same whatever the size of the store.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from forumwatch.analyse.reading import (
    ResolvedScope,
    day_states,
    resolve_scope,
    section_languages,
    site_day_states,
)
from forumwatch.analyse.series import (
    DayState,
    Granularity,
    Scope,
    Series,
    SeriesPoint,
    build_series,
    days_between,
    periods,
)
from forumwatch.errors import ConfigError
from forumwatch.store.base import Store
from forumwatch.store.derived import MEMBER_METRICS, NEW_MEMBERS
from forumwatch.store.rollups import POSTS, THREAD_POSTS

__all__ = [
    "MEMBERS_DEFINITION",
    "NEW_MEMBERS_DEFINITION",
    "POSTS_PER_DAY_DEFINITION",
    "DayState",
    "Series",
    "SeriesPoint",
    "availability",
    "members",
    "new_members",
    "posts",
    "posts_by_language",
    "posts_by_section",
    "posts_per_day",
    "posts_per_day_by_section",
]

POSTS_PER_DAY_DEFINITION = (
    "Posts per UTC day by the post's own time stamp. Unavailable days (every fetch of the "
    "site failed) carry no value; unmonitored days (before the first crawl or in long gaps "
    "between crawls) carry the posts found later but say nothing about availability."
)
POSTS_DEFINITION = (
    "Posts per {period} (UTC) by each post's own time stamp, in the scope {scope}. A period "
    "in which every fetch of the site(s) failed carries no value (never 0); periods before "
    "the first crawl are unmonitored: they hold what later crawls backfilled."
)
MEMBERS_DEFINITION = (
    "Active members per {period} (UTC): distinct handles with at least one post in the "
    "period, in the scope {scope}; a handle is per site, so one person on two sites counts "
    "twice. With a language, members who posted in that language (post language). Distinct "
    "counts do not add up: a week's figure is not the sum of its days."
)
NEW_MEMBERS_DEFINITION = (
    "New members per {period} (UTC): handles whose first stored post falls in the period, "
    "counted in the section of that first post. Backfilled history moves a member's first "
    "post back in time, so new members are only meaningful from the start of the history."
)
_GRAIN = {Granularity.DAY: "d", Granularity.WEEK: "w", Granularity.MONTH: "m"}


def availability(
    store: Store, site_id: int, start: date, end: date, max_gap_days: int = 2
) -> dict[date, DayState]:
    """The state of every day from ``start`` to ``end`` for one site, from the fetch log."""
    return site_day_states(store, [site_id], start, end, max_gap_days)[site_id]


def _counts(
    store: Store, metric: str, resolved: ResolvedScope, start: date, end: date, key: str | None
) -> dict[date, float]:
    counts: dict[date, float] = defaultdict(float)
    for row in store.rollup_sums(
        metric,
        start,
        end,
        site_ids=resolved.site_ids,
        section_ids=resolved.section_ids,
        keys=None if key is None else [key],
    ):
        counts[row.day] += row.value
    return counts


def posts(
    store: Store,
    scope: Scope,
    start: date,
    end: date,
    granularity: Granularity = Granularity.DAY,
    max_gap_days: int = 2,
) -> Series:
    """Posts per day, week or month of a site, section, thread, language group, or all sites.

    Args:
        store: the store.
        scope: site / section / thread / section language (see :class:`Scope`).
        start, end: first and last day (inclusive).
        granularity: day, week (from Monday) or month.
        max_gap_days: longest gap between fetches that still tells the state of the days in
            between.

    Returns:
        The series, with its definition.
    """
    resolved = resolve_scope(store, scope)
    if resolved.thread_id is not None:
        thread = ResolvedScope(resolved.scope, resolved.site_ids, (0,))
        values = _counts(store, THREAD_POSTS, thread, start, end, str(resolved.thread_id))
    else:
        values = _counts(store, POSTS, resolved, start, end, None)
    states = day_states(store, resolved, start, end, max_gap_days)
    return build_series(
        f"posts: {resolved.label}",
        POSTS_DEFINITION.format(period=granularity.value, scope=resolved.label),
        values,
        states,
        start,
        end,
        granularity,
        "posts",
        scope.describe(),
    )


def members(
    store: Store,
    scope: Scope,
    start: date,
    end: date,
    granularity: Granularity = Granularity.DAY,
    max_gap_days: int = 2,
) -> Series:
    """Active members (distinct handles posting) per day, week or month.

    Read from the per-period distinct-member rollups: exact for any period length, and never a
    sum of days. ``scope.language`` selects members who posted in that language; a thread
    scope is not supported.

    Raises:
        ConfigError: a thread scope, or a section together with a language.
    """
    if scope.thread:
        raise ConfigError("active members are counted per site, section or language, not thread")
    if scope.language and scope.section:
        raise ConfigError("active members: give a section or a language, not both")
    resolved = resolve_scope(store, Scope(site=scope.site, section=scope.section))
    metric = MEMBER_METRICS[_GRAIN[granularity]]
    section_ids = resolved.section_ids or (0,)
    key = scope.language or ""
    values: dict[date, float] = defaultdict(float)
    first, last = periods(start, end, granularity)[0], end
    for row in store.rollup_sums(
        metric, first, last, site_ids=resolved.site_ids, section_ids=section_ids, keys=[key]
    ):
        values[row.day] += row.value
    states = day_states(store, resolved, start, end, max_gap_days)
    label = resolved.label + (f"/language {scope.language}" if scope.language else "")
    return build_series(
        f"members: {label}",
        MEMBERS_DEFINITION.format(period=granularity.value, scope=label),
        values,
        states,
        start,
        end,
        granularity,
        "members",
        scope.describe(),
        summed=False,
    )


def new_members(
    store: Store,
    scope: Scope,
    start: date,
    end: date,
    granularity: Granularity = Granularity.DAY,
    max_gap_days: int = 2,
) -> Series:
    """Members whose first post falls in each day, week or month (in that post's section)."""
    if scope.thread:
        raise ConfigError("new members are counted per site, section or language, not thread")
    resolved = resolve_scope(store, scope)
    values = _counts(store, NEW_MEMBERS, resolved, start, end, None)
    states = day_states(store, resolved, start, end, max_gap_days)
    return build_series(
        f"new members: {resolved.label}",
        NEW_MEMBERS_DEFINITION.format(period=granularity.value),
        values,
        states,
        start,
        end,
        granularity,
        "members",
        scope.describe(),
    )


def posts_by_section(
    store: Store,
    site: str,
    start: date,
    end: date,
    granularity: Granularity = Granularity.DAY,
    max_gap_days: int = 2,
) -> dict[str, Series]:
    """One posts series per section of a site (by section title), read in one query."""
    resolved = resolve_scope(store, Scope(site=site))
    site_id = resolved.site_ids[0]
    per_section: dict[int, dict[date, float]] = defaultdict(lambda: defaultdict(float))
    for row in store.rollup_sums(POSTS, start, end, site_ids=[site_id], by=["section_id"]):
        per_section[row.section_id or 0][row.day] += row.value
    states = day_states(store, resolved, start, end, max_gap_days)
    out: dict[str, Series] = {}
    for section in store.sections(site_id):
        label = f"{site}/{section.title or section.native_id}"
        out[section.title or section.native_id] = build_series(
            f"posts: {label}",
            POSTS_DEFINITION.format(period=granularity.value, scope=label),
            per_section.get(section.id, {}),
            states,
            start,
            end,
            granularity,
            "posts",
            {"site": site, "section": section.native_id},
        )
    return out


def posts_by_language(
    store: Store,
    start: date,
    end: date,
    granularity: Granularity = Granularity.DAY,
    site: str | None = None,
    max_gap_days: int = 2,
) -> dict[str, Series]:
    """Posts per section language group ("ru": every section whose language is Russian)."""
    resolved = resolve_scope(store, Scope(site=site))
    languages = section_languages(store, resolved.site_ids)
    values: dict[str, dict[date, float]] = defaultdict(lambda: defaultdict(float))
    for row in store.rollup_sums(POSTS, start, end, site_ids=resolved.site_ids, by=["section_id"]):
        language = languages.get(row.section_id or 0)
        if language is not None:
            values[language][row.day] += row.value
    states = day_states(store, resolved, start, end, max_gap_days)
    return {
        language: build_series(
            f"posts: {resolved.label}/language {language}",
            POSTS_DEFINITION.format(
                period=granularity.value, scope=f"sections in language {language}"
            ),
            counts,
            states,
            start,
            end,
            granularity,
            "posts",
            {"language": language, **({"site": site} if site else {})},
        )
        for language, counts in sorted(values.items())
    }


# -- the demo report's original API --------------------------------------------------------------
def posts_per_day(
    store: Store,
    site_id: int,
    start: date,
    end: date,
    section_ids: Sequence[int] | None = None,
    max_gap_days: int = 2,
    name: str = "posts",
) -> Series:
    """Posts per UTC day for a site (or some of its sections), availability-aware."""
    counts: dict[date, int] = defaultdict(int)
    for row in store.daily_counts(POSTS, start, end, site_ids=[site_id], section_ids=section_ids):
        counts[row.day] += row.value
    states = availability(store, site_id, start, end, max_gap_days)
    points = tuple(
        SeriesPoint(
            day,
            None if states[day] is DayState.UNAVAILABLE else counts.get(day, 0),
            states[day],
        )
        for day in days_between(start, end)
    )
    return Series(name, POSTS_PER_DAY_DEFINITION, points)


def posts_per_day_by_section(
    store: Store, site_id: int, start: date, end: date, max_gap_days: int = 2
) -> dict[int, Series]:
    """One availability-aware posts-per-day series for each section of a site."""
    states = availability(store, site_id, start, end, max_gap_days)
    per_section: dict[int, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for row in store.daily_counts(POSTS, start, end, site_ids=[site_id]):
        per_section[row.section_id][row.day] += row.value
    result: dict[int, Series] = {}
    for section in store.sections(site_id):
        counts = per_section.get(section.id, {})
        result[section.id] = Series(
            section.title,
            "Posts per UTC day in this section.",
            tuple(
                SeriesPoint(
                    day,
                    None if states[day] is DayState.UNAVAILABLE else counts.get(day, 0),
                    states[day],
                )
                for day in days_between(start, end)
            ),
        )
    return result
