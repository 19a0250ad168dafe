"""The report as Markdown, for pasting into other tools: the same numbers, findings and quotes
as the HTML report, with tables in place of charts.

Crawled text (section and thread titles, tags, quotes) is escaped for Markdown and HTML alike:
``<``, ``>`` and ``&`` become entities and every character Markdown gives a meaning to is
backslash-escaped, so nothing a site's members wrote can become a link, an image, a heading or
markup in the tool it is pasted into. URLs and hosts are defanged before this.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import timedelta

from forumwatch import __version__
from forumwatch.analyse.series import Granularity, Series, resample
from forumwatch.report.build import window_total
from forumwatch.report.data import ReportData
from forumwatch.report.figures import full_weeks, month_label
from forumwatch.report.findings import long_date
from forumwatch.report.html import extensions_of
from forumwatch.report.masking import defang_host, defang_text

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#|~!$])")
_LIST_MARK = re.compile(r"^([-+=])")
_NUMBERED = re.compile(r"^(\d+)([.)])")


def md_escape(text: object) -> str:
    """One line of text made inert in Markdown (and in the HTML a renderer makes of it)."""
    line = defang_text(" ".join(str(text).split()))
    line = line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    line = _SPECIAL.sub(r"\\\1", line)
    return _NUMBERED.sub(r"\1\\\2", _LIST_MARK.sub(r"\\\1", line))


def _table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    lines = [
        "| " + " | ".join(md_escape(h) for h in header) + " |",
        "|" + "|".join("---" for _ in header) + "|",
    ]
    for row in rows:
        lines.append("| " + " | ".join(md_escape(cell) for cell in row) + " |")
    return [*lines, ""]


def _headlines(data: ReportData) -> list[str]:
    rows = [
        (h.label, h.formatted(h.value), h.formatted(h.previous), h.change_text)
        for h in data.headlines
    ]
    return [
        "## Headline numbers",
        "",
        *_table(("Figure", "This period", "Previous period", "Change"), rows),
    ]


def _findings(data: ReportData) -> list[str]:
    lines = ["## Findings", ""]
    if not data.findings:
        return [*lines, "No events were detected in this period.", ""]
    for number, finding in enumerate(data.findings, 1):
        lines.append(
            f"{number}\\. **{md_escape(finding.title)}** ({md_escape(long_date(finding.day))})  "
        )
        lines.append(f"   {md_escape(finding.text)}")
        for quote in finding.quotes:
            source = f"{quote.author} on {quote.site}"
            if quote.section:
                source += f" / {quote.section}"
            source += f', thread "{quote.thread}"'
            if quote.posted:
                source += f", {long_date(quote.posted)}"
            lines.append("")
            lines.append(f'   > "{md_escape(quote.text)}" — {md_escape(source)}')
        lines.append("")
    return lines


def _weekly(series: Series, data: ReportData) -> Series:
    return full_weeks(resample(series, Granularity.WEEK), data)


def _activity(data: ReportData) -> list[str]:
    lines = ["## Activity", ""]
    coverage = {c.site: c for c in data.coverage}
    rows = []
    for site in data.sites:
        known = coverage.get(site.name)
        busiest = ", ".join(
            f"{s.name} ({window_total(s, data.request.start, data.request.end):,.0f})"
            for s in site.sections[:3]
        )
        rows.append(
            (
                site.name,
                f"{site.posts_in_period:,}",
                known.observed_days if known else "",
                known.unavailable_days if known else "",
                busiest,
            )
        )
    lines += _table(
        ("Site", "Posts in period", "Days observed", "Days unavailable", "Busiest sections"), rows
    )
    if data.sites:
        weeks = [_weekly(site.total, data) for site in data.sites]
        lines.append("Posts per week (weeks from Monday; – where every fetch failed):")
        lines.append("")
        header = ["Week", *(site.name for site in data.sites)]
        table_rows = []
        for column in zip(*(w.points for w in weeks), strict=True):
            values = ["–" if p.value is None else f"{p.value:,.0f}" for p in column]
            table_rows.append([column[0].day.isoformat(), *values])
        lines += _table(header, table_rows)
    return lines


def _languages(data: ReportData) -> list[str]:
    if not data.languages:
        return []
    start, end = data.request.start, data.request.end
    rows = []
    for series in data.languages:
        daily = sum(p.value or 0 for p in series.points if p.day <= end and p.day + _WEEK > start)
        rows.append((series.name, f"{daily:,.0f}"))
    return [
        "## Language sections",
        "",
        *_table(("Language", "Posts in the weeks of the period"), rows),
    ]


def _keywords(data: ReportData) -> list[str]:
    if not data.keywords:
        return []
    start, end = data.request.start, data.request.end
    posts = sum(site.posts_in_period for site in data.sites)
    rows = []
    for series in data.keywords:
        mentions = window_total(series, start, end)
        share = f"{mentions / posts:.1%}" if posts else "–"
        rows.append((series.name.split(": ")[0], f"{mentions:,.0f}", share))
    return ["## Keywords", "", *_table(("Lexicon", "Posts mentioning it", "Share of posts"), rows)]


def _link_index(data: ReportData) -> list[str]:
    index = data.link_index
    if index is None:
        return []
    extensions = extensions_of(data)
    rows = [
        [
            month_label(row.period, data.request.end),
            *(f"{row.by_extension.get(e, 0):,}" for e in extensions),
            f"{row.total:,}",
            f"{row.reshares:,}",
        ]
        for row in index.rows
    ]
    return [
        "## Link index",
        "",
        *_table(["Month", *(f".{e}" for e in extensions), "New links", "Re-shares"], rows),
        md_escape(index.definition),
        "",
    ]


def _hosts(data: ReportData) -> list[str]:
    if not data.hosts:
        return []
    start, end = data.request.start, data.request.end
    marks: dict[str, list[str]] = {}
    for mark in data.host_marks:
        marks.setdefault(mark.host, []).append(f"{mark.label} from {long_date(mark.day)}")
    rows = []
    for series in data.hosts:
        host = series.name.removeprefix("links to ").split(": ")[0]
        total = window_total(series, start, end)
        rows.append((defang_host(host), f"{total:,.0f}", "; ".join(marks.get(host, []))))
    return ["## Links per host", "", *_table(("Host", "Links in period", "Events"), rows)]


def _tags(data: ReportData) -> list[str]:
    if not data.tag_shares:
        return []
    months = [p.day for p in data.tag_shares[0].points][-6:]
    rows = []
    for series in data.tag_shares:
        values = {p.day: p.value for p in series.points}
        rows.append(
            [series.name, *("–" if values.get(m) is None else f"{values[m]:.0%}" for m in months)]
        )
    return [
        "## Tag share (new threads per month)",
        "",
        *_table(["Tag and section", *(f"{m:%b %Y}" for m in months)], rows),
    ]


def _methods(data: ReportData) -> list[str]:
    lines = ["## Methods", "", "### Data coverage and crawl availability", ""]
    rows = [
        (
            c.site + (" (defunct)" if c.defunct else ""),
            f"{c.posts:,}",
            c.first_post or "–",
            c.last_post or "–",
            c.sections,
            c.first_fetch or "–",
            c.observed_days,
            c.unavailable_days,
            c.unmonitored_days,
        )
        for c in data.coverage
    ]
    lines += _table(
        (
            "Site",
            "Posts stored",
            "First post",
            "Last post",
            "Sections",
            "First crawl",
            "Days observed",
            "Days unavailable",
            "Days unmonitored",
        ),
        rows,
    )
    lines += ["### Definitions", ""]
    for name, text in data.definitions:
        lines += [f"**{md_escape(name)}**: {md_escape(text)}", ""]
    return lines


_WEEK = timedelta(days=7)


def render_markdown(data: ReportData) -> str:
    """The report as a Markdown document."""
    request = data.request
    sites = ", ".join(request.sites) if request.sites else "all"
    lines = [
        f"# {md_escape(request.title)}",
        "",
        md_escape(
            f"Period {long_date(request.start)} to {long_date(request.end)} "
            f"({request.days} days, UTC), compared with {long_date(data.previous[0])} to "
            f"{long_date(data.previous[1])}; sites: {sites}; generated "
            f"{data.generated_at:%Y-%m-%d %H:%M} UTC."
        ),
        "",
        "> " + md_escape(data.handles_note + ". Web addresses are defanged."),
        "",
    ]
    for part in (
        _headlines,
        _findings,
        _activity,
        _languages,
        _keywords,
        _link_index,
        _hosts,
        _tags,
        _methods,
    ):
        lines += part(data)
    lines += [
        "---",
        "",
        md_escape(
            f"{data.handles_note}. Made by forumwatch {__version__} from the text of the "
            "monitored sites; no linked file was ever requested."
        ),
        "",
    ]
    return "\n".join(lines)
