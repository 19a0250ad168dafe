"""phpBB 3.x with the prosilver style (and styles derived from it).

Structure, not words: every field is found by prosilver's classes and ids, so boards in any
language pack parse the same way. Notes on the engine:

* guests without cookies get ``sid=`` session ids on every link; crawl links drop them;
* ``<time datetime>`` (phpBB 3.2+) gives exact UTC times; older pages show only the board's
  local time in the author line, read with the board's timezone and date formats;
* page links count posts/topics (``start=20``); all page URLs are computed from the page size;
* "Last edited by" and "Last bumped by" notices share a class; a bump notice starts with
  ``<br>`` and is ignored;
* thread prefixes are written into titles (``[Original] ...``) and read as tags.
"""

from __future__ import annotations

import re
from typing import ClassVar

from selectolax.lexbor import LexborNode

from forumwatch.models import PageKind
from forumwatch.parse.base import all_matches, first_match, node_text
from forumwatch.parse.board import BoardParser, PostNodes
from forumwatch.parse.selectors import (
    BoardSelectors,
    ContentSelectors,
    ListingSelectors,
    PageSelectors,
    Pick,
    PostSelectors,
    SectionSelectors,
)

_USERNAME = ".username, .username-coloured"
PHPBB_SELECTORS = BoardSelectors(
    page=PageSelectors(
        kind_rules=(
            (PageKind.THREAD, "body.section-viewtopic"),
            (PageKind.LISTING, "body.section-viewforum"),
            (PageKind.INDEX, "body.section-index"),
            (PageKind.THREAD, "div.post div.postbody"),
            (PageKind.LISTING, "ul.topiclist.topics"),
            (PageKind.INDEX, "ul.topiclist.forums"),
        ),
        kind_url_rules=(
            (PageKind.THREAD, r"viewtopic\.php"),
            (PageKind.LISTING, r"viewforum\.php"),
            (PageKind.INDEX, r"(?:index\.php|/)(?:\?|$)"),
        ),
        board_title="#site-description h1, .site-description h1",
        timezone="#nav-footer li.rightside span[title], .nav-footer span[title]",
        breadcrumbs="#nav-breadcrumbs, .navlinks",
        breadcrumb_links=".crumb",
        breadcrumb_id=(Pick(None, "data-forum-id", r"^(\d+)$"), Pick("a", "href", r"[?&]f=(\d+)")),
        section_id=Pick(None, "href", r"[?&]f=(\d+)"),
        thread_link="h2.topic-title a",
        thread_id=Pick(None, "href", r"[?&]t=(\d+)"),
        post_id_in_url=Pick(None, "href", r"[?&]p=(\d+)"),
        user_id=Pick(None, "href", r"[?&]u=(\d+)"),
        toolbar=".action-bar",
        thread_locked=".button i.fa-lock",
        pagination=".pagination",
        pagination_current="li.active",
        pagination_links="li a",
        pagination_fallback_numbers="strong",
        item_count=".pagination",
        page_param="start",
        page_param_is_offset=True,
        drop_params=("sid",),
    ),
    post=PostSelectors(
        container="div.post",
        native_id=Pick(None, "id", r"^p(\d+)$"),
        native_id_fallback=Pick(".postbody h3 a", "href", r"[?&]p=(\d+)"),
        author=".postprofile .username, .postprofile .username-coloured",
        author_fallback="p.author strong, dl.postprofile dt",
        time="p.author time",
        time_fallback="p.author",
        title=".postbody h3",
        content="div.content",
        edit_notice="div.notice",
        edit_by=_USERNAME,
        edit_reason="em",
    ),
    content=ContentSelectors(
        quote="blockquote",
        quote_cite="cite",
        quote_author=Pick("a[href*='mode=viewprofile']"),
        quote_cite_noise=".responsive-hide, a[data-post-id]",
        quote_post_id=Pick("a[data-post-id]", "data-post-id"),
        quote_post_id_fallback=Pick(None, "cite", r"[?&]p=(\d+)"),
        excluded="cite, .codebox > p, div.signature, dl.attachbox > dt",
        emoji="img.smilies, img.emoji",
        images="img.postimage",
        engine_links="a.mention",
        wrote_phrases=(
            " wrote:",
            " hat geschrieben:",
            " schrieb:",
            " писал(а):",
            " написал(а):",
            " писал:",
            " написал:",
            " escribió:",
            " schreef:",
            " yazdı:",
            " a écrit :",
            " a écrit:",
            " ha scritto:",
            " escreveu:",
            " napisał(a):",
            " napisał:",
        ),
    ),
    listing=ListingSelectors(
        section_link="h2.forum-title a",
        row="ul.topiclist.topics > li.row",
        link="a.topictitle",
        author=".topic-poster .username, .topic-poster .username-coloured",
        first_post_time=".topic-poster time",
        replies="dd.posts",
        last_post_time="dd.lastpost time",
        sticky=(
            "li.sticky, li.announce, li.global-announce, "
            "dl[class*='sticky_'], dl[class*='announce_']"
        ),
        locked="dl[class*='_locked']",
    ),
    sections=SectionSelectors(
        group="div.forabg",
        group_link="li.header dt a",
        row="ul.topiclist.forums > li.row",
        link="a.forumtitle",
        thread_count="dd.topics",
        post_count="dd.posts",
        last_post_time="dd.lastpost time",
        subsection_link="a.subforum",
    ),
)

# (substring of the raw page, weight): enough of them together make a confident detection.
_SIGNALS: tuple[tuple[str, float], ...] = (
    ('id="phpbb"', 0.35),
    ("styles/prosilver/", 0.15),
    ("phpBB style name:", 0.1),
    ('href="https://www.phpbb.com/"', 0.15),
    ("forum_fn.js", 0.1),
    ('class="postprofile"', 0.1),
    ('class="topiclist', 0.1),
    ('class="forabg"', 0.05),
    ('class="forumbg', 0.05),
    ('class="crumb"', 0.05),
)
_URL_SIGNAL = re.compile(r"(?:viewtopic|viewforum|memberlist|ucp)\.php")
_SID = re.compile(r"[?&](?:amp;)?sid=[0-9a-f]{32}\b")


class PhpbbParser(BoardParser):
    """phpBB 3.x, prosilver style."""

    name: ClassVar[str] = "phpbb"
    selectors: ClassVar[BoardSelectors] = PHPBB_SELECTORS

    def detect(self, html: str, url: str) -> float:
        """Score phpBB markers in the raw page (no parse): body id, style, classes, links."""
        if not isinstance(html, str):
            return 0.0
        score = sum(weight for marker, weight in _SIGNALS if marker in html)
        if _URL_SIGNAL.search(url) or _URL_SIGNAL.search(html[:200_000]):
            score += 0.1
        if _SID.search(html[:200_000]):
            score += 0.05
        return round(min(1.0, float(score)), 3)

    def _edit_notice(self, post: PostNodes) -> LexborNode | None:
        configured = self.selectors.post.edit_notice
        selector = configured or "div.notice"
        notice = post.edit_notice if configured else first_match(post.node, selector)
        if notice is None or not _starts_with_break(notice):
            return notice
        for notice in all_matches(post.node, selector):
            if not _starts_with_break(notice):  # "Last bumped by ..." starts with a break
                return notice
        return None

    def _fallback_time_text(self, node: LexborNode) -> str:
        # phpBB 3.0/3.1: "by <name> » Sun Mar 15, 2020 9:11 pm"
        return node_text(node).rsplit("»", 1)[-1]


def _starts_with_break(node: LexborNode) -> bool:
    first = next(node.iter(include_text=True, skip_empty=True), None)
    return first is not None and first.tag == "br"
