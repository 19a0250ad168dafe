"""The file-sharing index: links to files of one media class, each URL counted once.

A URL counts once, in the period (and site and section) of its first post by post time; a later
post of the same URL is a re-share, counted separately. Links are text found in posts: nothing
is ever fetched, and the class of a file comes from its extension alone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from forumwatch.analyse.reading import day_states, resolve_scope
from forumwatch.analyse.series import Granularity, Scope, Series, build_series
from forumwatch.store.base import Store
from forumwatch.store.derived import LINKS_FIRST_SEEN
from forumwatch.store.rollups import LINKS_BY_EXTENSION

INDEX_DEFINITION = (
    "Links to {network} {media} files{extensions} per {period} (UTC), each URL (normalised) "
    "counted once, in the period, site and section of the first post that contains it (by the "
    "post's own time); later posts of the same URL are re-shares and are not counted here. "
    "The file class comes from the URL's extension; nothing is ever downloaded. Scope: {scope}."
)
RESHARE_DEFINITION = (
    "Re-shares of {network} {media} file links{extensions} per {period} (UTC): posts of a URL "
    "after its first post (each post counts a URL once). Scope: {scope}."
)


@dataclass(frozen=True, slots=True)
class IndexRow:
    """One period of the index table: new links per extension, their total, and re-shares."""

    period: date
    by_extension: dict[str, int]
    total: int
    reshares: int


@dataclass(frozen=True, slots=True)
class LinkIndex:
    """The index as the reports print it: a table with its definition."""

    definition: str
    network: str
    media_class: str
    granularity: Granularity
    rows: tuple[IndexRow, ...]


def _keys(network: str, media_class: str, extensions: Sequence[str] | None) -> list[str] | None:
    if extensions is None:
        return None
    return [f"{network}:{media_class}:{ext.lower().lstrip('.')}" for ext in extensions]


def _read(
    store: Store,
    metric: str,
    scope: Scope,
    start: date,
    end: date,
    network: str,
    media_class: str,
    extensions: Sequence[str] | None,
) -> tuple[dict[str, dict[date, float]], Scope]:
    resolved = resolve_scope(store, scope)
    prefix = f"{network}:{media_class}:"
    per_key: dict[str, dict[date, float]] = defaultdict(lambda: defaultdict(float))
    for row in store.rollup_sums(
        metric,
        start,
        end,
        site_ids=resolved.site_ids,
        section_ids=resolved.section_ids,
        keys=_keys(network, media_class, extensions),
        by=["key"],
        key_prefix=prefix,
    ):
        if row.key is not None and row.key.startswith(prefix):
            per_key[row.key.removeprefix(prefix)][row.day] += row.value
    return per_key, scope


def _summed(per_key: dict[str, dict[date, float]]) -> dict[date, float]:
    total: dict[date, float] = defaultdict(float)
    for values in per_key.values():
        for day, value in values.items():
            total[day] += value
    return total


def link_index(
    store: Store,
    scope: Scope,
    start: date,
    end: date,
    granularity: Granularity = Granularity.MONTH,
    network: str = "clearnet",
    media_class: str = "image",
    extensions: Sequence[str] | None = None,
    max_gap_days: int = 2,
) -> Series:
    """New (first-seen) links to files of a media class per day, week or month.

    Args:
        store: the store.
        scope: site / section / section language of the URL's first post.
        start, end: first and last day.
        granularity: month by default, as the reports print the index.
        network: ``clearnet``, ``onion`` or ``i2p``.
        media_class: ``image``, ``video``, ``archive``, ``document``, ``page`` or ``other``.
        extensions: only these extensions (``["jpg"]``); all of the class when None.
        max_gap_days: see :func:`forumwatch.analyse.activity.posts`.
    """
    per_key, _ = _read(store, LINKS_FIRST_SEEN, scope, start, end, network, media_class, extensions)
    resolved = resolve_scope(store, scope)
    ext_text = f" ({', '.join(extensions)})" if extensions else ""
    return build_series(
        f"link index {network}:{media_class}: {resolved.label}",
        INDEX_DEFINITION.format(
            network=network,
            media=media_class,
            extensions=ext_text,
            period=granularity.value,
            scope=resolved.label,
        ),
        _summed(per_key),
        day_states(store, resolved, start, end, max_gap_days),
        start,
        end,
        granularity,
        "links",
        {**scope.describe(), "network": network, "media": media_class},
    )


def reshares(
    store: Store,
    scope: Scope,
    start: date,
    end: date,
    granularity: Granularity = Granularity.MONTH,
    network: str = "clearnet",
    media_class: str = "image",
    extensions: Sequence[str] | None = None,
    max_gap_days: int = 2,
) -> Series:
    """Re-shares (posts of a URL after its first) of a media class per day, week or month."""
    every, _ = _read(store, LINKS_BY_EXTENSION, scope, start, end, network, media_class, extensions)
    first, _ = _read(store, LINKS_FIRST_SEEN, scope, start, end, network, media_class, extensions)
    values = _summed(every)
    for day, value in _summed(first).items():
        values[day] = values.get(day, 0) - value
    resolved = resolve_scope(store, scope)
    ext_text = f" ({', '.join(extensions)})" if extensions else ""
    return build_series(
        f"re-shares {network}:{media_class}: {resolved.label}",
        RESHARE_DEFINITION.format(
            network=network,
            media=media_class,
            extensions=ext_text,
            period=granularity.value,
            scope=resolved.label,
        ),
        values,
        day_states(store, resolved, start, end, max_gap_days),
        start,
        end,
        granularity,
        "links",
        {**scope.describe(), "network": network, "media": media_class},
    )


def index_table(
    store: Store,
    scope: Scope,
    start: date,
    end: date,
    granularity: Granularity = Granularity.MONTH,
    network: str = "clearnet",
    media_class: str = "image",
) -> LinkIndex:
    """The index per period with a column per extension and the re-shares, as reports show."""
    from forumwatch.analyse.series import period_start, periods

    first, _ = _read(store, LINKS_FIRST_SEEN, scope, start, end, network, media_class, None)
    every, _ = _read(store, LINKS_BY_EXTENSION, scope, start, end, network, media_class, None)
    rows = []
    for begin in periods(start, end, granularity):
        by_extension: dict[str, int] = {}
        shared = 0
        for extension, values in first.items():
            count = sum(v for d, v in values.items() if period_start(d, granularity) == begin)
            if count:
                by_extension[extension or "(none)"] = int(count)
        for values in every.values():
            shared += int(
                sum(v for d, v in values.items() if period_start(d, granularity) == begin)
            )
        total = sum(by_extension.values())
        rows.append(IndexRow(begin, by_extension, total, shared - total))
    series = link_index(store, scope, start, end, granularity, network, media_class)
    return LinkIndex(series.definition, network, media_class, granularity, tuple(rows))
