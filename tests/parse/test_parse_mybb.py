"""What the MyBB parser returns beyond the manifest fields: ids, URLs, prefixes, dates, guests."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from forumwatch.models import PageKind
from forumwatch.parse import get_parser
from forumwatch.parse.mybb import MYBB_SELECTORS
from forumwatch.parse.selectors import validate
from tests.parse.captures import capture

BASE = "http://127.0.0.1:8086/"
PARSER = get_parser("mybb")


def test_selectors_compile() -> None:
    validate(MYBB_SELECTORS)


def test_thread_page_ids_urls_and_prefix() -> None:
    page = capture("mybb", "topic-3.html")
    parsed = PARSER.parse_thread(page.html, page.url, page.captured_at)
    thread = parsed.thread
    assert (thread.native_id, thread.section_native_id) == ("3", "4")
    assert thread.title == "My tomato planting calendar for 2020"
    assert thread.tags == ("Original",)
    assert thread.url == BASE + "showthread.php?tid=3"
    assert thread.replies is None  # MyBB shows no post count above the posts
    first = parsed.posts[0]
    assert first.author is not None
    assert (first.author.handle, first.author.native_id) == ("alice_gardener", "2")
    assert first.author.profile_url == BASE + "member.php?action=profile&uid=2"
    assert [post.position for post in parsed.posts] == [1, 2, 3, 4, 5, 6]
    assert first.edit is not None
    assert first.edit.reason == "fixed the spreadsheet link"


def test_quotes_carry_author_and_quoted_post_as_a_chain() -> None:
    page = capture("mybb", "topic-16.html")
    post = next(p for p in PARSER.parse_thread(*page[:3]).posts if p.native_id == "54")
    assert [(q.depth, q.author, q.post_native_id) for q in post.quotes] == [
        (1, "carol_coder", "53"),
        (2, "bob_striker", "51"),
    ]
    assert "Go gives you" not in post.text
    assert post.quotes[0].text == "True, but for quick scripts Python wins."


def test_quote_without_author() -> None:
    page = capture("mybb", "topic-4.html")
    html = page.html.replace(
        "<cite><span> (03-29-2020, 09:40 AM)</span>greta_wetter Wrote:", "<cite>Zitat:"
    )
    post = next(p for p in PARSER.parse_thread(html, page.url, page.captured_at).posts if p.quotes)
    assert post.quotes[0].author is None
    assert post.quotes[0].post_native_id == "18"


def test_relative_times_read_their_exact_title() -> None:
    page = capture("mybb", "topic-20.html")
    posts = {post.native_id: post for post in PARSER.parse_thread(*page[:3]).posts}
    # "Yesterday, 02:50 AM" (title: the date), "2 hours ago" and "17 minutes ago" (title: both)
    assert posts["82"].posted_at == datetime(2026, 11, 24, 2, 50, tzinfo=UTC)
    assert posts["83"].posted_at == datetime(2026, 11, 25, 0, 20, tzinfo=UTC)
    assert posts["84"].posted_at == datetime(2026, 11, 25, 2, 33, tzinfo=UTC)


def test_month_first_dates_by_default_and_board_formats_when_configured() -> None:
    page = capture("mybb", "topic-1.html")
    assert PARSER.parse_thread(*page[:3]).posts[0].posted_at == datetime(2020, 1, 6, 9, tzinfo=UTC)
    day_first = get_parser("mybb", date_formats=("d-m-Y, H:i", "d-m-Y"))
    html = page.html.replace("01-06-2020, 09:00 AM", "06-01-2020, 09:00")
    assert day_first.parse_thread(html, page.url, page.captured_at).posts[0].posted_at == (
        datetime(2020, 1, 6, 9, tzinfo=UTC)
    )


def test_guest_posts_have_a_name_without_profile() -> None:
    page = capture("mybb", "topic-1.html")
    html = page.html.replace(
        '<a href="http://127.0.0.1:8086/member.php?action=profile&amp;uid=2">alice_gardener</a>',
        "Visitor",
        1,
    )
    post = PARSER.parse_thread(html, page.url, page.captured_at).posts[1]
    assert post.author is not None
    assert (post.author.handle, post.author.native_id, post.author.profile_url) == (
        "Visitor",
        None,
        None,
    )


def test_listing_rows_prefixes_flags_and_pagination() -> None:
    page = capture("mybb", "forum-10.html")
    listing = PARSER.parse_listing(*page[:3])
    assert listing.section is not None
    assert (listing.section.native_id, listing.section.parent_native_id) == ("10", "4")
    request = next(t for t in listing.threads if t.native_id == "9")
    assert request.tags == ("Request",)
    assert request.url == BASE + "showthread.php?tid=9"
    assert listing.pagination.page_urls == (
        BASE + "forumdisplay.php?fid=10",
        BASE + "forumdisplay.php?fid=10&page=2",
    )
    sticky = PARSER.parse_listing(*capture("mybb", "forum-8.html")[:3]).threads[0]
    assert (sticky.native_id, sticky.sticky, sticky.locked) == ("1", True, False)


def test_index_sections_counts_and_subforums() -> None:
    page = capture("mybb", "index-0.html")
    index = PARSER.parse_index(*page[:3])
    sections = {section.native_id: section for section in index.sections}
    assert sections["1"].parent_native_id is None
    assert (sections["4"].parent_native_id, sections["4"].thread_count) == ("1", 12)
    assert sections["10"].parent_native_id == "4"
    assert sections["5"].last_post_at == datetime(2026, 11, 25, 2, 33, tzinfo=UTC)


@pytest.mark.parametrize(
    ("file", "kind"),
    [
        ("index-0.html", PageKind.INDEX),
        ("forum-4.html", PageKind.LISTING),
        ("topic-2-p2.html", PageKind.THREAD),
        ("member-2.html", PageKind.OTHER),
    ],
)
def test_page_kinds(file: str, kind: PageKind) -> None:
    page = capture("mybb", file)
    assert PARSER.page_kind(page.html, page.url) is kind


def test_search_engine_friendly_urls() -> None:
    page = capture("mybb", "topic-2-p2.html")
    html = page.html.replace("forumdisplay.php?fid=4", "forum-4.html")
    parsed = PARSER.parse_thread(html, BASE + "thread-2-page-2.html", page.captured_at)
    assert (parsed.thread.native_id, parsed.thread.section_native_id) == ("2", "4")
    assert PARSER.page_kind(html, BASE + "thread-2-page-2.html") is PageKind.THREAD
