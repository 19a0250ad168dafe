"""Shared reads of the analysis: scopes, section languages and per-day availability.

Everything here reads rollups (a few hundred rows at most), so every series built on it costs
the same whatever the number of posts.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from forumwatch.analyse.series import DayState, Scope, days_between
from forumwatch.errors import ConfigError, NotFoundError
from forumwatch.store.base import Store
from forumwatch.store.derived import FETCHES_FAILED, FETCHES_OK
from forumwatch.store.records import StoredSection
from forumwatch.store.rollups import POSTS_BY_LANGUAGE_MONTH, UNKNOWN_LANGUAGE

EARLIEST = date(1990, 1, 1)
LATEST = date(2100, 12, 31)


@dataclass(frozen=True, slots=True)
class ResolvedScope:
    """A :class:`Scope` turned into store ids.

    ``section_ids`` None means every section (and posts of unknown section); ``thread_id`` is set
    for a thread scope.
    """

    scope: Scope
    site_ids: tuple[int, ...]
    section_ids: tuple[int, ...] | None
    thread_id: int | None = None

    @property
    def label(self) -> str:
        """A short name for series titles ("harbour/Русский", "all sites", "language ru")."""
        parts = [self.scope.site or "all sites"]
        if self.scope.section:
            parts.append(self.scope.section)
        if self.scope.language:
            parts.append(f"language {self.scope.language}")
        if self.scope.thread:
            parts.append(f"thread {self.scope.thread}")
        return "/".join(parts)


def section_languages(store: Store, site_ids: Sequence[int] | None = None) -> dict[int, str]:
    """The language of every section: its declared one, else the language most of its posts
    are written in (from the monthly language rollups; sections without posts are left out)."""
    declared: dict[int, str] = {}
    sections = store.sections()
    for section in sections:
        if section.language and (site_ids is None or section.site_id in site_ids):
            declared[section.id] = section.language
    totals: dict[int, Counter[str]] = defaultdict(Counter)
    for row in store.rollup_sums(
        POSTS_BY_LANGUAGE_MONTH, EARLIEST, LATEST, site_ids=site_ids, by=["section_id", "key"]
    ):
        if row.key and row.key != UNKNOWN_LANGUAGE and row.section_id:
            totals[row.section_id][row.key] += row.value
    languages = {
        section_id: counts.most_common(1)[0][0] for section_id, counts in totals.items() if counts
    }
    languages.update(declared)
    return languages


def find_section(sections: Iterable[StoredSection], site_id: int, wanted: str) -> StoredSection:
    """A site's section by native id or exact title.

    Raises:
        NotFoundError: no such section.
    """
    candidates = [s for s in sections if s.site_id == site_id]
    for section in candidates:
        if section.native_id == wanted:
            return section
    for section in candidates:
        if section.title == wanted:
            return section
    raise NotFoundError(f"no section {wanted!r} on that site")


def resolve_scope(store: Store, scope: Scope) -> ResolvedScope:
    """Turn names into ids.

    Raises:
        NotFoundError: an unknown site, section or thread.
        ConfigError: a section or thread without a site.
    """
    if (scope.section or scope.thread) and not scope.site:
        raise ConfigError("a section or thread needs its site (--site)")
    if scope.site:
        site = store.get_site(scope.site)
        assert site.id is not None
        site_ids: tuple[int, ...] = (site.id,)
    else:
        site_ids = tuple(s.id for s in store.list_sites() if s.id is not None)
    section_ids: tuple[int, ...] | None = None
    if scope.section:
        section_ids = (find_section(store.sections(site_ids[0]), site_ids[0], scope.section).id,)
    if scope.language:
        languages = section_languages(store, site_ids)
        in_language = {s for s, language in languages.items() if language == scope.language}
        section_ids = tuple(
            sorted(in_language if section_ids is None else in_language & set(section_ids))
        )
    thread_id = None
    if scope.thread:
        thread_id = store.thread_id(site_ids[0], scope.thread)
    return ResolvedScope(scope, site_ids, section_ids, thread_id)


def fetch_outcomes(
    store: Store, site_ids: Sequence[int], start: date, end: date
) -> dict[int, dict[date, tuple[int, int]]]:
    """(succeeded, failed) fetches per site and day from the fetch-log rollups."""
    out: dict[int, dict[date, tuple[int, int]]] = {site: {} for site in site_ids}
    for metric, slot in ((FETCHES_OK, 0), (FETCHES_FAILED, 1)):
        for row in store.rollup_sums(metric, start, end, site_ids=site_ids, by=["site_id"]):
            site = row.site_id or 0
            ok, failed = out.setdefault(site, {}).get(row.day, (0, 0))
            pair = (ok + row.value, failed) if slot == 0 else (ok, failed + row.value)
            out[site][row.day] = pair
    return out


def site_day_states(
    store: Store, site_ids: Sequence[int], start: date, end: date, max_gap_days: int = 2
) -> dict[int, dict[date, DayState]]:
    """The state of every day from ``start`` to ``end`` for each site, from the fetch log.

    A day with a successful fetch is observed; with fetches that all failed, unavailable; a day
    without fetches takes the state of its neighbours when both agree and they are at most
    ``max_gap_days`` apart (a daily crawl that ran late), else it is unmonitored.
    """
    margin = timedelta(days=max_gap_days + 1)
    outcomes = fetch_outcomes(store, site_ids, start - margin, end + margin)
    result: dict[int, dict[date, DayState]] = {}
    for site in site_ids:
        fetched = {
            day: DayState.OBSERVED if ok > 0 else DayState.UNAVAILABLE
            for day, (ok, _failed) in outcomes.get(site, {}).items()
        }
        result[site] = _fill_gaps(fetched, start, end, max_gap_days)
    return result


def _fill_gaps(
    fetched: Mapping[date, DayState], start: date, end: date, max_gap_days: int
) -> dict[date, DayState]:
    known = sorted(fetched)
    states: dict[date, DayState] = {}
    previous: date | None = None
    index = 0
    for day in days_between(start, end):
        while index < len(known) and known[index] < day:
            previous = known[index]
            index += 1
        if day in fetched:
            states[day] = fetched[day]
            continue
        following = known[index] if index < len(known) else None
        if previous is None or following is None or (following - previous).days > max_gap_days:
            states[day] = DayState.UNMONITORED
        elif fetched[previous] == fetched[following]:
            states[day] = fetched[previous]
        else:
            states[day] = DayState.UNMONITORED
    return states


def combined_day_states(per_site: Mapping[int, Mapping[date, DayState]]) -> dict[date, DayState]:
    """Several sites' days as one: observed when any site was, unavailable when none was and
    some site was unavailable, else unmonitored."""
    out: dict[date, DayState] = {}
    for states in per_site.values():
        for day, state in states.items():
            current = out.get(day)
            if current is DayState.OBSERVED or state is DayState.OBSERVED:
                out[day] = DayState.OBSERVED
            elif current is DayState.UNAVAILABLE or state is DayState.UNAVAILABLE:
                out[day] = DayState.UNAVAILABLE
            else:
                out[day] = DayState.UNMONITORED
    return out


def day_states(
    store: Store, resolved: ResolvedScope, start: date, end: date, max_gap_days: int = 2
) -> dict[date, DayState]:
    """The day states of a scope (its sites combined)."""
    return combined_day_states(site_day_states(store, resolved.site_ids, start, end, max_gap_days))


def site_names(store: Store) -> dict[int, str]:
    """Site id -> name."""
    return {s.id: s.name for s in store.list_sites() if s.id is not None}
