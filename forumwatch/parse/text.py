"""Text and URL helpers shared by every engine parser.

* :func:`collapse_whitespace` and :func:`clean_line` normalise displayed text.
* :func:`find_bare_urls` finds URLs that a post shows as plain text (the engine did not link
  them): ``http(s)://`` and defanged ``hxxp(s)://`` URLs, ``*.onion`` hosts without a scheme, and
  ``host.tld/path`` without a scheme when the host ends in a known public suffix.
* :func:`absolute_url` resolves an ``href`` against the page URL without ever raising, and
  :func:`canonical_url` drops session parameters (phpBB's ``sid``) and fragments from crawl links.
* :func:`query_param` and :func:`first_int` read ids and counts.

A URL found in text is data: nothing here ever requests it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urljoin, urlsplit, urlunsplit

import tldextract

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SCHEMES_DROPPED = ("javascript:", "data:", "vbscript:", "about:", "blob:")
_INT = re.compile(r"\d[\d,.\u00a0\u202f' ]*")

# A URL in text: scheme (also defanged hxxp), then anything up to whitespace or markup quotes.
_SCHEME_URL = re.compile(r"(?i)(?<![\w/])(?:https?|hxxps?|hxps?)://[^\s<>\"'`\u3000]+")
# A v2 (16 chars) or v3 (56 chars) onion host without a scheme, with an optional path.
_ONION_URL = re.compile(
    r"(?i)(?<![\w./@-])(?:[a-z0-9-]+\.)*(?:[a-z2-7]{56}|[a-z2-7]{16})\.onion"
    r"(?::\d{1,5})?(?:/[^\s<>\"'`]*)?"
)
# host.tld/path without a scheme; the suffix is checked against the public suffix list.
_BARE_HOST_PATH = re.compile(
    r"(?i)(?<![\w./@:-])((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{1,23})"
    r"(?::\d{1,5})?/[^\s<>\"'`]*"
)
# What every match of the two patterns above contains: ".onion", and ".tld/" (or ".tld:port/").
_ONION_HINT = re.compile(r"\.(?i:onion)")
_HOST_PATH_HINT = re.compile(r"\.(?i:[a-z][a-z0-9-]{1,23})(?::\d{1,5})?/")
_TRAILING = ".,;:!?'\"»«”“’)]}>*"
_DEFANG = (("[.]", "."), ("(.)", "."), ("[dot]", "."), ("[:]", ":"))

_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def collapse_whitespace(text: str) -> str:
    """Collapse every run of whitespace (newlines included) to one space and strip the ends."""
    return " ".join(text.split())


def clean_line(text: str) -> str:
    """Collapse whitespace runs inside one line of text and strip it."""
    return " ".join(text.split())


def first_int(text: str | None) -> int | None:
    """Return the first integer shown in ``text``, ignoring thousands separators.

    ``"1,234 Topics"`` gives 1234, ``"12 <dfn>Topics</dfn>"`` (as text) gives 12; None when
    there is no number.
    """
    if not text:
        return None
    match = _INT.search(text)
    if match is None:
        return None
    digits = re.sub(r"\D", "", match.group(0))
    if not digits or len(digits) > 15:
        return None
    return int(digits)


@lru_cache(maxsize=8192)
def absolute_url(href: str | None, base_url: str) -> str | None:
    """Resolve ``href`` against ``base_url``; None for empty, script or fragment-only links.

    Never raises: a malformed URL (bad IPv6 literal, control characters) gives None.
    """
    if href is None:
        return None
    cleaned = _CONTROL.sub("", href).strip()
    if not cleaned or cleaned.startswith("#"):
        return None
    if cleaned.lower().startswith(_SCHEMES_DROPPED):
        return None
    try:
        resolved = urljoin(base_url, cleaned)
        urlsplit(resolved)  # validates e.g. IPv6 brackets
    except ValueError:
        return None
    return resolved


@lru_cache(maxsize=8192)
def canonical_url(url: str, drop_params: tuple[str, ...] = ("sid",)) -> str:
    """Return ``url`` without its fragment and without the named query parameters.

    The remaining parameters keep their order and their encoding as written, so two links to
    the same page that differ only in a session id compare equal.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    query = parts.query
    if query and drop_params:
        kept = [
            piece
            for piece in query.split("&")
            if piece and piece.split("=", 1)[0] not in drop_params
        ]
        query = "&".join(kept)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


@lru_cache(maxsize=8192)
def query_param(url: str, name: str) -> str | None:
    """Return the first value of query parameter ``name`` in ``url`` (None when absent)."""
    try:
        query = urlsplit(url).query
    except ValueError:
        return None
    for piece in query.split("&"):
        key, _, value = piece.partition("=")
        if key == name:
            return value
    return None


@lru_cache(maxsize=8192)
def set_query_param(url: str, name: str, value: str | None) -> str:
    """Return ``url`` with query parameter ``name`` set to ``value`` (removed when None)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    pieces = [p for p in parts.query.split("&") if p and p.split("=", 1)[0] != name]
    if value is not None:
        pieces.append(f"{name}={value}")
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "&".join(pieces), ""))


def _trim_url(candidate: str) -> str:
    """Strip punctuation that ends a sentence rather than the URL; keep balanced brackets."""
    url = candidate
    while url and url[-1] in _TRAILING:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        if url[-1] == "]" and url.count("[") >= url.count("]"):
            break
        url = url[:-1]
    return url


@lru_cache(maxsize=4096)
def _known_suffix(host: str) -> bool:
    """True when ``host`` ends in a public suffix and has a registrable name before it."""
    extracted = _EXTRACTOR(host)
    return bool(extracted.suffix) and bool(extracted.domain)


def _refang(url: str) -> str:
    lowered = url[:8].lower()
    if lowered.startswith(("hxxp", "hxp")):
        scheme_end = url.find("://")
        scheme = "https" if url[:scheme_end].lower().endswith("s") else "http"
        url = scheme + url[scheme_end:]
    for old, new in _DEFANG:
        url = url.replace(old, new)
    return url


def find_bare_urls(text: str) -> list[str]:
    """Return URLs written as plain text in ``text``, absolute, in order of appearance.

    Finds ``http(s)://`` URLs (defanged ``hxxp://`` ones are refanged to ``http://``), onion
    hosts without a scheme and ``host.tld/path`` without a scheme; the last two get
    ``http://``. Pass only text that is not inside a link, so that the engine's own links and
    their (possibly shortened) display text are not found twice.
    """
    if "." not in text:
        return []
    # Cheap tests for what each pattern needs (the scheme's "://", ".onion", "host.tld/")
    # rule most texts out before any of the costlier patterns runs.
    with_scheme = "://" in text
    with_onion = _ONION_HINT.search(text) is not None and (
        ".onion" in text or ".ONION" in text.upper()
    )
    with_host_path = "/" in text and _HOST_PATH_HINT.search(text) is not None
    if not (with_scheme or with_onion or with_host_path):
        return []
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    if with_scheme:
        for match in _SCHEME_URL.finditer(text):
            url = _trim_url(match.group(0))
            if "://" in url and len(url) > url.find("://") + 3:
                found.append((match.start(), _refang(url)))
                taken.append((match.start(), match.start() + len(url)))
    patterns: list[tuple[re.Pattern[str], bool]] = []
    if with_onion:
        patterns.append((_ONION_URL, False))
    if with_host_path:
        patterns.append((_BARE_HOST_PATH, True))
    for pattern, needs_suffix in patterns:
        for match in pattern.finditer(text):
            start = match.start()
            if any(a <= start < b for a, b in taken):
                continue
            url = _trim_url(match.group(0))
            host = url.split("/", 1)[0].split(":", 1)[0].lower()
            if needs_suffix and (host.endswith(".onion") or not _known_suffix(host)):
                continue
            found.append((start, "http://" + url))
            taken.append((start, start + len(url)))
    found.sort()
    return [url for _, url in found]


def snippet(text: str, limit: int = 160) -> str:
    """Return a short one-line excerpt of ``text`` for a parse problem."""
    line = collapse_whitespace(text[: limit * 8])
    return line if len(line) <= limit else line[: limit - 1] + "…"


_TAG_PREFIX = re.compile(r"^\s*[\[【]([^\[\]【】]{1,40})[\]】]")


def title_tags(title: str) -> tuple[str, ...]:
    """Return the bracketed prefixes of a thread title: ``"[Original] [HD] x"`` -> Original, HD.

    Boards without native prefixes write them into the title; the title itself is kept as
    displayed.
    """
    tags: list[str] = []
    rest = title
    while len(tags) < 8:
        match = _TAG_PREFIX.match(rest)
        if match is None:
            break
        tag = collapse_whitespace(match.group(1))
        if tag:
            tags.append(tag)
        rest = rest[match.end() :]
    return tuple(tags)
