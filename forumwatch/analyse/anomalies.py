"""Robust change and outlier detection on count series (pure functions, no store access).

Two detectors, both for counts per day (posts, mentions, links) with missing days (None: the
site was unavailable, so the day says nothing):

- :func:`level_shifts` finds where a series changes level and stays there: binary segmentation
  under a Poisson model whose variance is widened by the series' own over-dispersion (weekday
  rhythms, bursts), keeping a change only when it is both significant (a likelihood-ratio test
  against a penalty that grows with the series' length) and material (the level changes by a
  factor, not a few percent). Change points are maximum-likelihood dates, so a step is dated to
  the day when the data allows it.
- :func:`outliers` flags single days far from a rolling median, measured in MADs (median
  absolute deviations) with a Poisson floor, for spikes too short to be a level.

Both return indices into the input, so callers map them back to days.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise


@dataclass(frozen=True, slots=True)
class ShiftSettings:
    """Thresholds of :func:`level_shifts`.

    Attributes:
        penalty: minimum log-likelihood gain of a change point, in units of ``log(n)``
            (n: observed days), after dividing by the over-dispersion.
        min_ratio: a change is material when the new level is at least this many times the
            old (or at most its inverse).
        min_change: ...and the levels differ by at least this many counts over the shorter
            of the two segments (so 0.1 -> 0.3 a day for a week is not an event).
        min_days: shortest segment considered.
        max_bump_days: longest temporary change (a rise or fall that returns to the level
            around it) searched as one piece: binary segmentation alone misses short bumps.
        bump_penalty: like ``penalty``, for a bump (two change points at once).
    """

    penalty: float = 3.0
    min_ratio: float = 1.6
    min_change: float = 12.0
    min_days: int = 3
    max_bump_days: int = 62
    bump_penalty: float = 2.6


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of constant level: indices ``start`` (included) to ``end`` (excluded)."""

    start: int
    end: int
    total: float
    observed: int

    @property
    def mean(self) -> float:
        """Average per observed day."""
        return self.total / self.observed if self.observed else 0.0


@dataclass(frozen=True, slots=True)
class Shift:
    """A material change of level at index ``at`` (the first index of the new level)."""

    at: int
    before: float
    after: float
    gain: float
    until: int

    @property
    def ratio(self) -> float:
        """after / before (infinite from a zero level)."""
        if self.before == 0:
            return math.inf if self.after > 0 else 1.0
        return self.after / self.before

    @property
    def up(self) -> bool:
        """True for a rise."""
        return self.after > self.before


def _log_likelihood(total: float, days: int) -> float:
    """Poisson log-likelihood of ``total`` counts over ``days`` at their own rate (no constants)."""
    if total <= 0 or days <= 0:
        return 0.0
    return total * math.log(total / days) - total


def dispersion(values: Sequence[float | None]) -> float:
    """Over-dispersion of a count series (variance / mean, at least 1), robust to steps.

    Estimated from day-to-day differences (a step adds one large difference, not many), with
    the largest 5 % of differences left out so that spikes do not inflate it.
    """
    seen = [v for v in values if v is not None]
    if len(seen) < 3:
        return 1.0
    mean = sum(seen) / len(seen)
    if mean <= 0:
        return 1.0
    squares = sorted((b - a) ** 2 for a, b in pairwise(seen))
    kept = squares[: max(1, int(len(squares) * 0.95))]
    variance = sum(kept) / (2 * len(kept))
    return max(1.0, variance / mean)


class _Counts:
    """Prefix sums over the observed days of a series."""

    def __init__(self, values: Sequence[float | None]) -> None:
        self.totals = [0.0]
        self.observed = [0]
        for value in values:
            self.totals.append(self.totals[-1] + (value or 0.0))
            self.observed.append(self.observed[-1] + (value is not None))

    def segment(self, start: int, end: int) -> Segment:
        return Segment(
            start,
            end,
            self.totals[end] - self.totals[start],
            self.observed[end] - self.observed[start],
        )

    def log_likelihood(self, start: int, end: int) -> float:
        segment = self.segment(start, end)
        return _log_likelihood(segment.total, segment.observed)


def segment_series(
    values: Sequence[float | None], settings: ShiftSettings | None = None
) -> list[Segment]:
    """Split a count series into stretches of constant level (binary segmentation).

    A split is kept when its log-likelihood gain, divided by the series' over-dispersion,
    exceeds ``penalty * log(n)``; each side must hold ``min_days`` observed days.
    """
    settings = settings or ShiftSettings()
    counts = _Counts(values)
    observed = counts.observed[-1]
    if observed < 2 * settings.min_days:
        return [counts.segment(0, len(values))]
    phi = dispersion(values)
    threshold = settings.penalty * math.log(max(observed, 3))
    bump_threshold = settings.bump_penalty * math.log(max(observed, 3))
    cuts: list[int] = []
    stack = [(0, len(values))]
    while stack:
        start, end = stack.pop()
        whole = counts.log_likelihood(start, end)
        best, best_gain = -1, 0.0
        for split in range(start + 1, end):
            if counts.observed[split] - counts.observed[start] < settings.min_days:
                continue
            if counts.observed[end] - counts.observed[split] < settings.min_days:
                break
            gain = counts.log_likelihood(start, split) + counts.log_likelihood(split, end) - whole
            if gain > best_gain:
                best, best_gain = split, gain
        bump, bump_gain = _best_bump(counts, start, end, whole, settings)
        bump_margin = bump_gain / phi - bump_threshold
        if bump is not None and bump_margin > 0 and bump_margin > best_gain / phi - threshold:
            cuts += [bump[0], bump[1]]
            stack += [(start, bump[0]), (bump[0], bump[1]), (bump[1], end)]
            continue
        if best > 0 and best_gain / phi > threshold:
            cuts.append(best)
            stack += [(start, best), (best, end)]
    bounds = [0, *sorted(cuts), len(values)]
    return [counts.segment(a, b) for a, b in pairwise(bounds)]


def _best_bump(
    counts: _Counts, start: int, end: int, whole: float, settings: ShiftSettings
) -> tuple[tuple[int, int] | None, float]:
    """The stretch inside ``start..end`` whose level differs most from the rest around it."""
    totals, observed = counts.totals, counts.observed
    all_total = totals[end] - totals[start]
    all_days = observed[end] - observed[start]
    best: tuple[int, int] | None = None
    best_gain = 0.0
    low = settings.min_days
    longest = settings.max_bump_days
    observed_end = observed[end]
    log = math.log
    for first in range(start + 1, end):
        observed_first = observed[first]
        if observed_first - observed[start] < low:
            continue
        if observed_end - observed_first < 2 * low:
            break
        total_first = totals[first]
        for last in range(first + 1, end):
            inside_days = observed[last] - observed_first
            if inside_days < low:
                continue
            if inside_days > longest or observed_end - observed[last] < low:
                break
            # _log_likelihood of the stretch and of the rest, written out: this loop runs
            # millions of times per report, and the same arithmetic gives the same floats.
            inside = totals[last] - total_first
            inside_part = inside * log(inside / inside_days) - inside if inside > 0 else 0.0
            rest, rest_days = all_total - inside, all_days - inside_days
            rest_part = rest * log(rest / rest_days) - rest if rest > 0 and rest_days > 0 else 0.0
            gain = inside_part + rest_part - whole
            if gain > best_gain:
                best, best_gain = (first, last), gain
    return best, best_gain


def _material(before: Segment, after: Segment, settings: ShiftSettings) -> bool:
    low, high = sorted((before.mean, after.mean))
    if high == 0:
        return False
    if low > 0 and high / low < settings.min_ratio:
        return False
    shorter = min(before.observed, after.observed)
    return (high - low) * shorter >= settings.min_change


def level_shifts(
    values: Sequence[float | None], settings: ShiftSettings | None = None
) -> list[Shift]:
    """Material changes of level, in order.

    Segments whose neighbours differ by less than the material thresholds are merged first
    (smallest difference first), so a slow drift or a weekday rhythm never becomes an event.
    """
    settings = settings or ShiftSettings()
    segments = segment_series(values, settings)
    counts = _Counts(values)
    merged = True
    while merged and len(segments) > 1:
        merged = False
        candidates = [
            (abs(math.log((b.mean + 0.01) / (a.mean + 0.01))), index)
            for index, (a, b) in enumerate(pairwise(segments))
            if not _material(a, b, settings)
        ]
        if candidates:
            _, index = min(candidates)
            a, b = segments[index], segments[index + 1]
            segments[index : index + 2] = [counts.segment(a.start, b.end)]
            merged = True
    phi = dispersion(values)
    shifts: list[Shift] = []
    for index, (a, b) in enumerate(pairwise(segments)):
        gain = (
            counts.log_likelihood(a.start, b.end)
            - counts.log_likelihood(a.start, a.end)
            - counts.log_likelihood(b.start, b.end)
        )
        until = segments[index + 1].end
        shifts.append(Shift(b.start, a.mean, b.mean, -gain / phi, until))
    return shifts


def rolling_median(values: Sequence[float | None], index: int, window: int) -> list[float]:
    """The observed values of the ``window`` days before ``index``."""
    return [v for v in values[max(0, index - window) : index] if v is not None]


def _median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def outliers(
    values: Sequence[float | None], window: int = 28, threshold: float = 6.0, min_excess: float = 10
) -> list[tuple[int, float]]:
    """Days far from the median of the ``window`` days before them: (index, robust z).

    The scale is the MAD (times 1.4826), floored by the Poisson standard deviation of the
    median, so a quiet series does not flag every busy day; a day must also exceed the median
    by ``min_excess``.
    """
    found: list[tuple[int, float]] = []
    for index, value in enumerate(values):
        if value is None:
            continue
        history = rolling_median(values, index, window)
        if len(history) < window // 2:
            continue
        median = _median(history)
        mad = _median([abs(v - median) for v in history]) * 1.4826
        scale = max(mad, math.sqrt(max(median, 1.0)))
        z = (value - median) / scale
        if abs(z) >= threshold and abs(value - median) >= min_excess:
            found.append((index, z))
    return found


def change_interval(
    values: Sequence[float | None], shift: Shift, start: int, level: float = 2.0
) -> tuple[int, int]:
    """The indices where a change could as well have happened: every split between ``start``
    and the end of the new level whose log-likelihood is within ``level`` of the best one
    (about a 95 % interval for ``level`` 2)."""
    counts = _Counts(values)
    end = shift.until
    scores: list[tuple[int, float]] = []
    for split in range(start + 1, end):
        if counts.observed[split] == counts.observed[start]:
            continue
        if counts.observed[end] == counts.observed[split]:
            break
        scores.append(
            (split, counts.log_likelihood(start, split) + counts.log_likelihood(split, end))
        )
    if not scores:
        return shift.at, shift.at
    best = max(score for _, score in scores)
    phi = dispersion(values)
    near = [split for split, score in scores if (best - score) / phi <= level]
    return min(near), max(near)
