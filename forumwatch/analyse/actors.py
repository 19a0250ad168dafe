"""Actors: members' first and last posts, dormant members who return, handles shared between
sites (live or defunct), and watch-listed members active after a date.

A member is a handle on one site. Handles are compared three ways: exactly (case folded),
normalised (:func:`normalise_handle`: case, separators, digits and leetspeak), and fuzzily
(:func:`handle_similarity`, a 0..1 score on normalised handles).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from rapidfuzz import fuzz, process

from forumwatch.analyse.reading import site_names
from forumwatch.errors import NotFoundError
from forumwatch.store.analytics import AuthorName
from forumwatch.store.base import Store

_LEET = str.maketrans(
    {
        "0": "o",
        "1": "i",
        "3": "e",
        "4": "a",
        "5": "s",
        "7": "t",
        "8": "b",
        "9": "g",
        "@": "a",
        "$": "s",
        "!": "i",
        "+": "t",
    }
)
_SEPARATORS = re.compile(r"[\s_.\-~|·•*'\"`]+")
_TRAILING_DIGITS = re.compile(r"\d+$")


@dataclass(frozen=True, slots=True)
class Actor:
    """A member of one site: first and last post, posts stored."""

    site: str
    handle: str
    first_seen: datetime | None
    last_seen: datetime | None
    posts: int


@dataclass(frozen=True, slots=True)
class DormantReturn:
    """A member who posted again after at least ``gap_days`` of silence."""

    site: str
    handle: str
    last_active: date
    returned: date
    gap_days: int


@dataclass(frozen=True, slots=True)
class SharedHandle:
    """One handle (or near handles) seen on several sites.

    ``match`` is ``exact``, ``normalised`` or ``fuzzy``; ``score`` 1.0 for exact and normalised
    matches; ``members`` holds (site, handle, defunct) for each site.
    """

    key: str
    match: str
    score: float
    members: tuple[tuple[str, str, bool], ...]

    @property
    def sites(self) -> list[str]:
        """The sites, in order."""
        return [site for site, _, _ in self.members]


@dataclass(frozen=True, slots=True)
class WatchHit:
    """A watch-listed member's activity after the date given."""

    site: str
    handle: str
    after: date
    posts_after: int
    first_post_after: datetime | None
    last_post: datetime | None


def normalise_handle(handle: str) -> str:
    """A handle reduced for comparison: ``W1ld_0tter99`` -> ``wildotter``.

    Unicode compatibility forms and accents are folded, case is folded, separators removed,
    trailing digits (``tom39``) dropped, leetspeak digits inside the name read as letters
    (``w1ld`` -> ``wild``) and any digits left removed. A handle made only of digits keeps them.
    """
    text = unicodedata.normalize("NFKD", handle).casefold()
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _SEPARATORS.sub("", text)
    stripped = _TRAILING_DIGITS.sub("", text)
    if not stripped:
        return text
    return re.sub(r"\d+", "", stripped.translate(_LEET)) or stripped


def handle_similarity(first: str, second: str) -> float:
    """A 0..1 score: how alike two handles are once normalised (1.0: the same)."""
    a, b = normalise_handle(first), normalise_handle(second)
    if not a or not b:
        return 0.0
    return float(fuzz.ratio(a, b)) / 100.0


def actors(store: Store, site: str | None = None) -> list[Actor]:
    """Every member (of one site, or all) with first and last post and post count."""
    names = site_names(store)
    site_ids = None
    if site is not None:
        found = store.get_site(site).id
        assert found is not None
        site_ids = [found]
    return [
        Actor(names[a.site_id], a.handle, a.first_post_at, a.last_post_at, a.post_count)
        for a in store.authors(site_ids)
    ]


def dormant_returns(
    store: Store, start: date, end: date, min_gap_days: int = 365, site: str | None = None
) -> list[DormantReturn]:
    """Members who posted between ``start`` and ``end`` after at least ``min_gap_days`` without
    a post on that site (from the per-member active days, not the posts).

    Returns:
        One entry per return, by return day.
    """
    names = site_names(store)
    wanted = names if site is None else {k: v for k, v in names.items() if v == site}
    if site is not None and not wanted:
        raise NotFoundError(f"no site named {site!r}")
    found: list[tuple[str, int, date, date]] = []
    for site_id, name in wanted.items():
        active = store.member_days(site_id, start, end)
        before = store.last_active_before(list(active), start)
        for author_id, days in active.items():
            previous = before.get(author_id)
            for day in days:
                if previous is not None and (day - previous).days >= min_gap_days:
                    found.append((name, author_id, previous, day))
                previous = day
    # Only the handles of members who came back are read, not every member of the sites.
    handles = {a.id: a.handle for a in store.authors_by_id([f[1] for f in found])}
    out = [
        DormantReturn(name, handles.get(author_id, "?"), previous, day, (day - previous).days)
        for name, author_id, previous, day in found
    ]
    out.sort(key=lambda r: (r.returned, r.site, r.handle))
    return out


def shared_handles(
    store: Store,
    match: str = "normalised",
    min_score: float = 0.9,
    names: Sequence[AuthorName] | None = None,
) -> list[SharedHandle]:
    """Handles used on more than one site (defunct sites included).

    Args:
        store: the store.
        match: ``exact`` (case folded), ``normalised`` (see :func:`normalise_handle`) or
            ``fuzzy`` (normalised handles scoring at least ``min_score``; each pair of sites'
            handles is compared, blocked on the first two letters).
        min_score: the fuzzy threshold.
        names: ``store.author_names()``, when the caller has read it already.
    """
    sites = {s.id: s for s in store.list_sites() if s.id is not None}
    groups: dict[str, list[tuple[str, str, bool]]] = defaultdict(list)
    # Copies of a handle on several sites are normalised once.
    keys: dict[str, str] = {}
    for author in store.author_names() if names is None else names:
        site = sites[author.site_id]
        key = keys.get(author.handle)
        if key is None:
            key = keys[author.handle] = (
                author.handle.casefold() if match == "exact" else normalise_handle(author.handle)
            )
        groups[key].append((site.name, author.handle, site.defunct))
    out = [
        SharedHandle(key, match if match != "fuzzy" else "normalised", 1.0, tuple(sorted(members)))
        for key, members in groups.items()
        if len({m[0] for m in members}) > 1 and len(key) >= 3
    ]
    if match == "fuzzy":
        out += _fuzzy(groups, min_score)
    out.sort(key=lambda s: (-s.score, s.key))
    return out


def _fuzzy(groups: dict[str, list[tuple[str, str, bool]]], min_score: float) -> list[SharedHandle]:
    blocks: dict[str, list[str]] = defaultdict(list)
    for key in groups:
        if len(key) >= 4:
            blocks[key[:2]].append(key)
    found: list[SharedHandle] = []
    for keys in blocks.values():
        for index, key in enumerate(keys):
            others = keys[index + 1 :]
            if not others:
                continue
            for other, score, _ in process.extract(
                key, others, scorer=fuzz.ratio, score_cutoff=min_score * 100, limit=None
            ):
                members = groups[key] + groups[other]
                if len({m[0] for m in members}) > 1:
                    found.append(
                        SharedHandle(
                            f"{key}~{other}", "fuzzy", round(score / 100, 3), tuple(sorted(members))
                        )
                    )
    return found


def handle_matches(store: Store, handle: str, min_score: float = 0.8) -> list[tuple[Actor, float]]:
    """Members whose handle resembles ``handle`` on any site, best first, with the score."""
    wanted = normalise_handle(handle)
    names = site_names(store)
    out: list[tuple[Actor, float]] = []
    for author in store.authors():
        score = 1.0 if author.handle.casefold() == handle.casefold() else 0.0
        if not score and wanted:
            score = float(fuzz.ratio(wanted, normalise_handle(author.handle))) / 100
        if score >= min_score:
            actor = Actor(
                names[author.site_id],
                author.handle,
                author.first_post_at,
                author.last_post_at,
                author.post_count,
            )
            out.append((actor, round(score, 3)))
    out.sort(key=lambda pair: (-pair[1], pair[0].site, pair[0].handle))
    return out


def watchlist_activity(
    store: Store,
    entries: Sequence[tuple[str, str, date]],
    names: Sequence[AuthorName] | None = None,
) -> list[WatchHit]:
    """Activity of watch-listed members after their dates.

    Args:
        store: the store.
        entries: (site name or ``*`` for every site, handle, date): posts after the end of that
            UTC day are reported (the day of an arrest is not "after" it).
        names: ``store.author_names()``, when the caller has read it already.

    Returns:
        One hit per member with at least one post after the date.
    """
    if not entries:
        return []
    sites = site_names(store)
    by_key: dict[tuple[int, str], int] = {
        (a.site_id, a.handle.casefold()): a.id
        for a in (store.author_names() if names is None else names)
    }
    hits: list[WatchHit] = []
    for site, handle, after in entries:
        site_ids = [i for i, n in sites.items() if site in ("*", n)]
        moment = datetime.combine(after + timedelta(days=1), time(), tzinfo=UTC)
        for site_id in site_ids:
            author_id = by_key.get((site_id, handle.casefold()))
            if author_id is None:
                continue
            later = store.member_posts(
                author_id, after=moment - timedelta(microseconds=1), limit=100_000
            )
            if not later:
                continue
            hits.append(
                WatchHit(
                    sites[site_id],
                    handle,
                    after,
                    len(later),
                    later[0].posted_at,
                    later[-1].posted_at,
                )
            )
    return hits
