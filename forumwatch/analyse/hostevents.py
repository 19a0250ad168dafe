"""Host events: downtime (a collapse backed by complaints), migrations, rises, link waves.

Each registrable domain's daily links are scanned for changes of level. Then, in order:

1. a rise that starts during a rise of the link index belongs to that wave: the index event
   gets the reason *link wave* when two or more hosts rose with it;
2. a collapse (new level at most ``host_collapse_ratio`` of the old) followed by complaints
   naming the host's family (dead-link reports and re-upload requests, at least three and
   three times their baseline rate in the following ``complaint_days``) is a *host down* event,
   dated by the complaints' own onset when that lies within the collapse's interval;
3. collapses without complaints, with other hosts rising within ``migration_window_days``,
   form one *host migration*, dated by the day that best explains the falls and rises together
   (or by a merge date declared in the host families file, when close);
4. any other collapse is a *host down* event without a reason;
5. a rise soon after a host went down is recorded as its replacement; other rises are
   *host rise* events.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta

from forumwatch.analyse.anomalies import _log_likelihood, level_shifts
from forumwatch.analyse.detect import Change, Context, changes
from forumwatch.analyse.events import Event, EventType, Reason
from forumwatch.analyse.reading import combined_day_states
from forumwatch.analyse.series import DayState
from forumwatch.store.rollups import LINKS_BY_HOST, REQUESTS_BY_HOST

COMPLAINT_KINDS = ("dead_link", "reupload")


def _daily(
    ctx: Context, metric: str, keyed: dict[str, str] | None = None
) -> dict[str, list[float | None]]:
    """Values per key (or per ``keyed[key]``) and day of the span; None when every site was
    unavailable that day."""
    index = {day: i for i, day in enumerate(ctx.days)}
    out: dict[str, list[float | None]] = defaultdict(lambda: [0.0] * len(ctx.days))
    for row in ctx.store.rollup_sums(metric, ctx.span_start, ctx.end, by=["key"]):
        key = row.key or ""
        name = key if keyed is None else keyed.get(key, key)
        values = out[name]
        values[index[row.day]] = (values[index[row.day]] or 0.0) + row.value
    states = combined_day_states(ctx.states)
    until = ctx.complete_until()
    missing = [
        i
        for i, day in enumerate(ctx.days)
        if states.get(day) is DayState.UNAVAILABLE or day > until
    ]
    for values in out.values():
        for i in missing:
            values[i] = None
    return dict(out)


def _complaints(ctx: Context) -> dict[str, list[float | None]]:
    """Complaints (dead-link reports and re-upload requests) per host family and day."""
    totals: dict[str, list[float | None]] = {}
    for key, values in _daily(ctx, REQUESTS_BY_HOST).items():
        kind, _, family = key.partition(":")
        if kind not in COMPLAINT_KINDS:
            continue
        current = totals.setdefault(family, [0.0] * len(values))
        for i, value in enumerate(values):
            current[i] = None if value is None else (current[i] or 0.0) + value
    return totals


def _window(values: Sequence[float | None], start: int, days: int) -> tuple[float, int]:
    seen = [v for v in values[max(0, start) : max(0, start + days)] if v is not None]
    return sum(seen), len(seen)


def _two_level_score(values: Sequence[float | None], split: int, reach: int = 60) -> float:
    before = _window(values, split - reach, min(reach, split))
    after = _window(values, split, reach)
    whole = (before[0] + after[0], before[1] + after[1])
    return _log_likelihood(*before) + _log_likelihood(*after) - _log_likelihood(*whole)


def host_events(ctx: Context, links: list[tuple[Event, Change]]) -> list[Event]:
    """Host events, and the link-index events with their reasons (see the module doc)."""
    settings = ctx.settings
    per_host = _daily(ctx, LINKS_BY_HOST)
    complaints = _complaints(ctx)
    rises: list[tuple[str, Change]] = []
    collapses: list[tuple[str, Change]] = []
    for host, values in per_host.items():
        if sum(v for v in values if v) < settings.min_series_total / 3:
            continue
        for change in changes(ctx, values):
            if not ctx.in_period(change.start):
                continue
            if change.shift.up:
                rises.append((host, change))
            elif change.level <= settings.host_collapse_ratio * change.reference:
                collapses.append((host, change))
    out: list[Event] = []
    rises = _attach_to_waves(ctx, links, rises, out)
    downs: list[Event] = []
    unexplained: list[tuple[str, Change]] = []
    for host, change in collapses:
        event = _host_down(ctx, host, change, per_host[host], complaints)
        if event is None:
            unexplained.append((host, change))
        else:
            downs.append(event)
    migrations, rises, unexplained = _migrations(ctx, unexplained, rises, per_host)
    for host, change in unexplained:
        downs.append(_collapse_event(ctx, host, change, per_host[host], None, {}))
    downs, rises = _replacements(ctx, downs, rises)
    out = [_explain_link_drop(ctx, event, downs) for event in out]
    for host, change in rises:
        out.append(
            Event(
                EventType.HOST_RISE,
                None,
                None,
                host,
                change.start,
                change.end,
                round(change.level / change.before, 3) if change.before else change.level,
                None,
                {
                    "magnitude": "ratio to baseline",
                    "baseline_per_day": round(change.before, 2),
                    "level_per_day": round(change.level, 2),
                },
                min(1.0, change.shift.gain / 60),
                f"links:{host}",
                f"Links to {host} rose from {change.before:.1f} to {change.level:.1f} a day "
                f"from {change.start}.",
            )
        )
    return out + downs + migrations


def _explain_link_drop(ctx: Context, event: Event, downs: list[Event]) -> Event:
    """A fall of the link index when a host went down is that host's doing."""
    if event.type is not EventType.LINK_DROP:
        return event
    for down in downs:
        close = abs((down.start - event.start).days) <= ctx.settings.align_days
        if close and down.reason is Reason.HOST_DOWN:
            return replace(
                event,
                start=down.start,
                reason=Reason.HOST_DOWN,
                evidence={**event.evidence, "host": down.host},
                summary=event.summary + f" {down.host} went down.",
            )
    return event


def _attach_to_waves(
    ctx: Context,
    links: list[tuple[Event, Change]],
    rises: list[tuple[str, Change]],
    out: list[Event],
) -> list[tuple[str, Change]]:
    """Give link-index rises their hosts; return the rises that belong to no wave."""
    align = timedelta(days=ctx.settings.align_days)
    left = list(rises)
    for event, change in links:
        if event.type is not EventType.LINK_SPIKE:
            out.append(event)
            continue
        until = change.end or ctx.end
        members = [(h, c) for h, c in left if change.start - align <= c.start <= until]
        left = [pair for pair in left if pair not in members]
        hosts = sorted({h for h, _ in members})
        reason = Reason.LINK_WAVE if len(hosts) >= 2 else None
        out.append(
            replace(
                event,
                reason=reason,
                evidence={**event.evidence, "hosts": hosts},
                summary=event.summary
                + (f" Several hosts rose together: {', '.join(hosts)}." if reason else ""),
            )
        )
    return left


def _host_down(
    ctx: Context,
    host: str,
    change: Change,
    values: Sequence[float | None],
    complaints: dict[str, list[float | None]],
) -> Event | None:
    settings = ctx.settings
    family = ctx.families.family_of(host)
    series = complaints.get(family)
    if series is None:
        return None
    at = ctx.index(change.start)
    align = settings.align_days
    after, after_days = _window(series, at - 1, settings.complaint_days + 1)
    before, before_days = _window(series, at - 56, 56 - align)
    rate_before = before / max(before_days, 1)
    rate_after = after / max(after_days, 1)
    if after < 3 or rate_after < 3 * (rate_before + 0.05):
        return None
    start = change.start
    onset = None
    for shift in level_shifts(series, settings.shifts):
        moment = ctx.days[shift.at]
        if shift.up and abs((moment - change.start).days) <= align:
            onset = moment
            break
    if onset is not None:
        low, high = change.interval
        if low - timedelta(days=1) <= onset <= high + timedelta(days=1):
            start = onset
    evidence = {
        "family": family,
        "complaints_before_per_day": round(rate_before, 2),
        "complaints_after_per_day": round(rate_after, 2),
        "complaints_after": int(after),
        "complaints_onset": None if onset is None else onset.isoformat(),
    }
    return _collapse_event(ctx, host, change, values, Reason.HOST_DOWN, evidence, start)


def _collapse_event(
    ctx: Context,
    host: str,
    change: Change,
    values: Sequence[float | None],
    reason: Reason | None,
    evidence: dict[str, object],
    start: date | None = None,
) -> Event:
    start = start or change.start
    ratio = change.level / change.before if change.before else 0.0
    text = f"Links to {host} collapsed from {change.before:.1f} to {change.level:.2f} a day"
    if reason is Reason.HOST_DOWN:
        text += f"; {evidence['complaints_after']} complaints about dead links followed"
    return Event(
        EventType.HOST_DOWN,
        None,
        None,
        host,
        start,
        change.end,
        round(ratio, 3),
        reason,
        {
            "magnitude": "new level / old level",
            "baseline_per_day": round(change.before, 2),
            "level_per_day": round(change.level, 3),
            "detected_start": change.start.isoformat(),
            **evidence,
        },
        min(1.0, change.shift.gain / 60),
        f"links:{host}",
        text + f" (from {start}).",
    )


def _migrations(
    ctx: Context,
    collapses: list[tuple[str, Change]],
    rises: list[tuple[str, Change]],
    per_host: dict[str, list[float | None]],
) -> tuple[list[Event], list[tuple[str, Change]], list[tuple[str, Change]]]:
    window = timedelta(days=ctx.settings.migration_window_days)
    events: list[Event] = []
    left_rises = list(rises)
    left_collapses: list[tuple[str, Change]] = []
    pending = sorted(collapses, key=lambda pair: pair[1].start)
    while pending:
        host, change = pending.pop(0)
        falling = [(host, change)] + [p for p in pending if p[1].start - change.start <= window]
        pending = [p for p in pending if p not in falling]
        earliest = min(c.start for _, c in falling) - window
        latest = max(c.start for _, c in falling) + window
        rising = [p for p in left_rises if earliest <= p[1].start <= latest]
        if not rising:
            left_collapses += falling
            continue
        left_rises = [p for p in left_rises if p not in rising]
        events.append(_migration_event(ctx, falling, rising, per_host, earliest, latest))
    return events, left_rises, left_collapses


def _migration_event(
    ctx: Context,
    falling: list[tuple[str, Change]],
    rising: list[tuple[str, Change]],
    per_host: dict[str, list[float | None]],
    earliest: date,
    latest: date,
) -> Event:
    def summed(hosts: Sequence[str]) -> list[float | None]:
        total: list[float | None] = [0.0] * len(ctx.days)
        for host in hosts:
            for i, value in enumerate(per_host[host]):
                total[i] = None if value is None or total[i] is None else (total[i] or 0) + value
        return total

    down = summed(sorted({h for h, _ in falling}))
    up = summed(sorted({h for h, _ in rising}))
    candidates = range(max(1, ctx.index(earliest)), min(len(ctx.days) - 1, ctx.index(latest)) + 1)
    best = max(candidates, key=lambda i: _two_level_score(down, i) + _two_level_score(up, i))
    start = ctx.days[best]
    declared = None
    from_hosts = {h for h, _ in falling}
    for merge in ctx.families.merges():
        close = merge.date is not None and abs((merge.date - start).days) <= ctx.settings.align_days
        if close and merge.date is not None and from_hosts & set(merge.hosts):
            declared = merge
            start = merge.date
    before = sum(c.before for _, c in falling)
    moved = sum(c.level - c.before for _, c in rising)
    sources = sorted(from_hosts)
    targets = sorted({h for h, _ in rising})
    return Event(
        EventType.HOST_MIGRATION,
        None,
        None,
        ",".join(targets),
        start,
        None,
        round(moved / before, 3) if before else math.inf,
        Reason.HOST_MIGRATION,
        {
            "magnitude": "links/day gained by the rising hosts / links/day the falling ones had",
            "from": sources,
            "to": targets,
            "detected_start": ctx.days[best].isoformat(),
            "declared_merge": None
            if declared is None
            else {"family": declared.family, "date": str(declared.date)},
        },
        0.8,
        "links:" + ",".join(sources + targets),
        f"Links moved from {', '.join(sources)} to {', '.join(targets)} around {start}.",
    )


def _replacements(
    ctx: Context, downs: list[Event], rises: list[tuple[str, Change]]
) -> tuple[list[Event], list[tuple[str, Change]]]:
    reach = timedelta(days=ctx.settings.replacement_window_days)
    left = list(rises)
    out = []
    for event in downs:
        if event.reason is not Reason.HOST_DOWN:
            out.append(event)
            continue
        taken = [(h, c) for h, c in left if event.start <= c.start <= event.start + reach]
        left = [pair for pair in left if pair not in taken]
        if taken:
            event = replace(
                event,
                evidence={
                    **event.evidence,
                    "replacements": [
                        {"host": h, "from": c.start.isoformat(), "per_day": round(c.level, 2)}
                        for h, c in taken
                    ],
                },
                summary=event.summary
                + f" Members moved to {', '.join(sorted({h for h, _ in taken}))}.",
            )
        out.append(event)
    return out, left
