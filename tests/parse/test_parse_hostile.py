"""Hostile input: no page, however broken or large, makes a parser raise or hang.

No timing assertions here (performance lives in bench/); each case only has to return, with
the trouble recorded as parse problems.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from forumwatch.models import IndexPage, ListingPage, ParsedPage, ThreadPage
from forumwatch.parse import get_parser
from forumwatch.parse.base import EngineParser
from forumwatch.parse.guard import MAX_DEPTH, limit_nesting
from tests.parse.parse_helpers import PHPBB

CAPTURED = datetime(2026, 11, 25, 2, 50, 23, tzinfo=UTC)
THREAD_URL = "http://127.0.0.1:8081/viewtopic.php?t=3"
TOPIC = (PHPBB / "topic-3.html").read_text(encoding="utf-8")
_POST_START = TOPIC.index('<div id="p4"')
_POST_END = TOPIC.index('<div id="p5"')


def _all_parses(parser: EngineParser, html: str, url: str = THREAD_URL) -> list[ParsedPage]:
    return [
        parser.parse_thread(html, url, CAPTURED),
        parser.parse_listing(html, url, CAPTURED),
        parser.parse_index(html, url, CAPTURED),
        parser.parse(html, url, CAPTURED),
    ]


def _junk() -> str:
    generator = random.Random(20200315)
    return bytes(generator.getrandbits(8) for _ in range(200_000)).decode("latin-1")


def _deep(depth: int) -> str:
    opening = '<div class="post" id="p1"><div class="content">'
    return opening + "<div>" * depth + "text" + "</div>" * depth + "</div></div>"


HOSTILE: dict[str, Callable[[], str]] = {
    "empty": lambda: "",
    "whitespace": lambda: " \n\t " * 1000,
    "binary junk": _junk,
    "nul bytes": lambda: "\x00" * 10_000 + TOPIC[:5000],
    "truncated page": lambda: TOPIC[: len(TOPIC) // 2],
    "truncated inside a tag": lambda: TOPIC[: TOPIC.index('class="content"') + 5],
    "deep div nesting": lambda: _deep(100_000),
    "deep quote nesting": lambda: (
        '<div class="post" id="p1"><div class="content">'
        + "<blockquote><div><cite>a wrote:</cite>" * 20_000
        + "</div></blockquote>" * 20_000
        + "</div></div>"
    ),
    "deep list nesting": lambda: "<ul><li>" * 50_000,
    "unclosed tags": lambda: "<div><span><a href='x'><b>" * 30_000,
    "bad ids and dates": lambda: (
        TOPIC.replace('id="p', 'id="x').replace("datetime=", "data-x=").replace("2020", "99999")
    ),
    "bad urls": lambda: TOPIC.replace('href="https://', 'href="http://[::1').replace(
        'href="./', 'href="javascript:alert(1)//'
    ),
    "a billion pages": lambda: TOPIC.replace(">3</a></li>", ">999999999</a></li>"),
    "script in a post": lambda: TOPIC.replace(
        "Starting a compost diary", "<script>alert(1)</script><img src=x onerror=alert(1)>"
    ),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_pages_do_not_raise(name: str) -> None:
    html = HOSTILE[name]()
    results = _all_parses(get_parser("phpbb"), html)
    thread, listing, index, _ = results
    assert isinstance(thread, ThreadPage)
    assert isinstance(listing, ListingPage)
    assert isinstance(index, IndexPage)
    for result in results:
        for problem in result.problems:
            assert problem.url == THREAD_URL
            assert len(problem.snippet) <= 160


def test_empty_page_records_a_problem() -> None:
    thread = get_parser("phpbb").parse_thread("", THREAD_URL, CAPTURED)
    assert thread.posts == ()
    assert thread.problems


def test_bytes_are_accepted() -> None:
    page = get_parser("phpbb").parse_thread(TOPIC.encode("utf-8"), THREAD_URL, CAPTURED)  # type: ignore[arg-type]
    assert len(page.posts) == 10


def test_deep_nesting_is_cut_and_recorded() -> None:
    thread = get_parser("phpbb").parse_thread(_deep(100_000), THREAD_URL, CAPTURED)
    assert [p.native_id for p in thread.posts] == ["1"]
    assert thread.posts[0].text == "text"
    assert any("nested too deeply" in problem.message for problem in thread.problems)


def test_limit_nesting_keeps_text_and_shallow_pages() -> None:
    shallow = "<div><p>a</p><div>b</div></div>"
    assert limit_nesting(shallow) == (shallow, 0)
    deep, removed = limit_nesting("<div>" * 2000 + "x" + "</div>" * 2000)
    assert removed == 2 * (2000 - MAX_DEPTH)
    assert "x" in deep


def test_unreadable_post_time_keeps_the_post() -> None:
    html = TOPIC.replace('<time datetime="2020-02-03T10:00:00+00:00">', "<time>").replace(
        "February 3rd, 2020, 10:00 am", "sometime in Smarch"
    )
    thread = get_parser("phpbb").parse_thread(html, THREAD_URL, CAPTURED)
    first = thread.posts[0]
    assert first.native_id == "4"
    assert first.posted_at is None
    problems = [p for p in thread.problems if p.field == "posted_at"]
    assert len(problems) == 1
    assert problems[0].post_native_id == "4"
    assert "Smarch" in problems[0].snippet


def test_post_without_id_is_skipped_with_a_problem() -> None:
    html = TOPIC.replace('<div id="p4" class="post', '<div class="post', 1).replace(
        "./viewtopic.php?p=4&amp;", "./viewtopic.php?", 1
    )
    thread = get_parser("phpbb").parse_thread(html, THREAD_URL, CAPTURED)
    assert "4" not in [p.native_id for p in thread.posts]
    assert len(thread.posts) == 9
    assert any(p.field == "post" for p in thread.problems)


def test_claimed_page_count_is_capped() -> None:
    thread = get_parser("phpbb").parse_thread(HOSTILE["a billion pages"](), THREAD_URL, CAPTURED)
    assert len(thread.pagination.page_urls) <= 10_000
    assert any(p.field == "pagination" for p in thread.problems)


def test_scripts_are_not_text() -> None:
    thread = get_parser("phpbb").parse_thread(HOSTILE["script in a post"](), THREAD_URL, CAPTURED)
    assert "alert" not in thread.posts[0].text


@pytest.mark.slow
def test_fifty_megabyte_page_returns() -> None:
    post = TOPIC[_POST_START:_POST_END]
    copies = 50_000_000 // len(post)
    html = TOPIC[:_POST_START] + post * copies + TOPIC[_POST_END:]
    assert len(html) > 50_000_000
    thread = get_parser("phpbb").parse_thread(html, THREAD_URL, CAPTURED)
    assert len(thread.posts) == copies + 9
