"""Chat logs: IRC-style line logs (HTML ``<pre>`` or plain text) and HTML chat pages.

Mapping: a channel is a section, a channel's day is a thread (``<channel>/<YYYY-MM-DD>``) and a
message line is a post (``<thread>/<n>``, n counting message lines, so appending to a log keeps
earlier ids). A chat page that names no day (a live web chat) is one thread per channel, and its
messages keep their own ids when the page gives them.

* Log lines: ``[13:02] <nick> text``, ``[2020-03-15 13:02:11] <nick> text``, ``13:02 <@nick> text``
  (mode prefixes dropped), ``[13:02] * nick waves`` (an action: a post by nick). Join, part,
  quit and other system lines (``-!-``, ``***``, ``-->``) are not posts.
* Times without a date take the day from the URL (``/2020-03-15``), else from the page heading,
  in the board's timezone; a line whose time cannot be placed keeps the post with no time and a
  parse problem.
* Chat pages: each ``.message`` (selectors below) with a nick, a time (``<time datetime>``
  preferred, else its text, read like any date: "Yesterday 21:15") and a text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from html import escape
from typing import ClassVar
from urllib.parse import urlsplit

from selectolax.lexbor import LexborNode

from forumwatch.models import (
    Author,
    IndexPage,
    ListingPage,
    PageKind,
    ParsedPage,
    Post,
    Section,
    Thread,
    ThreadPage,
)
from forumwatch.parse.base import EngineParser, Page, node_text
from forumwatch.parse.content import read_content
from forumwatch.parse.selectors import ContentSelectors
from forumwatch.parse.text import absolute_url, canonical_url, find_bare_urls

MAX_LINES = 200_000
"""Most log lines read from one page (a hostile log may be endless)."""


@dataclass(frozen=True, slots=True)
class ChatSelectors:
    """Where chat pages put things (CSS, page-wide unless said otherwise).

    Attributes:
        log_block: elements holding a plain-text log (``<pre>``).
        message: one message of a chat page.
        nick: the author inside a message.
        time: the time inside a message.
        text: the text inside a message.
        channel: an element whose ``data-channel`` names the channel.
        heading: the page heading (channel name and day).
        links: links to channels (index) or days (listing).
    """

    log_block: str = "pre"
    message: str = ".message, li.msg, .chat-message"
    nick: str = ".nick, .author, .username, .user"
    time: str = "time, .time, .timestamp"
    text: str = ".text, .content, .body, .msg-text"
    channel: str = "[data-channel]"
    heading: str = "h1"
    links: str = "a[href]"


_LINE = re.compile(
    r"^\s*\[?(?P<stamp>(?:\d{4}-\d{2}-\d{2}[ T])?\d{1,2}:\d{2}(?::\d{2})?)\]?\s+"
    r"(?:<(?P<nick>[^>\s]{1,64})>\s?(?P<text>.*)"
    r"|\*\s+(?P<actor>[^\s*]{1,64})\s+(?P<action>.*)"
    r"|(?P<system>-!-|\*\*\*|-->|<--|--|->|<-).*)$"
)
_DAY = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_MODES = "@+%&~"
_LOOKS_LIKE_HTML = re.compile(r"<(?:!doctype|html|head|body|pre|div|p|table|ul)\b", re.IGNORECASE)
_CONTENT = ContentSelectors(quote="blockquote.chat-quote", quote_cite="cite")


class ChatParser(EngineParser):
    """IRC-style logs and HTML chat pages."""

    name: ClassVar[str] = "chat"
    selectors: ClassVar[ChatSelectors] = ChatSelectors()

    def detect(self, html: str, url: str) -> float:
        """Confident on pages whose text or ``<pre>`` holds log lines; chat pages score lower."""
        if not isinstance(html, str) or not html:
            return 0.0
        head = html[:200_000]
        lines = sum(1 for line in head.splitlines()[:2000] if _LINE.match(_unescape(line)))
        if lines >= 3 and ("<pre" in head.lower() or "<" not in head[:200]):
            return 0.85
        if lines >= 3:
            return 0.6
        # Exact class values: forum engines use "message message--post" and "username ...".
        messages = len(re.findall(r"class=\"(?:message|chat-message|msg)\"", head))
        nicks = len(re.findall(r"class=\"(?:nick|chat-nick)\"", head))
        if messages >= 3 and nicks >= 3:
            return 0.55
        return 0.0

    def page_kind(self, html: str, url: str) -> PageKind:
        """The page's role; a plain-text log is a thread."""
        return super().page_kind(as_html(html), url)

    def parse(self, html: str, url: str, captured_at: datetime) -> ParsedPage:
        """Parse a chat page or a plain-text log (read as if it were one ``<pre>``)."""
        return super().parse(as_html(html), url, captured_at)

    def parse_thread(self, html: str, url: str, captured_at: datetime) -> ThreadPage:
        """Parse one log or chat page. Never raises."""
        return super().parse_thread(as_html(html), url, captured_at)

    def _page_kind(self, page: Page) -> PageKind:
        if self._log_lines(page) or page.matches(self.selectors.message):
            return PageKind.THREAD
        links = page.all(self.selectors.links)
        if any(_DAY.search(link.attrs.get("href") or "") for link in links):
            return PageKind.LISTING
        if any(node_text(link).startswith("#") for link in links):
            return PageKind.INDEX
        return PageKind.OTHER

    def _parse_index(self, page: Page) -> IndexPage:
        sections: dict[str, Section] = {}
        for link in page.all(self.selectors.links):
            label = node_text(link)
            url = absolute_url(link.attrs.get("href"), page.url)
            if label.startswith("#") and url and len(label) > 1:
                sections.setdefault(label[1:], Section(native_id=label[1:], title=label, url=url))
        if not sections:
            page.problem("sections", "no channels found", page.url)
        return IndexPage(
            url=page.url, title=node_text(page.first("title")), sections=tuple(sections.values())
        )

    def _parse_listing(self, page: Page) -> ListingPage:
        channel = self._channel(page)
        threads: dict[str, Thread] = {}
        for link in page.all(self.selectors.links):
            href = link.attrs.get("href") or ""
            found = _DAY.search(href) or _DAY.search(node_text(link))
            url = absolute_url(href, page.url)
            if found is None or url is None:
                continue
            day = found.group(0)
            native_id = f"{channel}/{day}"
            threads.setdefault(
                native_id,
                Thread(
                    native_id=native_id,
                    title=f"#{channel} {day}",
                    url=url,
                    section_native_id=channel,
                ),
            )
        section = Section(native_id=channel, title=f"#{channel}", url=canonical_url(page.url, ()))
        return ListingPage(url=page.url, section=section, threads=tuple(threads.values()))

    def _parse_thread(self, page: Page) -> ThreadPage:
        channel = self._channel(page)
        day = self._day(page)
        thread_id = f"{channel}/{day.isoformat()}" if day else channel
        title = f"#{channel} {day.isoformat()}" if day else f"#{channel}"
        lines = self._log_lines(page)
        posts = (
            self._log_posts(page, lines, thread_id, day)
            if lines
            else self._message_posts(page, thread_id)
        )
        if not posts:
            page.problem("posts", "no chat lines found", page.url)
        times = [post.posted_at for post in posts if post.posted_at is not None]
        thread = Thread(
            native_id=thread_id,
            title=title,
            url=canonical_url(page.url, ()),
            section_native_id=channel,
            author=posts[0].author.handle if posts and posts[0].author else None,
            replies=len(posts) - 1 if posts else None,
            first_post_at=min(times) if times else None,
            last_post_at=max(times) if times else None,
        )
        return ThreadPage(url=page.url, thread=thread, posts=tuple(posts))

    # --- logs ------------------------------------------------------------------------------

    def _log_lines(self, page: Page) -> list[str]:
        blocks = page.all(self.selectors.log_block)
        text = "\n".join(block.text(deep=True) for block in blocks) if blocks else _body_text(page)
        lines = text.splitlines()[:MAX_LINES]
        matching = [line for line in lines if _LINE.match(line)]
        return matching if len(matching) >= 1 and (blocks or len(matching) >= 3) else []

    def _log_posts(
        self, page: Page, lines: list[str], thread_id: str, day: date | None
    ) -> list[Post]:
        posts: list[Post] = []
        for line in lines:
            match = _LINE.match(line)
            if match is None or match.group("system"):
                continue
            nick = (match.group("nick") or match.group("actor") or "").lstrip(_MODES)
            text = (match.group("text") if match.group("nick") else match.group("action")) or ""
            native_id = f"{thread_id}/{len(posts) + 1}"
            posts.append(
                Post(
                    native_id=native_id,
                    thread_native_id=thread_id,
                    author=Author(handle=nick) if nick else None,
                    posted_at=self._line_time(page, match.group("stamp"), day, native_id),
                    text=" ".join(text.split()),
                    links=tuple(find_bare_urls(text)),
                    position=len(posts) + 1,
                )
            )
        return posts

    def _line_time(
        self, page: Page, stamp: str, day: date | None, native_id: str
    ) -> datetime | None:
        moment: datetime | None = None
        if _DAY.search(stamp):
            moment = self.dates.read_iso(stamp.replace(" ", "T"))
        elif day is not None:
            parts = [int(part) for part in stamp.split(":")]
            if parts[0] < 24 and parts[1] < 60 and (len(parts) < 3 or parts[2] < 60):
                clock = time(parts[0], parts[1], parts[2] if len(parts) > 2 else 0)
                moment = datetime.combine(day, clock, tzinfo=self.dates.zone).astimezone(UTC)
        if moment is None:
            page.problem("posted_at", "line time not readable (no day known)", stamp, native_id)
        return moment

    # --- chat pages ------------------------------------------------------------------------

    def _message_posts(self, page: Page, thread_id: str) -> list[Post]:
        rules = self.selectors
        posts: list[Post] = []
        for node in page.all(rules.message)[:MAX_LINES]:
            own_id = node.attrs.get("id") or node.attrs.get("data-id")
            native_id = f"{thread_id}/{own_id or len(posts) + 1}"
            nick = node_text(node.css_first(rules.nick)).lstrip(_MODES)
            text_node = node.css_first(rules.text)
            content = read_content(page, text_node, _CONTENT, native_id) if text_node else None
            posts.append(
                Post(
                    native_id=native_id,
                    thread_native_id=thread_id,
                    author=Author(handle=nick) if nick else None,
                    posted_at=self._message_time(page, node.css_first(rules.time), native_id),
                    text=content.text if content else "",
                    links=content.links if content else (),
                    position=len(posts) + 1,
                )
            )
        return posts

    def _message_time(self, page: Page, node: LexborNode | None, native_id: str) -> datetime | None:
        if node is None:
            page.problem("posted_at", "message without a time", "", native_id)
            return None
        moment = self.dates.read_iso(node.attrs.get("datetime")) or self.dates.read(
            node.attrs.get("title") or node_text(node), page.captured_at
        )
        if moment is None:
            page.problem("posted_at", "message time not readable", node_text(node), native_id)
        return moment

    # --- where and when ----------------------------------------------------------------------

    def _channel(self, page: Page) -> str:
        marked = page.first(self.selectors.channel)
        if marked is not None and marked.attrs.get("data-channel"):
            return (marked.attrs.get("data-channel") or "").lstrip("#")
        for text in (node_text(page.first(self.selectors.heading)), node_text(page.first("title"))):
            found = re.search(r"#([\w.-]{1,64})", text)
            if found:
                return found.group(1)
        try:
            segments = [s for s in urlsplit(page.url).path.split("/") if s]
        except ValueError:
            segments = []
        named = [s for s in segments if not _DAY.search(s) and s not in ("logs", "log", "chat")]
        return named[-1].lstrip("#") if named else "chat"

    def _day(self, page: Page) -> date | None:
        for text in (
            page.url,
            node_text(page.first(self.selectors.heading)),
            node_text(page.first("title")),
        ):
            found = _DAY.search(text)
            if found:
                try:
                    return date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
                except ValueError:
                    continue
        return None


def as_html(text: str | bytes) -> str:
    """A plain-text log wrapped in ``<pre>`` (escaped); HTML is returned unchanged."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    if not isinstance(text, str) or _LOOKS_LIKE_HTML.search(text[:4096]):
        return text
    return f"<pre>{escape(text, quote=False)}</pre>"


def _body_text(page: Page) -> str:
    body = page.tree.body
    return body.text(deep=True) if body is not None else ""


def _unescape(line: str) -> str:
    return line.replace("&lt;", "<").replace("&gt;", ">")
