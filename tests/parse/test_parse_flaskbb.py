"""What the FlaskBB parser returns beyond the manifest fields."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from forumwatch.models import PageKind
from forumwatch.parse import get_parser
from forumwatch.parse.flaskbb import FLASKBB_SELECTORS
from forumwatch.parse.selectors import validate
from tests.parse.captures import capture

BASE = "http://127.0.0.1:8084/"
PARSER = get_parser("flaskbb")


def test_selectors_compile() -> None:
    validate(FLASKBB_SELECTORS)


def test_thread_page_ids_quotes_and_edit() -> None:
    page = capture("flaskbb", "topic-3.html")
    parsed = PARSER.parse_thread(*page[:3])
    thread = parsed.thread
    assert (thread.native_id, thread.section_native_id) == ("3", "1")
    assert thread.url == BASE + "topic/3-original-my-tomato-planting-calendar-for-2020"
    first, second = parsed.posts[:2]
    assert first.author is not None
    assert (first.author.native_id, first.author.profile_url) == (
        "alice_gardener",
        BASE + "user/alice_gardener",
    )
    assert first.edit is not None
    assert (first.edit.by, first.edit.at) == (
        "alice_gardener",
        datetime(2020, 3, 15, 18, 20, tzinfo=UTC),
    )
    quote = second.quotes[0]
    assert (quote.author, quote.post_native_id) == ("alice_gardener", "10")
    assert "Show full quote" not in second.text + quote.text
    assert [post.position for post in parsed.posts] == [1, 2, 3, 4, 5, 6]


def test_categories_have_their_own_ids() -> None:
    index = PARSER.parse_index(*capture("flaskbb", "index-0.html")[:3])
    sections = {section.native_id: section for section in index.sections}
    assert (sections["c1"].title, sections["c1"].parent_native_id) == ("Outdoors", None)
    assert (sections["1"].title, sections["1"].parent_native_id) == ("Gardening", "c1")
    assert (sections["1"].thread_count, sections["1"].post_count) == (2, 29)
    assert sections["c1"].url == BASE + "category/1-outdoors"
    listing = PARSER.parse_listing(*capture("flaskbb", "forum-4.html")[:3])
    assert listing.section is not None
    assert (listing.section.native_id, listing.section.parent_native_id) == ("4", "c2")


def test_listing_counts_replies_not_posts_and_reads_flags() -> None:
    listing = PARSER.parse_listing(*capture("flaskbb", "forum-4.html")[:3])
    threads = {thread.native_id: thread for thread in listing.threads}
    assert (threads["19"].replies, threads["19"].locked) == (3, True)
    assert threads["19"].author == "ivan_pogoda"
    sticky = PARSER.parse_listing(*capture("flaskbb", "forum-6.html")[:3]).threads[0]
    assert (sticky.native_id, sticky.sticky) == ("1", True)


def test_relative_list_times_are_read_against_the_capture() -> None:
    page = capture("flaskbb", "forum-3.html")
    thread = next(t for t in PARSER.parse_listing(*page[:3]).threads if t.native_id == "20")
    assert thread.last_post_at == datetime(2026, 11, 25, 2, 41, 10, tzinfo=UTC)  # 17 minutes ago
    older = next(t for t in PARSER.parse_listing(*page[:3]).threads if t.native_id == "17")
    assert older.last_post_at is None  # "6 years ago" would move at every crawl


def test_pagination_of_a_long_topic() -> None:
    page = capture("flaskbb", "topic-2-p2.html")
    pagination = PARSER.parse_thread(*page[:3]).pagination
    assert (pagination.page, pagination.pages) == (2, 3)
    assert pagination.page_urls[0] == BASE + "topic/2-compost-diary-2020-long-thread"


@pytest.mark.parametrize(
    ("file", "kind"),
    [
        ("index-0.html", PageKind.INDEX),
        ("forum-2-p2.html", PageKind.LISTING),
        ("topic-2-p3.html", PageKind.THREAD),
        ("member-2.html", PageKind.OTHER),
    ],
)
def test_page_kinds(file: str, kind: PageKind) -> None:
    page = capture("flaskbb", file)
    assert PARSER.page_kind(page.html, page.url) is kind
