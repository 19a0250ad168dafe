"""Hostile strings from crawled pages come out escaped and inert in HTML and Markdown, on each
backend; the report's page itself has no script, no link and no external resource."""

from __future__ import annotations

import io
from datetime import date, timedelta
from html.parser import HTMLParser

from forumwatch.privacy import Pseudonymiser
from forumwatch.report.build import build_report
from forumwatch.report.data import ReportRequest
from forumwatch.report.exports import ExportRequest, export
from forumwatch.report.html import render_html
from forumwatch.report.markdown import md_escape, render_markdown
from forumwatch.report.masking import defang_text, shorten
from forumwatch.store import Store
from tests.report.conftest import HOSTILE_HANDLE, KEY, NOW, WATCHED, hostile_site


class _Elements(HTMLParser):
    """Every element and attribute of a document (SVG included)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += attrs


def _report(store: Store) -> tuple[str, str]:
    site, first = hostile_site(store)
    request = ReportRequest(
        first,
        first + timedelta(days=9),
        (site.name,),
        watch_list=((site.name, WATCHED, date(2020, 4, 30)),),
        context_days=10,
    )
    data = build_report(store, request, Pseudonymiser(KEY), NOW)
    assert any(f.quotes for f in data.findings), "the watch-listed member's posts are quoted"
    return render_html(data), render_markdown(data)


def test_hostile_strings_are_inert_in_html(store: Store) -> None:
    html, _ = _report(store)
    parsed = _Elements()
    parsed.feed(html)
    assert "script" not in parsed.tags
    assert not {"a", "img", "iframe", "object", "embed", "link", "form"} & set(parsed.tags)
    names = {name for name, _ in parsed.attributes}
    assert not {n for n in names if n.startswith("on")}
    assert not names & {"href", "src", "srcset", "action", "formaction", "xlink:href"}
    values = " ".join(value or "" for _, value in parsed.attributes)
    assert "javascript:" not in values
    # The hostile text is there, escaped: shown to the reader, never run.
    assert "&lt;script&gt;alert(&#39;section&#39;)&lt;/script&gt;" in html or (
        "&lt;script&gt;alert(&#x27;section&#x27;)&lt;/script&gt;" in html
    )
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "hxxps://files[.]example/x.jpg" in html
    assert "A" * 41 not in html, "very long words are cut"
    csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    assert csp in html
    assert HOSTILE_HANDLE not in html and WATCHED not in html


def test_hostile_strings_are_inert_in_markdown(store: Store) -> None:
    _, markdown = _report(store)
    assert "<script" not in markdown and "<img" not in markdown and "<svg" not in markdown
    assert "](javascript:" not in markdown and "![" not in markdown
    assert "\\[here\\]\\(javascript:alert\\(1\\)\\)" in markdown
    assert "&lt;script&gt;" in markdown
    assert "https://" not in markdown and "http://" not in markdown
    assert HOSTILE_HANDLE not in markdown and WATCHED not in markdown


def test_csv_export_neutralises_formulas(store: Store) -> None:
    site, _ = hostile_site(store)
    buffer = io.BytesIO()
    export(store, ExportRequest("posts", "csv", (site.name,)), Pseudonymiser(KEY), buffer, NOW)
    text = buffer.getvalue().decode()
    assert HOSTILE_HANDLE not in text and WATCHED not in text
    assert "\n=" not in text and ",=" not in text


def test_escaping_helpers() -> None:
    assert md_escape("# title") == "\\# title"
    assert md_escape("1. item") == "1\\. item"
    assert md_escape("<b>&</b>") == "&lt;b&gt;&amp;&lt;/b&gt;"
    assert md_escape("[a](b)") == "\\[a\\]\\(b\\)"
    assert defang_text("get https://a.example/x and b.example.org") == (
        "get hxxps://a[.]example/x and b[.]example[.]org"
    )
    assert defang_text(defang_text("https://a.example/x")) == "hxxps://a[.]example/x"
    assert shorten("word " * 100, 50).endswith("…") and len(shorten("word " * 100, 50)) <= 50
