"""What the Spirit parser returns beyond the manifest fields."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from forumwatch.models import Edit, PageKind
from forumwatch.parse import get_parser
from forumwatch.parse.selectors import validate
from forumwatch.parse.spirit import SPIRIT_SELECTORS
from tests.parse.captures import capture

BASE = "http://127.0.0.1:8083/"
PARSER = get_parser("spirit", timezone="Europe/Istanbul")


def test_selectors_compile() -> None:
    validate(SPIRIT_SELECTORS)


def test_thread_page_ids_times_and_edit_count() -> None:
    page = capture("spirit", "topic-3.html")
    parsed = PARSER.parse_thread(*page[:3])
    assert (parsed.thread.native_id, parsed.thread.section_native_id) == ("3", "3")
    assert parsed.thread.title == "[Original] My tomato planting calendar for 2020"
    first = parsed.posts[0]
    assert first.posted_at == datetime(2020, 3, 14, 9, 12, tzinfo=UTC)  # 12:12 p.m. Istanbul
    assert first.author is not None
    assert (first.author.native_id, first.author.profile_url) == (
        "2",
        BASE + "user/2/alice_gardener/",
    )
    assert first.edit == Edit()  # edited, but who and when are on the history page
    assert parsed.posts[1].edit is None
    assert first.links[0] == "https://files.example-host.net/a1/tomato_trays_014.jpg"
    assert "https://files.example-host.ne…" in first.text


@pytest.mark.parametrize(
    ("said", "author"),
    [("said:", "alice_gardener"), ("a dit :", "alice_gardener"), ("dijo:", "alice_gardener")],
)
def test_said_line_names_the_quote_author(said: str, author: str) -> None:
    page = capture("spirit", "topic-3.html")
    html = page.html.replace("</a> said:<br>", f"</a> {said}<br>")
    post = next(
        p
        for p in PARSER.parse_thread(html, page.url, page.captured_at).posts
        if p.native_id == "11"
    )
    assert post.quotes[0].author == author
    assert (
        post.quotes[0].text
        == "sow indoors mid-March, pot on in April, plant out after the last frost."
    )
    assert post.links == ()  # the mention is the engine's link, not the author's


def test_nested_quotes_form_a_chain() -> None:
    page = capture("spirit", "topic-3.html")
    post = next(p for p in PARSER.parse_thread(*page[:3]).posts if p.native_id == "14")
    assert [(q.depth, q.author) for q in post.quotes] == [
        (1, "bob_striker"),
        (2, "alice_gardener"),
    ]


def test_topic_pages_say_page_n_of_m() -> None:
    page = capture("spirit", "topic-2-p2.html")
    pagination = PARSER.parse_thread(*page[:3]).pagination
    assert (pagination.page, pagination.pages) == (2, 3)
    assert pagination.page_urls == (
        BASE + "topic/2/compost-diary-2020-long-thread/",
        BASE + "topic/2/compost-diary-2020-long-thread/?page=2",
        BASE + "topic/2/compost-diary-2020-long-thread/?page=3",
    )
    assert [post.position for post in PARSER.parse_thread(*page[:3]).posts][:2] == [11, 12]


def test_home_page_is_the_category_index_and_the_latest_topics() -> None:
    page = capture("spirit", "index-0.html")
    assert PARSER.page_kind(page.html, page.url) is PageKind.INDEX
    index = PARSER.parse_index(*page[:3])
    assert [s.native_id for s in index.sections] == ["6", "5", "3", "7", "8", "4"]
    latest = PARSER.parse_listing(*page[:3])
    assert latest.section is None
    assert latest.subsections == ()
    first = latest.threads[0]
    assert (first.native_id, first.section_native_id, first.replies) == ("20", "4", 5)
    assert first.last_post_at == datetime(2026, 11, 25, 2, 33, tzinfo=UTC)
    assert (latest.pagination.page, latest.pagination.pages) == (1, 3)


def test_category_pages_list_subcategories_and_their_parent() -> None:
    top = PARSER.parse_listing(*capture("spirit", "forum-3.html")[:3])
    assert top.section is not None
    assert (top.section.native_id, top.section.parent_native_id) == ("3", None)
    assert [(s.native_id, s.parent_native_id) for s in top.subsections] == [("9", "3")]
    sub = PARSER.parse_listing(*capture("spirit", "forum-9.html")[:3])
    assert sub.section is not None
    assert (sub.section.native_id, sub.section.title, sub.section.parent_native_id) == (
        "9",
        "Seeds & Bulbs",
        "3",
    )
    assert sub.subsections == ()
    locked = PARSER.parse_listing(*capture("spirit", "forum-5.html")[:3]).threads[0]
    assert (locked.native_id, locked.locked) == ("19", True)


@pytest.mark.parametrize(
    ("file", "kind"),
    [
        ("forum-3.html", PageKind.LISTING),
        ("forum-9-p2.html", PageKind.LISTING),
        ("topic-2-p3.html", PageKind.THREAD),
    ],
)
def test_page_kinds(file: str, kind: PageKind) -> None:
    page = capture("spirit", file)
    assert PARSER.page_kind(page.html, page.url) is kind
