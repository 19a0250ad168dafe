"""Every series by name, and the headline figures: what the command line and exports ask for.

``forumwatch series NAME`` calls :func:`named_series`; ``forumwatch stats`` prints
:func:`headline`. Both are thin: each name maps to one function of the analysis modules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from forumwatch.analyse import activity, hosts, keywords, linkindex, tags
from forumwatch.analyse.series import Granularity, Scope, Series
from forumwatch.enrich.hosts import HostFamilies
from forumwatch.errors import ConfigError
from forumwatch.store.base import Store


@dataclass(frozen=True)
class SeriesRequest:
    """What a caller wants: a series name, its scope, period and parameters.

    Attributes:
        name: one of :data:`SERIES_NAMES`.
        scope: site / section / language / thread.
        start, end: the period (default: the 90 days up to the last stored post).
        granularity: day, week or month.
        lexicon, term: for keyword series.
        host: a registrable domain (host-links) or a family name (family-links, complaints).
        tag: for tag-share and threads.
        network, media, extensions: for the link index and re-shares.
        families: host families to roll up with (the shipped ones if None).
    """

    name: str
    scope: Scope = field(default_factory=Scope)
    start: date | None = None
    end: date | None = None
    granularity: Granularity = Granularity.DAY
    lexicon: str | None = None
    term: str | None = None
    host: str | None = None
    tag: str | None = None
    network: str = "clearnet"
    media: str = "image"
    extensions: tuple[str, ...] | None = None
    families: HostFamilies | None = None
    max_gap_days: int = 2


def _need(value: str | None, option: str, name: str) -> str:
    if not value:
        raise ConfigError(f"series {name!r} needs {option}")
    return value


def _period(store: Store, request: SeriesRequest) -> tuple[date, date]:
    end = request.end
    if end is None:
        last = store.counts().last_post_at
        end = last.date() if last is not None else date.today()
    start = request.start or end - timedelta(days=89)
    if start > end:
        raise ConfigError("the period starts after it ends")
    return start, end


_Builder = Callable[[Store, SeriesRequest, date, date], Series]


def _keyword(store: Store, r: SeriesRequest, start: date, end: date) -> Series:
    lexicon = _need(r.lexicon, "--lexicon", r.name)
    return keywords.mentions(
        store, lexicon, r.scope, start, end, r.granularity, r.term, r.max_gap_days
    )


def _keyword_share(store: Store, r: SeriesRequest, start: date, end: date) -> Series:
    lexicon = _need(r.lexicon, "--lexicon", r.name)
    return keywords.mention_share(
        store, lexicon, r.scope, start, end, r.granularity, r.term, r.max_gap_days
    )


SERIES_BUILDERS: dict[str, _Builder] = {
    "posts": lambda s, r, a, b: activity.posts(s, r.scope, a, b, r.granularity, r.max_gap_days),
    "members": lambda s, r, a, b: activity.members(s, r.scope, a, b, r.granularity, r.max_gap_days),
    "new-members": lambda s, r, a, b: activity.new_members(
        s, r.scope, a, b, r.granularity, r.max_gap_days
    ),
    "keyword": _keyword,
    "keyword-share": _keyword_share,
    "link-index": lambda s, r, a, b: linkindex.link_index(
        s, r.scope, a, b, r.granularity, r.network, r.media, r.extensions, r.max_gap_days
    ),
    "reshares": lambda s, r, a, b: linkindex.reshares(
        s, r.scope, a, b, r.granularity, r.network, r.media, r.extensions, r.max_gap_days
    ),
    "host-links": lambda s, r, a, b: hosts.host_links(
        s, _need(r.host, "--host", r.name), r.scope, a, b, r.granularity, r.max_gap_days
    ),
    "family-links": lambda s, r, a, b: hosts.family_links(
        s,
        _need(r.host, "--host", r.name),
        r.scope,
        a,
        b,
        r.granularity,
        r.families,
        r.max_gap_days,
    ),
    "complaints": lambda s, r, a, b: hosts.complaints(
        s,
        _need(r.host, "--host", r.name),
        r.scope,
        a,
        b,
        r.granularity,
        max_gap_days=r.max_gap_days,
    ),
    "threads": lambda s, r, a, b: tags.threads(
        s, r.scope, a, b, r.granularity, r.tag, r.max_gap_days
    ),
    "tag-share": lambda s, r, a, b: tags.tag_share(
        s, r.scope, _need(r.tag, "--tag", r.name), a, b, r.granularity, r.max_gap_days
    ),
}
SERIES_NAMES = tuple(SERIES_BUILDERS)
"""Names ``forumwatch series`` accepts."""


def named_series(store: Store, request: SeriesRequest) -> Series:
    """The series a request names.

    Raises:
        ConfigError: an unknown name or a missing parameter.
        NotFoundError: an unknown site, section or thread.
    """
    builder = SERIES_BUILDERS.get(request.name)
    if builder is None:
        raise ConfigError(f"unknown series {request.name!r}; use one of {', '.join(SERIES_NAMES)}")
    start, end = _period(store, request)
    return builder(store, request, start, end)


@dataclass(frozen=True, slots=True)
class Figure:
    """One headline figure with what it means."""

    label: str
    value: str
    definition: str


def headline(store: Store, end: date | None = None) -> list[Figure]:
    """The figures ``forumwatch stats`` prints under the table counts: last week against the
    week before, active members, the link index of the last 30 days, the top host."""
    counts = store.counts()
    if counts.last_post_at is None:
        return []
    end = end or counts.last_post_at.date()
    week = end - timedelta(days=6)
    posts = activity.posts(store, Scope(), week - timedelta(days=7), end, Granularity.DAY)
    values = [p.value or 0 for p in posts.points]
    this_week, last_week = sum(values[7:]), sum(values[:7])
    change = f" ({(this_week - last_week) / last_week:+.0%})" if last_week else ""
    figures = [
        Figure(
            f"posts {week}..{end}",
            f"{int(this_week):,}{change}",
            "posts by their own time stamp, all sites; change against the 7 days before",
        )
    ]
    members = activity.members(store, Scope(), end, end, Granularity.WEEK)
    figures.append(
        Figure(
            f"active members, week of {members.points[0].day}",
            f"{int(members.points[0].value or 0):,}",
            "distinct handles posting that week, per site, summed over sites",
        )
    )
    index = linkindex.link_index(store, Scope(), end - timedelta(days=29), end, Granularity.DAY)
    figures.append(
        Figure(
            f"new clearnet image links {end - timedelta(days=29)}..{end}",
            f"{int(index.total()):,}",
            "each URL once, at its first post",
        )
    )
    top = hosts.top_hosts(store, end - timedelta(days=29), end, limit=1)
    if top:
        figures.append(
            Figure(
                "top host family (30 days)",
                f"{top[0].name} ({top[0].links:,} links)",
                "links per post to the family's domains",
            )
        )
    return figures
