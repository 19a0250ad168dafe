"""What the phpBB parser returns beyond the manifest fields: ids, URLs, positions, pagination."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from forumwatch.models import PageKind
from forumwatch.parse import get_parser
from forumwatch.parse.phpbb import PHPBB_SELECTORS
from forumwatch.parse.selectors import validate
from tests.parse.parse_helpers import PHPBB

BASE = "http://127.0.0.1:8081/"
CAPTURED = datetime(2026, 11, 25, 2, 50, 24, tzinfo=UTC)
PARSER = get_parser("phpbb")


def _html(name: str) -> str:
    return (PHPBB / name).read_text(encoding="utf-8")


def test_thread_page() -> None:
    page = PARSER.parse_thread(_html("topic-4.html"), BASE + "viewtopic.php?t=4", CAPTURED)
    thread = page.thread
    assert thread.native_id == "4"
    assert thread.url == BASE + "viewtopic.php?t=4"
    assert thread.section_native_id == "6"
    assert thread.tags == ("Original",)
    assert thread.title == "[Original] My tomato planting calendar for 2020"
    assert thread.replies == 5
    assert thread.author == "alice_gardener"
    assert thread.first_post_at == datetime(2020, 3, 14, 9, 12, tzinfo=UTC)
    assert thread.last_post_at == datetime(2020, 5, 19, 8, 5, tzinfo=UTC)
    first = page.posts[0]
    assert first.author is not None
    assert first.author.native_id == "58"
    assert first.author.profile_url == BASE + "memberlist.php?mode=viewprofile&u=58"
    assert [post.position for post in page.posts] == [1, 2, 3, 4, 5, 6]
    assert all(post.thread_native_id == "4" for post in page.posts)
    assert page.problems == ()


def test_emoji_and_code_are_text() -> None:
    page = PARSER.parse_thread(_html("topic-17.html"), BASE + "viewtopic.php?t=17", CAPTURED)
    first = page.posts[0]
    assert "Select all" not in first.text
    assert "Code:" not in first.text
    assert "def main():\n    print('hello', sys.argv[1:])" in first.text
    page = PARSER.parse_thread(_html("topic-2.html"), BASE + "viewtopic.php?t=2", CAPTURED)
    assert page.posts[1].text == "Thanks for setting this up! 👍"


def test_bare_urls_follow_the_hrefs() -> None:
    page = PARSER.parse_thread(_html("topic-20.html"), BASE + "viewtopic.php?t=20", CAPTURED)
    post = next(post for post in page.posts if post.native_id == "73")
    assert post.links == (
        "https://up.examplecdn.org/f/ab12cd.zip",
        "http://files.example-host.net/b7/final_2019_half2.mkv",
    )
    assert page.thread.locked is True
    assert page.thread.tags == ("Request",)


def test_nested_quotes_in_document_order() -> None:
    page = PARSER.parse_thread(_html("topic-17.html"), BASE + "viewtopic.php?t=17", CAPTURED)
    post = next(post for post in page.posts if post.native_id == "55")
    assert [(q.depth, q.author, q.post_native_id) for q in post.quotes] == [
        (1, "carol_coder", "54"),
        (2, "bob_striker", "52"),
    ]
    assert post.quotes[0].text == "True, but for quick scripts Python wins."
    assert "wrote" not in post.text


def test_thread_pagination_lists_every_page() -> None:
    for name, url, page_number in (
        ("topic-3.html", "viewtopic.php?t=3", 1),
        ("topic-3-p2.html", "viewtopic.php?t=3&start=10", 2),
        ("topic-3-p3.html", "viewtopic.php?t=3&start=20", 3),
    ):
        page = PARSER.parse_thread(_html(name), BASE + url, CAPTURED)
        assert page.pagination.page == page_number
        assert page.pagination.pages == 3
        assert page.pagination.page_urls == (
            BASE + "viewtopic.php?t=3",
            BASE + "viewtopic.php?t=3&start=10",
            BASE + "viewtopic.php?t=3&start=20",
        )
        assert page.posts[0].position == (page_number - 1) * 10 + 1
        assert page.thread.url == BASE + "viewtopic.php?t=3"
    last = PARSER.parse_thread(
        _html("topic-3-p3.html"), BASE + "viewtopic.php?t=3&start=20", CAPTURED
    )
    assert last.thread.first_post_at is None  # not shown on the last page
    assert last.thread.last_post_at == datetime(2020, 8, 16, 8, 0, tzinfo=UTC)


def test_listing_page_two() -> None:
    page = PARSER.parse_listing(
        _html("forum-12-p2.html"), BASE + "viewforum.php?f=12&start=8", CAPTURED
    )
    assert page.section is not None
    assert (page.section.native_id, page.section.parent_native_id) == ("12", "6")
    assert page.section.url == BASE + "viewforum.php?f=12"
    assert page.section.thread_count == 10
    assert page.pagination.page == 2
    assert page.pagination.per_page == 8
    assert page.pagination.page_urls == (
        BASE + "viewforum.php?f=12",
        BASE + "viewforum.php?f=12&start=8",
    )
    assert [t.native_id for t in page.threads] == ["7", "6"]
    assert page.threads[0].url == BASE + "viewtopic.php?t=7"
    assert page.threads[0].section_native_id == "12"


def test_listing_flags_tags_and_subsections() -> None:
    page = PARSER.parse_listing(_html("forum-10.html"), BASE + "viewforum.php?f=10", CAPTURED)
    rules = next(t for t in page.threads if t.native_id == "2")
    assert rules.sticky and not rules.locked
    page = PARSER.parse_listing(_html("forum-6.html"), BASE + "viewforum.php?f=6", CAPTURED)
    assert [t.tags for t in page.threads] == [(), ("Original",)]
    (seeds,) = page.subsections
    assert (seeds.native_id, seeds.parent_native_id, seeds.thread_count, seeds.post_count) == (
        "12",
        "6",
        10,
        17,
    )
    assert seeds.description == "Swaps, requests and sowing tips"


def test_index_tree() -> None:
    page = PARSER.parse_index(_html("index-0.html"), BASE + "index.php", CAPTURED)
    tree = {s.native_id: s.parent_native_id for s in page.sections}
    assert tree == {
        "3": None, "6": "3", "12": "6", "7": "3",
        "4": None, "8": "4", "9": "4", "10": "4",
        "5": None, "11": "5",
    }  # fmt: skip
    assert page.title == "Green Thumbs Community"
    assert page.timezone == "UTC"
    gardening = next(s for s in page.sections if s.native_id == "6")
    assert gardening.description == "Vegetables, flowers and compost"
    assert gardening.url == BASE + "viewforum.php?f=6"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("index-0.html", PageKind.INDEX),
        ("forum-6.html", PageKind.LISTING),
        ("topic-3.html", PageKind.THREAD),
        ("member-58.html", PageKind.OTHER),
    ],
)
def test_page_kind(name: str, kind: PageKind) -> None:
    assert PARSER.page_kind(_html(name), BASE + name) == kind


def test_parse_dispatches_by_kind() -> None:
    assert type(PARSER.parse(_html("forum-6.html"), BASE, CAPTURED)).__name__ == "ListingPage"
    other = PARSER.parse(_html("member-58.html"), BASE + "memberlist.php?u=58", CAPTURED)
    assert any(problem.field == "page" for problem in other.problems)


def test_bump_notice_is_not_an_edit() -> None:
    html = _html("topic-5.html").replace(
        '<div class="content">Ganz normal.',
        '<div class="notice"><br /><br />Last bumped by <a class="username">x</a> on '
        'March 30th, 2020, 6:00 pm.</div><div class="content">Ganz normal.',
    )
    page = PARSER.parse_thread(html, BASE + "viewtopic.php?t=5", CAPTURED)
    post = next(post for post in page.posts if post.native_id == "19")
    assert post.edit is None


def test_guest_author_without_profile() -> None:
    html = _html("topic-9.html")
    start = html.index('<dl class="postprofile"')
    end = html.index("</dl>", start)
    html = (
        html[:start]
        + '<dl class="postprofile"><dt><span class="username">Visitor</span></dt>'
        + html[end:]
    )
    page = PARSER.parse_thread(html, BASE + "viewtopic.php?t=9", CAPTURED)
    author = page.posts[0].author
    assert author is not None
    assert (author.handle, author.native_id, author.profile_url) == ("Visitor", None, None)


def test_selectors_compile() -> None:
    validate(PHPBB_SELECTORS)


def test_index_warns_when_the_board_states_another_timezone() -> None:
    html = _html("index-0.html").replace(
        '<span title="UTC">UTC</span>', '<span title="Europe/Berlin">UTC+01:00</span>'
    )
    page = get_parser("phpbb").parse_index(html, BASE + "index.php", CAPTURED)
    assert page.timezone == "Europe/Berlin"
    assert [p.field for p in page.problems] == ["timezone"]
    berlin = get_parser("phpbb", timezone="Europe/Berlin").parse_index(html, BASE, CAPTURED)
    assert berlin.problems == ()
