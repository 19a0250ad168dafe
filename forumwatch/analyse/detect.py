"""The detectors behind :func:`forumwatch.analyse.events.detect_events`.

Each series the reports chart is scanned with :func:`~forumwatch.analyse.anomalies.level_shifts`
(site and section activity, each lexicon's mentions, the clearnet image index, each host's
links); the fetch log gives site outages; tags are tested month by month; actor findings come
from :mod:`forumwatch.analyse.actors`. A change is then explained by joining it with what else
the data holds, in this order: the site itself was unavailable; a site in the section's
language was down meanwhile (sister site); a host's collapse is backed by dead-link complaints
naming it (host down) or matched by other hosts rising (migration); several hosts rose at once
(link wave); a lexicon's terms rose (keyword wave). When the cause has its own precise date
(an outage's first day) and that date lies within the change's likelihood interval, the event
is dated by the cause, and the evidence keeps the detector's own estimate.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from forumwatch.analyse import activity, keywords, linkindex
from forumwatch.analyse.anomalies import (
    Shift,
    ShiftSettings,
    change_interval,
    level_shifts,
    outliers,
)
from forumwatch.analyse.events import Event, EventType, Reason
from forumwatch.analyse.reading import fetch_outcomes, section_languages, site_day_states
from forumwatch.analyse.series import DayState, Granularity, Scope, Series, days_between
from forumwatch.enrich.hosts import HostFamilies
from forumwatch.store.base import Store
from forumwatch.store.derived import THREADS, THREADS_TAGGED


@dataclass(frozen=True)
class DetectionSettings:
    """Thresholds of the detectors.

    Attributes:
        shifts: what counts as a change of level (see :class:`ShiftSettings`).
        lookback_days: days before the analysed period read as baseline.
        max_gap_days: see :func:`forumwatch.analyse.activity.posts`.
        min_series_total: series with fewer counts over the whole span are not scanned.
        align_days: furthest a change is moved to its cause's own date (within its interval).
        dormant_days: silence after which a returning member is reported.
        host_collapse_ratio: a host's new level at most this share of its old one collapsed.
        migration_window_days: falls and rises this close together are one migration.
        replacement_window_days: a host rising this soon after another went down replaces it.
        complaint_days: days after a collapse in which complaints are counted.
        tag_min_threads: tags of sections with fewer threads in the span are not tested.
        tag_min_change: smallest change of a tag's monthly share reported.
        handle_match: how shared handles are matched (exact, normalised, fuzzy).
        link_classes: (network, media class) pairs whose link index is scanned.
        outlier_threshold: robust z (in MADs, Poisson-floored) of a single-day site outlier.
    """

    shifts: ShiftSettings = field(default_factory=ShiftSettings)
    lookback_days: int = 120
    max_gap_days: int = 2
    min_series_total: int = 60
    align_days: int = 5
    dormant_days: int = 365
    host_collapse_ratio: float = 0.2
    migration_window_days: int = 7
    replacement_window_days: int = 45
    complaint_days: int = 14
    tag_min_threads: int = 60
    tag_min_change: float = 0.12
    handle_match: str = "exact"
    link_classes: tuple[tuple[str, str], ...] = (("clearnet", "image"),)
    outlier_threshold: float = 6.0


@dataclass
class Context:
    """What every detector shares: the span, day states, names and languages."""

    store: Store
    start: date
    end: date
    settings: DetectionSettings
    families: HostFamilies
    span_start: date = date.min
    days: list[date] = field(default_factory=list)
    sites: dict[int, str] = field(default_factory=dict)
    site_languages: dict[int, str] = field(default_factory=dict)
    languages: dict[int, str] = field(default_factory=dict)
    states: dict[int, dict[date, DayState]] = field(default_factory=dict)
    outages: dict[int, list[tuple[date, date]]] = field(default_factory=dict)
    troubled: dict[int, set[date]] = field(default_factory=dict)
    """Days on which some fetches of a site failed (a partial outage)."""
    complete: dict[int, date] = field(default_factory=dict)
    """The last day of each site whose posts are all in: a crawl ran after it ended (the day
    of the last crawl is only partly seen)."""

    def complete_until(self, site_id: int | None = None) -> date:
        """The last complete day of a site, or of every site (None)."""
        if site_id is not None:
            return self.complete.get(site_id, self.end)
        return min(self.complete.values(), default=self.end)

    def index(self, day: date) -> int:
        """Position of a day in the span."""
        return (day - self.span_start).days

    def in_period(self, day: date) -> bool:
        """True for days of the analysed period."""
        return self.start <= day <= self.end


def _context(
    store: Store, start: date, end: date, families: HostFamilies, settings: DetectionSettings
) -> Context:
    ctx = Context(store, start, end, settings, families)
    ctx.span_start = start - timedelta(days=settings.lookback_days)
    ctx.days = days_between(ctx.span_start, end)
    for site in store.list_sites():
        if site.id is not None:
            ctx.sites[site.id] = site.name
    ctx.states = site_day_states(store, list(ctx.sites), ctx.span_start, end, settings.max_gap_days)
    ctx.languages = section_languages(store)
    sections = {s.id: s.site_id for s in store.sections()}
    votes: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for section_id, language in ctx.languages.items():
        if section_id in sections:
            votes[sections[section_id]][language] += 1
    for site in store.list_sites():
        if site.id is None:
            continue
        counted = votes.get(site.id, {})
        ctx.site_languages[site.id] = site.language or (
            max(counted, key=lambda k: counted[k]) if counted else ""
        )
    for site_id, states in ctx.states.items():
        ctx.outages[site_id] = _runs(states, DayState.UNAVAILABLE)
    outcomes = fetch_outcomes(store, list(ctx.sites), ctx.span_start, end + timedelta(days=1))
    for site_id, days in outcomes.items():
        ctx.troubled[site_id] = {day for day, (_ok, failed) in days.items() if failed}
        fetched = [day for day, (ok, _failed) in days.items() if ok]
        if fetched:
            ctx.complete[site_id] = min(end, max(fetched) - timedelta(days=1))
    return ctx


def _runs(states: dict[date, DayState], wanted: DayState) -> list[tuple[date, date]]:
    runs: list[tuple[date, date]] = []
    for day in sorted(states):
        if states[day] is not wanted:
            continue
        if runs and (day - runs[-1][1]).days == 1:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def values_of(series: Series, until: date | None = None) -> list[float | None]:
    """A daily series' values (None where unavailable, and after ``until``: days not yet
    completely seen)."""
    return [None if until and p.day > until else p.value for p in series.points]


@dataclass(frozen=True)
class Change:
    """A rise or fall found on a series, with its return (if any) and likelihood interval."""

    shift: Shift
    start: date
    end: date | None
    interval: tuple[date, date]
    before: float
    level: float
    reference: float
    """The level before the previous change when this one undoes it (a bump's end), else
    ``before``: a fall after a short rise is measured against the level before the rise."""


def changes(ctx: Context, values: Sequence[float | None]) -> list[Change]:
    """Material changes of a daily series over the span, paired with their returns."""
    shifts = level_shifts(values, ctx.settings.shifts)
    out: list[Change] = []
    skip: set[int] = set()
    previous_at = 0
    for number, shift in enumerate(shifts):
        if number in skip:
            previous_at = shift.at
            continue
        reference = shift.before
        if number > 0 and shifts[number - 1].up != shift.up:
            reference = min(shift.before, shifts[number - 1].before)
        end: date | None = None
        following = shifts[number + 1] if number + 1 < len(shifts) else None
        if following is not None and following.up != shift.up:
            back = following.after / shift.before if shift.before else None
            if back is not None and 0.6 <= back <= 1.6:
                end = ctx.days[following.at - 1]
                skip.add(number + 1)
        low, high = change_interval(values, shift, previous_at)
        out.append(
            Change(
                shift,
                ctx.days[shift.at],
                end,
                (ctx.days[low], ctx.days[high]),
                shift.before,
                shift.after,
                reference,
            )
        )
        previous_at = shift.at
    return out


def _ratio(change: Change) -> float:
    if change.before == 0:
        return float("inf")
    return change.level / change.before


def _magnitude(change: Change) -> float:
    ratio = _ratio(change)
    return round(ratio, 3) if ratio != float("inf") else round(change.level, 3)


# -- site outages and activity -------------------------------------------------------------------
def site_outage_events(ctx: Context) -> list[Event]:
    """Runs of days on which every fetch of a site failed."""
    events = []
    for site_id, runs in ctx.outages.items():
        for first, last in runs:
            if last < ctx.start or first > ctx.end:
                continue
            events.append(
                Event(
                    EventType.SITE_UNAVAILABLE,
                    ctx.sites[site_id],
                    None,
                    None,
                    first,
                    last,
                    float((last - first).days + 1),
                    Reason.SITE_UNAVAILABLE,
                    {"magnitude": "days", "days": (last - first).days + 1},
                    1.0,
                    f"fetches:{ctx.sites[site_id]}",
                    f"{ctx.sites[site_id]} could not be fetched from {first} to {last}.",
                )
            )
    return events


def _sister(
    ctx: Context, site_id: int, language: str, change: Change
) -> tuple[int, tuple[date, date]] | None:
    """A site in ``language`` (not ``site_id``) down during a rise."""
    if not language:
        return None
    until = change.end or ctx.end
    margin = timedelta(days=ctx.settings.align_days)
    for other, runs in ctx.outages.items():
        if other == site_id or ctx.site_languages.get(other) != language:
            continue
        for first, last in runs:
            if first <= until + margin and last >= change.start - margin and last > first:
                return other, (first, last)
    return None


def _aligned(change: Change, cause: date, ctx: Context) -> date:
    """The cause's date when it lies in the change's interval (widened by a day) and close."""
    low, high = change.interval
    close = abs((cause - change.start).days) <= ctx.settings.align_days
    if close and low - timedelta(days=1) <= cause <= high + timedelta(days=1):
        return cause
    return change.start


def activity_events(ctx: Context) -> list[Event]:
    """Rises and falls of posts per site and per section."""
    store, settings = ctx.store, ctx.settings
    events: list[Event] = []
    for site_id, name in ctx.sites.items():
        scanned: list[tuple[str | None, str, Series]] = [
            (
                None,
                ctx.site_languages.get(site_id, ""),
                activity.posts(store, Scope(site=name), ctx.span_start, ctx.end),
            )
        ]
        sections = {s.title or s.native_id: s for s in store.sections(site_id)}
        for title, series in activity.posts_by_section(
            store, name, ctx.span_start, ctx.end
        ).items():
            section = sections.get(title)
            language = ctx.languages.get(section.id, "") if section is not None else ""
            scanned.append((title, language, series))
        for section_title, language, series in scanned:
            values = values_of(series, ctx.complete_until(site_id))
            if sum(v for v in values if v) < settings.min_series_total:
                continue
            found = changes(ctx, values)
            for change in found:
                event = _activity_event(ctx, site_id, name, section_title, language, change, series)
                if event is not None and ctx.in_period(event.start):
                    events.append(event)
            if section_title is None:
                events += _single_days(ctx, name, series, values, found)
    return events


def _single_days(
    ctx: Context, name: str, series: Series, values: list[float | None], found: list[Change]
) -> list[Event]:
    """Days far outside a site's own recent range (MAD outliers) that no change explains."""
    events = []
    for index, z in outliers(values, threshold=ctx.settings.outlier_threshold):
        day = ctx.days[index]
        recent = sorted(v for v in values[max(0, index - 28) : index] if v is not None)
        typical = recent[len(recent) // 2] if recent else 0.0
        covered = any(c.start <= day <= (c.end or ctx.end) for c in found)
        value = values[index] or 0.0
        if covered or not ctx.in_period(day) or abs(value - typical) < 0.3 * typical:
            continue
        up = z > 0
        site_id = next(i for i, n in ctx.sites.items() if n == name)
        partial = not up and day in ctx.troubled.get(site_id, set())
        events.append(
            Event(
                EventType.ACTIVITY_SPIKE if up else EventType.ACTIVITY_DROP,
                name,
                None,
                None,
                day,
                day,
                round(value / typical, 3) if typical else value,
                Reason.SITE_UNAVAILABLE if partial else None,
                {"magnitude": "ratio to the 28-day median", "robust_z": round(z, 1)},
                min(1.0, abs(z) / 12),
                series.name,
                f"Posts on {name} were {value:.0f} on {day} against a usual {typical:.0f}.",
            )
        )
    return events


def _activity_event(
    ctx: Context,
    site_id: int,
    name: str,
    section: str | None,
    language: str,
    change: Change,
    series: Series,
) -> Event | None:
    up = change.shift.up
    reason: Reason | None = None
    start = change.start
    evidence: dict[str, object] = {
        "magnitude": "ratio to baseline",
        "baseline_per_day": round(change.before, 2),
        "level_per_day": round(change.level, 2),
        "detected_start": change.start.isoformat(),
        "interval": [change.interval[0].isoformat(), change.interval[1].isoformat()],
    }
    if not up:
        last = change.end or min(ctx.end, change.start + timedelta(days=2))
        failed = sorted(d for d in ctx.troubled.get(site_id, ()) if change.start <= d <= last)
        if failed:
            reason = Reason.SITE_UNAVAILABLE
            evidence["days_with_failed_fetches"] = [d.isoformat() for d in failed]
    if up:
        sister = _sister(ctx, site_id, language, change)
        if sister is not None:
            other, (first, last) = sister
            reason = Reason.SISTER_SITE_DOWN
            start = _aligned(change, first, ctx)
            evidence.update(
                {
                    "sister_site": ctx.sites[other],
                    "sister_down": [first.isoformat(), last.isoformat()],
                    "language": language,
                }
            )
    where = f"{name}/{section}" if section else name
    verb = "rose" if up else "fell"
    summary = f"Posts in {where} {verb} from {change.before:.1f} to {change.level:.1f} a day"
    if reason is Reason.SISTER_SITE_DOWN:
        summary += f" while {evidence['sister_site']} ({language}) was down"
    return Event(
        EventType.ACTIVITY_SPIKE if up else EventType.ACTIVITY_DROP,
        name,
        section,
        None,
        start,
        change.end,
        _magnitude(change),
        reason,
        evidence,
        min(1.0, change.shift.gain / 60),
        series.name,
        summary + f" from {start}.",
    )


# -- keywords and the link index ----------------------------------------------------------------
def keyword_events(ctx: Context) -> list[Event]:
    """A wave per lexicon: the first material rise, its peak and the day it faded."""
    events = []
    store = ctx.store
    until = ctx.complete_until()
    total_posts = values_of(activity.posts(store, Scope(), ctx.span_start, ctx.end), until)
    for lexicon in keywords.lexicon_names(store):
        series = keywords.mentions(store, lexicon, Scope(), ctx.span_start, ctx.end)
        values = values_of(series, until)
        if sum(v for v in values if v) < ctx.settings.min_series_total:
            continue
        rises = [c for c in changes(ctx, values) if c.shift.up and ctx.in_period(c.start)]
        if not rises:
            continue
        onset = rises[0]
        first = ctx.index(onset.start)
        smooth = [_window_mean(values, i, 7) for i in range(len(values))]
        peak = max(range(first, len(values)), key=lambda i: smooth[i])
        fade = next(
            (
                i
                for i in range(peak, len(values))
                if smooth[i] <= onset.before + 0.25 * (smooth[peak] - onset.before)
            ),
            None,
        )
        shares = [(m or 0) / p if p else 0.0 for m, p in zip(values, total_posts, strict=True)]
        peak_share = _window_mean(shares, peak, 7)
        events.append(
            Event(
                EventType.KEYWORD_WAVE,
                None,
                None,
                None,
                onset.start,
                None if fade is None else ctx.days[fade],
                round(smooth[peak] / max(onset.before, 0.1), 2),
                Reason.KEYWORD_WAVE,
                {
                    "magnitude": "peak (7-day mean) / baseline per day",
                    "lexicon": lexicon,
                    "baseline_per_day": round(onset.before, 2),
                    "peak_day": ctx.days[peak].isoformat(),
                    "peak_per_day": round(smooth[peak], 2),
                    "peak_share": round(peak_share, 3),
                },
                min(1.0, onset.shift.gain / 60),
                series.name,
                f"Mentions of {lexicon!r} rose from {onset.start}, peaked around "
                f"{ctx.days[peak]} at {peak_share:.0%} of posts"
                + (f" and faded by {ctx.days[fade]}." if fade is not None else "."),
            )
        )
    return events


def _window_mean(values: Sequence[float | None], index: int, width: int) -> float:
    start = max(0, index - width // 2)
    seen = [v for v in values[start : start + width] if v is not None]
    return sum(seen) / len(seen) if seen else 0.0


def link_index_events(ctx: Context) -> list[tuple[Event, Change]]:
    """Rises and falls of the link index (first-seen links) of each scanned class."""
    out = []
    for network, media in ctx.settings.link_classes:
        series = linkindex.link_index(
            ctx.store, Scope(), ctx.span_start, ctx.end, Granularity.DAY, network, media
        )
        values = values_of(series, ctx.complete_until())
        if sum(v for v in values if v) < ctx.settings.min_series_total:
            continue
        for change in changes(ctx, values):
            if not ctx.in_period(change.start):
                continue
            up = change.shift.up
            event = Event(
                EventType.LINK_SPIKE if up else EventType.LINK_DROP,
                None,
                None,
                None,
                change.start,
                change.end,
                _magnitude(change),
                None,
                {
                    "magnitude": "ratio to baseline",
                    "class": f"{network}:{media}",
                    "baseline_per_day": round(change.before, 2),
                    "level_per_day": round(change.level, 2),
                },
                min(1.0, change.shift.gain / 60),
                series.name,
                f"New {network} {media} links {'rose' if up else 'fell'} from "
                f"{change.before:.1f} to {change.level:.1f} a day from {change.start}.",
            )
            out.append((event, change))
    return out


# -- tags ---------------------------------------------------------------------------------------
def tag_events(ctx: Context) -> list[Event]:
    """Tags whose monthly share of a section's new threads changed for good."""
    from forumwatch.analyse.tagtrend import tag_share_changes

    return tag_share_changes(ctx, THREADS, THREADS_TAGGED)


def run_detectors(
    store: Store,
    start: date,
    end: date,
    families: HostFamilies | None,
    settings: DetectionSettings | None,
    watch_list: Sequence[tuple[str, str, date]],
) -> list[Event]:
    """Run every detector over ``start``..``end`` (see ``events.detect_events``)."""
    from forumwatch.analyse.actorevents import actor_events
    from forumwatch.analyse.hostevents import host_events

    ctx = _context(
        store, start, end, families or HostFamilies.load(), settings or DetectionSettings()
    )
    events = site_outage_events(ctx)
    events += activity_events(ctx)
    events += keyword_events(ctx)
    links = link_index_events(ctx)
    events += host_events(ctx, links)
    events += tag_events(ctx)
    events += actor_events(ctx, watch_list)
    events.sort(key=lambda e: (e.start, str(e.type), e.site or "", e.section or "", e.host or ""))
    return events
