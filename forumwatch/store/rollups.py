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
POSTS_BY_LANGUAGE = "posts_by_language"
"""Posts per language; key the language code, "und" when unknown."""
ANNOTATIONS = "annotations"
"""Posts with an annotation; key "kind:value" ("term:covid", "place:PT/Lisbon"), once per post."""
TERMS = "terms"
"""Posts mentioning a watch term; key "lexicon:term" ("covid:lockdown*"), once per post."""
REQUESTS_BY_HOST = "requests_by_host"
"""Posts with a request tied to a host family; key "type:family" ("reupload:example.net")."""
LINKS_BY_HOST = "links_by_host"
"""Links (distinct URLs per post) per registrable domain; families are summed at query time."""
LINKS_BY_TYPE = "links_by_type"
"""Links per "network:media class" ("clearnet:image")."""
# Added by the analysis rollups (migration 5; see forumwatch.store.derived for the non-additive
# ones: first sightings of URLs, members' first posts, threads' first posts, active members).
LINKS_BY_EXTENSION = "links_by_extension"
"""Links per "network:media class:extension" ("clearnet:image:jpg"; no extension: empty)."""
THREAD_POSTS = "thread_posts"
"""Posts per thread; key the thread's store id, section_id always 0 (a move keeps the rows)."""
POSTS_BY_LANGUAGE_MONTH = "posts_by_language_month"
"""POSTS_BY_LANGUAGE on the first day of each month: the cheap read behind section languages."""

UNKNOWN_LANGUAGE = "und"
ROLLUP_KINDS = frozenset({"term", "request", "crypto", "amount", "place"})
"""Annotation kinds counted in ANNOTATIONS (``request_link`` details are not counted)."""
MAX_KEY = 300


@dataclass(frozen=True, slots=True)
class PostFacts:
    """What the rollups need to know about one stored post.

    ``links`` holds (registrable domain, "network:media class", extension) once per distinct
    URL; ``annotations`` holds (kind, value, detail) once each; ``thread_id`` and ``author_id``
    place the post for per-thread and per-member rollups.
    """

    site_id: int
    section_id: int | None
    day: date | None
    language: str | None = None
    links: tuple[tuple[str, str, str], ...] = ()
    annotations: tuple[tuple[str, str, str], ...] = ()
    thread_id: int | None = None
    author_id: int | None = None


RollupKey = tuple[str, int, int, str, date]


def contributions(facts: PostFacts) -> list[RollupKey]:
    """The rollup rows (metric, site, section, key, day) one post adds 1 to, with repeats.

    A post without a known time contributes nothing: it cannot be placed on a day.
    """
    day = facts.day
    if day is None:
        return []
    site, section = facts.site_id, facts.section_id or 0
    language = facts.language or UNKNOWN_LANGUAGE
    out: list[RollupKey] = [
        (POSTS, site, section, "", day),
        (POSTS_BY_LANGUAGE, site, section, language, day),
        (POSTS_BY_LANGUAGE_MONTH, site, section, language, day.replace(day=1)),
    ]
    if facts.thread_id is not None:
        out.append((THREAD_POSTS, site, 0, str(facts.thread_id), day))
    for domain, link_type, extension in facts.links:
        out.append((LINKS_BY_HOST, site, section, domain[:MAX_KEY], day))
        out.append((LINKS_BY_TYPE, site, section, link_type, day))
        out.append((LINKS_BY_EXTENSION, site, section, f"{link_type}:{extension}"[:MAX_KEY], day))
    kinds: set[str] = set()
    terms: set[str] = set()
    requests: set[str] = set()
    for kind, value, detail in facts.annotations:
        if kind not in ROLLUP_KINDS:
            continue
        kinds.add(f"{kind}:{value}"[:MAX_KEY])
        if kind == "term":
            terms.add(f"{value}:{detail}"[:MAX_KEY])
        elif kind == "request" and detail:
            requests.add(f"{value}:{detail}"[:MAX_KEY])
    out += [(ANNOTATIONS, site, section, key, day) for key in sorted(kinds)]
    out += [(TERMS, site, section, key, day) for key in sorted(terms)]
    out += [(REQUESTS_BY_HOST, site, section, key, day) for key in sorted(requests)]
    return out


def facts_of(
    site_id: int,
    section_id: int | None,
    day: date | None,
    language: str | None,
    links: Iterable[tuple[str, str, str, str, str | None]],
    annotations: Iterable[tuple[str, str, str]],
    thread_id: int | None = None,
    author_id: int | None = None,
) -> PostFacts:
    """Build facts from raw values, the same way for enrichment and for stored rows.

    ``links`` are (normalised URL, registrable domain, network, media class, extension) per
    link, in any number of repeats: each URL counts once.
    """
    seen: dict[str, tuple[str, str, str]] = {}
    for url, domain, network, media_class, extension in links:
        if url not in seen:
            seen[url] = (domain, f"{network}:{media_class}", (extension or "").lower())
    return PostFacts(
        site_id,
        section_id,
        day,
        language,
        tuple(seen[url] for url in sorted(seen)),
        tuple(sorted(set(annotations))),
        thread_id,
        author_id,
    )


def tally(added: Iterable[PostFacts], removed: Iterable[PostFacts] = ()) -> Counter[RollupKey]:
    """Net change of the rollups when ``added`` posts appear and ``removed`` ones go."""
    delta: Counter[RollupKey] = Counter()
    for facts in added:
        delta.update(contributions(facts))
    for facts in removed:
        delta.subtract(contributions(facts))
    return delta


def recompute(all_posts: Iterable[PostFacts]) -> Counter[RollupKey]:
    """The rollups as they should be for exactly these posts."""
    return +tally(all_posts)
