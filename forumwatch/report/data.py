"""What a report holds: the request, and the figures, series, findings and coverage it shows.

:func:`forumwatch.report.build.build_report` fills a :class:`ReportData`; the HTML, Markdown
and PDF renderers only lay it out. Every crawled string in it (section and thread titles, tags,
quotes) is still plain text, escaped by each renderer; handles are already masked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from forumwatch.analyse.detect import DetectionSettings
from forumwatch.analyse.linkindex import LinkIndex
from forumwatch.analyse.series import Series
from forumwatch.enrich.hosts import HostFamilies
from forumwatch.report.findings import Finding

FORMATS = ("html", "pdf", "md")


@dataclass(frozen=True)
class ReportRequest:
    """What an analyst asks for.

    Attributes:
        start, end: the period reported on (UTC days, inclusive).
        sites: site names in scope (None: every site).
        redact: handles become ``[redacted]`` instead of pseudonyms.
        reveal: real handles are shown (the output says so in its footer).
        watch_list: (site or ``*``, handle, date): members whose posts after the date are
            reported.
        families: host families (aliases and merges); the shipped ones if None.
        max_gap_days: see :func:`forumwatch.analyse.activity.posts`.
        context_days: charts show at least this many days up to ``end``, so a one-week
            report still shows the weeks before it (the period is highlighted).
        title: the report's title.
        detection: event detector thresholds (defaults if None).
        carry_days: changes that began up to this many days before the period and still go
            on are reported too (a change is confirmed by the days after it).
    """

    start: date
    end: date
    sites: tuple[str, ...] | None = None
    redact: bool = False
    reveal: bool = False
    watch_list: tuple[tuple[str, str, date], ...] = ()
    families: HostFamilies | None = None
    max_gap_days: int = 2
    context_days: int = 91
    title: str = "forumwatch trend report"
    detection: DetectionSettings | None = None
    carry_days: int = 14

    @property
    def days(self) -> int:
        """Length of the period in days."""
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class Headline:
    """A headline number with the same figure for the previous period of the same length."""

    label: str
    value: float | None
    previous: float | None
    definition: str
    share: bool = False

    @property
    def change(self) -> float | None:
        """Relative change against the previous period (None when it was 0 or unknown)."""
        if self.value is None or not self.previous:
            return None
        return (self.value - self.previous) / self.previous

    def formatted(self, value: float | None) -> str:
        """A value as the report prints it."""
        if value is None:
            return "–"
        return f"{value:.1%}" if self.share else f"{value:,.0f}"

    @property
    def change_text(self) -> str:
        """``+12%``, ``-85%``, ``new`` or ``–``."""
        if self.share and self.value is not None and self.previous is not None:
            points = (self.value - self.previous) * 100
            return f"{points:+.1f} pts"
        change = self.change
        if change is None:
            return "new" if self.value and self.previous == 0 else "–"
        return f"{change:+.0%}"


@dataclass(frozen=True)
class SiteActivity:
    """A site's daily posts over the chart window, and its busiest sections'."""

    name: str
    total: Series
    sections: tuple[Series, ...]
    other_sections: int
    posts_in_period: int


@dataclass(frozen=True)
class HostMark:
    """A host event drawn on the host chart: a marker, and a band while it is down."""

    host: str
    day: date
    label: str
    down_until: date | None = None


@dataclass(frozen=True)
class Coverage:
    """What the store holds of one site, and how the crawl saw it during the period."""

    site: str
    defunct: bool
    first_post: date | None
    last_post: date | None
    posts: int
    sections: int
    first_fetch: date | None
    observed_days: int
    unavailable_days: int
    unmonitored_days: int
    unavailable: tuple[tuple[date, date], ...]


@dataclass
class ReportData:
    """Everything a renderer lays out."""

    request: ReportRequest
    generated_at: datetime
    chart_start: date
    previous: tuple[date, date]
    headlines: list[Headline] = field(default_factory=list)
    sites: list[SiteActivity] = field(default_factory=list)
    keywords: list[Series] = field(default_factory=list)
    keyword_shares: list[Series] = field(default_factory=list)
    link_index: LinkIndex | None = None
    hosts: list[Series] = field(default_factory=list)
    host_marks: list[HostMark] = field(default_factory=list)
    tag_shares: list[Series] = field(default_factory=list)
    languages: list[Series] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    coverage: list[Coverage] = field(default_factory=list)
    definitions: list[tuple[str, str]] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def handles_note(self) -> str:
        """How handles are shown, for the footer."""
        if self.request.reveal:
            return "handles revealed: this report shows real handles; do not share it"
        if self.request.redact:
            return "handles redacted: every handle is shown as [redacted]"
        return (
            "handles pseudonymised: each handle is shown as a stable keyed pseudonym "
            "(member-xxxxxxxx), the same in every report and export of this workspace"
        )
