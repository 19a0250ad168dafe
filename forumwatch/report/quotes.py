"""Quotes: one to three short posts that illustrate a finding, safe to print.

For each kind of finding a query says which posts show it (a re-upload request naming the
host that went down, a post linking to the host members moved to, a post with the watch terms
around the wave's peak, a post in the section that spiked, a returning member's first post).
Candidates are read oldest first; the ones chosen are of a readable length and from different
threads and members. Each is trimmed to about 200 characters, its handles (author and any
mentioned in the text or thread title) pseudonymised, and its URLs and hosts defanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from forumwatch.analyse.events import EventType
from forumwatch.report.findings import Finding, Quote
from forumwatch.report.masking import HandleMasker, defang_text, shorten
from forumwatch.store.base import Store
from forumwatch.store.reportsql import ExamplePost, ExampleQuery

QUOTE_CHARS = 200
PER_FINDING = 2


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def example_query(
    finding: Finding,
    store: Store,
    site_ids: Sequence[int],
    end: date,
) -> ExampleQuery | None:
    """The posts that may illustrate a finding (None for kinds that quotes cannot show)."""
    event = finding.event
    evidence = event.evidence
    first = event.start
    last = min(end, event.end or end)
    window = (_moment(first), _moment(last + timedelta(days=1)))
    sites = list(site_ids)
    if event.site is not None:
        found = [s.id for s in store.list_sites() if s.name == event.site and s.id is not None]
        sites = [s for s in sites if s in found]
    if not sites:
        return None
    if event.type is EventType.HOST_DOWN and "family" in evidence:
        stop = min(end, first + timedelta(days=14)) + timedelta(days=1)
        family = str(evidence["family"])
        return ExampleQuery(
            sites, _moment(first), _moment(stop), annotation=("request", "reupload", family)
        )
    if event.type in (EventType.HOST_MIGRATION, EventType.HOST_RISE):
        targets = evidence.get("to") or [event.host]
        stop = min(end, first + timedelta(days=21)) + timedelta(days=1)
        return ExampleQuery(sites, _moment(first), _moment(stop), hosts=[str(h) for h in targets])
    if event.type is EventType.KEYWORD_WAVE:
        peak = date.fromisoformat(str(evidence.get("peak_day", first.isoformat())))
        return ExampleQuery(
            sites,
            _moment(peak - timedelta(days=3)),
            _moment(peak + timedelta(days=4)),
            annotation=("term", str(evidence.get("lexicon")), None),
        )
    if event.type is EventType.LINK_SPIKE:
        network, _, media = str(evidence.get("class", "clearnet:image")).partition(":")
        return ExampleQuery(sites, *window, link_class=(network, media))
    sections = [
        s.id
        for s in store.sections()
        if s.site_id in sites and (s.title or s.native_id) == event.section
    ]
    if event.type is EventType.ACTIVITY_SPIKE and event.section is not None:
        return ExampleQuery(sites, *window, section_ids=sections) if sections else None
    if event.type is EventType.TAG_SHARE_CHANGE:
        tag = str(evidence.get("tag", ""))
        return ExampleQuery(
            sites,
            _moment(first),
            _moment(end + timedelta(days=1)),
            section_ids=sections or None,
            thread_tag=tag,
        )
    handles: list[str] = []
    if event.type is EventType.DORMANT_RETURN:
        handles = [str(m["handle"]) for m in evidence.get("members", [])]
    elif event.type is EventType.WATCHLIST_ACTIVITY:
        handles = [str(evidence.get("handle", ""))]
    if handles:
        wanted = {h.casefold() for h in handles}
        authors = [a.id for a in store.authors(sites) if a.handle.casefold() in wanted]
        if authors:
            return ExampleQuery(sites, *window, author_ids=authors)
    return None


def choose(candidates: Sequence[ExamplePost], count: int = PER_FINDING) -> list[ExamplePost]:
    """Up to ``count`` posts of a readable length, from different threads and members."""
    readable = sorted(
        candidates, key=lambda p: (not 40 <= len(p.text) <= 260, abs(len(p.text) - 140))
    )
    chosen: list[ExamplePost] = []
    threads: set[tuple[str, str]] = set()
    authors: set[str | None] = set()
    for post in readable:
        if (post.site, post.thread_native_id) in threads or (
            post.handle in authors and post.handle
        ):
            continue
        chosen.append(post)
        threads.add((post.site, post.thread_native_id))
        authors.add(post.handle)
        if len(chosen) == count:
            break
    return sorted(
        chosen, key=lambda p: (p.posted_at or datetime.min.replace(tzinfo=UTC), p.post_id)
    )


def safe_quote(post: ExamplePost, masker: HandleMasker) -> Quote:
    """A post as a quote: handles masked, URLs defanged, trimmed to ~200 characters."""
    return Quote(
        text=shorten(defang_text(masker.text(post.text)), QUOTE_CHARS),
        author=masker.handle(post.handle),
        site=post.site,
        section=masker.text(post.section or ""),
        thread=shorten(defang_text(masker.text(post.thread_title)), 90),
        posted=None if post.posted_at is None else post.posted_at.date(),
    )


def with_quotes(
    findings: Sequence[Finding],
    store: Store,
    masker: HandleMasker,
    site_ids: Sequence[int],
    end: date,
    per_finding: int = PER_FINDING,
) -> list[Finding]:
    """The findings with their illustrating quotes."""
    out = []
    for finding in findings:
        query = example_query(finding, store, site_ids, end)
        if query is None:
            out.append(finding)
            continue
        posts = choose(store.example_posts(query), per_finding)
        quotes = tuple(safe_quote(post, masker) for post in posts)
        out.append(replace(finding, quotes=quotes))
    return out
