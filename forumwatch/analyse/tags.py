"""Tags: the share of a section's threads that carry a tag (a prefix such as ``[Original]``).

Threads are counted once, on the day of their first stored post, in their current section;
pinned (sticky) threads and announcements are left out (they are the board's furniture, not
uploads). Tags are matched without brackets and case: ``[Original]`` finds ``Original``.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from forumwatch.analyse.reading import EARLIEST, LATEST, day_states, resolve_scope
from forumwatch.analyse.series import Granularity, Scope, Series, build_series, share_series
from forumwatch.store.base import Store
from forumwatch.store.derived import THREADS, THREADS_TAGGED

SHARE_DEFINITION = (
    "Share of new threads per {period} (UTC) carrying the tag {tag!r}: threads tagged, divided "
    "by all threads, each thread counted once on the day of its first post, in its current "
    "section, pinned threads left out. Scope: {scope}."
)


def normalise_tag(tag: str) -> str:
    """A tag without brackets, spaces at its ends or case: ``[Original]`` -> ``original``."""
    return tag.strip().strip("[]()").strip().casefold()


def stored_tags(store: Store, scope: Scope) -> list[str]:
    """The tags stored for the scope's threads, as written."""
    resolved = resolve_scope(store, scope)
    return sorted(
        t.key for t in store.rollup_totals(THREADS_TAGGED, EARLIEST, LATEST, resolved.site_ids)
    )


def threads(
    store: Store,
    scope: Scope,
    start: date,
    end: date,
    granularity: Granularity = Granularity.MONTH,
    tag: str | None = None,
    max_gap_days: int = 2,
) -> Series:
    """New threads (all, or those carrying ``tag``) per day, week or month."""
    resolved = resolve_scope(store, scope)
    keys = None
    metric = THREADS
    if tag is not None:
        metric = THREADS_TAGGED
        wanted = normalise_tag(tag)
        keys = [t for t in stored_tags(store, scope) if normalise_tag(t) == wanted] or [tag]
    values: dict[date, float] = defaultdict(float)
    for row in store.rollup_sums(
        metric, start, end, site_ids=resolved.site_ids, section_ids=resolved.section_ids, keys=keys
    ):
        values[row.day] += row.value
    what = f"tagged {tag!r}" if tag else "all"
    return build_series(
        f"threads ({what}): {resolved.label}",
        f"New threads ({what}) per {granularity.value}, by the day of their first post, pinned "
        f"threads left out. Scope: {resolved.label}.",
        values,
        day_states(store, resolved, start, end, max_gap_days),
        start,
        end,
        granularity,
        "threads",
        {**scope.describe(), **({"tag": tag} if tag else {})},
    )


def tag_share(
    store: Store,
    scope: Scope,
    tag: str,
    start: date,
    end: date,
    granularity: Granularity = Granularity.MONTH,
    max_gap_days: int = 2,
) -> Series:
    """The share of a scope's new threads carrying ``tag`` per day, week or month."""
    tagged = threads(store, scope, start, end, granularity, tag, max_gap_days)
    every = threads(store, scope, start, end, granularity, None, max_gap_days)
    label = every.name.split(": ", 1)[1]
    return share_series(
        tagged,
        every,
        f"share of threads tagged {tag}: {label}",
        SHARE_DEFINITION.format(period=granularity.value, tag=tag, scope=label),
        "share of threads",
    )
