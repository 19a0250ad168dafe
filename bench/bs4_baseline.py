"""The same post extraction as forumwatch's parsers, written the usual way with BeautifulSoup.

The benchmark's baseline: phpBB (prosilver) and MyBB (default theme) topic pages give, for each
post, its id, author, time, text without quotes and engine chrome, quotes (author, quoted post,
depth, text) and links (hrefs, then bare URLs found in the text). It follows the same
conventions as forumwatch.parse.content and reads dates with the same DateReader, so both sides
do the same work and their outputs can be compared (bench_parse checks that they agree).
BeautifulSoup is used with the lxml tree builder when lxml is installed, else html.parser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import Comment

from forumwatch.parse.dates import DateReader
from forumwatch.parse.text import absolute_url, find_bare_urls

try:
    import lxml  # noqa: F401

    TREE_BUILDER = "lxml"
except ImportError:  # pragma: no cover - lxml is in the dev extras
    TREE_BUILDER = "html.parser"

_BLOCKS = frozenset(
    (
        "address", "article", "aside", "blockquote", "caption", "center", "dd", "details",
        "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1",
        "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre",
        "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    )
)  # fmt: skip
_SKIPPED = frozenset(
    ("script", "style", "template", "noscript", "head", "title", "iframe", "object", "embed", "svg")
)
_WROTE = re.compile(r"\s+(?:wrote|hat geschrieben|schrieb|escribió|schreef|yazdı)\s*:?\s*$", re.I)


@dataclass(frozen=True)
class Rules:
    """Where one engine puts each field (CSS selectors for soupsieve)."""

    post: str
    post_id: re.Pattern[str]
    author: str
    time: str
    body: str
    quote: str
    cite: str
    excluded: str
    quote_post_link: str
    quote_post_id: re.Pattern[str]
    emoji: str


PHPBB = Rules(
    post="div.post",
    post_id=re.compile(r"^p(\d+)$"),
    author=".postprofile .username, .postprofile .username-coloured",
    time="p.author time",
    body="div.content",
    quote="blockquote",
    cite="cite",
    excluded="cite, .codebox > p, div.signature",
    quote_post_link="a[data-post-id]",
    quote_post_id=re.compile(r"^(\d+)$"),
    emoji="img.smilies, img.emoji",
)
MYBB = Rules(
    post="#posts div.post",
    post_id=re.compile(r"^post_(\d+)$"),
    author=".author_information .largetext a",
    time="span.post_date",
    body="div.post_body",
    quote="blockquote.mycode_quote",
    cite="cite",
    excluded="cite, div.codeblock > div.title, div.signature",
    quote_post_link="a.quick_jump",
    quote_post_id=re.compile(r"[?&]pid=(\d+)"),
    emoji="img.smilie",
)
RULES = {"phpbb": PHPBB, "mybb": MYBB}


@dataclass
class _Collected:
    depth: int
    author: str | None = None
    post_id: str | None = None
    lines: list[str] = field(default_factory=list)
    line: list[str] = field(default_factory=list)
    hrefs: list[str] = field(default_factory=list)
    unlinked: list[str] = field(default_factory=list)

    def brk(self) -> None:
        text = " ".join("".join(self.line).split())
        if text:
            self.lines.append(text)
        self.line.clear()
        self.unlinked.append("\n")

    def links(self) -> list[str]:
        links = list(self.hrefs)
        for url in find_bare_urls("".join(self.unlinked)):
            if url not in links:
                links.append(url)
        return links


def extract(engine: str, html: str, url: str, captured_at: datetime) -> list[dict[str, Any]]:
    """Posts of a topic page as dicts: id, author, time, text, quotes, links."""
    rules = RULES[engine]
    dates = DateReader("UTC", ("m-d-Y, h:i A", "m-d-Y") if engine == "mybb" else ())
    soup = BeautifulSoup(html, TREE_BUILDER)
    posts: list[dict[str, Any]] = []
    for node in soup.select(rules.post):
        found = rules.post_id.match(str(node.get("id") or ""))
        body = node.select_one(rules.body)
        if found is None or body is None:
            continue
        author = node.select_one(rules.author)
        time_node = node.select_one(rules.time)
        marked = {
            "excluded": {id(tag) for tag in body.select(rules.excluded)},
            "emoji": {id(tag) for tag in body.select(rules.emoji)},
            "quote": {id(tag) for tag in body.select(rules.quote)},
        }
        quotes: list[_Collected] = []
        root = _walk(body, rules, url, marked, quotes)
        posts.append(
            {
                "id": found.group(1),
                "author": author.get_text(" ", strip=True) if author is not None else None,
                "time": _time(time_node, dates, captured_at),
                "text": "\n".join(root.lines),
                "quotes": [
                    {
                        "depth": q.depth,
                        "author": q.author,
                        "post_id": q.post_id,
                        "text": "\n".join(q.lines),
                        "links": q.links(),
                    }
                    for q in quotes
                ],
                "links": root.links(),
            }
        )
    return posts


def _time(node: Tag | None, dates: DateReader, captured_at: datetime) -> datetime | None:
    if node is None:
        return None
    stamp = node.get("datetime")
    if isinstance(stamp, str):
        return dates.read_iso(stamp)
    parts: list[str] = []
    for child in node.children:
        if isinstance(child, Tag):
            title = child.get("title")
            if isinstance(title, str) and title:
                parts.append(title)
            elif "post_edit" not in (child.get("class") or []):
                parts.append(child.get_text(" "))
        elif isinstance(child, NavigableString) and not isinstance(child, Comment):
            parts.append(str(child))
    return dates.read(" ".join(" ".join(parts).split()), captured_at)


def _walk(
    body: Tag,
    rules: Rules,
    url: str,
    marked: dict[str, set[int]],
    quotes: list[_Collected],
) -> _Collected:
    root = _Collected(depth=0)
    excluded, emoji, quoted = marked["excluded"], marked["emoji"], marked["quote"]

    def visit(node: Tag, into: _Collected, in_link: bool) -> None:
        for child in node.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                into.line.append(str(child))
                into.unlinked.append("\n" if in_link else str(child))
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name
            if name in _SKIPPED or id(child) in excluded:
                if name in _BLOCKS:
                    into.brk()
            elif name == "br":
                into.brk()
            elif name == "img":
                if id(child) in emoji:
                    into.line.append(str(child.get("alt") or ""))
            elif name == "pre":
                into.brk()
                into.lines.extend(child.get_text().strip("\n").split("\n"))
            elif id(child) in quoted:
                into.brk()
                quote = _Collected(depth=into.depth + 1)
                quote.author, quote.post_id = _header(child, rules)
                quotes.append(quote)
                visit(child, quote, False)
                quote.brk()
                into.brk()
            elif name == "a":
                href = absolute_url(str(child.get("href") or "") or None, url)
                if href is not None:
                    into.hrefs.append(href)
                visit(child, into, True)
            else:
                if name in _BLOCKS:
                    into.brk()
                visit(child, into, in_link)
                if name in _BLOCKS:
                    into.brk()

    visit(body, root, False)
    root.brk()
    return root


def _header(quote: Tag, rules: Rules) -> tuple[str | None, str | None]:
    cite = quote.find(rules.cite)
    if not isinstance(cite, Tag) or cite.find_parent("blockquote") is not quote:
        return None, None
    post_id = None
    link = cite.select_one(rules.quote_post_link)
    if link is not None:
        value = str(link.get("data-post-id") or link.get("href") or "")
        found = rules.quote_post_id.search(value)
        post_id = found.group(1) if found else None
    parts = [
        str(child) if isinstance(child, NavigableString) else child.get_text(" ")
        for child in cite.children
        if not (isinstance(child, Tag) and (child.name == "span" or child.get("data-post-id")))
    ]
    text = _WROTE.sub("", " ".join(" ".join(parts).split())).strip(" :")
    return text or None, post_id
