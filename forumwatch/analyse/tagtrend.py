"""Tag-share changes: a tag's monthly share of a section's new threads that moved for good.

For every (site, section, tag) with enough threads, two binomial models are fitted to the
monthly shares: a sudden change (one share before a month, another from it on) and a steady
trend (a constant share, then a share growing or falling linearly from the first day of a
month). The better fit is kept when its likelihood gain over one constant share is large
(``2 x gain >= 16``, about p < 0.0001) and the shares differ by at least ``tag_min_change``.
The event is dated by the first day of the month the change or trend starts.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta

from forumwatch.analyse.detect import Context
from forumwatch.analyse.events import Event, EventType, Reason

MIN_GAIN = 8.0


def _binomial(tagged: float, total: float) -> float:
    if total <= 0:
        return 0.0
    share = tagged / total
    out = 0.0
    if tagged > 0:
        out += tagged * math.log(share)
    if total - tagged > 0:
        out += (total - tagged) * math.log(1 - share)
    return out


def tag_share_changes(ctx: Context, threads_metric: str, tagged_metric: str) -> list[Event]:
    """The tag-share events of the analysed period (see the module doc)."""
    begin = (ctx.span_start - timedelta(days=365)).replace(day=1)
    totals: dict[tuple[int, int], dict[date, int]] = defaultdict(lambda: defaultdict(int))
    # Shares are monthly: the database sums the months (a row per day would be 30 times more).
    for row in ctx.store.rollup_sums(
        threads_metric, begin, ctx.end, by=["site_id", "section_id"], monthly=True
    ):
        totals[(row.site_id or 0, row.section_id or 0)][row.day.replace(day=1)] += row.value
    tagged: dict[tuple[int, int, str], dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for row in ctx.store.rollup_sums(
        tagged_metric, begin, ctx.end, by=["site_id", "section_id", "key"], monthly=True
    ):
        place = (row.site_id or 0, row.section_id or 0, row.key or "")
        tagged[place][row.day.replace(day=1)] += row.value
    titles = {s.id: s.title or s.native_id for s in ctx.store.sections()}
    events: list[Event] = []
    for (site_id, section_id, tag), counts in sorted(tagged.items()):
        months_total = totals.get((site_id, section_id), {})
        if sum(months_total.values()) < ctx.settings.tag_min_threads:
            continue
        months = sorted(months_total)
        pairs = [(counts.get(m, 0), months_total[m]) for m in months]
        # A sudden change (two levels) or a steady trend (a ramp from a month on): the better fit.
        candidates = [f for f in (_best_split(pairs), _best_ramp(pairs)) if f is not None]
        if not candidates:
            continue
        split, before, after, gain = max(candidates, key=lambda f: f[3])
        first = months[split]
        if not ctx.in_period(first) or abs(after - before) < ctx.settings.tag_min_change:
            continue
        direction = "rose" if after > before else "fell"
        events.append(
            Event(
                EventType.TAG_SHARE_CHANGE,
                ctx.sites[site_id],
                titles.get(section_id, str(section_id)),
                None,
                first,
                None,
                round(after / before, 3) if before else math.inf,
                Reason.TREND,
                {
                    "magnitude": "share after / share before",
                    "tag": tag,
                    "share_before": round(before, 3),
                    "share_after": round(after, 3),
                    "monthly_share": {
                        m.isoformat()[:7]: round(k / n, 3)
                        for m, (k, n) in zip(months, pairs, strict=True)
                        if n
                    },
                    "likelihood_gain": round(gain, 1),
                },
                min(1.0, gain / 30),
                f"tag:{ctx.sites[site_id]}/{section_id}/{tag}",
                f"The share of new threads tagged {tag!r} in {ctx.sites[site_id]}/"
                f"{titles.get(section_id, section_id)} {direction} from {before:.0%} to "
                f"{after:.0%} from {first:%B %Y}.",
            )
        )
    return events


SLOPES = tuple(step / 500 for step in range(-150, 151) if step)
"""The monthly changes of share a ramp is tried with (-0.3 .. 0.3 by 0.002, never 0)."""
_LEAF = 4
"""Runs of at most this many slopes are evaluated one by one rather than bounded again."""


def _margin(value: float) -> float:
    """More than the rounding error of a sum of a few dozen log-likelihood terms near
    ``value``: bounds are only trusted to rule a slope out by more than this."""
    return 1e-9 * (1 + abs(value))


def _share(start: float, slope: float, month: int) -> float:
    return min(0.999, max(0.001, start + slope * (month + 0.5)))


def _ramp_likelihood(pairs: Sequence[tuple[int, int]], start: float, slope: float) -> float:
    """Binomial log-likelihood of months whose share grows by ``slope`` a month from ``start``
    (the first month's mean is half a month into the ramp)."""
    total = 0.0
    for month, (tagged, threads) in enumerate(pairs):
        share = _share(start, slope, month)
        total += tagged * math.log(share) + (threads - tagged) * math.log(1 - share)
    return total


def _ramp_bound(pairs: Sequence[tuple[int, int]], start: float, low: float, high: float) -> float:
    """At least the likelihood of every slope from ``low`` to ``high``.

    A month's share moves over an interval as the slope does; its binomial log-likelihood is
    concave there (0 <= tagged <= threads), so its best is the observed share clipped to that
    interval. The sum of each month's best bounds every slope's sum."""
    total = 0.0
    for month, (tagged, threads) in enumerate(pairs):
        lowest, highest = _share(start, low, month), _share(start, high, month)
        share = min(highest, max(lowest, tagged / threads)) if threads else lowest
        total += tagged * math.log(share) + (threads - tagged) * math.log(1 - share)
    return total


def _best_slope(pairs: Sequence[tuple[int, int]], start: float, floor: float) -> float | None:
    """The slope of :data:`SLOPES` with the highest :func:`_ramp_likelihood` (the first of
    equal ones, as ``max`` over every slope picks), or None when none reaches ``floor``.

    Branch and bound: runs of slopes whose bound (:func:`_ramp_bound`) is below the best
    likelihood found (or below ``floor``) by more than the rounding margin are never
    evaluated; the others are halved until short enough to evaluate. The slope is the one
    evaluating every slope would give, with a few dozen evaluations instead of 300."""
    if any(not 0 <= tagged <= threads for tagged, threads in pairs):  # no concavity: try all
        best_slope = max(SLOPES, key=lambda b: _ramp_likelihood(pairs, start, b))
        best_value = _ramp_likelihood(pairs, start, best_slope)
        return best_slope if best_value >= floor else None
    values: dict[int, float] = {}
    best = -math.inf
    runs = [(-_ramp_bound(pairs, start, SLOPES[0], SLOPES[-1]), 0, len(SLOPES) - 1)]
    while runs:
        negative_bound, low, high = heapq.heappop(runs)
        needed = max(best, floor)
        if -negative_bound + _margin(needed) < needed:
            break  # the runs left are bounded lower still
        if high - low < _LEAF:
            for index in range(low, high + 1):
                values[index] = _ramp_likelihood(pairs, start, SLOPES[index])
                best = max(best, values[index])
            continue
        middle = (low + high) // 2
        for first, last in ((low, middle), (middle + 1, high)):
            bound = _ramp_bound(pairs, start, SLOPES[first], SLOPES[last])
            heapq.heappush(runs, (-bound, first, last))
    if best < floor:
        return None
    return SLOPES[min(index for index, value in values.items() if value == best)]


def _best_ramp(pairs: list[tuple[int, int]]) -> tuple[int, float, float, float] | None:
    """The month from which a steady rise (or fall) of the share fits best: (month, share
    before, share at the end, gain over one constant share)."""
    tagged = sum(k for k, _ in pairs)
    total = sum(n for _, n in pairs)
    whole = _binomial(tagged, total)
    best: tuple[int, float, float, float] | None = None
    for split in range(1, len(pairs) - 1):
        before = pairs[:split]
        left_k, left_n = sum(k for k, _ in before), sum(n for _, n in before)
        if left_n < 10:
            continue
        start = left_k / left_n
        after = pairs[split:]
        left = _binomial(left_k, left_n)
        # A split matters only when its gain could reach MIN_GAIN and beat the best so far:
        # slopes whose likelihood cannot are not searched (the margin keeps rounding out).
        needed = MIN_GAIN if best is None else max(MIN_GAIN, best[3])
        floor = needed - left + whole
        slope = _best_slope(after, start, floor - _margin(floor))
        if slope is None:
            continue
        gain = left + _ramp_likelihood(after, start, slope) - whole
        end = _share(start, slope, len(after) - 1)
        if gain >= MIN_GAIN and (best is None or gain > best[3]):
            best = (split, start, end, gain)
    return best


def _best_split(pairs: list[tuple[int, int]]) -> tuple[int, float, float, float] | None:
    tagged = sum(k for k, _ in pairs)
    total = sum(n for _, n in pairs)
    whole = _binomial(tagged, total)
    best: tuple[int, float, float, float] | None = None
    left_k = left_n = 0
    for split in range(1, len(pairs)):
        left_k += pairs[split - 1][0]
        left_n += pairs[split - 1][1]
        right_k, right_n = tagged - left_k, total - left_n
        if left_n < 10 or right_n < 10:
            continue
        gain = _binomial(left_k, left_n) + _binomial(right_k, right_n) - whole
        if gain >= MIN_GAIN and (best is None or gain > best[3]):
            best = (split, left_k / left_n, right_k / right_n, gain)
    return best
