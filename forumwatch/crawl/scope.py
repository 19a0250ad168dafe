"""Crawl scope: which URLs belong to a site. Everything else is data, never requested."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit


def in_scope_of(base_url: str, path_prefix: str | None = None) -> Callable[[str], bool]:
    """A predicate: does a URL lie within the site at ``base_url``?

    In scope means http(s), the same host and port, and a path under ``path_prefix`` (by
    default the base URL's folder).
    """
    base = urlsplit(base_url)
    prefix = base.path.rsplit("/", 1)[0] + "/"
    if path_prefix:
        prefix = "/" + path_prefix.strip("/") + "/" if path_prefix.strip("/") else "/"
    host = (base.hostname or "").lower()
    port = base.port

    def check(url: str) -> bool:
        try:
            parts = urlsplit(url)
            return (
                parts.scheme in {"http", "https"}
                and (parts.hostname or "").lower() == host
                and parts.port == port
                and (parts.path or "/").startswith(prefix)
            )
        except ValueError:
            return False

    return check
