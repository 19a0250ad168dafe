"""The seeded configuration of a simulated world: its size, time span and planted events.

Every number that shapes the world lives here so that one :class:`WorldConfig` fully determines
every page and the planted truth. Dates are calendar days in UTC; a window ``start..end`` includes
both ends.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from forumwatch.errors import ConfigError

SIZE_PRESETS: dict[str, int] = {
    "tiny": 1_500,
    "small": 25_000,
    "medium": 100_000,
    "large": 1_000_000,
    "xl": 10_000_000,
}
"""Approximate total number of posts (all sites) for each named size."""


@dataclass(frozen=True, slots=True)
class EventConfig:
    """Dates and magnitudes of the events planted in the world (see mission.md).

    Attributes:
        keyword_wave_start: first day with COVID-19 related terms.
        keyword_wave_peak: the day of the highest share of posts mentioning them.
        keyword_wave_fade: the day by which the share has fallen to a low tail.
        keyword_wave_peak_share: share of posts that mention a term at the peak.
        image_spike_start, image_spike_end: the window with a spike in clearnet image links.
        image_spike_factor: how much more often image links are posted in that window.
        host_down: the clearnet file host that goes down, and the day it goes down.
        host_down_straggler_share: share of its former link volume that stragglers keep posting.
        replacement_host, replacement_start, replacement_full: the host that takes over, the day
            its first links appear and the day it reaches full volume.
        merge_sources, merge_target, merge_date: two hosts whose links stop on ``merge_date``
            while the third takes their traffic.
        outage_site, outage_start, outage_end: a site that answers with errors (and gets no
            posts) on these days.
        sister_site, sister_start, sister_end: a site that is down for about two weeks...
        sister_spike_site, sister_spike_section, sister_spike_factor: ...while this section
            (by native id) of another site gets this many times its usual activity.
        dormant_site, dormant_return: the site whose planted dormant members return, and the day.
        shared_handle_sites: sites on which one planted handle is registered.
        watch_site, watch_after: a watch-listed member keeps posting after this day.
        tag_site, tag_section, tag: the media section whose ``[Original]`` share rises...
        tag_rise_start, tag_base_share, tag_end_share: ...from this day, from/to these shares.
    """

    keyword_wave_start: date = date(2020, 2, 20)
    keyword_wave_peak: date = date(2020, 3, 18)
    keyword_wave_fade: date = date(2020, 6, 1)
    keyword_wave_peak_share: float = 0.30
    image_spike_start: date = date(2020, 3, 1)
    image_spike_end: date = date(2020, 3, 31)
    image_spike_factor: float = 3.0
    host_down: str = "snapcellar.net"
    host_down_date: date = date(2020, 5, 18)
    host_down_straggler_share: float = 0.03
    replacement_host: str = "pictarn.org"
    replacement_start: date = date(2020, 5, 25)
    replacement_full: date = date(2020, 6, 12)
    merge_sources: tuple[str, str] = ("kistupload.cc", "moleshare.is")
    merge_target: str = "quayfiles.io"
    merge_date: date = date(2020, 4, 20)
    outage_site: str = "lantern"
    outage_start: date = date(2020, 6, 5)
    outage_end: date = date(2020, 6, 7)
    sister_site: str = "birch"
    sister_start: date = date(2020, 4, 6)
    sister_end: date = date(2020, 4, 19)
    sister_spike_site: str = "harbour"
    sister_spike_section: str = "7"
    sister_spike_factor: float = 2.5
    dormant_site: str = "harbour"
    dormant_return: date = date(2020, 4, 14)
    shared_handle_sites: tuple[str, str] = ("harbour", "lantern")
    watch_site: str = "harbour"
    watch_after: date = date(2020, 3, 12)
    tag_site: str = "harbour"
    tag_section: str = "11"
    tag: str = "[Original]"
    tag_rise_start: date = date(2020, 2, 1)
    tag_base_share: float = 0.15
    tag_end_share: float = 0.45


@dataclass(frozen=True, slots=True)
class WorldConfig:
    """Everything that determines a simulated world.

    Attributes:
        seed: the random seed; the same config gives byte-identical pages and truth.
        size: a preset name from :data:`SIZE_PRESETS` or an approximate total post count.
        history_start: the first day with posts (a first crawl backfills from here).
        monitoring_start, monitoring_end: the period that a demo monitors day by day.
        events: dates and magnitudes of the planted events.
    """

    seed: int = 7
    size: str | int = "small"
    history_start: date = date(2019, 1, 1)
    monitoring_start: date = date(2020, 1, 1)
    monitoring_end: date = date(2020, 6, 30)
    events: EventConfig = field(default_factory=EventConfig)

    def __post_init__(self) -> None:
        if isinstance(self.size, str) and self.size not in SIZE_PRESETS:
            raise ConfigError(
                f"unknown world size {self.size!r}; use one of {', '.join(SIZE_PRESETS)}"
                " or a number of posts"
            )
        if isinstance(self.size, int) and self.size < 200:
            raise ConfigError("a simulated world needs at least 200 posts")
        if not self.history_start < self.monitoring_start <= self.monitoring_end:
            raise ConfigError("history_start < monitoring_start <= monitoring_end must hold")

    @property
    def total_posts(self) -> int:
        """The approximate number of posts across all sites."""
        if isinstance(self.size, int):
            return self.size
        return SIZE_PRESETS[self.size]

    @property
    def days(self) -> int:
        """Number of days from ``history_start`` to ``monitoring_end``, both included."""
        return (self.monitoring_end - self.history_start).days + 1

    def to_json(self) -> dict[str, Any]:
        """Return the config as a JSON-serialisable dict (dates as ISO strings)."""
        result: dict[str, Any] = _jsonable(asdict(self))
        return result


def parse_size(text: str) -> str | int:
    """Turn a command-line size (a preset name or a number such as ``50000``) into a size."""
    if text in SIZE_PRESETS:
        return text
    try:
        return int(text.replace("_", ""))
    except ValueError as error:
        raise ConfigError(f"unknown world size {text!r}") from error


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value
