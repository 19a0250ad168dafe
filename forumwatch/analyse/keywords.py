"""Keyword trends: posts mentioning a watch lexicon (or one of its terms), and their share.

Lexicons are the enrichment's watch-term files (``forumwatch/enrich/data/lexicons/*.toml`` and
a workspace's ``lexicons/``). A post mentioning several terms of a lexicon counts once for the
lexicon and once for each term.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from forumwatch.analyse.reading import day_states, resolve_scope
from forumwatch.analyse.series import Granularity, Scope, Series, build_series, share_series
from forumwatch.store.base import Store
from forumwatch.store.rollups import ANNOTATIONS, TERMS

MENTIONS_DEFINITION = (
    "Posts per {period} (UTC) mentioning {what} (watch-term lexicon matching on the post's own "
    "text, quotes and URLs excluded), each post counted once, in the scope {scope}."
)
SHARE_DEFINITION = (
    "Share of posts per {period} (UTC) mentioning {what}: the mention count divided by all "
    "posts of the same scope ({scope}) in the same period; no value where there were no posts "
    "or the site was unavailable."
)


def lexicon_names(store: Store) -> list[str]:
    """Lexicons that matched at least one stored post."""
    keys = store.rollup_keys(ANNOTATIONS, "term:")
    return sorted(k.removeprefix("term:") for k in keys if k.startswith("term:"))


def mentions(
    store: Store,
    lexicon: str,
    scope: Scope,
    start: date,
    end: date,
    granularity: Granularity = Granularity.DAY,
    term: str | None = None,
    max_gap_days: int = 2,
) -> Series:
    """Posts mentioning a lexicon (or one term of it) per day, week or month.

    Args:
        store: the store.
        lexicon: the lexicon's name (``covid``).
        scope: site / section / section language.
        start, end: first and last day.
        granularity: day, week or month.
        term: one term of the lexicon as written in the lexicon file (``lockdown``).
        max_gap_days: see :func:`forumwatch.analyse.activity.posts`.
    """
    resolved = resolve_scope(store, scope)
    metric, key = (TERMS, f"{lexicon}:{term}") if term else (ANNOTATIONS, f"term:{lexicon}")
    values: dict[date, float] = defaultdict(float)
    for row in store.rollup_sums(
        metric, start, end, site_ids=resolved.site_ids, section_ids=resolved.section_ids, keys=[key]
    ):
        values[row.day] += row.value
    what = f"term {term!r} of lexicon {lexicon!r}" if term else f"lexicon {lexicon!r}"
    return build_series(
        f"mentions of {term or lexicon}: {resolved.label}",
        MENTIONS_DEFINITION.format(period=granularity.value, what=what, scope=resolved.label),
        values,
        day_states(store, resolved, start, end, max_gap_days),
        start,
        end,
        granularity,
        "posts",
        {**scope.describe(), "lexicon": lexicon, **({"term": term} if term else {})},
    )


def mention_share(
    store: Store,
    lexicon: str,
    scope: Scope,
    start: date,
    end: date,
    granularity: Granularity = Granularity.DAY,
    term: str | None = None,
    max_gap_days: int = 2,
) -> Series:
    """The share of posts mentioning a lexicon (or term) per day, week or month."""
    from forumwatch.analyse.activity import posts

    top = mentions(store, lexicon, scope, start, end, granularity, term, max_gap_days)
    bottom = posts(store, scope, start, end, granularity, max_gap_days)
    what = f"term {term!r} of lexicon {lexicon!r}" if term else f"lexicon {lexicon!r}"
    label = top.name.split(": ", 1)[1]
    return share_series(
        top,
        bottom,
        f"share mentioning {term or lexicon}: {label}",
        SHARE_DEFINITION.format(period=granularity.value, what=what, scope=label),
        "share of posts",
    )
