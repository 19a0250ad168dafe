"""Rollups: what each stored post adds to the ``daily_counts`` table.

Every per-post metric is defined once, here, by :func:`contributions`. Ingest adds a new post's
contributions, an edit or a thread move subtracts the old ones and adds the new, and
:func:`recompute` rebuilds the whole table from raw rows with the very same function, so the
rollups can always be checked against (and equal) a recomputation.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

# Metric names; section_id 0 means "the whole site", key "" means "no breakdown".
POSTS = "posts"


@dataclass(frozen=True, slots=True)
class PostFacts:
    """What the rollups need to know about one stored post."""

    site_id: int
    section_id: int | None
    day: date | None


RollupKey = tuple[str, int, int, str, date]


def contributions(facts: PostFacts) -> list[RollupKey]:
    """The rollup rows (metric, site, section, key, day) one post adds 1 to.

    A post without a known time contributes nothing: it cannot be placed on a day.
    """
    if facts.day is None:
        return []
    section = facts.section_id or 0
    return [(POSTS, facts.site_id, section, "", facts.day)]


def tally(added: Iterable[PostFacts], removed: Iterable[PostFacts] = ()) -> Counter[RollupKey]:
    """Net change of the rollups when ``added`` posts appear and ``removed`` ones go."""
    delta: Counter[RollupKey] = Counter()
    for facts in added:
        for key in contributions(facts):
            delta[key] += 1
    for facts in removed:
        for key in contributions(facts):
            delta[key] -= 1
    return delta


def recompute(all_posts: Iterable[PostFacts]) -> Counter[RollupKey]:
    """The rollups as they should be for exactly these posts."""
    return +tally(all_posts)
