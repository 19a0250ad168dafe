"""Events: what changed, when, by how much, and why when the data says so.

An :class:`Event` is the analysis' answer to "what happened?": a detected change on a series
(activity, keyword mentions, the link index, a host's links, a tag's share), a site outage from
the fetch log, or an actor finding (a dormant member back, a handle on several sites, a
watch-listed member active after a date). Each event carries its likely reason when the data
holds one, and the evidence behind it, so a report can state "links to X collapsed on
18 May (host down: 41 dead-link complaints name it)".

:func:`detect_events` runs every detector over a period; the detectors themselves live in
:mod:`forumwatch.analyse.detect` (series anomalies and their reasons) and
:mod:`forumwatch.analyse.actors` (actor findings).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from forumwatch.analyse.detect import DetectionSettings
    from forumwatch.enrich.hosts import HostFamilies
    from forumwatch.store.base import Store


class EventType(StrEnum):
    """The kinds of event the analysis reports."""

    SITE_UNAVAILABLE = "site_unavailable"
    """Every fetch of a site failed for one or more days (from the fetch log)."""
    ACTIVITY_SPIKE = "activity_spike"
    """Posts on a site or section rose well above their own baseline."""
    ACTIVITY_DROP = "activity_drop"
    """Posts on a site or section fell well below their own baseline (site reachable)."""
    KEYWORD_WAVE = "keyword_wave"
    """Mentions of a lexicon's terms rose from their baseline (onset, peak and fade)."""
    LINK_SPIKE = "link_spike"
    """The link index (first-seen links of a media class) rose well above its baseline."""
    LINK_DROP = "link_drop"
    """The link index fell well below its baseline."""
    HOST_DOWN = "host_down"
    """Links to a host collapsed against its own baseline."""
    HOST_MIGRATION = "host_migration"
    """Links moved from falling hosts to rising ones (a merge or a move to new hosts)."""
    HOST_RISE = "host_rise"
    """Links to a host rose well above its own baseline."""
    TAG_SHARE_CHANGE = "tag_share_change"
    """The share of a section's threads carrying a tag rose or fell over months."""
    DORMANT_RETURN = "dormant_return"
    """A member posted again after a long silence."""
    SHARED_HANDLE = "shared_handle"
    """The same (or a near) handle is used on several sites."""
    WATCHLIST_ACTIVITY = "watchlist_activity"
    """A watch-listed member posted after the date given."""


class Reason(StrEnum):
    """Why an event happened, when the data holds the explanation."""

    SITE_UNAVAILABLE = "site unavailable"
    """The site itself could not be fetched (fetch log)."""
    SISTER_SITE_DOWN = "sister site down"
    """Another site in the section's language was unavailable while the section rose."""
    HOST_DOWN = "host down"
    """Links to the host collapsed and members complained that its links are dead."""
    HOST_MIGRATION = "host migration"
    """Another host rose while this one fell (or the host families file records a merge)."""
    KEYWORD_WAVE = "keyword wave"
    """Mentions of a lexicon's terms rose together across sites."""
    LINK_WAVE = "link wave"
    """Links of one media class rose on several hosts and sites at once."""
    DORMANCY = "dormant member returned"
    """The member had not posted for at least the configured number of days."""
    SAME_HANDLE = "same handle on several sites"
    """Equal handles (exactly, after normalisation, or by fuzzy score)."""
    WATCH_LIST = "watch-listed member"
    """The member is on the analyst's watch list."""
    TREND = "sustained trend"
    """A monthly share moved steadily in one direction."""


@dataclass(frozen=True, slots=True)
class Event:
    """One finding.

    Attributes:
        type: what kind of change.
        site: the site concerned (None for store-wide events such as a host going down).
        section: the section's title, when one section is concerned.
        host: the host or host family, for link events.
        start: the first day of the change (UTC).
        end: the last day, None while it goes on at the end of the period.
        magnitude: how big: a ratio to the baseline (2.5 = two and a half times; 0.05 = a 95 %
            drop), a gap in days, or a number of sites, as ``evidence["magnitude"]`` says.
        reason: the likely cause when the data holds one.
        evidence: the figures behind the event (baselines, counts, the cause's own dates).
        confidence: 0..1, from the detector's statistics.
        series: the series the change was found on ("posts:harbour/7", "links:snapcellar.net").
        summary: one sentence for a report.
    """

    type: EventType
    site: str | None
    section: str | None
    host: str | None
    start: date
    end: date | None
    magnitude: float
    reason: Reason | None
    evidence: Mapping[str, Any] = field(default_factory=dict)
    confidence: float = 0.5
    series: str = ""
    summary: str = ""

    def handles(self) -> list[str]:
        """Every member handle the event names (in its evidence, hence in its summary).

        Reports, alerts and the dashboard pass these to a Pseudonymiser before showing
        the summary or the evidence.
        """
        found: list[str] = []
        for key in ("handle", "key"):
            value = self.evidence.get(key)
            if isinstance(value, str) and value:
                found.append(value)
        members = self.evidence.get("members", ())
        if isinstance(members, list | tuple):
            for member in members:
                if isinstance(member, Mapping) and isinstance(member.get("handle"), str):
                    found.append(member["handle"])
        return sorted(set(found))

    def key(self) -> str:
        """A stable identity (type, place, start): what alerts remember having notified."""
        where = "/".join(x for x in (self.site, self.section, self.host) if x)
        return f"{self.type}:{where}:{self.start.isoformat()}"


def detect_events(
    store: Store,
    start: date,
    end: date,
    families: HostFamilies | None = None,
    settings: DetectionSettings | None = None,
    watch_list: Sequence[tuple[str, str, date]] = (),
) -> list[Event]:
    """Every event between ``start`` and ``end``, oldest first.

    Args:
        store: the store to read.
        start: first day analysed (the baselines look further back, where data exists).
        end: last day analysed.
        families: host families (aliases and merges) to roll hosts into; shipped ones if None.
        settings: detector thresholds (see :class:`~forumwatch.analyse.detect.DetectionSettings`).
        watch_list: (site name or "*", handle, date) entries: members whose activity after the
            date is reported.

    Returns:
        The events, sorted by start day, then type and place.
    """
    from forumwatch.analyse.detect import run_detectors

    return run_detectors(store, start, end, families, settings, watch_list)
