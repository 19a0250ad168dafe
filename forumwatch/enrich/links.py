"""Links: normalise and classify URLs found in posts. A URL here is data, never requested.

Normalisation lower-cases scheme and host, drops default ports, fragments and empty queries,
so that the same file posted twice is recognised as one URL. The registrable domain comes from
the Public Suffix List bundled with tldextract (offline: it never downloads a fresh list).
"""

from __future__ import annotations

import functools
import posixpath
from urllib.parse import SplitResult, unquote, urlsplit, urlunsplit

import tldextract

from forumwatch.models import Link, MediaClass, Network

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

# Offline by construction: no suffix list download, no cache directory.
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@functools.lru_cache(maxsize=200_000)
def registrable_domain(host: str) -> str:
    """The registrable domain of ``host`` ("files.example.co.uk" -> "example.co.uk").

    Onion and I2P names are their own registrable domain (the last two labels); IP addresses
    and single-label hosts are returned unchanged.
    """
    if host.endswith((".onion", ".i2p")):
        return ".".join(host.split(".")[-2:])
    parts = _EXTRACT(host)
    if parts.domain and parts.suffix:
        return f"{parts.domain}.{parts.suffix}"
    return host


def network_of(host: str) -> Network:
    """Clearnet, onion or I2P, from the host name."""
    if host.endswith(".onion"):
        return Network.ONION
    if host.endswith(".i2p"):
        return Network.I2P
    return Network.CLEARNET


def _normalise_parts(parts: SplitResult) -> tuple[str, str, str, str]:
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".").lower()
    try:
        host = host.encode("idna").decode("ascii") if host and not host.isascii() else host
    except UnicodeError:
        pass
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host
    if port is not None and DEFAULT_PORTS.get(scheme) != port:
        netloc = f"{host}:{port}"
    path = parts.path or "/"
    return scheme, host, netloc, path


def classify_url(url: str) -> Link | None:
    """Normalise and classify one absolute URL; None when it is not a usable web URL."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https", "ftp"} or not parts.hostname:
        return None
    scheme, host, netloc, path = _normalise_parts(parts)
    if not host:
        return None
    normalised = urlunsplit((scheme, netloc, path, parts.query, ""))
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
    )


def classify_links(urls: tuple[str, ...] | list[str]) -> tuple[Link, ...]:
    """Classify every usable URL of a post, in order, skipping unusable ones."""
    found = (classify_url(url) for url in urls)
    return tuple(link for link in found if link is not None)
