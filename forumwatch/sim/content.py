"""Lazy, deterministic post content: bodies, quotes, titles and signatures.

Each post's text is written from a ``random.Random`` seeded by the site seed and the post index, so
the same post always reads the same, whichever page or iterator asks first. Recently written
posts are kept in a small cache because a page and its neighbours share them.
"""

from __future__ import annotations

import threading
from array import array
from bisect import bisect_left
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from forumwatch.models import Author, Edit, Post, Quote
from forumwatch.sim.generate import (
    F_ADMIN,
    F_COVID,
    F_CRYPTO,
    F_DEAD,
    F_EDITED,
    F_IMAGE,
    F_LINK,
    F_QUOTE,
    F_REQUEST,
    F_REUP,
    F_REUPLOAD,
    F_THANKS,
    KIND_ANNOUNCEMENT,
    KIND_CHAT,
    KIND_STICKY,
    TAGS,
    SiteData,
)
from forumwatch.sim.ids import mix64
from forumwatch.sim.rng import FastRandom
from forumwatch.sim.sites import HOSTS, SectionKind, SectionSpec
from forumwatch.sim.text import (
    LANGUAGES,
    TOPICS,
    Body,
    BodyRequest,
    LinkPlan,
    admin_body,
    admin_title,
    body_links,
    body_text,
    compose_body,
    first_sentence,
    signature_text,
    thread_title,
)

_QUOTE_SALT = 0x51A7E
_TITLE_SALT = 0x7171E
_SIGNATURE_SALT = 0x5167
_SECTION_IDS = [str(number) for number in range(1024)]


@dataclass(frozen=True, slots=True)
class QuoteContent:
    """A quoted excerpt of an earlier post, possibly with that post's own quote nested inside."""

    post_index: int
    author: int
    posted_at: int
    text: str
    nested: QuoteContent | None = None


@dataclass(frozen=True, slots=True)
class PostContent:
    """What a post says: body (with its optional later edit), quote, title and language."""

    index: int
    body: Body
    quote: QuoteContent | None
    title: str
    language: str

    def edit_at(self, posted_at: int) -> int:
        """Unix time of the post's last edit (whole minutes, as the edit notice shows it)."""
        moment = posted_at + self.body.edit_delay
        return moment - moment % 60

    def edited_by(self, posted_at: int, now: int | None) -> bool:
        """True when the edit (if any) has happened by ``now`` (None = the end of time)."""
        if self.body.edit_line is None:
            return False
        return now is None or self.edit_at(posted_at) <= now


@dataclass(frozen=True, slots=True)
class PostRecord:
    """A post ready for bulk ingestion, with where it sits."""

    site: str
    section_native_id: str
    thread_native_id: str
    thread_title: str
    post: Post


class ContentMaker:
    """Writes the content of one site's posts on demand."""

    def __init__(
        self,
        data: SiteData,
        host_names: tuple[str, ...],
        donation_address: str,
        cache_size: int = 4096,
    ) -> None:
        self.data = data
        self.host_names = host_names
        self.donation_address = donation_address
        self.sections: dict[int, SectionSpec] = {
            item.native_id: item for item in data.spec.sections
        }
        # The server thread and the caller may both ask for content: guard the shared cache.
        self._lock = threading.Lock()
        self._cache: OrderedDict[int, PostContent] = OrderedDict()
        self._cache_size = cache_size
        self._authors: dict[tuple[int, str | None], Author] = {}
        self.thread_title = lru_cache(maxsize=65_536)(self._thread_title)
        self.signature = lru_cache(maxsize=16_384)(self._signature)

    def content(self, index: int) -> PostContent:
        """Return the content of the post with 0-based ``index`` (its phpBB id minus one)."""
        with self._lock:
            cached = self._cache.get(index)
            if cached is not None:
                self._cache.move_to_end(index)
                return cached
        made = self._make(index)
        with self._lock:
            self._cache[index] = made
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return made

    def _make(self, index: int, with_quote: bool = True) -> PostContent:
        data = self.data
        flags = data.post_flags[index]
        thread = data.post_thread[index]
        section = self.sections[data.thread_section[thread]]
        language = LANGUAGES[data.post_language[index]]
        title = self.thread_title(thread)
        if data.thread_posts[thread][0] != index:
            title = "Re: " + title
        rng = FastRandom(data.seed + index)
        if flags & F_ADMIN:
            announcement = data.thread_kind[thread] == KIND_ANNOUNCEMENT
            body = admin_body(
                data.spec.ui_language, announcement, section.title, self.donation_address
            )
            return PostContent(index, body, None, title, language)
        request = self._request(rng, flags, data.post_link[index], language, thread, section)
        body = compose_body(rng, request)
        quote = self._quote(index, thread) if with_quote and flags & F_QUOTE else None
        return PostContent(index, body, quote, title, language)

    def _request(
        self,
        rng: FastRandom,
        flags: int,
        link: int,
        language: str,
        thread: int,
        section: SectionSpec,
    ) -> BodyRequest:
        data = self.data
        topic = TOPICS[data.thread_topic[thread]]
        if section.kind == SectionKind.CHAT and rng.random() < 0.3:
            topic = rng.choice(section.topics)
        request = BodyRequest(
            language=language,
            topic=topic,
            thanks=bool(flags & F_THANKS),
            covid=bool(flags & F_COVID),
            crypto=bool(flags & F_CRYPTO),
            reup=bool(flags & F_REUP),
            dead=bool(flags & F_DEAD),
            request=bool(flags & F_REQUEST),
            edited=bool(flags & F_EDITED),
            crypto_address=self.donation_address,
        )
        host = link & 15
        if flags & (F_REUP | F_DEAD) and host:
            # Members call onion hosts by a nickname (a bare .onion name would read as a link).
            spec = HOSTS[host - 1]
            request.named_host = spec.name if spec.onion else self.host_names[host - 1]
        if flags & F_LINK:
            request.link = LinkPlan(
                host=HOSTS[host - 1],
                host_name=self.host_names[host - 1],
                image=bool(flags & F_IMAGE),
                count=link >> 4,
                reupload=bool(flags & F_REUPLOAD),
            )
        return request

    def _quote(self, index: int, thread: int) -> QuoteContent | None:
        data = self.data
        posts = data.thread_posts[thread]
        position = _position(posts, index)
        if position < 1:
            return None
        rng = FastRandom(mix64(data.seed ^ _QUOTE_SALT, index))
        quoted = posts[position - 1 - rng.randrange(min(position, 4))]
        quoted_content = self.content(quoted) if quoted in self._cache else self._make(quoted)
        nested = None
        if quoted_content.quote is not None and rng.random() < 0.4:
            inner = quoted_content.quote
            nested = QuoteContent(inner.post_index, inner.author, inner.posted_at, inner.text)
        return QuoteContent(
            post_index=quoted,
            author=data.post_author[quoted],
            posted_at=data.post_time[quoted],
            text=first_sentence(quoted_content.body),
            nested=nested,
        )

    def _thread_title(self, thread: int) -> str:
        data = self.data
        kind = data.thread_kind[thread]
        section = self.sections[data.thread_section[thread]]
        if kind in (KIND_STICKY, KIND_ANNOUNCEMENT):
            return admin_title(data.spec.ui_language, kind == KIND_ANNOUNCEMENT)
        if kind == KIND_CHAT and section.chat_thread:
            return section.chat_thread
        first = data.thread_posts[thread][0]
        language = LANGUAGES[data.post_language[first]]
        rng = FastRandom(mix64(data.seed ^ _TITLE_SALT, thread))
        topic = TOPICS[data.thread_topic[thread]]
        return thread_title(rng, language, section.kind.value, topic, TAGS[data.thread_tag[thread]])

    def _signature(self, member: int) -> str:
        data = self.data
        variant = data.members.signature[member]
        if not variant:
            return ""
        rng = FastRandom(mix64(data.seed ^ _SIGNATURE_SALT, member * 1000 + variant))
        return signature_text(rng, LANGUAGES[data.members.language[member]])

    def author(self, member: int, base_url: str | None = None) -> Author:
        """The :class:`Author` of a member; its profile URL is absolute under ``base_url``
        (the site's ``http://host/``) or None without one."""
        key = (member, base_url)
        author = self._authors.get(key)
        if author is None:
            user_id = self.data.members.user_ids[member]
            profile = None
            if base_url is not None:
                profile = f"{base_url}memberlist.php?mode=viewprofile&u={user_id}"
            author = Author(
                handle=self.data.members.handles[member],
                native_id=str(user_id),
                profile_url=profile,
            )
            self._authors[key] = author
        return author

    def record(self, index: int, until: int | None, base_url: str | None = None) -> PostRecord:
        """Build the :class:`PostRecord` of a post as it reads at ``until`` (None = finally).

        Text, quotes and links follow the parsers' conventions, so a record equals what
        ``forumwatch.parse`` reads from the post's page (with ``base_url`` for profile URLs).
        """
        data = self.data
        content = self.content(index) if index in self._cache else self._make(index)
        thread = data.post_thread[index]
        posted = data.post_time[index]
        body = content.body
        edited = content.edited_by(posted, until)
        author = data.post_author[index]
        edit = None
        if edited:
            edit = Edit(
                by=data.members.handles[author],
                at=datetime.fromtimestamp(content.edit_at(posted), UTC),
                reason=body.edit_reason,
            )
        thread_id = str(thread + 1)
        post = Post(
            native_id=str(index + 1),
            thread_native_id=thread_id,
            author=self._authors.get((author, base_url)) or self.author(author, base_url),
            posted_at=datetime.fromtimestamp(posted, UTC),
            text=body_text(body, edited),
            title=content.title,
            quotes=self.quotes(content.quote) if content.quote is not None else (),
            links=body_links(body),
            edit=edit,
            position=bisect_left(data.thread_posts[thread], index) + 1,
        )
        return PostRecord(
            data.spec.name,
            _SECTION_IDS[data.thread_section[thread]],
            thread_id,
            self.thread_title(thread),
            post,
        )

    def quotes(self, quote: QuoteContent | None) -> tuple[Quote, ...]:
        """The model :class:`Quote` values of a quote block, outer first (document order)."""
        out: list[Quote] = []
        depth = 1
        while quote is not None:
            out.append(
                Quote(
                    depth=depth,
                    author=self.data.members.handles[quote.author],
                    text=quote.text,
                    post_native_id=str(quote.post_index + 1),
                )
            )
            quote = quote.nested
            depth += 1
        return tuple(out)


def _position(posts: array[int], index: int) -> int:
    return bisect_left(posts, index)
