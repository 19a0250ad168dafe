"""Scoring detected events against a simulated world's planted truth.

Every planted event (``world.truth()["events"]``) is looked up among the detected ones by its
kind, place and reason; its found date is compared with the planted date. Detected events that
match nothing planted, and no actor fact the truth lists (incidental dormant returns, shared
handles, site outages), are the false positives, also given per simulated year.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from forumwatch.analyse.events import Event, EventType, Reason


@dataclass(frozen=True, slots=True)
class PlantedResult:
    """One planted event: where and when it was planted, and what the analysis found."""

    type: str
    where: str
    planted: date | None
    found: date | None
    reason: str | None
    expected_reason: str

    @property
    def days_off(self) -> int | None:
        """|found - planted| in days (None when not found or undated)."""
        if self.found is None or self.planted is None:
            return None
        return abs((self.found - self.planted).days)

    @property
    def ok(self) -> bool:
        """Found, with the expected reason, and dated within one day when it has a date."""
        if self.found is None and self.planted is not None:
            return False
        if self.reason != self.expected_reason:
            return False
        return self.days_off is None or self.days_off <= 1


@dataclass(frozen=True, slots=True)
class Scorecard:
    """The planted events with their results, and the events that matched nothing."""

    planted: tuple[PlantedResult, ...]
    false_positives: tuple[Event, ...]
    days: int

    @property
    def false_positives_per_year(self) -> float:
        """False positives scaled to 365 analysed days."""
        return len(self.false_positives) * 365 / max(self.days, 1)

    def table(self) -> str:
        """The results as text, one planted event a line."""
        lines = [f"{'event':32} {'where':42} {'planted':10} {'found':10} reason"]
        for row in self.planted:
            lines.append(
                f"{row.type:32} {row.where[:42]:42} {row.planted or '-'!s:10} "
                f"{row.found or '-'!s:10} {row.reason or '-'}{'' if row.ok else '  <-- MISSED'}"
            )
        lines.append(
            f"other events: {len(self.false_positives)} in {self.days} days "
            f"({self.false_positives_per_year:.1f} per year)"
        )
        return "\n".join(lines)


def _at(
    site: str | None = None, section: str | None = None, host: str | None = None
) -> Callable[[Event], bool]:
    def test(event: Event) -> bool:
        return (
            (site is None or event.site == site)
            and (section is None or event.section == section)
            and (host is None or event.host == host)
        )

    return test


def _reason(reason: Reason) -> Callable[[Event], bool]:
    def test(event: Event) -> bool:
        return event.reason is reason

    return test


def _migration(target: str, sources: set[str]) -> Callable[[Event], bool]:
    def test(event: Event) -> bool:
        hosts = (event.host or "").split(",")
        return target in hosts and sources <= set(event.evidence.get("from", []))

    return test


def _shared(handle: str, sites: set[str]) -> Callable[[Event], bool]:
    def test(event: Event) -> bool:
        found = {m["site"] for m in event.evidence.get("members", []) if m["handle"] == handle}
        return found >= sites

    return test


def _watch(site: str, handle: str) -> Callable[[Event], bool]:
    def test(event: Event) -> bool:
        return event.site == site and event.evidence.get("handle") == handle

    return test


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value[:10])


def score_events(
    events: Sequence[Event], truth: dict[str, Any], start: date, end: date
) -> Scorecard:
    """Match ``events`` (detected over ``start``..``end``) against the planted truth."""
    used: set[int] = set()

    def take(kind: EventType, test: Callable[[Event], bool], planted: date | None) -> Event | None:
        candidates = [
            (i, e) for i, e in enumerate(events) if e.type is kind and i not in used and test(e)
        ]
        if not candidates:
            return None
        if planted is not None:
            candidates.sort(key=lambda pair: abs((pair[1].start - planted).days))
        index, event = candidates[0]
        used.add(index)
        return event

    results: list[PlantedResult] = []

    def record(
        name: str, where: str, planted: date | None, event: Event | None, expected: Reason
    ) -> None:
        results.append(
            PlantedResult(
                name,
                where,
                planted,
                None if event is None else event.start,
                None if event is None or event.reason is None else event.reason.value,
                expected.value,
            )
        )

    for planted in truth["events"]:
        kind = planted["type"]
        if kind == "keyword_wave":
            day = _day(planted["start"])
            record(
                kind,
                "all sites",
                day,
                take(EventType.KEYWORD_WAVE, _at(), day),
                Reason.KEYWORD_WAVE,
            )
        elif kind == "image_link_spike":
            day = _day(planted["start"])
            record(
                kind,
                "clearnet images",
                day,
                take(EventType.LINK_SPIKE, _at(), day),
                Reason.LINK_WAVE,
            )
        elif kind == "host_down":
            day, host = _day(planted["date"]), planted["host"]
            record(
                kind,
                host,
                day,
                take(EventType.HOST_DOWN, _at(host=host), day),
                Reason.HOST_DOWN,
            )
            # The link index falls with it: part of the same event.
            take(EventType.LINK_DROP, _reason(Reason.HOST_DOWN), day)
        elif kind == "host_merge":
            day, target = _day(planted["date"]), planted["target"]
            sources = set(planted["sources"])
            record(
                kind,
                f"{', '.join(sorted(sources))} -> {target}",
                day,
                take(
                    EventType.HOST_MIGRATION,
                    _migration(target, sources),
                    day,
                ),
                Reason.HOST_MIGRATION,
            )
        elif kind == "site_outage":
            day, site = _day(planted["start"]), planted["site"]
            record(
                kind,
                site,
                day,
                take(EventType.SITE_UNAVAILABLE, _at(site=site), day),
                Reason.SITE_UNAVAILABLE,
            )
        elif kind == "sister_site_outage":
            day = _day(planted["start"])
            site, title = planted["spiking_site"], planted["spiking_section_title"]
            record(
                kind,
                f"{site}/{title} while {planted['site']} down",
                day,
                take(
                    EventType.ACTIVITY_SPIKE,
                    _at(site=site, section=title),
                    day,
                ),
                Reason.SISTER_SITE_DOWN,
            )
            sister = planted["site"]
            take(EventType.SITE_UNAVAILABLE, _at(site=sister), day)
        elif kind == "dormant_return":
            day, site = _day(planted["return_date"]), planted["site"]
            record(
                kind,
                f"{site}: {len(planted['members'])} members",
                day,
                take(EventType.DORMANT_RETURN, _at(site=site), day),
                Reason.DORMANCY,
            )
        elif kind == "shared_handle":
            handle, sites = planted["handle"], set(planted["sites"])
            record(
                kind,
                f"{handle} on {', '.join(sorted(sites))}",
                None,
                take(
                    EventType.SHARED_HANDLE,
                    _shared(handle, sites),
                    None,
                ),
                Reason.SAME_HANDLE,
            )
        elif kind == "watchlisted_activity_after_date":
            day, site = _day(planted["first_post_after"]), planted["site"]
            handle = planted["handle"]
            record(
                kind,
                f"{site}: after {planted['after']}",
                day,
                take(
                    EventType.WATCHLIST_ACTIVITY,
                    _watch(site, handle),
                    day,
                ),
                Reason.WATCH_LIST,
            )
        elif kind == "tag_share":
            day, site = _day(planted["rise_start"]), planted["site"]
            title = planted["section_title"]
            record(
                kind,
                f"{site}/{title} {planted['tag']}",
                day,
                take(
                    EventType.TAG_SHARE_CHANGE,
                    _at(site=site, section=title),
                    day,
                ),
                Reason.TREND,
            )
    _take_listed_facts(events, truth, used, start, end)
    others = tuple(e for i, e in enumerate(events) if i not in used)
    return Scorecard(tuple(results), others, (end - start).days + 1)


def _take_listed_facts(
    events: Sequence[Event], truth: dict[str, Any], used: set[int], start: date, end: date
) -> None:
    """Mark as true the events the truth lists outside its planted ones."""
    returns = {(r["site"], r["returned"][:10]) for r in truth["actors"]["dormant_returns"]}
    shared = {r["handle"] for r in truth["actors"]["shared_handles"]}
    outages = {(name, o["start"]) for name, site in truth["sites"].items() for o in site["outages"]}
    for index, event in enumerate(events):
        if index in used:
            continue
        place = (event.site, event.start.isoformat())
        members = event.evidence.get("members", [])
        listed = (
            (event.type is EventType.DORMANT_RETURN and place in returns)
            or (
                event.type is EventType.SHARED_HANDLE
                and any(m["handle"] in shared for m in members)
            )
            or (event.type is EventType.SITE_UNAVAILABLE and place in outages)
        )
        if listed:
            used.add(index)
