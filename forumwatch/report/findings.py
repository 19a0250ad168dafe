"""Findings: detected events told in plain sentences, with names, dates, percentages and counts.

Each :class:`~forumwatch.analyse.events.Event` becomes one :class:`Finding`: a short title and
one or two sentences built from the event's own evidence (baselines, levels, complaint counts,
the sister site's outage), plus a few figures read for the sentence (re-upload requests and
dead-link reports naming a host, a replacement host's links per week). Hosts are defanged,
handles pseudonymised (see :mod:`forumwatch.report.masking`), dates written out ("18 May 2020").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from babel import Locale

from forumwatch.analyse import hosts
from forumwatch.analyse.events import Event, EventType, Reason
from forumwatch.analyse.series import Scope
from forumwatch.report.masking import HandleMasker, defang_host
from forumwatch.store.base import Store

COMPLAINT_DAYS = 14
"""Days after a host's collapse over which re-upload requests and dead-link reports count."""
ORDER = {
    EventType.HOST_DOWN: 0,
    EventType.HOST_MIGRATION: 1,
    EventType.SITE_UNAVAILABLE: 2,
    EventType.ACTIVITY_SPIKE: 3,
    EventType.ACTIVITY_DROP: 4,
    EventType.KEYWORD_WAVE: 5,
    EventType.LINK_SPIKE: 6,
    EventType.LINK_DROP: 7,
    EventType.HOST_RISE: 8,
    EventType.TAG_SHARE_CHANGE: 9,
    EventType.DORMANT_RETURN: 10,
    EventType.WATCHLIST_ACTIVITY: 11,
    EventType.SHARED_HANDLE: 12,
}


@dataclass(frozen=True)
class Quote:
    """A short excerpt of a post, safe to print: handles masked, URLs defanged, trimmed."""

    text: str
    author: str
    site: str
    section: str
    thread: str
    posted: date | None


@dataclass(frozen=True)
class Finding:
    """One detected event told for a reader.

    Attributes:
        event: the event behind it (evidence holds real handles: never print it as is).
        title: a few words ("Host down: snapcellar[.]net").
        text: the sentences, plain text (renderers escape it).
        day: the day the change began.
        quotes: posts that illustrate it (see :mod:`forumwatch.report.quotes`).
    """

    event: Event
    title: str
    text: str
    day: date
    quotes: tuple[Quote, ...] = field(default_factory=tuple)


def long_date(day: date | None) -> str:
    """``18 May 2020`` (the way reports write days)."""
    if day is None:
        return "the end of the period"
    return f"{day.day} {day:%B %Y}"


def language_name(code: str) -> str:
    """``ru`` -> ``Russian`` (the code itself when unknown)."""
    return str(Locale("en").languages.get(code, code)) if code else "unknown language"


def _percent(ratio: float) -> str:
    return f"{abs(ratio):.0%}"


def _per_week(per_day: float) -> str:
    return f"{per_day * 7:,.0f}"


def _names(values: Sequence[str]) -> str:
    items = list(values)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


@dataclass
class FindingContext:
    """What sentences need besides the event: the store, the period, and the masker."""

    store: Store
    start: date
    end: date
    masker: HandleMasker
    site_ids: tuple[int, ...] | None = None

    def complaints(self, family: str, first: date) -> tuple[int, int]:
        """(re-upload requests, dead-link reports) tied to ``family`` in the days after."""
        last = min(self.end, first + timedelta(days=COMPLAINT_DAYS - 1))
        counts = []
        for kind in ("reupload", "dead_link"):
            series = hosts.complaints(self.store, family, Scope(), first, last, kinds=(kind,))
            counts.append(int(series.total()))
        return counts[0], counts[1]

    def host_rate(self, host: str, first: date, last: date) -> float:
        """Mean links a day to ``host`` between two days (inclusive)."""
        if last < first:
            return 0.0
        series = hosts.host_links(self.store, host, Scope(), first, last)
        observed = [p.value for p in series.points if p.value is not None]
        return sum(observed) / len(observed) if observed else 0.0


def _site_unavailable(event: Event, ctx: FindingContext) -> tuple[str, str]:
    days = int(event.evidence.get("days", event.magnitude))
    last = event.end or ctx.end
    text = (
        f"{event.site} could not be reached from {long_date(event.start)} to "
        f"{long_date(last)} ({days} day{'s' if days != 1 else ''}): every fetch failed, so "
        "those days carry no value in the charts (they are not zeros)."
    )
    return f"Site unavailable: {event.site}", text


def _activity(event: Event, ctx: FindingContext) -> tuple[str, str]:
    evidence = event.evidence
    where = f"{event.site}/{event.section}" if event.section else str(event.site)
    before = float(evidence.get("baseline_per_day", 0.0))
    level = float(evidence.get("level_per_day", 0.0))
    up = event.type is EventType.ACTIVITY_SPIKE
    if "robust_z" in evidence:
        text = (
            f"Posts on {where} were unusually {'high' if up else 'low'} on "
            f"{long_date(event.start)}: {event.magnitude:.1f} times the usual day."
        )
        return f"Activity {'spike' if up else 'dip'}: {where}", text
    change = level / before - 1 if before else 0.0
    verb = "rose" if up else "fell"
    text = (
        f"Posts in {where} {verb} {_percent(change)} from {long_date(event.start)}, from "
        f"{before:.1f} to {level:.1f} a day"
    )
    if event.reason is Reason.SISTER_SITE_DOWN:
        first, last = (date.fromisoformat(d) for d in evidence["sister_down"])
        text += (
            f", while {evidence['sister_site']}, a {language_name(str(evidence['language']))}"
            f"-language site, was unreachable ({long_date(first)} to {long_date(last)})"
        )
    elif event.reason is Reason.SITE_UNAVAILABLE and not up:
        text += ", on days when some fetches of the site failed (a partial outage)"
    text += "."
    if event.end is not None:
        text += f" It returned to its usual level after {long_date(event.end)}."
    return f"Activity {'rise' if up else 'fall'}: {where}", text


def _keyword(event: Event, ctx: FindingContext) -> tuple[str, str]:
    evidence = event.evidence
    lexicon = str(evidence.get("lexicon", "?"))
    peak = date.fromisoformat(str(evidence["peak_day"]))
    text = (
        f"Mentions of the '{lexicon}' watch terms rose from {long_date(event.start)} "
        f"(from {float(evidence.get('baseline_per_day', 0)):.1f} posts a day), peaked around "
        f"{long_date(peak)} at {float(evidence.get('peak_share', 0)):.0%} of all posts "
        f"({float(evidence.get('peak_per_day', 0)):.0f} posts a day)"
    )
    text += f" and faded by {long_date(event.end)}." if event.end else " and stay high."
    return f"Keyword wave: {lexicon}", text


def _links(event: Event, ctx: FindingContext) -> tuple[str, str]:
    evidence = event.evidence
    network, _, media = str(evidence.get("class", "clearnet:image")).partition(":")
    up = event.type is EventType.LINK_SPIKE
    before = float(evidence.get("baseline_per_day", 0))
    level = float(evidence.get("level_per_day", 0))
    ratio = level / before if before else 0.0
    text = (
        f"New links to {network} {media} files (each URL counted once) "
        f"{'rose' if up else 'fell'} from {long_date(event.start)}: from {before:.1f} to "
        f"{level:.1f} a day"
        + (f", {ratio:.1f} times the usual level" if up and ratio else "")
        + (f", until {long_date(event.end)}" if event.end else "")
        + "."
    )
    rising = [defang_host(h) for h in evidence.get("hosts", [])]
    if event.reason is Reason.LINK_WAVE and rising:
        text += f" Several hosts rose together: {_names(rising)}."
    return f"{media.capitalize()} link {'spike' if up else 'drop'} ({network})", text


def _host_down(event: Event, ctx: FindingContext) -> tuple[str, str]:
    evidence = event.evidence
    host = defang_host(str(event.host))
    before = float(evidence.get("baseline_per_day", 0))
    level = float(evidence.get("level_per_day", 0))
    text = (
        f"Links to {host} fell {_percent(1 - event.magnitude)} from {long_date(event.start)}, "
        f"from {_per_week(before)} to {_per_week(level)} links a week."
    )
    if event.reason is Reason.HOST_DOWN:
        family = str(evidence.get("family", event.host))
        reuploads, dead = ctx.complaints(family, event.start)
        text += (
            f" In the {COMPLAINT_DAYS} days after, {reuploads} re-upload request"
            f"{'s' if reuploads != 1 else ''} and {dead} dead-link report"
            f"{'s' if dead != 1 else ''} named it."
        )
    else:
        text += " No complaints named it: it may simply have fallen out of use."
    for replacement in evidence.get("replacements", []):
        name = str(replacement["host"])
        since = date.fromisoformat(str(replacement["from"]))
        old = ctx.host_rate(name, since - timedelta(days=28), since - timedelta(days=1))
        new = ctx.host_rate(name, max(since, ctx.end - timedelta(days=13)), ctx.end)
        text += (
            f" {defang_host(name)} rose from {_per_week(old)} to {_per_week(new)} links a week "
            f"from {long_date(since)}, taking its place."
        )
    return f"Host down: {host}", text


def _host_migration(event: Event, ctx: FindingContext) -> tuple[str, str]:
    evidence = event.evidence
    sources = [str(h) for h in evidence.get("from", [])]
    targets = [str(h) for h in evidence.get("to", [])]
    before = sum(ctx.host_rate(h, event.start - timedelta(days=28), event.start) for h in sources)
    after = sum(ctx.host_rate(h, event.start + timedelta(days=1), ctx.end) for h in sources)
    gained_before = sum(
        ctx.host_rate(h, event.start - timedelta(days=28), event.start) for h in targets
    )
    gained_after = sum(ctx.host_rate(h, event.start + timedelta(days=1), ctx.end) for h in targets)
    text = (
        f"Links moved from {_names([defang_host(h) for h in sources])} to "
        f"{_names([defang_host(h) for h in targets])} around {long_date(event.start)}: the "
        f"former fell from {_per_week(before)} to {_per_week(after)} links a week while the "
        f"latter rose from {_per_week(gained_before)} to {_per_week(gained_after)}."
    )
    declared = evidence.get("declared_merge")
    if isinstance(declared, dict):
        text += (
            f" The host families file records their merge into {declared.get('family')} on "
            f"{declared.get('date')}."
        )
    return f"Host migration: {_names([defang_host(h) for h in targets])}", text


def _host_rise(event: Event, ctx: FindingContext) -> tuple[str, str]:
    evidence = event.evidence
    host = defang_host(str(event.host))
    text = (
        f"Links to {host} rose from {_per_week(float(evidence.get('baseline_per_day', 0)))} to "
        f"{_per_week(float(evidence.get('level_per_day', 0)))} a week from "
        f"{long_date(event.start)}."
    )
    return f"Host rising: {host}", text


def _tag(event: Event, ctx: FindingContext) -> tuple[str, str]:
    evidence = event.evidence
    before, after = float(evidence["share_before"]), float(evidence["share_after"])
    where = f"{event.site}/{event.section}"
    direction = "rose" if after > before else "fell"
    text = (
        f"In {where}, the share of new threads tagged '{evidence['tag']}' {direction} from "
        f"{before:.0%} to {after:.0%} from {event.start:%B %Y}."
    )
    monthly: dict[str, float] = evidence.get("monthly_share", {})
    recent = sorted(monthly.items())[-4:]
    if recent:
        text += " Latest months: " + ", ".join(f"{m} {v:.0%}" for m, v in recent) + "."
    return f"Tag share: '{evidence['tag']}' in {where}", text


def _dormant(event: Event, ctx: FindingContext) -> tuple[str, str]:
    members: list[dict[str, Any]] = list(event.evidence.get("members", []))
    gaps = [int(m["gap_days"]) for m in members] or [0]
    names = [ctx.masker.handle(str(m["handle"])) for m in members]
    text = (
        f"{len(members)} member{'s' if len(members) != 1 else ''} of {event.site} who had been "
        f"silent for {min(gaps)}"
        + (f" to {max(gaps)}" if max(gaps) != min(gaps) else "")
        + f" days posted again on {long_date(event.start)}: {_names(names)}."
    )
    return f"Dormant members back: {event.site}", text


def _shared(event: Event, ctx: FindingContext) -> tuple[str, str]:
    members: list[dict[str, Any]] = list(event.evidence.get("members", []))
    pseudonyms = sorted({ctx.masker.handle(str(m["handle"])) for m in members})
    sites = [str(m["site"]) for m in members]
    defunct = [str(s) for s in event.evidence.get("defunct_sites", [])]
    match = str(event.evidence.get("match", "exact"))
    same = "the same handle" if match == "exact" else f"near-identical handles ({match} match)"
    text = f"{_names(pseudonyms)}: {same} on {_names(sites)}"
    text += f", including the defunct {_names(defunct)}." if defunct else "."
    return f"Handle on several sites: {_names(sites)}", text


def _watch(event: Event, ctx: FindingContext) -> tuple[str, str]:
    evidence = event.evidence
    who = ctx.masker.handle(str(evidence.get("handle", "")))
    after = date.fromisoformat(str(evidence["after"]))
    count = int(event.magnitude)
    text = (
        f"Watch-listed member {who} posted {count} time{'s' if count != 1 else ''} on "
        f"{event.site} after {long_date(after)}: first on {long_date(event.start)}, last on "
        f"{long_date(event.end)}."
    )
    return f"Watch list: {who} active on {event.site}", text


_WRITERS: dict[EventType, Callable[[Event, FindingContext], tuple[str, str]]] = {
    EventType.SITE_UNAVAILABLE: _site_unavailable,
    EventType.ACTIVITY_SPIKE: _activity,
    EventType.ACTIVITY_DROP: _activity,
    EventType.KEYWORD_WAVE: _keyword,
    EventType.LINK_SPIKE: _links,
    EventType.LINK_DROP: _links,
    EventType.HOST_DOWN: _host_down,
    EventType.HOST_MIGRATION: _host_migration,
    EventType.HOST_RISE: _host_rise,
    EventType.TAG_SHARE_CHANGE: _tag,
    EventType.DORMANT_RETURN: _dormant,
    EventType.SHARED_HANDLE: _shared,
    EventType.WATCHLIST_ACTIVITY: _watch,
}


def describe(event: Event, ctx: FindingContext) -> Finding:
    """One event as a finding (title and sentences; quotes are added later)."""
    writer = _WRITERS.get(event.type)
    if writer is None:
        title, text = event.type.value.replace("_", " "), event.summary
    else:
        title, text = writer(event, ctx)
    return Finding(event, ctx.masker.text(title), ctx.masker.text(text), event.start)


MAX_SHARED_HANDLES = 5
"""Shared handles told one by one; more are summed up in one sentence (the events export
lists them all)."""


def findings_for(events: Sequence[Event], ctx: FindingContext) -> list[Finding]:
    """Every event as a finding, the weightiest kinds first, then by day; beyond
    :data:`MAX_SHARED_HANDLES`, handles shared between sites are counted, not listed."""
    ordered = sorted(events, key=lambda e: (ORDER.get(e.type, 99), e.start, e.key()))
    shared = [e for e in ordered if e.type is EventType.SHARED_HANDLE]
    shown = sorted(shared, key=lambda e: (-e.magnitude, e.key()))[:MAX_SHARED_HANDLES]
    out = [
        describe(event, ctx)
        for event in ordered
        if event.type is not EventType.SHARED_HANDLE or event in shown
    ]
    if len(shared) > len(shown):
        rest = len(shared) - len(shown)
        sites = sorted({str(m["site"]) for e in shared for m in e.evidence.get("members", [])})
        out.append(
            Finding(
                shared[-1],
                "More handles on several sites",
                f"{rest:,} more handles are used on more than one of {len(sites)} sites "
                "(the events export lists them, pseudonymised).",
                min(e.start for e in shared),
            )
        )
    return out


def event_record(event: Event, masker: HandleMasker, sentence: str) -> dict[str, Any]:
    """An event as exports write it: every handle in its evidence masked."""
    return {
        "type": event.type.value,
        "site": event.site,
        "section": event.section,
        "host": event.host,
        "start": event.start.isoformat(),
        "end": None if event.end is None else event.end.isoformat(),
        "magnitude": event.magnitude,
        "reason": None if event.reason is None else event.reason.value,
        "confidence": event.confidence,
        "series": event.series,
        "finding": sentence,
        "evidence": _masked(dict(event.evidence), masker, event),
    }


def _masked(value: Any, masker: HandleMasker, event: Event) -> Any:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key == "handle":
                out[key] = masker.handle(str(item))
            else:
                out[key] = _masked(item, masker, event)
        return out
    if isinstance(value, list | tuple):
        return [_masked(item, masker, event) for item in value]
    if isinstance(value, str):
        return masker.text(value)
    if isinstance(value, date):
        return value.isoformat()
    return value
