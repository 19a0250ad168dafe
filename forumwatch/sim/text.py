"""Deterministic composition of post bodies and thread titles from the vocabulary modules.

A body is a tree of paragraphs, lines and segments; the phpBB renderer turns it into HTML and
:func:`body_text` / :func:`body_links` into what a parser should read back. Every random choice
comes from the ``random.Random`` passed in, which the world seeds per post, so a post's text does
not depend on which other posts were generated before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import cast

from forumwatch.sim import vocab_de, vocab_en, vocab_es, vocab_nl, vocab_ru
from forumwatch.sim.rng import FastRandom
from forumwatch.sim.sites import FILE_EXTENSIONS, IMAGE_EXTENSIONS, HostSpec

LANGUAGES: tuple[str, ...] = ("en", "de", "ru", "es", "nl")
"""Post languages; a post stores its language as an index into this tuple."""

TOPICS: tuple[str, ...] = (
    "chat",
    "gardening",
    "football",
    "software",
    "weather",
    "travel",
    "cooking",
)

TEXT, HREF, BARE, DEFANGED = 0, 1, 2, 3
"""Segment kinds: text, a link (href + label), a URL the engine left as text, a defanged URL."""

Segment = tuple[int, str, str]
"""(kind, text or URL, link label); the label is empty except for HREF segments."""

_SLOT = re.compile(r"\{(\w+)\}")
_FILE_WORDS = (
    "holiday",
    "garden",
    "tomatoes",
    "harbour_walk",
    "match_highlights",
    "recipe_scans",
    "wallpapers",
    "sunset",
    "trip",
    "bread",
    "timelapse",
    "album",
    "snow",
    "market",
    "bike_tour",
    "balcony",
    "compost",
    "storm",
    "old_town",
    "train_ride",
)
_ID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789"

Template = tuple[tuple[str, ...], tuple[str, ...]]


def _compile(text: str) -> Template:
    parts = _SLOT.split(text)
    return tuple(parts[0::2]), tuple(parts[1::2])


@dataclass(frozen=True, slots=True)
class Lexicon:
    """The compiled templates and slot vocabulary of one language."""

    language: str
    topics: dict[str, tuple[Template, ...]]
    titles: dict[str, tuple[Template, ...]]
    media_titles: tuple[Template, ...]
    request_titles: tuple[Template, ...]
    upload: tuple[Template, ...]
    reupload: tuple[Template, ...]
    request: tuple[Template, ...]
    reup: tuple[Template, ...]
    dead: tuple[Template, ...]
    thanks: tuple[str, ...]
    covid: tuple[Template, ...]
    covid_terms: tuple[str, ...]
    crypto: tuple[Template, ...]
    edit: tuple[str, ...]
    edit_reasons: tuple[str, ...]
    signatures: tuple[Template, ...]
    slots: dict[str, tuple[str, ...]]


def _lexicon(language: str, data: dict[str, object]) -> Lexicon:
    def templates(key: str) -> tuple[Template, ...]:
        return tuple(_compile(item) for item in cast(list[str], data[key]))

    def grouped(key: str) -> dict[str, tuple[Template, ...]]:
        groups = cast(dict[str, list[str]], data[key])
        return {name: tuple(_compile(item) for item in items) for name, items in groups.items()}

    slots = cast(dict[str, list[str]], data["slots"])
    return Lexicon(
        language=language,
        topics=grouped("topics"),
        titles=grouped("titles"),
        media_titles=templates("media_titles"),
        request_titles=templates("request_titles"),
        upload=templates("upload"),
        reupload=templates("reupload"),
        request=templates("request"),
        reup=templates("reup"),
        dead=templates("dead"),
        thanks=tuple(cast(list[str], data["thanks"])),
        covid=templates("covid"),
        covid_terms=tuple(cast(list[str], data["covid_terms"])),
        crypto=templates("crypto"),
        edit=tuple(cast(list[str], data["edit"])),
        edit_reasons=tuple(cast(list[str], data["edit_reasons"])),
        signatures=templates("signatures"),
        slots={name: tuple(values) for name, values in slots.items()},
    )


LEXICONS: dict[str, Lexicon] = {
    "en": _lexicon("en", vocab_en.VOCAB),
    "de": _lexicon("de", vocab_de.VOCAB),
    "ru": _lexicon("ru", vocab_ru.VOCAB),
    "es": _lexicon("es", vocab_es.VOCAB),
    "nl": _lexicon("nl", vocab_nl.VOCAB),
}


def fill(rng: FastRandom, lexicon: Lexicon, template: Template, extra: dict[str, str]) -> str:
    """Fill a template's slots; each occurrence of a slot gets its own random value."""
    parts, slots = template
    if not slots:
        return parts[0]
    out = [parts[0]]
    for index, slot in enumerate(slots):
        value = extra.get(slot)
        if value is None:
            value = rng.choice(lexicon.slots[slot])
        out.append(value)
        out.append(parts[index + 1])
    text = "".join(out)
    return text[0].upper() + text[1:] if text[:1].islower() else text


@dataclass(slots=True)
class LinkPlan:
    """The links a post carries: one host, one category, a number of URLs."""

    host: HostSpec
    host_name: str
    image: bool
    count: int
    reupload: bool = False


@dataclass(slots=True)
class Body:
    """A post body: paragraphs of lines of segments, plus an optional later edit."""

    paragraphs: list[list[list[Segment]]] = field(default_factory=list)
    edit_line: str | None = None
    edit_delay: int = 0
    edit_count: int = 0
    edit_reason: str | None = None


def make_url(rng: FastRandom, link: LinkPlan) -> str:
    """Build one URL on the planned host, with an image or file extension."""
    table = IMAGE_EXTENSIONS if link.image else FILE_EXTENSIONS
    roll = rng.random()
    extension = table[-1][0]
    for candidate, share in table:
        if roll < share:
            extension = candidate
            break
        roll -= share
    identifier = "".join(rng.choice(_ID_CHARS) for _ in range(rng.randrange(6, 11)))
    name = f"{rng.choice(_FILE_WORDS)}_{rng.randrange(1, 400):03d}"
    return link.host.pattern.format(host=link.host_name, id=identifier, name=name, ext=extension)


def link_segment(rng: FastRandom, url: str) -> Segment:
    """Present a URL the way members do: a link (full or labelled), bare text, or defanged."""
    roll = rng.random()
    if roll < 0.68:
        return (HREF, url, display_url(url))
    if roll < 0.80:
        label = url.rsplit("/", 1)[-1] if rng.random() < 0.5 else f"part {rng.randrange(1, 5)}"
        return (HREF, url, label)
    scheme, _, rest = url.partition("://")
    if roll < 0.92:
        return (BARE, rest, "")
    host, _, path = rest.partition("/")
    scheme = scheme.replace("tt", "xx")
    return (DEFANGED, f"{scheme}://{host.replace('.', '[.]')}/{path}", "")


def display_url(url: str) -> str:
    """The label phpBB shows for an auto-linked URL (shortened beyond 55 characters)."""
    if len(url) > 55:
        return url[:39] + " ... " + url[-10:]
    return url


@dataclass(slots=True)
class BodyRequest:
    """What the world decided about a post before its text is written."""

    language: str
    topic: str
    thanks: bool = False
    covid: bool = False
    crypto: bool = False
    reup: bool = False
    dead: bool = False
    request: bool = False
    edited: bool = False
    named_host: str = ""
    link: LinkPlan | None = None
    crypto_address: str = ""


_AMOUNTS = ("0.003", "0.0015", "0.005", "0.01", "0.002")


def compose_body(rng: FastRandom, request: BodyRequest) -> Body:
    """Write a post body (1-4 sentences, or a short thanks) for the decided features."""
    lexicon = LEXICONS[request.language]
    body = Body()
    if request.thanks:
        body.paragraphs.append([[(TEXT, rng.choice(lexicon.thanks), "")]])
        return body
    sentences: list[str] = []
    if request.reup:
        sentences.append(fill(rng, lexicon, rng.choice(lexicon.reup), {"host": request.named_host}))
    if request.dead:
        sentences.append(fill(rng, lexicon, rng.choice(lexicon.dead), {"host": request.named_host}))
    if request.request:
        sentences.append(fill(rng, lexicon, rng.choice(lexicon.request), {}))
    topic_pool = lexicon.topics[request.topic]
    wanted = 1 + (rng.random() < 0.6) + (rng.random() < 0.35) + (rng.random() < 0.15)
    if request.link is not None or request.reup or request.dead:
        wanted -= 1
    used: set[int] = set()
    while len(sentences) < wanted:
        index = rng.randrange(len(topic_pool))
        if index in used and len(used) < len(topic_pool):
            continue
        used.add(index)
        sentences.append(fill(rng, lexicon, topic_pool[index], {}))
    if request.covid:
        position = 0 if rng.random() < 0.5 else len(sentences)
        sentences.insert(position, fill(rng, lexicon, rng.choice(lexicon.covid), {}))
    if request.crypto:
        extra = {"address": request.crypto_address, "amount": rng.choice(_AMOUNTS)}
        sentences.append(fill(rng, lexicon, rng.choice(lexicon.crypto), extra))
    _group(rng, body, sentences)
    if request.link is not None:
        body.paragraphs.insert(
            rng.randrange(len(body.paragraphs) + 1), _links(rng, lexicon, request.link)
        )
    if request.edited:
        body.edit_line = rng.choice(lexicon.edit)
        body.edit_count = 1 + (rng.random() < 0.3) + (rng.random() < 0.1)
        body.edit_reason = rng.choice(lexicon.edit_reasons) if rng.random() < 0.4 else None
        if rng.random() < 0.5:
            body.edit_delay = rng.randrange(300, 4 * 3600)
        else:
            body.edit_delay = rng.randrange(86_400, 30 * 86_400)
    return body


def _group(rng: FastRandom, body: Body, sentences: list[str]) -> None:
    paragraph: list[str] = []
    for sentence in sentences:
        paragraph.append(sentence)
        if rng.random() < 0.35:
            body.paragraphs.append([[(TEXT, " ".join(paragraph), "")]])
            paragraph = []
    if paragraph:
        body.paragraphs.append([[(TEXT, " ".join(paragraph), "")]])


def _links(rng: FastRandom, lexicon: Lexicon, link: LinkPlan) -> list[list[Segment]]:
    parts, slots = rng.choice(lexicon.reupload if link.reupload else lexicon.upload)
    link_at = slots.index("link")
    host_label = link.host_name if link.host.onion else link.host.name
    before = fill(rng, lexicon, (parts[: link_at + 1], slots[:link_at]), {"host": host_label})
    after = "".join(parts[link_at + 1 :])
    line: list[Segment] = [(TEXT, before, ""), link_segment(rng, make_url(rng, link))]
    if after:
        line.append((TEXT, after, ""))
    lines = [line]
    for _ in range(link.count - 1):
        lines.append([link_segment(rng, make_url(rng, link))])
    return lines


def body_text(body: Body, edited: bool) -> str:
    """The text a reader sees: lines joined by newlines, labels of links, no quotes."""
    lines: list[str] = []
    for paragraph in body.paragraphs:
        for line in paragraph:
            lines.append(
                "".join(segment[2] if segment[0] == HREF else segment[1] for segment in line)
            )
    if edited and body.edit_line:
        lines.append(body.edit_line)
    return "\n".join(lines)


def body_links(body: Body) -> tuple[str, ...]:
    """The body's URLs as the parsers report them (``forumwatch.parse.content`` conventions).

    First the hrefs in document order, then the URLs written as text, each once and only when
    not already an href: scheme-less ones get ``http://``, defanged ones are refanged.
    """
    hrefs: list[str] = []
    texts: list[str] = []
    for paragraph in body.paragraphs:
        for line in paragraph:
            for kind, value, _label in line:
                if kind == HREF:
                    hrefs.append(value)
                elif kind == BARE:
                    texts.append("http://" + value)
                elif kind == DEFANGED:
                    texts.append(refang(value))
    seen = set(hrefs)
    for url in texts:
        if url not in seen:
            seen.add(url)
            hrefs.append(url)
    return tuple(hrefs)


def refang(text: str) -> str:
    """Undo :func:`link_segment`'s defanging (``hxxps://host[.]net`` -> ``https://host.net``)."""
    scheme, _, rest = text.partition("://")
    return scheme.replace("xx", "tt") + "://" + rest.replace("[.]", ".")


def first_sentence(body: Body) -> str:
    """A short quotable excerpt without links: the first sentence of the first text paragraph
    (or the text before the links of a link-only post)."""
    for paragraph in body.paragraphs:
        line = paragraph[0]
        if len(line) == 1 and line[0][0] == TEXT:
            text = line[0][1]
            for stop in (". ", "! ", "? "):
                head, found, _ = text.partition(stop)
                if found:
                    return head + stop.strip()
            return text
    for paragraph in body.paragraphs:
        text = "".join(segment[1] for segment in paragraph[0] if segment[0] == TEXT).strip()
        if text:
            return text
    return ""


def thread_title(rng: FastRandom, language: str, kind: str, topic: str, tag: str) -> str:
    """Write a thread title for a section kind (chat, media, requests ...) and topic."""
    lexicon = LEXICONS[language]
    if kind == "media":
        title = fill(rng, lexicon, rng.choice(lexicon.media_titles), {})
    elif kind == "requests":
        title = fill(rng, lexicon, rng.choice(lexicon.request_titles), {})
    else:
        title = fill(rng, lexicon, rng.choice(lexicon.titles[topic]), {})
    return f"{tag} {title}" if tag else title


def signature_text(rng: FastRandom, language: str) -> str:
    """Write a member's signature line."""
    lexicon = LEXICONS[language]
    return fill(rng, lexicon, rng.choice(lexicon.signatures), {})


_ADMIN: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "rules_title": ("Rules and FAQ - please read first",),
        "announcement_title": ("Server costs and donations",),
        "rules": (
            "Welcome to {section}! Please keep it friendly and on topic.",
            "Share photos and files through an external host and post the link here.",
            "No spam, no advertising, and be kind to newcomers.",
        ),
        "announcement": (
            "Running this board costs money every month. Donations are welcome: {address}",
            "Even 0.003 BTC covers a week of hosting. Thank you all!",
        ),
    },
    "ru": {
        "rules_title": ("Правила раздела - прочтите перед публикацией",),
        "announcement_title": ("Оплата сервера и пожертвования",),
        "rules": (
            "Добро пожаловать в раздел «{section}»! Пожалуйста, общайтесь дружелюбно и по теме.",
            "Фото и файлы загружайте на внешний хостинг и публикуйте здесь ссылку.",
            "Без спама и рекламы, и будьте вежливы с новичками.",
        ),
        "announcement": (
            "Содержание форума стоит денег каждый месяц. Пожертвования: {address}",
            "Даже 0.003 BTC оплачивают неделю хостинга. Спасибо всем!",
        ),
    },
}


def admin_title(ui_language: str, announcement: bool) -> str:
    """Title of a section's rules sticky or of the donations announcement."""
    texts = _ADMIN.get(ui_language, _ADMIN["en"])
    return texts["announcement_title" if announcement else "rules_title"][0]


def admin_body(ui_language: str, announcement: bool, section_title: str, address: str) -> Body:
    """Body of a section's rules sticky or of the donations announcement."""
    texts = _ADMIN.get(ui_language, _ADMIN["en"])
    lines = texts["announcement" if announcement else "rules"]
    body = Body()
    for line in lines:
        text = line.replace("{section}", section_title).replace("{address}", address)
        body.paragraphs.append([[(TEXT, text, "")]])
    return body
