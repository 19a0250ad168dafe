"""Post bodies read by forumwatch.parse.content: the one-text-node shortcut reads as the walk."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from forumwatch.parse.base import Page, first_match, node_text
from forumwatch.parse.content import Content, read_content
from forumwatch.parse.phpbb import PHPBB_SELECTORS

CAPTURED = datetime(2026, 11, 25, tzinfo=UTC)


def _read(body: str) -> Content:
    page = Page(
        f"<html><body><div class='content'>{body}</div></body></html>", "http://f.test/", CAPTURED
    )
    node = first_match(page.tree.root, "div.content")
    assert node is not None
    return read_content(page, node, PHPBB_SELECTORS.content)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n  ",
        "Seeds  from\n  www.example.org/seeds and www.example.org/seeds again.",
        "See https://a.example.com/x, then https://a.example.com/x.",
        "Plain words about tomatoes.",
    ],
)
def test_one_text_node_reads_as_the_walk(text: str) -> None:
    # An empty element beside the text makes the reader walk the body.
    walked = _read(text + "<span></span>")
    assert _read(text) == walked
    assert len(set(walked.links)) == len(walked.links)


def test_node_text_reads_elements_without_comments() -> None:
    page = Page(
        "<p id='x'> a<!-- note -->b <b>c\n d</b><template>t</template></p>",
        "http://f.test/",
        CAPTURED,
    )
    node = first_match(page.tree.root, "p")
    assert node is not None and node.first_child is not None
    assert node_text(node) == "ab c d"
    comment = node.first_child.next
    assert comment is not None and comment.is_comment_node
    assert node_text(comment) == ""
