"""Links: normalise and classify URLs found in posts. A URL here is data, never requested.

Normalisation undoes defanging (``hxxp``, ``[.]``), lower-cases scheme and host, writes IDN hosts
in punycode, drops user info, default ports, fragments, tracking parameters (``utm_*``,
``fbclid`` ...) and empty queries, so that the same file posted twice is recognised as one URL.
The registrable domain comes from the Public Suffix List bundled with tldextract (offline).
"""

from __future__ import annotations

import contextlib
import functools
import posixpath
import re
from collections.abc import Iterable
from urllib.parse import SplitResult, unquote, urlsplit, urlunsplit

from forumwatch.enrich.defang import FoundUrl, cut_spans, find_urls, refang, with_label_tails
from forumwatch.enrich.domains import (
    network_of,
    onion_version,
    registrable_domain,
)
from forumwatch.models import Link, MediaClass

__all__ = [
    "DEFAULT_PORTS",
    "MEDIA_CLASSES",
    "TRACKING_PARAMETERS",
    "classify_links",
    "classify_url",
    "extract_links",
    "registrable_domain",
]

MEDIA_CLASSES: dict[str, MediaClass] = {
    **dict.fromkeys(
        ("jpg", "jpeg", "png", "gif", "webp", "bmp", "tif", "tiff", "heic", "avif", "jfif"),
        MediaClass.IMAGE,
    ),
    **dict.fromkeys(
        ("mp4", "m4v", "mkv", "avi", "mov", "wmv", "webm", "flv", "mpg", "mpeg", "3gp", "ts"),
        MediaClass.VIDEO,
    ),
    **dict.fromkeys(
        ("zip", "rar", "7z", "tar", "gz", "tgz", "bz2", "xz", "001", "iso"), MediaClass.ARCHIVE
    ),
    **dict.fromkeys(
        ("pdf", "doc", "docx", "txt", "rtf", "odt", "xls", "xlsx", "csv", "epub"),
        MediaClass.DOCUMENT,
    ),
    **dict.fromkeys(("html", "htm", "php", "asp", "aspx", "jsp"), MediaClass.PAGE),
}

DEFAULT_PORTS = {"http": 80, "https": 443, "ftp": 21}

TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "ref_src",
        "oly_enc_id",
        "oly_anon_id",
        "vero_id",
        "_ga",
        "_gl",
    }
)
"""Query parameters that only track the reader; ``utm_*`` ones are dropped too."""

_WHITESPACE = re.compile(r"\s+")


def _normalise_parts(parts: SplitResult) -> tuple[str, str, str, str]:
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".").lower()
    with contextlib.suppress(UnicodeError):
        host = host.encode("idna").decode("ascii") if host and not host.isascii() else host
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host
    if port is not None and DEFAULT_PORTS.get(scheme) != port:
        netloc = f"{host}:{port}"
    path = parts.path or "/"
    return scheme, host, netloc, path


def _strip_tracking(query: str) -> str:
    if not query:
        return ""
    kept = []
    for pair in query.split("&"):
        if not pair:
            continue
        key = pair.split("=", 1)[0].lower()
        if key.startswith("utm_") or key in TRACKING_PARAMETERS:
            continue
        kept.append(pair)
    return "&".join(kept)


@functools.lru_cache(maxsize=100_000)
def classify_url(url: str) -> Link | None:
    """Normalise and classify one absolute URL; None when it is not a usable web URL.

    ``url`` may be defanged (``hxxps://example[.]net/a.jpg``); the returned link keeps ``url``
    as given.
    """
    candidate = url.strip()
    if not candidate.lower().startswith(("http://", "https://", "ftp://")):
        candidate = refang(candidate)
    if any(c.isspace() for c in candidate):
        candidate = _WHITESPACE.sub("", candidate)
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https", "ftp"} or not parts.hostname:
        return None
    scheme, host, netloc, path = _normalise_parts(parts)
    if not host or ".." in host or host.startswith(("-", ".")):
        return None
    normalised = urlunsplit((scheme, netloc, path, _strip_tracking(parts.query), ""))
    file_name = posixpath.basename(unquote(path)) or None
    extension: str | None = None
    if file_name and "." in file_name:
        extension = file_name.rsplit(".", 1)[1].lower()[:20] or None
    media_class = MEDIA_CLASSES.get(extension or "", MediaClass.OTHER)
    if extension is None and path in {"", "/"}:
        media_class = MediaClass.PAGE
    return Link(
        url=url,
        normalised_url=normalised,
        host=host,
        registrable_domain=registrable_domain(host),
        network=network_of(host),
        extension=extension,
        media_class=media_class,
        file_name=file_name,
        onion_version=onion_version(host),
    )


def classify_links(urls: Iterable[str]) -> tuple[Link, ...]:
    """Classify every usable URL of a post, in order, once per normalised URL."""
    if not urls:
        return ()
    seen: set[str] = set()
    out: list[Link] = []
    for url in urls:
        link = classify_url(url)
        if link is None or link.normalised_url in seen:
            continue
        seen.add(link.normalised_url)
        out.append(link)
    return tuple(out)


def _shortened_prefix(found: Link, links: tuple[Link, ...]) -> bool:
    """True when ``found`` is the start of a link the post already has (a cut-off label)."""
    prefix = found.normalised_url.rstrip("/")
    return any(
        link.normalised_url.startswith(prefix) and link.normalised_url != found.normalised_url
        for link in links
    )


def extract_links(post_links: Iterable[str], text: str) -> tuple[tuple[Link, ...], str]:
    """A post's links (its hrefs, then URLs written in its text) and the text without URLs.

    Returns the links, each normalised URL once, in order, and the refanged text with every URL
    cut out, which is what the word-based enrichers read.
    """
    links = classify_links(post_links)
    refanged = refang(text)
    found: list[FoundUrl] = find_urls(refanged)
    if not found:
        return links, refanged
    if links and not all(item.url for item in found):
        found = with_label_tails(found, refanged, [link.url for link in links])
    seen = {link.normalised_url for link in links}
    extra: list[Link] = []
    for item in found:
        if not item.url:
            continue
        link = classify_url(item.url)
        if link is None or link.normalised_url in seen or _shortened_prefix(link, links):
            continue
        seen.add(link.normalised_url)
        extra.append(link)
    return links + tuple(extra), cut_spans(refanged, found)
