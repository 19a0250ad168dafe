"""What the TinyIB parser returns: boards as sections, threads, replies, >>N references."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from forumwatch.models import PageKind, Quote
from forumwatch.parse import get_parser
from tests.parse.captures import capture

BASE = "http://127.0.0.1:8087/"
PARSER = get_parser("tinyib")


def test_thread_page() -> None:
    page = capture("tinyib", "topic-g-48218.html")
    parsed = PARSER.parse_thread(*page[:3])
    thread = parsed.thread
    assert (thread.native_id, thread.section_native_id) == ("48218", "g")
    assert thread.title == "[Original] My tomato planting calendar for 2020"
    assert thread.tags == ("Original",)
    assert (thread.author, thread.replies) == ("alice_gardener", 5)
    assert thread.first_post_at == datetime(2020, 3, 14, 9, 12, tzinfo=UTC)
    assert thread.last_post_at == datetime(2020, 5, 19, 8, 5, tzinfo=UTC)
    assert [post.position for post in parsed.posts] == [1, 2, 3, 4, 5, 6]
    assert parsed.posts[0].title == thread.title
    assert parsed.posts[1].title == ""


def test_greentext_quotes_the_post_referenced_before_it() -> None:
    page = capture("tinyib", "topic-g-48218.html")
    reply = PARSER.parse_thread(*page[:3]).posts[1]
    assert reply.text.startswith(">>48218\n")
    assert reply.quotes == (
        Quote(
            depth=1,
            author=None,
            text="sow indoors mid-March, pot on in April, plant out after the last frost.",
            post_native_id="48218",
        ),
    )
    assert reply.links == ()  # the >>48218 link is a reference, not a posted link


def test_a_reference_without_greentext_is_kept_as_an_empty_quote() -> None:
    page = capture("tinyib", "topic-g-48218.html")
    html = page.html.replace(
        '<span class="unkfunc">&gt;sow indoors mid-March, pot on in April, plant out after the '
        "last frost.</span><br>",
        "",
    )
    reply = PARSER.parse_thread(html, page.url, page.captured_at).posts[1]
    assert reply.quotes == (Quote(depth=1, author=None, text="", post_native_id="48218"),)


def test_greentext_without_a_reference() -> None:
    page = capture("tinyib", "topic-g-48218.html")
    html = page.html.replace(
        '<a href="../res/48218.html#48218" class="refop">&gt;&gt;48218</a><br>', ""
    )
    reply = PARSER.parse_thread(html, page.url, page.captured_at).posts[1]
    assert [(q.post_native_id, q.text[:11]) for q in reply.quotes] == [(None, "sow indoors")]


def test_names_tripcodes_and_anonymous() -> None:
    page = capture("tinyib", "topic-g-48218.html")
    html = page.html.replace(
        '<span class="postername">bob_striker</span>',
        '<span class="postername">bob</span><span class="postertrip">!Ab12Cd34</span>',
    ).replace(
        '<span class="postername">erik_tuinier</span>', '<span class="postername">Anonymous</span>'
    )
    posts = PARSER.parse_thread(html, page.url, page.captured_at).posts
    assert posts[1].author is not None
    assert (posts[1].author.handle, posts[1].author.native_id) == ("bob!Ab12Cd34", "!Ab12Cd34")
    assert posts[2].author is not None
    assert (posts[2].author.handle, posts[2].author.native_id) == ("Anonymous", None)


def test_board_page_lists_threads_with_omitted_replies_and_pages() -> None:
    page = capture("tinyib", "board-g.html")
    listing = PARSER.parse_listing(*page[:3])
    assert listing.section is not None
    assert (listing.section.native_id, listing.section.title) == ("g", "Gardening & Seeds")
    assert listing.section.url == BASE + "g/"
    compost = listing.threads[0]
    assert (compost.native_id, compost.replies, compost.author) == ("48211", 22, "alice_gardener")
    assert compost.url == BASE + "g/res/48211.html"
    assert compost.last_post_at == datetime(2020, 8, 16, 8, 0, tzinfo=UTC)
    assert (listing.pagination.page, listing.pagination.pages) == (1, 3)
    assert listing.pagination.page_urls == (
        BASE + "g/index.html",
        BASE + "g/1.html",
        BASE + "g/2.html",
    )
    last = PARSER.parse_listing(*capture("tinyib", "board-g-p3.html")[:3]).pagination
    assert (last.page, last.pages) == (3, 3)


def test_sticky_and_locked_threads() -> None:
    sticky = PARSER.parse_listing(*capture("tinyib", "board-b.html")[:3]).threads[0]
    assert (sticky.native_id, sticky.sticky, sticky.locked) == ("120044", True, False)
    locked = PARSER.parse_thread(*capture("tinyib", "topic-sp-7310.html")[:3]).thread
    assert (locked.locked, locked.sticky) == (True, False)


def test_catalog_lists_every_thread_with_its_reply_count() -> None:
    listing = PARSER.parse_listing(*capture("tinyib", "forum-sp.html")[:3])
    assert [(t.native_id, t.replies, t.title) for t in listing.threads] == [
        ("7310", 3, "[Request] Full match recordings from the 2019 season"),
        ("7305", 4, "Weekend match discussion - league restart"),
    ]
    assert listing.threads[0].url == BASE + "sp/res/7310.html"


def test_index_is_the_board_itself() -> None:
    index = PARSER.parse_index(*capture("tinyib", "board-sp.html")[:3])
    assert [(s.native_id, s.title, s.url) for s in index.sections] == [
        ("sp", "Football", BASE + "sp/")
    ]


def test_words_broken_by_the_engine_keep_the_link_whole() -> None:
    post = PARSER.parse_thread(*capture("tinyib", "topic-sp-7310.html")[:3]).posts[2]
    assert post.links == (
        "http://jooa7lqsaj2xuid5zzzzg6zdmen4khvdgajgxbenyjqwx6hh7566tfjd.onion/dl/final_2019.7z",
    )


@pytest.mark.parametrize(
    ("file", "kind"),
    [
        ("board-g.html", PageKind.LISTING),
        ("board-g-p2.html", PageKind.LISTING),
        ("forum-g.html", PageKind.LISTING),
        ("topic-b-120044.html", PageKind.THREAD),
    ],
)
def test_page_kinds(file: str, kind: PageKind) -> None:
    page = capture("tinyib", file)
    assert PARSER.page_kind(page.html, page.url) is kind
