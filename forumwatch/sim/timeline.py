"""Day-by-day curves of the world: activity multipliers, keyword share and host weights.

Everything here is a pure function of the config and a day index (0 = ``history_start``), so the
generator and the truth agree on the shapes of the planted events.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from itertools import accumulate, pairwise

from forumwatch.sim.config import WorldConfig
from forumwatch.sim.sites import HOSTS, host_index

_WEEKDAY = (0.95, 0.93, 0.95, 0.97, 1.05, 1.2, 1.15)
LOCAL_HOUR_WEIGHTS = (
    2.0, 1.2, 0.8, 0.5, 0.4, 0.5, 1.0, 1.8, 2.6, 3.0, 3.2, 3.4,
    3.6, 3.4, 3.3, 3.4, 3.6, 4.0, 4.6, 5.2, 5.5, 5.2, 4.2, 3.0,
)  # fmt: skip
"""Relative posting activity per local hour of day (evening peak, quiet nights)."""


class Timeline:
    """The shapes of activity and of the planted events over the world's days."""

    def __init__(self, config: WorldConfig) -> None:
        self.config = config
        self.events = config.events
        self.days = config.days
        self.monitoring_start_day = self.day_index(config.monitoring_start)
        self._covid = [self._covid_share(day) for day in range(self.days)]
        self._image_weights = [self._host_weights(day, image=True) for day in range(self.days)]
        self._file_weights = [self._host_weights(day, image=False) for day in range(self.days)]
        self._image_cumulative = [list(accumulate(w)) for w in self._image_weights]
        self._file_cumulative = [list(accumulate(w)) for w in self._file_weights]
        self._reup = [self._boost(day, 14.0) for day in range(self.days)]
        self._dead = [self._boost(day, 12.0) for day in range(self.days)]
        self._spike = [self._image_spike(day) for day in range(self.days)]

    def day_index(self, when: date) -> int:
        """Return the index of a calendar day (0 = history_start)."""
        return (when - self.config.history_start).days

    def day_date(self, day: int) -> date:
        """Return the calendar day of a day index."""
        return self.config.history_start + timedelta(days=day)

    def in_window(self, day: int, start: date, end: date) -> bool:
        """True when day index ``day`` falls in ``start..end`` (both included)."""
        return self.day_index(start) <= day <= self.day_index(end)

    def outages(self, site: str) -> list[tuple[date, date]]:
        """The windows (first, last day) during which ``site`` is down."""
        windows = []
        if site == self.events.outage_site:
            windows.append((self.events.outage_start, self.events.outage_end))
        if site == self.events.sister_site:
            windows.append((self.events.sister_start, self.events.sister_end))
        return windows

    def is_down(self, site: str, day: int) -> bool:
        """True when ``site`` is down (no posts, failing requests) on day index ``day``."""
        return any(self.in_window(day, first, last) for first, last in self.outages(site))

    def activity(self, site: str, section: str, day: int) -> float:
        """Relative posting activity of a section on a day, before noise (0 when down)."""
        if self.is_down(site, day):
            return 0.0
        weekday = self.day_date(day).weekday()
        if day < self.monitoring_start_day:
            growth = 0.75 + 0.25 * day / max(1, self.monitoring_start_day)
        else:
            growth = 1.0
        value = _WEEKDAY[weekday] * growth
        events = self.events
        if (
            site == events.sister_spike_site
            and section == events.sister_spike_section
            and self.in_window(day, events.sister_start, events.sister_end)
        ):
            value *= events.sister_spike_factor
        return value

    def covid_share(self, day: int) -> float:
        """Chance that a post mentions a COVID-19 related term on a day."""
        return self._covid[day]

    def _covid_share(self, day: int) -> float:
        events = self.events
        start = self.day_index(events.keyword_wave_start)
        peak = self.day_index(events.keyword_wave_peak)
        fade = self.day_index(events.keyword_wave_fade)
        end = self.days - 1
        top = events.keyword_wave_peak_share
        points = [
            (start - 1, 0.0),
            (start, 0.01),
            (start + (peak - start) // 3, 0.06),
            (peak, top),
            (peak + 10, top * 0.8),
            (peak + 30, top * 0.45),
            (fade, 0.05),
            (max(fade + 1, end), 0.03),
        ]
        if day < start:
            return 0.0
        for (x0, y0), (x1, y1) in pairwise(points):
            if x0 <= day <= x1 and x1 > x0:
                return y0 + (y1 - y0) * (day - x0) / (x1 - x0)
        return points[-1][1]

    def image_spike(self, day: int) -> float:
        """How much more often image links are posted on a day (1.0 outside the spike)."""
        return self._spike[day]

    def _image_spike(self, day: int) -> float:
        events = self.events
        if self.in_window(day, events.image_spike_start, events.image_spike_end):
            return events.image_spike_factor
        return 1.0

    def host_weights(self, day: int, image: bool) -> list[float]:
        """Weights of every host (index 0 unused) for image or file links on a day."""
        return self._image_weights[day] if image else self._file_weights[day]

    def host_cumulative(self, day: int, image: bool) -> list[float]:
        """Cumulative host weights (index 0 = no host, weight 0) for a day."""
        return self._image_cumulative[day] if image else self._file_cumulative[day]

    def host_total(self, day: int, image: bool) -> float:
        """Sum of the host weights for image or file links on a day (1.0 before any event)."""
        return self.host_cumulative(day, image)[-1]

    def _host_weights(self, day: int, image: bool) -> list[float]:
        events = self.events
        weights = [0.0] + [host.image_weight if image else host.file_weight for host in HOSTS]
        down = host_index(events.host_down)
        replacement = host_index(events.replacement_host)
        if day >= self.day_index(events.host_down_date):
            weights[down] *= events.host_down_straggler_share
        start = self.day_index(events.replacement_start)
        full = self.day_index(events.replacement_full)
        target_weight = 0.40 if image else 0.12
        if day >= start:
            ramp = min(1.0, (day - start + 1) / max(1, full - start + 1))
            weights[replacement] = target_weight * ramp
        if day >= self.day_index(events.merge_date):
            target = host_index(events.merge_target)
            for source_name in events.merge_sources:
                source = host_index(source_name)
                weights[target] += weights[source]
                weights[source] = 0.0
        return weights

    def reup_boost(self, day: int) -> float:
        """Extra chance of a re-upload request naming the downed host, after it went down."""
        return self._reup[day]

    def dead_boost(self, day: int) -> float:
        """Extra chance of a 'link dead' reply naming the downed host, after it went down."""
        return self._dead[day]

    def _boost(self, day: int, scale: float) -> float:
        since = day - self.day_index(self.events.host_down_date)
        if 0 <= since <= 40:
            return 0.25 * math.exp(-since / scale)
        return 0.0

    def tag_share(self, day: int) -> float:
        """Chance that a new thread in the tagged media section carries the planted tag."""
        events = self.events
        rise = self.day_index(events.tag_rise_start)
        end = self.days - 1
        if day < rise:
            return events.tag_base_share
        span = max(1, end - rise)
        fraction = min(1.0, (day - rise) / span)
        return events.tag_base_share + (events.tag_end_share - events.tag_base_share) * fraction
