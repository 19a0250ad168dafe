"""What the django-machina parser returns beyond the manifest fields."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from forumwatch.models import PageKind
from forumwatch.parse import get_parser
from forumwatch.parse.machina import MACHINA_SELECTORS
from forumwatch.parse.selectors import validate
from tests.parse.captures import capture

BASE = "http://127.0.0.1:8082/"
PARSER = get_parser("machina", timezone="Europe/Berlin")


def test_selectors_compile() -> None:
    validate(MACHINA_SELECTORS)


def test_thread_page_ids_titles_and_edit() -> None:
    page = capture("machina", "topic-3.html")
    parsed = PARSER.parse_thread(*page[:3])
    thread = parsed.thread
    assert (thread.native_id, thread.section_native_id) == ("3", "4")
    assert thread.tags == ("Original",)
    assert (
        thread.url
        == BASE + "forum/gardening-4/topic/original-my-tomato-planting-calendar-for-2020-3/"
    )
    first = parsed.posts[0]
    assert first.title == "[Original] My tomato planting calendar for 2020"  # without the "¶" link
    assert first.author is not None
    assert (first.author.native_id, first.author.profile_url) == ("2", BASE + "member/profile/2/")
    assert first.edit is not None
    assert first.edit.by == "alice_gardener"
    assert first.edit.at == datetime(2020, 3, 15, 18, 20, tzinfo=UTC)  # 7:20 p.m. in Berlin
    assert first.edit.reason == "fixed the spreadsheet link"


def test_bold_wrote_line_names_the_quote_author() -> None:
    page = capture("machina", "topic-3.html")
    post = next(p for p in PARSER.parse_thread(*page[:3]).posts if p.native_id == "14")
    assert [(q.depth, q.author, q.text) for q in post.quotes] == [
        (1, "bob_striker", "I always plant out too early."),
        (2, "alice_gardener", "plant out after the last frost."),
    ]
    assert post.text == "Same here. A cheap fleece cover saved mine in May."


def test_quote_without_a_wrote_line_has_no_author() -> None:
    page = capture("machina", "topic-3.html")
    html = page.html.replace("<strong>alice_gardener wrote:</strong><br />", "", 1)
    post = next(
        p
        for p in PARSER.parse_thread(html, page.url, page.captured_at).posts
        if p.native_id == "11"
    )
    assert post.quotes[0].author is None
    assert post.quotes[0].text.startswith("sow indoors")


def test_django_times_noon_and_the_board_timezone() -> None:
    page = capture("machina", "topic-5.html")
    post = PARSER.parse_thread(*page[:3]).posts[0]
    assert post.posted_at == datetime(2020, 4, 3, 10, 0, tzinfo=UTC)  # "noon" in Berlin (CEST)
    as_utc = get_parser("machina").parse_thread(*page[:3]).posts[0]
    assert as_utc.posted_at == datetime(2020, 4, 3, 12, 0, tzinfo=UTC)


def test_code_blocks_keep_their_lines() -> None:
    page = capture("machina", "topic-16.html")
    post = PARSER.parse_thread(*page[:3]).posts[0]
    assert post.text.endswith(
        "import sys\n\ndef main():\n    print('hello', sys.argv[1:])\n\nmain()"
    )


def test_listing_section_parent_flags_and_pagination() -> None:
    page = capture("machina", "forum-10.html")
    listing = PARSER.parse_listing(*page[:3])
    assert listing.section is not None
    assert (listing.section.native_id, listing.section.parent_native_id) == ("10", "4")
    assert listing.section.title == "Seeds & Bulbs"
    assert (listing.pagination.page, listing.pagination.pages) == (1, 2)
    assert listing.pagination.page_urls[1] == BASE + "forum/seeds-bulbs-10/?page=2"
    locked = PARSER.parse_listing(*capture("machina", "forum-6.html")[:3]).threads[0]
    assert (locked.native_id, locked.locked, locked.sticky) == ("19", True, False)


def test_index_categories_forums_and_subforums() -> None:
    index = PARSER.parse_index(*capture("machina", "index-0.html")[:3])
    sections = {section.native_id: section for section in index.sections}
    assert sections["1"].title == "Outdoors"
    assert sections["4"].parent_native_id == "1"
    assert sections["10"].parent_native_id == "4"
    assert (sections["4"].thread_count, sections["4"].post_count) == (12, 46)


@pytest.mark.parametrize(
    ("file", "kind"),
    [
        ("index-0.html", PageKind.INDEX),
        ("forum-4.html", PageKind.LISTING),
        ("topic-2-p3.html", PageKind.THREAD),
        ("member-2.html", PageKind.OTHER),
    ],
)
def test_page_kinds(file: str, kind: PageKind) -> None:
    page = capture("machina", file)
    assert PARSER.page_kind(page.html, page.url) is kind
