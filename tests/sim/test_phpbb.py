"""phpBB rendering: structure like the real captures, visibility, pagination, sessions, dates."""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from selectolax.lexbor import LexborHTMLParser, LexborNode

from forumwatch.models import Post
from forumwatch.sim import World
from forumwatch.sim.generate import F_EDITED
from forumwatch.sim.phpbb import PhpbbRenderer, apply_session, request_sid

from .conftest import END

CAPTURES = Path(__file__).parents[1] / "fixtures" / "engines" / "phpbb"
BASE = "http://127.0.0.1:8000/"
_NOW = int(END.timestamp())
# Classes that only appear with particular content (emoji, code boxes, coloured admin names).
_CONTENT_SPECIFIC = {"img.emoji", "img.smilies", "div.codebox", "a.username-coloured", "div.online"}


@cache
def _renderer(world: World, site: str) -> PhpbbRenderer:
    return PhpbbRenderer(world.site(site))


def _page(
    world: World, target: str, now: int = _NOW, site: str = "harbour", sid: str | None = None
) -> str:
    status, page = _renderer(world, site).render(target, now, BASE)
    assert status == 200, target
    return apply_session(page, sid).decode()


def _signature(html: str) -> set[str]:
    out = set()
    tree = LexborHTMLParser(html)
    for node in tree.css("[class]"):
        for name in (node.attributes.get("class") or "").split():
            out.add(f"{node.tag}.{name}")
    for node in tree.css("[id]"):
        ident = node.attributes.get("id") or ""
        if not any(char.isdigit() for char in ident):
            out.add(f"{node.tag}#{ident}")
    return out


@pytest.mark.parametrize(
    ("capture", "targets"),
    [
        ("index-0.html", ["/"]),
        ("forum-6.html", ["/viewforum.php?f=11", "/viewforum.php?f=2"]),
        ("forum-10.html", ["/viewforum.php?f=2"]),
        ("forum-12-p2.html", ["/viewforum.php?f=11&start=25"]),
        ("topic-3.html", [f"/viewtopic.php?t={topic}" for topic in range(20, 60)]),
        ("topic-17.html", [f"/viewtopic.php?t={topic}" for topic in range(20, 60)]),
        ("topic-20.html", [f"/viewtopic.php?t={topic}" for topic in range(20, 60)]),
    ],
)
def test_pages_carry_the_structure_of_real_captures(
    small_world: World, capture: str, targets: list[str]
) -> None:
    expected = _signature((CAPTURES / capture).read_text("utf-8")) - _CONTENT_SPECIFIC
    found: set[str] = set()
    for target in targets:
        found |= _signature(_page(small_world, target, sid="a" * 32))
    assert expected - found == set()


def _content_text(node: LexborNode) -> str:
    html = node.html or ""
    fragment = LexborHTMLParser(html).css_first("div.content")
    assert fragment is not None
    for quote in fragment.css("blockquote"):
        if quote.parent is not None and quote.parent.tag == "div" and quote.parent == fragment:
            quote.decompose()
    return " ".join(fragment.text(deep=True).split())


def _read_posts(html: str) -> list[dict[str, Any]]:
    """A minimal reader of phpBB posts following the fixture manifest conventions."""
    posts: list[dict[str, Any]] = []
    for node in LexborHTMLParser(html).css("div.post"):
        author = node.css_first("p.author a.username, p.author a.username-coloured")
        time = node.css_first("p.author time")
        content = node.css_first("div.content")
        assert author is not None and time is not None and content is not None
        hrefs = [
            link.attributes.get("href")
            for link in content.css("a.postlink")
            if not any(parent.tag == "blockquote" for parent in _ancestors(link, content))
        ]
        quotes = []
        for quote in content.css("blockquote"):
            cite = quote.css_first("cite a[data-post-id]")
            quotes.append(cite.attributes.get("data-post-id") if cite is not None else None)
        posts.append(
            {
                "id": (node.attributes.get("id") or "")[1:],
                "author": author.text(),
                "time": time.attributes.get("datetime"),
                "title": (node.css_first("h3 a") or node).text(),
                "text": _content_text(node),
                "hrefs": hrefs,
                "quoted": quotes,
                "edited": node.css_first("div.notice") is not None,
                "signature": node.css_first("div.signature") is not None,
            }
        )
    return posts


def _ancestors(node: LexborNode, stop: LexborNode) -> list[LexborNode]:
    out = []
    parent = node.parent
    while parent is not None and parent != stop:
        out.append(parent)
        parent = parent.parent
    return out


def _expected(world: World, site: str, until: datetime) -> dict[str, Post]:
    return {record.post.native_id: record.post for record in world.iter_posts(site, until=until)}


@pytest.mark.parametrize("site", ["harbour", "lantern", "birch"])
def test_topic_pages_read_back_as_the_generated_posts(small_world: World, site: str) -> None:
    expected = _expected(small_world, site, END)
    seen = quotes = links = edits = 0
    for topic in range(1, 120):
        for post in _read_posts(_page(small_world, f"/viewtopic.php?t={topic}", site=site)):
            truth = expected[str(post["id"])]
            assert post["author"] == truth.author.handle if truth.author else False
            assert truth.posted_at is not None and post["time"] == truth.posted_at.isoformat()
            assert post["title"] == truth.title
            assert post["text"] == " ".join(truth.text.split())
            assert all(href in truth.links for href in post["hrefs"])
            assert post["quoted"] == [quote.post_native_id for quote in truth.quotes]
            assert post["edited"] == (truth.edit is not None)
            seen += 1
            quotes += bool(truth.quotes)
            links += bool(post["hrefs"])
            edits += bool(post["edited"])
    assert seen > 500 and quotes > 20 and links > 20 and edits > 10


def test_visibility_follows_the_clock(small_world: World) -> None:
    site = small_world.site("harbour")
    thread = max(range(40, 400), key=lambda item: len(site.data.thread_posts[item]))
    posts = site.data.thread_posts[thread]
    middle = site.data.post_time[posts[5]]
    shown = _read_posts(_page(small_world, f"/viewtopic.php?t={thread + 1}", now=middle))
    assert [post["id"] for post in shown] == [str(index + 1) for index in posts[:6]]
    before = site.data.post_time[posts[0]] - 1
    status, _ = _renderer(small_world, "harbour").render(
        f"/viewtopic.php?t={thread + 1}", before, BASE
    )
    assert status == 404
    status, _ = _renderer(small_world, "harbour").render(
        f"/viewtopic.php?p={posts[6] + 1}", middle, BASE
    )
    assert status == 404
    index = LexborHTMLParser(_page(small_world, "/", now=middle))
    block = index.css_first("div.statistics p")
    assert block is not None
    statistics = block.text()
    assert f"Total posts {site.visible_posts(middle)} " in " ".join(statistics.split())


def test_edits_appear_only_after_they_are_made(small_world: World) -> None:
    site = small_world.site("harbour")
    data = site.data
    for index in range(len(data.post_time)):
        if not data.post_flags[index] & F_EDITED:
            continue
        content = site.post_content(index)
        posted = data.post_time[index]
        if content.edit_at(posted) - posted > 86_400:
            break
    thread = data.post_thread[index]
    target = f"/viewtopic.php?p={index + 1}"
    early = {p["id"]: p for p in _read_posts(_page(small_world, target, now=posted + 60))}
    late = {
        p["id"]: p for p in _read_posts(_page(small_world, target, now=content.edit_at(posted)))
    }
    post_id = str(index + 1)
    assert not early[post_id]["edited"] and late[post_id]["edited"]
    assert early[post_id]["text"] != late[post_id]["text"]
    assert thread == data.post_thread[index]


def test_pagination_is_consistent(small_world: World) -> None:
    site = small_world.site("harbour")
    visible = site.visible_posts(_NOW)
    thread = max(range(site.thread_count), key=lambda item: len(site.data.thread_posts[item]))
    count = site.thread_visible_posts(thread, visible)
    pages = -(-count // 10)
    first = LexborHTMLParser(_page(small_world, f"/viewtopic.php?t={thread + 1}"))
    numbers = [
        int(node.text())
        for node in first.css("div.pagination li a.button")
        if node.text().isdigit()
    ]
    assert max(numbers) == pages
    ids: list[str] = []
    for page in range(pages):
        posts = _read_posts(_page(small_world, f"/viewtopic.php?t={thread + 1}&start={page * 10}"))
        assert len(posts) == (10 if page < pages - 1 else count - 10 * (pages - 1))
        ids += [str(post["id"]) for post in posts]
    assert ids == [str(index + 1) for index in site.data.thread_posts[thread][:count]]
    listed: list[str] = []
    _, threads = site.listing(2, visible)
    for start in range(0, len(threads), 25):
        tree = LexborHTMLParser(_page(small_world, f"/viewforum.php?f=2&start={start}"))
        rows = tree.css("ul.topics li.row a.topictitle")
        assert 0 < len(rows) <= 25
        listed += [re.sub(r".*t=(\d+).*", r"\1", row.attributes.get("href") or "") for row in rows]
    assert listed == [str(thread + 1) for thread in threads] and len(set(listed)) == len(listed)


def test_sessions_and_links_stay_on_the_site(small_world: World) -> None:
    with_sid = _page(small_world, "/viewtopic.php?t=30", sid="f" * 32)
    assert "sid=" + "f" * 32 in with_sid and 'name="sid" value="' in with_sid
    without = _page(small_world, "/viewtopic.php?t=30", sid=None)
    assert "sid=" not in without
    assert request_sid("/viewtopic.php?t=3&sid=" + "e" * 32) == "e" * 32
    assert request_sid("/viewtopic.php?t=3&sid=nothex") is None
    for target in ("/", "/viewforum.php?f=11", "/viewtopic.php?t=30", "/viewforum.php?f=1"):
        tree = LexborHTMLParser(_page(small_world, target, sid="f" * 32))
        root = tree.root
        assert root is not None
        for link in tree.css("a[href]"):
            classes = [
                (parent.attributes.get("class") or "").split() for parent in _ancestors(link, root)
            ]
            if any("content" in names or "signature" in names for names in classes):
                continue
            href = link.attributes.get("href") or ""
            assert href.startswith(("./", "/", "#")) and not href.startswith("//"), href


def test_dates_follow_each_board(small_world: World) -> None:
    late = small_world.site("harbour").data.post_time[-1]
    harbour = _page(small_world, "/", now=late + 600)
    assert "10 minutes ago" in harbour and "Today, " in harbour
    birch = _page(small_world, "/", site="birch", now=_NOW)
    assert "Список форумов" in birch and "Сегодня, " in birch
    assert re.search(
        r">\d{1,2} (января|февраля|марта|апреля|мая|июня) 20(19|20), \d\d:\d\d<", birch
    )
    lantern = _page(small_world, "/viewforum.php?f=2", site="lantern", now=_NOW)
    assert re.search(
        r">(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} \d\d, 2020 \d\d:\d\d</time>", lantern
    )
    assert "UTC+02:00" in lantern and "Today" not in lantern


def test_unknown_pages_are_not_found(small_world: World) -> None:
    renderer = _renderer(small_world, "harbour")
    assert renderer.render("/styles/prosilver/theme/stylesheet.css", _NOW, BASE) == (404, "")
    assert renderer.render("/viewforum.php?f=999", _NOW, BASE)[0] == 404
    assert renderer.render("/viewtopic.php?t=abc", _NOW, BASE)[0] == 404
