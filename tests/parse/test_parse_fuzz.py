"""Fuzzing: real captures of every engine, mutated by hypothesis, through every parse method.

Mutations: byte flips (decoded as UTF-8 with replacement, with surrogate escapes, or as
Latin-1), truncation, deleted and duplicated tags, garbage attribute values, deep nesting, huge
text nodes, and dates replaced with junk. Every parse method of every engine must return a value
of the right type and never raise. Examples are derandomized (the same in every run) and few, so
that the run stays well under a minute; timing is never asserted (see bench/).
"""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forumwatch.models import (
    IndexPage,
    ListingPage,
    PageKind,
    Post,
    Quote,
    Thread,
    ThreadPage,
)
from forumwatch.parse import detect_engine, get_parser
from forumwatch.parse.base import EngineParser
from tests.parse.captures import Capture, capture
from tests.parse.parse_helpers import load_manifest

ENGINES = ("phpbb", "mybb", "machina", "spirit", "flaskbb", "tinyib")
FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

_TAG = re.compile(r"<[^<>]{0,300}>")
_ATTRIBUTE_VALUE = re.compile(r'="[^"]{0,500}"')
_DATE_LIKE = re.compile(
    r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}|\d{1,2}:\d{2}(?::\d{2})?|"
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\.? \d{1,2}|ago|Yesterday|Today"
)
_GARBAGE = (
    "",
    '"><script>alert(1)</script>',
    "javascript:alert(1)",
    "http://[::1",
    "%%%%",
    "\x00\x01\x02",
    "9" * 400,
    "../" * 200,
    "-1",
    "🍅" * 50,
    "\udcff",
)


def _pages(engine: str) -> list[Capture]:
    """A thread with quotes, a listing and the index of each engine (their richest pages)."""
    entries = load_manifest(engine)["files"]
    threads = [e for e in entries if e["kind"] in ("topic", "thread")]
    quoted = next((e for e in threads if any(p.get("quotes") for p in e["posts"])), threads[0])
    listing = next(e for e in entries if e["kind"] in ("forum", "board"))
    index = next((e for e in entries if e["kind"] == "index"), listing)
    return [capture(engine, entry["file"]) for entry in (quoted, listing, index)]


PAGES = {engine: _pages(engine) for engine in ENGINES}
PARSERS: dict[str, EngineParser] = {engine: get_parser(engine) for engine in ENGINES}


def _flip_bytes(html: str, rnd: random.Random) -> str:
    raw = bytearray(html.encode("utf-8", errors="surrogatepass"))
    for _ in range(rnd.randint(1, 60)):
        raw[rnd.randrange(len(raw))] = rnd.randrange(256)
    decoding = rnd.choice(("replace", "surrogateescape", "latin-1"))
    if decoding == "latin-1":
        return raw.decode("latin-1")
    return raw.decode("utf-8", errors=decoding)


def _truncate(html: str, rnd: random.Random) -> str:
    return html[: rnd.randrange(len(html) + 1)]


def _delete_tags(html: str, rnd: random.Random) -> str:
    share = rnd.choice((0.02, 0.1, 0.5))
    return _TAG.sub(lambda m: "" if rnd.random() < share else m.group(0), html)


def _duplicate_tags(html: str, rnd: random.Random) -> str:
    share = rnd.choice((0.02, 0.1, 0.3))
    return _TAG.sub(
        lambda m: m.group(0) * rnd.randint(2, 5) if rnd.random() < share else m.group(0), html
    )


def _garbage_attributes(html: str, rnd: random.Random) -> str:
    share = rnd.choice((0.05, 0.3, 1.0))
    return _ATTRIBUTE_VALUE.sub(
        lambda m: f'="{rnd.choice(_GARBAGE)}"' if rnd.random() < share else m.group(0), html
    )


def _deep_nesting(html: str, rnd: random.Random) -> str:
    depth = rnd.choice((600, 5_000, 40_000))
    opening, closing = rnd.choice(
        (
            ("<div>", "</div>"),
            ("<blockquote><cite>someone wrote:</cite>", "</blockquote>"),
            ('<span class="unkfunc">&gt;', "</span>"),
            ("<ul><li>", ""),
        )
    )
    at = _inside_body(html, rnd)
    return html[:at] + opening * depth + "deep" + closing * depth + html[at:]


def _huge_text(html: str, rnd: random.Random) -> str:
    size = rnd.choice((100_000, 1_000_000, 3_000_000))
    text = rnd.choice(("lorem ipsum ", "https://example.org/a.jpg ", "x", "&amp;", " \n\t"))
    at = _inside_body(html, rnd)
    return html[:at] + text * (size // len(text)) + html[at:]


def _junk_dates(html: str, rnd: random.Random) -> str:
    html = re.sub(r'datetime="[^"]*"', lambda _: f'datetime="{rnd.choice(_GARBAGE)}"', html)
    html = re.sub(r'title="[^"]*\d[^"]*"', lambda _: f'title="{rnd.choice(_GARBAGE)}"', html)
    junk = ("Smarch 32, 20200", "99:99", "yesterday-ish", "13/13/13", "", "0000-00-00", "9 ago")
    return _DATE_LIKE.sub(lambda _: rnd.choice(junk), html)


MUTATIONS = {
    "flip bytes": _flip_bytes,
    "truncate": _truncate,
    "delete tags": _delete_tags,
    "duplicate tags": _duplicate_tags,
    "garbage attributes": _garbage_attributes,
    "deep nesting": _deep_nesting,
    "huge text": _huge_text,
    "junk dates": _junk_dates,
}


def _inside_body(html: str, rnd: random.Random) -> int:
    """A position after the opening of <body> (posts sit there), or anywhere."""
    start = html.find("<body")
    return rnd.randrange(max(0, start), len(html) + 1)


def _check_every_method(parser: EngineParser, html: str, url: str, when: datetime) -> None:
    assert 0.0 <= parser.detect(html, url) <= 1.0
    assert isinstance(parser.page_kind(html, url), PageKind)
    assert isinstance(parser.parse_index(html, url, when), IndexPage)
    assert isinstance(parser.parse_listing(html, url, when), ListingPage)
    thread = parser.parse_thread(html, url, when)
    assert isinstance(thread, ThreadPage)
    assert isinstance(thread.thread, Thread)
    for post in thread.posts:
        assert isinstance(post, Post)
        assert isinstance(post.native_id, str)
        assert isinstance(post.text, str)
        assert all(isinstance(link, str) for link in post.links)
        assert all(isinstance(quote, Quote) for quote in post.quotes)
        assert post.posted_at is None or post.posted_at.tzinfo is not None
    parsed = parser.parse(html, url, when)
    assert isinstance(parsed, IndexPage | ListingPage | ThreadPage)
    for problem in thread.problems:
        assert len(problem.snippet) <= 160


@pytest.mark.parametrize("engine", ENGINES)
@FUZZ
@given(
    page=st.integers(min_value=0, max_value=2),
    mutations=st.lists(st.sampled_from(sorted(MUTATIONS)), min_size=1, max_size=3),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
)
def test_mutated_captures_never_raise(
    engine: str, page: int, mutations: list[str], seed: int
) -> None:
    original = PAGES[engine][page]
    rnd = random.Random(seed)
    html = original.html
    for name in mutations:
        html = MUTATIONS[name](html, rnd)
    _check_every_method(PARSERS[engine], html, original.url, original.captured_at)
    found, confidence = detect_engine(html, original.url)
    assert found is None or isinstance(found, EngineParser)
    assert 0.0 <= confidence <= 1.0


@pytest.mark.parametrize("engine", ENGINES)
@FUZZ
@given(html=st.text(max_size=3000), url=st.text(max_size=200))
def test_arbitrary_text_and_urls_never_raise(engine: str, html: str, url: str) -> None:
    _check_every_method(PARSERS[engine], html, url, datetime(2026, 11, 25, tzinfo=UTC))


@pytest.mark.parametrize("engine", ENGINES)
def test_other_engines_pages_never_raise(engine: str) -> None:
    """Every parser on every other engine's pages: wrong pages give empty results."""
    for other in ENGINES:
        for page in PAGES[other]:
            _check_every_method(PARSERS[engine], page.html, page.url, page.captured_at)


@pytest.mark.slow
@pytest.mark.parametrize("engine", ENGINES)
def test_fifty_megabyte_page(engine: str) -> None:
    page = PAGES[engine][0]
    start = page.html.find("<body")
    end = page.html.rfind("</body>")
    body = page.html[start:end]
    html = page.html[:start] + body * (50_000_000 // len(body) + 1) + page.html[end:]
    assert len(html) > 50_000_000
    thread = PARSERS[engine].parse_thread(html, page.url, page.captured_at)
    assert len(thread.posts) > 1000


@pytest.mark.parametrize("engine", ENGINES)
def test_deeply_nested_post_body(engine: str) -> None:
    page = PAGES[engine][0]
    first = PARSERS[engine].parse_thread(*page[:3]).posts[0]
    anchor = first.text.split("\n")[0][:20]
    at = page.html.find(anchor)
    assert at > 0
    for opening, closing in (("<div>", "</div>"), ("<blockquote>", "</blockquote>")):
        html = page.html[:at] + opening * 100_000 + "deep" + closing * 100_000 + page.html[at:]
        thread = PARSERS[engine].parse_thread(html, page.url, page.captured_at)
        assert thread.posts, engine
        assert any("nested too deeply" in problem.message for problem in thread.problems)
