"""Captures made by other tools, read back as responses: WARC files, HAR files, saved folders.

Each reader yields :class:`Capture` values: the URL, when it was captured, the HTTP status and
headers, the body, and where it came from. Only a WARC capture can point to its original
archive record (file and offset); pages from HAR files and folders have no record yet and are
archived by the importer. Nothing here parses a page or touches the store.

Saved folders: HTTrack marks every page with ``<!-- Mirrored from host/path by HTTrack ... -->``
(the URL and the capture date); wget lays pages out as ``host[:port]/path`` (``?`` kept, or
written ``@`` with ``--restrict-file-names=windows``, ``.html`` appended by
``--adjust-extension``, ``index.html`` for a directory); a ``<link rel="canonical">`` is used
when neither says more. A file whose URL cannot be told is yielded with ``url=None``.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import quote, urlsplit

from forumwatch.crawl.warc import iter_responses
from forumwatch.errors import ConfigError

MAX_FILE_BYTES = 64 * 1024 * 1024
"""Saved files larger than this are skipped (as the crawler's size cap would)."""

_HTTRACK = re.compile(
    rb"<!--\s*Mirrored from\s+(\S+)\s+by HTTrack[^,\]]*(?:\][^,]*)?,\s*([^>]*?)\s*-->",
    re.IGNORECASE,
)
_CANONICAL = re.compile(
    rb"""<link[^>]+rel=["']canonical["'][^>]*href=["']([^"']+)["']""", re.IGNORECASE
)
_HOST = re.compile(
    r"^(?:[a-z0-9-]+\.)+[a-z0-9-]+(?:[:+]\d{1,5})?$|^localhost(?:[:+]\d{1,5})?$", re.I
)
_SKIPPED_SUFFIXES = frozenset(
    (".css", ".js", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".ico", ".woff", ".woff2",
     ".ttf", ".mp4", ".webm", ".zip", ".rar", ".7z", ".gz", ".pdf", ".txt.gz", ".har", ".warc")
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class WarcOrigin:
    """Where a response record sits in an existing WARC file."""

    path: Path
    offset: int
    payload_digest: str | None


@dataclass(frozen=True, slots=True)
class Capture:
    """One captured response.

    Attributes:
        url: the URL it was fetched from (None when a saved file does not say).
        captured_at: when (aware UTC; a file's modification time when nothing better is known).
        status: the HTTP status (200 for saved files).
        headers: the response headers (empty for saved files).
        body: the response body as captured.
        source: a human-readable origin (file, record offset, HAR entry) for messages.
        origin: the WARC record, for WARC input only.
    """

    url: str | None
    captured_at: datetime
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    source: str
    origin: WarcOrigin | None = None
    reason: str = field(default="OK")

    @property
    def content_type(self) -> str | None:
        """The Content-Type header, if any."""
        for name, value in self.headers:
            if name.lower() == "content-type":
                return value
        return None


def kind_of(path: Path) -> str:
    """``warc``, ``har`` or ``folder`` for an import path.

    Raises:
        ConfigError: the path does not exist or is no capture forumwatch can read.
    """
    if path.is_dir():
        return "folder"
    if not path.is_file():
        raise ConfigError(f"{path}: no such file or folder")
    name = path.name.lower()
    if name.endswith((".warc", ".warc.gz")):
        return "warc"
    if name.endswith(".har"):
        return "har"
    raise ConfigError(f"{path}: not a WARC (.warc, .warc.gz), HAR (.har) file or a folder")


def read_warc(path: Path) -> Iterator[Capture]:
    """Every response record of a WARC file, with its offset."""
    for offset, record in iter_responses(path):
        yield Capture(
            url=record.url,
            captured_at=_warc_date(record.date),
            status=record.status,
            headers=tuple((str(k), str(v)) for k, v in record.headers),
            body=record.body,
            source=f"{path.name}@{offset}",
            origin=WarcOrigin(path, offset, record.payload_digest),
        )


def read_har(path: Path) -> Iterator[Capture]:
    """Every entry of a HAR file that carries a response body.

    Raises:
        ConfigError: the file is not HAR JSON.
    """
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ConfigError(f"{path}: not a readable HAR file ({error})") from error
    entries = document.get("log", {}).get("entries") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise ConfigError(f"{path}: not a HAR file (no log.entries)")
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            continue
        request = entry.get("request") or {}
        response = entry.get("response") or {}
        content = response.get("content") or {}
        text = content.get("text")
        if not isinstance(text, str):
            continue
        try:
            body = base64.b64decode(text) if content.get("encoding") == "base64" else text.encode()
        except ValueError:
            continue
        headers = tuple(
            (str(h.get("name")), str(h.get("value")))
            for h in response.get("headers") or []
            if isinstance(h, dict)
        )
        if content.get("mimeType") and not any(n.lower() == "content-type" for n, _ in headers):
            headers = (*headers, ("Content-Type", str(content["mimeType"])))
        yield Capture(
            url=str(request.get("url")) if request.get("url") else None,
            captured_at=_iso_date(entry.get("startedDateTime")) or _mtime(path),
            status=int(response.get("status") or 0),
            reason=str(response.get("statusText") or ""),
            headers=headers,
            body=body,
            source=f"{path.name} entry {index}",
        )


def read_folder(root: Path) -> Iterator[Capture]:
    """Every saved page under a folder (wget or HTTrack mirror), in path order."""
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        lowered = path.name.lower()
        if lowered.endswith(tuple(_SKIPPED_SUFFIXES)) or path.stat().st_size > MAX_FILE_BYTES:
            continue
        if lowered in ("hts-log.txt", "cookies.txt", "robots.txt") or "hts-cache" in path.parts:
            continue
        body = path.read_bytes()
        url, when = _httrack_origin(body)
        if url is None:
            url = _wget_url(path.relative_to(root))
        if url is None:
            canonical = _CANONICAL.search(body[:65536])
            if canonical is not None:
                url = canonical.group(1).decode("utf-8", "replace")
        yield Capture(
            url=url,
            captured_at=when or _mtime(path),
            status=200,
            headers=(),
            body=body,
            source=str(path.relative_to(root)),
        )


def _httrack_origin(body: bytes) -> tuple[str | None, datetime | None]:
    match = _HTTRACK.search(body[:8192])
    if match is None:
        return None, None
    location = match.group(1).decode("utf-8", "replace")
    url = location if "://" in location else f"http://{location}"
    try:
        when = parsedate_to_datetime(match.group(2).decode("ascii", "replace"))
    except (TypeError, ValueError, IndexError):
        when = None
    return url, when.astimezone(UTC) if when and when.tzinfo else None


def _wget_url(relative: Path) -> str | None:
    parts = relative.parts
    if len(parts) < 2 or not _HOST.match(parts[0]):
        return None
    host = parts[0].replace("+", ":")
    name = parts[-1]
    if "?" not in name and "@" in name and re.search(r"\.\w{2,5}@", name):
        name = name.replace("@", "?", 1)  # --restrict-file-names=windows
    if "?" in name and name.endswith(".html") and not name.split("?", 1)[0].endswith(".html"):
        name = name[: -len(".html")]  # --adjust-extension after a query
    elif re.search(r"\.(?:php|asp|aspx|jsp|cgi|pl)\.html$", name):
        name = name[: -len(".html")]
    path, _, query = "/".join((*parts[1:-1], name)).partition("?")
    if path == "index.html" or path.endswith("/index.html"):
        path = path[: -len("index.html")]
    url = f"http://{host}/{quote(path, safe='/%:@!$&()*+,;=-._~')}"
    try:
        urlsplit(url)
    except ValueError:
        return None
    return f"{url}?{query}" if query else url


def _warc_date(value: str | None) -> datetime:
    return _iso_date(value) or datetime(1970, 1, 1, tzinfo=UTC)


def _iso_date(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _mtime(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
