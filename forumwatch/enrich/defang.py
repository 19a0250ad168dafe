"""Undo the ways members hide URLs from filters, and find the URLs written in a post's text.

Members "defang" links so that forums and filters do not turn them into clickable ones:
``hxxps://files[.]example(dot)net/a.jpg``, ``example . net/a.jpg``, ``https[:]//...``.
:func:`refang` writes them back; :func:`find_urls` then finds every URL in plain text: with a
scheme, starting with ``www.``, or a bare ``host.tld/path`` whose suffix is a public one (so
"and/or" or "1.5/10" are not URLs). A host named without a path ("snapcellar.net is down") is a
mention of the host, not a link. A label shortened with "..." (as forum software prints long
URLs) is not a URL either: the link's href carries the real one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from forumwatch.enrich.domains import has_public_suffix

_SCHEME = re.compile(
    r"\bh(?:xx|tt|\*\*|XX|xX|Xx|\[tt\]|\[xx\])p(s?)\s*(?:\[:\]|\(:\)|\{:\}|:)\s*(?:\[/\]|/){2}"
    r"|\bh(?:xx|tt|XX)p(s?)\[://\]",
    re.IGNORECASE,
)
_FTP_OR_HTTP_SPACED = re.compile(r"\b(https?|ftp)\s+:\s*//\s*|\b(https?|ftp)\s*:\s+//\s*")
_BRACKET_DOT = re.compile(
    r"(?<=\w)\s*(?:\[\s*(?:\.|dot)\s*\]|\(\s*(?:\.|dot)\s*\)|\{\s*(?:\.|dot)\s*\})\s*(?=\w)",
    re.IGNORECASE,
)
_BRACKET_SLASH = re.compile(r"\[/\]|\(/\)")
_WORD_DOT = re.compile(r"(?<=[\w-])\s+dot\s+(?=\w)", re.IGNORECASE)
# A host with spaces around its dots, before a path: "files . example . net/x".
_SPACED_HOST = re.compile(r"(?<![\w.])([\w-]+(?: *\. *[\w-]+)+)(?=/)")
_SPACED_DOTS = re.compile(r" *\. *")

_URL = re.compile(
    r"(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>\"'`{}|\\^]+"
    r"|(?<![\w@.-])(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_][\w-]*[^\W_]/[^\s<>\"'`{}|\\^]*",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?'\"»›)]}>…"
_LABEL_TAIL = re.compile(r" ?(?:\.\.\.|…) (\S+)")
_ELLIPSIS = ("...", "…", " ...", " …")


@dataclass(frozen=True, slots=True)
class FoundUrl:
    """A URL found in text: the URL as it can be classified, and where it sat in the text."""

    url: str
    start: int
    end: int


_BRACKETED = ("[.]", "(.)", "{.}", "[dot]", "(dot)", "{dot}", "[ . ]", "( . )", "[ dot ]",
              "( dot )", "[tt]", "[xx]", "[:]", "(:)", "{:}", "[/]", "(/)", "[://]")  # fmt: skip


def _maybe_defanged(text: str) -> bool:
    """A cheap gate: plain prose almost never passes it, defanged URLs always do (in any case,
    as the patterns behind it read them)."""
    lowered = text.lower()
    if "xp" in lowered or "*p" in lowered or "dot " in lowered or " //" in text or " ://" in text:
        return True
    if "[" in text or "(" in text or "{" in text:
        return any(marker in lowered for marker in _BRACKETED)
    return False


def refang(text: str) -> str:
    """Undo common defanging: hxxp, [.], (dot), [:], spaced dots in ``host . tld/path``."""
    if _maybe_defanged(text):
        text = _SCHEME.sub(lambda m: f"http{m.group(1) or m.group(2) or ''}://", text)
        text = _FTP_OR_HTTP_SPACED.sub(lambda m: f"{(m.group(1) or m.group(2)).lower()}://", text)
        text = _BRACKET_DOT.sub(".", text)
        text = _BRACKET_SLASH.sub("/", text)
        text = _WORD_DOT.sub(_join_known_suffix, text)
    if "/" in text and " ." in text:
        text = _SPACED_HOST.sub(_join_spaced, text)
    return text


def _join_known_suffix(match: re.Match[str]) -> str:
    # "example dot com": only when what follows "dot" makes a public suffix.
    text = match.string
    start, end = match.start(), match.end()
    left = re.search(r"[\w-]+$", text[:start])
    right = re.match(r"[\w-]+", text[end:])
    if left and right and has_public_suffix(f"{left.group()}.{right.group()}"):
        return "."
    return match.group()


def _join_spaced(match: re.Match[str]) -> str:
    # Only a space *before* a dot counts: "fine. photos/x" is a sentence end, not a host.
    host = match.group(1)
    if " ." not in host:
        return host
    joined = _SPACED_DOTS.sub(".", host)
    return joined if has_public_suffix(joined) else host


def _clean_end(url: str) -> str:
    while url and url[-1] in _TRAILING:
        last = url[-1]
        if last == ")" and url.count("(") >= url.count(")"):
            break
        if last == "]" and url.count("[") >= url.count("]"):
            break
        url = url[:-1]
    return url


def find_urls(text: str) -> list[FoundUrl]:
    """Every URL written in ``text`` (already refanged), in order.

    Bare ``host/path`` and ``www.`` URLs get ``http://`` in front, as a browser would. A label
    shortened with "..." comes back with an empty ``url``: it is no link, but no prose either.
    """
    if "/" not in text and "www." not in text.lower():
        return []
    found: list[FoundUrl] = []
    for match in _URL.finditer(text):
        raw = _clean_end(match.group())
        end = match.start() + len(raw)
        if text.startswith(_ELLIPSIS, end) or raw.endswith(("...", "…")):
            # A shortened label: the href holds the real URL; cut it from the text all the same.
            found.append(FoundUrl("", match.start(), end))
            continue
        lowered = raw.lower()
        if lowered.startswith(("http://", "https://", "ftp://")):
            url = raw
            if len(raw.split("://", 1)[1]) == 0:
                continue
        elif lowered.startswith("www."):
            url = "http://" + raw
        else:
            host = raw.split("/", 1)[0]
            if not has_public_suffix(host):
                continue
            url = "http://" + raw
        found.append(FoundUrl(url, match.start(), end))
    return found


def with_label_tails(found: list[FoundUrl], text: str, hrefs: Sequence[str]) -> list[FoundUrl]:
    """``found`` with each shortened label stretched over its tail, when the tail ends one of
    ``hrefs`` (the post's links).

    Forum software prints a long link as its start, an ellipsis and its end
    ("https://host/ph ... _0042.jpg"); the end is no prose: its scraps would read as words, and
    pull the post's language towards another. URLs found inside such a tail are dropped too.
    """
    out: list[FoundUrl] = []
    for item in found:
        if out and item.start < out[-1].end:
            continue
        if not item.url and (match := _LABEL_TAIL.match(text, item.end)):
            tail = match.group(1).rstrip(_TRAILING)
            if tail and any(href.endswith(tail) for href in hrefs):
                item = FoundUrl("", item.start, match.start(1) + len(tail))
        out.append(item)
    return out


def cut_spans(text: str, spans: list[FoundUrl]) -> str:
    """``text`` with each found URL replaced by a space (what word matchers should read)."""
    if not spans:
        return text
    parts: list[str] = []
    position = 0
    for span in spans:
        parts.append(text[position : span.start])
        parts.append(" ")
        position = span.end
    parts.append(text[position:])
    return "".join(parts)
