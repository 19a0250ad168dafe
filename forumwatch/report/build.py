"""Assemble a report's data for a period and sites, from the analysis API.

Every figure comes from the rollups (posts, members, keywords, links, hosts, tags, languages),
so a one-week report costs about the same at 25 thousand posts and at 10 million; the only
reads of posts are the few candidate quotes per finding. Series are read once over the chart
window plus the previous period, and the headline numbers are cut from them.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import TypeVar

from forumwatch.analyse import activity, hosts, keywords, linkindex, tags
from forumwatch.analyse.events import Event, EventType, detect_events
from forumwatch.analyse.linkindex import IndexRow, LinkIndex
from forumwatch.analyse.reading import EARLIEST, LATEST, site_day_states
from forumwatch.analyse.series import (
    DayState,
    Granularity,
    Scope,
    Series,
    SeriesPoint,
    combine_states,
    resample,
)
from forumwatch.enrich.hosts import HostFamilies
from forumwatch.errors import ReportError
from forumwatch.privacy import Pseudonymiser
from forumwatch.report.data import (
    Coverage,
    Headline,
    HostMark,
    ReportData,
    ReportRequest,
    SiteActivity,
)
from forumwatch.report.findings import FindingContext, findings_for
from forumwatch.report.masking import HandleMasker
from forumwatch.report.methods import definitions
from forumwatch.report.quotes import with_quotes
from forumwatch.store.analytics import RollupTotal
from forumwatch.store.base import Store
from forumwatch.store.derived import THREADS_TAGGED
from forumwatch.store.rollups import ANNOTATIONS, POSTS

MAX_SECTIONS = 8
MAX_HOSTS = 6
MAX_TAGS = 4
T = TypeVar("T")


def summed(parts: Sequence[Series], name: str) -> Series:
    """Several sites' series of the same periods as one: values added, states combined."""
    if len(parts) == 1:
        return replace(parts[0], name=name)
    points = []
    for column in zip(*(p.points for p in parts), strict=True):
        state, _ = combine_states(p.state for p in column)
        known = [p.value for p in column if p.value is not None]
        value = sum(known) if known and state is not DayState.UNAVAILABLE else None
        unavailable = min(p.unavailable_days for p in column)
        points.append(SeriesPoint(column[0].day, value, state, unavailable))
    first = parts[0]
    return Series(name, first.definition, tuple(points), first.granularity, first.unit)


def window_total(series: Series, first: date, last: date) -> float:
    """Sum of a daily series' values between two days (inclusive)."""
    return sum(p.value for p in series.points if p.value is not None and first <= p.day <= last)


class _Builder:
    """Holds what the parts of a report share while it is built."""

    def __init__(
        self, store: Store, request: ReportRequest, masker: HandleMasker, now: datetime
    ) -> None:
        self.store = store
        self.request = request
        self.masker = masker
        stored = {s.name: s for s in store.list_sites()}
        names = list(request.sites) if request.sites else sorted(stored)
        missing = [n for n in names if n not in stored]
        if missing:
            raise ReportError(f"no site named {', '.join(repr(n) for n in missing)}")
        self.site_names = names
        self.site_ids = tuple(i for n in names if (i := stored[n].id) is not None)
        self.sites = [stored[n] for n in names]
        self.all_sites = request.sites is None or set(names) == set(stored)
        length = timedelta(days=request.days)
        self.previous = (request.start - length, request.start - timedelta(days=1))
        chart_start = min(request.start, request.end - timedelta(days=request.context_days - 1))
        self.chart_start = chart_start
        self.first = min(chart_start, self.previous[0])
        self.data = ReportData(request, now, chart_start, self.previous)
        self.families = request.families or HostFamilies.load()
        self._post_totals: dict[int, list[RollupTotal]] | None = None

    def timed(self, name: str, part: Callable[[], T]) -> T:
        started = time.perf_counter()
        result = part()
        self.data.timings[name] = time.perf_counter() - started
        return result

    def per_scope(self, read: Callable[[Scope], Series], name: str) -> Series:
        """A series over the sites in scope: one read for all sites, else one per site."""
        if self.all_sites:
            return read(Scope())
        return summed([read(Scope(site=n)) for n in self.site_names], name)

    def clip(self, series: Series, first: date | None = None) -> Series:
        """A series cut to the chart window (or from ``first``)."""
        begin = first or self.chart_start
        return replace(series, points=tuple(p for p in series.points if p.day >= begin))

    # -- parts --------------------------------------------------------------------------
    def headlines(self, events: Sequence[Event]) -> None:
        request, store, gap = self.request, self.store, self.request.max_gap_days
        (p_start, p_end), start, end = self.previous, request.start, request.end

        def both(series: Series) -> tuple[float, float]:
            return window_total(series, start, end), window_total(series, p_start, p_end)

        posts = self.per_scope(
            lambda s: activity.posts(store, s, self.first, end, max_gap_days=gap), "posts"
        )
        self.posts_all = posts
        new = self.per_scope(
            lambda s: activity.new_members(store, s, self.first, end, max_gap_days=gap), "new"
        )
        index = self.per_scope(
            lambda s: linkindex.link_index(
                store, s, self.first, end, Granularity.DAY, max_gap_days=gap
            ),
            "index",
        )
        shares = self.per_scope(
            lambda s: linkindex.reshares(
                store, s, self.first, end, Granularity.DAY, max_gap_days=gap
            ),
            "reshares",
        )
        members = (
            store.active_member_count(self.site_ids, start, end),
            store.active_member_count(self.site_ids, p_start, p_end),
        )
        out = [
            Headline("Posts", *both(posts), activity.POSTS_PER_DAY_DEFINITION),
            Headline(
                "Active members",
                *members,
                "Distinct handles with at least one post in the period, per site, summed over "
                "sites.",
            ),
            Headline(
                "New members", *both(new), "Handles whose first stored post is in the period."
            ),
            Headline(
                "New clearnet image links (link index)",
                *both(index),
                "Links to clearnet image files, each URL counted once, in the period of its "
                "first post.",
            ),
            Headline(
                "Re-shared image links",
                *both(shares),
                "Posts of a clearnet image URL after its first post.",
            ),
        ]
        for kind, label, meaning in (
            ("reupload", "Re-upload requests", "Posts asking for a dead link to be uploaded again"),
            ("dead_link", "Dead-link reports", "Posts reporting that a link no longer works"),
        ):
            counts = self._annotation(f"request:{kind}", (start, end), (p_start, p_end))
            out.append(Headline(label, *counts, f"{meaning} (any host)."))
        top = self._top_keyword(posts)
        if top is not None:
            out.append(top)
        out.append(
            Headline(
                "Site-days unavailable",
                float(sum(c.unavailable_days for c in self._coverage(start, end))),
                float(sum(c.unavailable_days for c in self._coverage(p_start, p_end))),
                "Days on which every fetch of a site failed, summed over sites.",
            )
        )
        out.append(
            Headline(
                "Findings",
                float(len(events)),
                None,
                "Events detected in the period (see Findings).",
            )
        )
        self.data.headlines = out

    def _annotation(
        self, key: str, current: tuple[date, date], previous: tuple[date, date]
    ) -> tuple[float, float]:
        totals = []
        for first, last in (current, previous):
            rows = self.store.rollup_sums(ANNOTATIONS, first, last, self.site_ids, keys=[key])
            totals.append(float(sum(r.value for r in rows)))
        return totals[0], totals[1]

    def _top_keyword(self, posts: Series) -> Headline | None:
        request, store = self.request, self.store
        (p_start, p_end), start, end = self.previous, request.start, request.end
        best: tuple[float, str, Series] | None = None
        mention_series = []
        for lexicon in keywords.lexicon_names(store):

            def read(scope: Scope, lexicon: str = lexicon) -> Series:
                return keywords.mentions(
                    store, lexicon, scope, self.first, end, max_gap_days=request.max_gap_days
                )

            series = self.per_scope(read, f"mentions of {lexicon}")
            mention_series.append(series)
            total = window_total(series, start, end)
            if best is None or total > best[0]:
                best = (total, lexicon, series)
        self.data.keywords = [self.clip(s) for s in mention_series]
        if best is None:
            return None
        _, lexicon, series = best
        now_posts, before_posts = (
            window_total(posts, start, end),
            window_total(posts, p_start, p_end),
        )
        now = window_total(series, start, end) / now_posts if now_posts else None
        before = window_total(series, p_start, p_end) / before_posts if before_posts else None
        return Headline(
            f"Share of posts mentioning '{lexicon}' (top watch lexicon)",
            now,
            before,
            keywords.SHARE_DEFINITION.format(period="period", what=lexicon, scope="sites in scope"),
            share=True,
        )

    def activity(self) -> None:
        store, request = self.store, self.request
        out = []
        for site in self.site_names:
            total = activity.posts(
                store,
                Scope(site=site),
                self.chart_start,
                request.end,
                max_gap_days=request.max_gap_days,
            )
            by_section = activity.posts_by_section(
                store, site, self.chart_start, request.end, max_gap_days=request.max_gap_days
            )
            ranked = sorted(
                (s for s in by_section.items() if s[1].total() > 0),
                key=lambda item: -item[1].total(),
            )
            sections = tuple(
                replace(series, name=self.masker.text(title))
                for title, series in ranked[:MAX_SECTIONS]
            )
            out.append(
                SiteActivity(
                    site,
                    total,
                    sections,
                    max(0, len(ranked) - MAX_SECTIONS),
                    int(window_total(total, request.start, request.end)),
                )
            )
        self.data.sites = out

    def keyword_shares(self) -> None:
        store, request = self.store, self.request
        shares = []
        for lexicon in keywords.lexicon_names(store):
            if self.all_sites:
                shares.append(
                    keywords.mention_share(
                        store,
                        lexicon,
                        Scope(),
                        self.chart_start,
                        request.end,
                        Granularity.WEEK,
                        max_gap_days=request.max_gap_days,
                    )
                )
        self.data.keyword_shares = shares

    def link_index(self) -> None:
        store, request = self.store, self.request
        first_month = (request.end.replace(day=1) - timedelta(days=150)).replace(day=1)
        first_month = min(first_month, request.start.replace(day=1))
        scopes = [Scope()] if self.all_sites else [Scope(site=n) for n in self.site_names]
        tables = [linkindex.index_table(store, s, first_month, request.end) for s in scopes]
        rows = []
        for column in zip(*(t.rows for t in tables), strict=True):
            by_extension: dict[str, int] = defaultdict(int)
            for row in column:
                for extension, count in row.by_extension.items():
                    by_extension[extension] += count
            rows.append(
                IndexRow(
                    column[0].period,
                    dict(by_extension),
                    sum(r.total for r in column),
                    sum(r.reshares for r in column),
                )
            )
        first = tables[0]
        self.data.link_index = LinkIndex(
            first.definition, first.network, first.media_class, first.granularity, tuple(rows)
        )

    def hosts(self, events: Sequence[Event]) -> None:
        store, request = self.store, self.request
        top = hosts.top_hosts(
            store,
            request.start,
            request.end,
            self.families,
            by_family=False,
            limit=MAX_HOSTS,
        )
        names = [h.name for h in top]
        marks: list[HostMark] = []
        for event in events:
            if event.type is EventType.HOST_DOWN and event.host:
                marks.append(HostMark(event.host, event.start, "down", event.end or request.end))
                for replacement in event.evidence.get("replacements", []):
                    names.append(str(replacement["host"]))
                names.append(event.host)
            elif event.type is EventType.HOST_MIGRATION:
                for host in event.evidence.get("from", []):
                    marks.append(HostMark(str(host), event.start, "moved away"))
                    names.append(str(host))
                names += [str(h) for h in event.evidence.get("to", [])]
        ordered = list(dict.fromkeys(names))[: MAX_HOSTS + 4]
        out = []
        for host in ordered:

            def links(scope: Scope, host: str = host) -> Series:
                return hosts.host_links(
                    store,
                    host,
                    scope,
                    self.chart_start,
                    request.end,
                    max_gap_days=request.max_gap_days,
                )

            series = self.per_scope(links, f"links to {host}")
            out.append(series)
        self.data.hosts = out
        self.data.host_marks = marks

    def tag_shares(self, events: Sequence[Event]) -> None:
        store, request = self.store, self.request
        first = (request.end.replace(day=1) - timedelta(days=330)).replace(day=1)
        sections = {s.id: s for s in store.sections() if s.site_id in self.site_ids}
        names = {s.id: s.name for s in self.sites}
        # One total per tag of each section (not a row per day); tags that rank equal below
        # stay in the order of site, section and tag.
        totals = store.rollup_totals_by_section(THREADS_TAGGED, first, request.end, self.site_ids)
        counts = {
            (site_id, section_id, total.key): total.value
            for (site_id, section_id), found in sorted(totals.items())
            for total in sorted(found, key=lambda t: t.key)
        }
        flagged = {
            (e.site, e.section, str(e.evidence.get("tag", "")).casefold())
            for e in events
            if e.type is EventType.TAG_SHARE_CHANGE
        }
        ranked = sorted(
            counts.items(),
            key=lambda item: (
                (
                    names.get(item[0][0]),
                    sections[item[0][1]].title if item[0][1] in sections else None,
                    item[0][2].casefold(),
                )
                not in flagged,
                -item[1],
            ),
        )
        out = []
        for (site_id, section_id, tag), _ in ranked[:MAX_TAGS]:
            section = sections.get(section_id)
            if section is None or site_id not in names:
                continue
            series = tags.tag_share(
                store,
                Scope(site=names[site_id], section=section.native_id),
                tag,
                first,
                request.end,
                max_gap_days=request.max_gap_days,
            )
            label = self.masker.text(f"'{tag}' in {names[site_id]}/{section.title}")
            out.append(replace(series, name=label))
        self.data.tag_shares = out

    def languages(self) -> None:
        store, request = self.store, self.request
        per_language: dict[str, list[Series]] = defaultdict(list)
        scopes: list[str | None] = [None] if self.all_sites else list(self.site_names)
        for site in scopes:
            for language, series in activity.posts_by_language(
                store,
                self.chart_start,
                request.end,
                Granularity.DAY,
                site,
                request.max_gap_days,
            ).items():
                per_language[language].append(series)
        out = [summed(parts, language) for language, parts in sorted(per_language.items())]
        out.sort(key=lambda s: -s.total())
        self.data.languages = [resample(s, Granularity.WEEK) for s in out]

    def _site_post_totals(self) -> dict[int, list[RollupTotal]]:
        """Each site's posts over all time, read once per report (coverage is built for the
        period and the previous one)."""
        if self._post_totals is None:
            self._post_totals = self.store.rollup_totals_by_site(
                POSTS, EARLIEST, LATEST, self.site_ids
            )
        return self._post_totals

    def _coverage(self, first: date, last: date) -> list[Coverage]:
        store = self.store
        states = site_day_states(store, list(self.site_ids), first, last, self.request.max_gap_days)
        out = []
        for site in self.sites:
            assert site.id is not None
            days = states.get(site.id, {})
            totals = self._site_post_totals().get(site.id, [])
            fetched = store.first_fetch_at(site.id)
            runs: list[tuple[date, date]] = []
            for day in sorted(d for d, s in days.items() if s is DayState.UNAVAILABLE):
                if runs and (day - runs[-1][1]).days == 1:
                    runs[-1] = (runs[-1][0], day)
                else:
                    runs.append((day, day))
            out.append(
                Coverage(
                    site.name,
                    site.defunct,
                    min((t.first_day for t in totals), default=None),
                    max((t.last_day for t in totals), default=None),
                    sum(t.value for t in totals),
                    len(store.sections(site.id)),
                    None if fetched is None else fetched.date(),
                    sum(1 for s in days.values() if s is DayState.OBSERVED),
                    sum(1 for s in days.values() if s is DayState.UNAVAILABLE),
                    sum(1 for s in days.values() if s is DayState.UNMONITORED),
                    tuple(runs),
                )
            )
        return out

    def coverage(self) -> None:
        self.data.coverage = self._coverage(self.request.start, self.request.end)

    def events(self) -> list[Event]:
        request = self.request
        # A change is only confirmed by the days after it (a host's collapse by the complaints
        # that follow): detection looks back over ``carry_days`` too, and changes that began
        # there and still go on are reported as well.
        events = detect_events(
            self.store,
            request.start - timedelta(days=request.carry_days),
            request.end,
            self.families,
            request.detection,
            list(request.watch_list),
        )
        wanted = set(self.site_names)
        kept = []
        for event in events:
            if event.site is not None and event.site not in wanted:
                continue
            ended = event.end is not None and event.end < request.start
            if event.start < request.start and ended and event.type is not EventType.SHARED_HANDLE:
                continue
            if event.type is EventType.SHARED_HANDLE:
                members = {str(m["site"]) for m in event.evidence.get("members", [])}
                if not members & wanted:
                    continue
            kept.append(event)
        return kept

    def findings(self, events: Sequence[Event]) -> None:
        request = self.request
        context = FindingContext(self.store, request.start, request.end, self.masker, self.site_ids)
        found = findings_for(events, context)
        self.data.findings = with_quotes(found, self.store, self.masker, self.site_ids, request.end)


def build_report(
    store: Store,
    request: ReportRequest,
    pseudonymiser: Pseudonymiser,
    now: datetime,
) -> ReportData:
    """Everything a report on ``request.start``..``request.end`` shows.

    Args:
        store: the store to read.
        request: period, sites, privacy and detection options.
        pseudonymiser: the workspace's (``Workspace.pseudonymiser(redact=...)``), or a
            :class:`~forumwatch.privacy.Revealer` for ``--reveal``.
        now: when the report is made (injected time).

    Raises:
        ReportError: the period is empty or reversed, or a site is unknown.
    """
    if request.end < request.start:
        raise ReportError("the period ends before it starts")
    site_ids = None
    if request.sites:
        known = {s.name: s.id for s in store.list_sites()}
        site_ids = [i for n in request.sites if (i := known.get(n)) is not None]
    masker = HandleMasker(pseudonymiser, store.author_handles(site_ids))
    builder = _Builder(store, request, masker, now)
    events = builder.timed("events", builder.events)
    builder.timed("headlines", lambda: builder.headlines(events))
    builder.timed("activity", builder.activity)
    builder.timed("keywords", builder.keyword_shares)
    builder.timed("link index", builder.link_index)
    builder.timed("hosts", lambda: builder.hosts(events))
    builder.timed("tags", lambda: builder.tag_shares(events))
    builder.timed("languages", builder.languages)
    builder.timed("coverage", builder.coverage)
    builder.timed("findings", lambda: builder.findings(events))
    builder.data.definitions = definitions(builder.data)
    return builder.data
