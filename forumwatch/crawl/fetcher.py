"""Fetching one page: the text-only guard, the size cap, scope-checked redirects, the archive.

A fetch never raises for what a site does: every outcome, good or bad, comes back as a
:class:`FetchOutcome` whose :class:`~forumwatch.models.Fetch` goes into the fetch log. Only
HTML/XHTML responses within the size cap are read to the end and archived; anything else is
aborted as soon as its headers (or first bytes) show what it is.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

import httpx

from forumwatch.clock import Clock
from forumwatch.crawl.redact import protect_http_logs
from forumwatch.crawl.warc import WarcArchive
from forumwatch.models import Fetch, PageKind

HTML_TYPES = ("text/html", "application/xhtml+xml")
MAX_REDIRECTS = 5
_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_LOOKS_LIKE_HTML = re.compile(
    rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)", re.I | re.S
)


@dataclass(frozen=True, slots=True)
class FetchOutcome:
    """The fetch-log row of one attempt, and the page's text when it was an archived HTML page."""

    fetch: Fetch
    text: str | None = None
    final_url: str | None = None
    retry_after: float | None = None

    @property
    def ok(self) -> bool:
        """True when the page was fetched, archived and decoded."""
        return self.text is not None


def classify_error(error: Exception) -> str:
    """A short, stable name for a transport error, as stored in the fetch log."""
    if isinstance(error, httpx.TimeoutException):
        return "timeout"
    if isinstance(error, httpx.ProxyError):
        return "proxy_error"
    if isinstance(error, httpx.ConnectError):
        return "connect_error"
    if isinstance(error, httpx.RemoteProtocolError):
        message = str(error).lower()
        if "incomplete" in message or "without sending complete" in message:
            return "truncated"
        if "without sending" in message or "disconnected" in message:
            return "connection_reset"
        return "protocol_error"
    if isinstance(error, httpx.ReadError | httpx.WriteError):
        return "connection_reset"
    if isinstance(error, httpx.TransportError):
        return "transport_error"
    return type(error).__name__.lower()


def decode_html(body: bytes, content_type: str | None) -> str:
    """Decode a page by its declared charset (header, then meta), falling back to UTF-8."""
    candidates: list[str] = []
    if content_type and "charset=" in content_type.lower():
        candidates.append(content_type.lower().split("charset=", 1)[1].split(";")[0].strip(" \"'"))
    found = _CHARSET.search(body[:4096])
    if found:
        candidates.append(found.group(1).decode("ascii", "replace"))
    for charset in candidates:
        try:
            return body.decode(charset, errors="replace")
        except LookupError:
            continue
    return body.decode("utf-8", errors="replace")


class Fetcher:
    """Fetches pages of one site through an httpx client, archiving what it keeps.

    Args:
        client: the AsyncClient (its proxy, timeouts and cookies belong to the site).
        archive: where successful responses are written.
        clock: the injected clock for the fetch log.
        site_name: the site every fetch is logged under.
        in_scope: tells whether a URL belongs to the site (redirects elsewhere are refused).
        max_bytes: responses larger than this are aborted and discarded.
        deadline_seconds: total time one response may take, however its bytes trickle in
            (httpx's own timeouts apply per read); None for no deadline.
    """

    def __init__(
        self,
        client: httpx.AsyncClient,
        archive: WarcArchive,
        clock: Clock,
        site_name: str,
        in_scope: Callable[[str], bool],
        max_bytes: int,
        deadline_seconds: float | None = None,
    ) -> None:
        self.client = client
        self.archive = archive
        self.clock = clock
        self.site_name = site_name
        self.in_scope = in_scope
        self.max_bytes = max_bytes
        self.deadline_seconds = deadline_seconds
        protect_http_logs()

    async def fetch(self, url: str, kind: PageKind) -> FetchOutcome:
        """Fetch ``url``, following in-scope redirects; never raises for network trouble."""
        started_at = self.clock.now()
        started = time.monotonic()

        def done(**values: object) -> Fetch:
            elapsed = timedelta(seconds=time.monotonic() - started)
            fetched_url = str(values.pop("url", url))
            return Fetch(
                site_name=self.site_name,
                url=fetched_url,
                started_at=started_at,
                ended_at=started_at + elapsed,
                kind=kind,
                **values,  # type: ignore[arg-type]
            )

        current = url
        seen = {url}
        for _ in range(MAX_REDIRECTS + 1):
            answered: list[bool] = []
            try:
                async with asyncio.timeout(self.deadline_seconds):
                    outcome = await self._fetch_once(current, done, answered)
            except httpx.HTTPError as error:
                return FetchOutcome(done(url=current, error_class=classify_error(error)))
            except TimeoutError:
                # No answer at all is a timeout; an answer that trickles too slowly, a deadline.
                error_class = "deadline" if answered else "timeout"
                return FetchOutcome(done(url=current, error_class=error_class))
            if isinstance(outcome, FetchOutcome):
                return outcome
            status, location = outcome
            target = urljoin(current, location)
            if not self.in_scope(target):
                return FetchOutcome(done(status=status, error_class="redirect_out_of_scope"))
            if target in seen:
                return FetchOutcome(done(status=status, error_class="redirect_loop"))
            seen.add(target)
            current = target
        return FetchOutcome(done(error_class="too_many_redirects"))

    async def _fetch_once(
        self, url: str, done: Callable[..., Fetch], answered: list[bool]
    ) -> FetchOutcome | tuple[int, str]:
        async with self.client.stream("GET", url) as response:
            answered.append(True)
            status = response.status_code
            if status in (301, 302, 303, 307, 308) and "location" in response.headers:
                return status, response.headers["location"]
            content_type = response.headers.get("content-type")
            if status >= 400:
                return FetchOutcome(
                    done(
                        url=url,
                        status=status,
                        error_class=f"http_{status}",
                        content_type=content_type,
                    ),
                    retry_after=retry_after_seconds(response.headers),
                )
            declared = (content_type or "").split(";")[0].strip().lower()
            if declared and declared not in HTML_TYPES:
                return FetchOutcome(
                    done(status=status, error_class="not_html", content_type=content_type)
                )
            length = response.headers.get("content-length", "")
            if length.isdigit() and int(length) > self.max_bytes:
                return FetchOutcome(
                    done(status=status, error_class="too_large", content_type=content_type)
                )
            chunks: list[bytes] = []
            received = 0
            async for chunk in response.aiter_bytes():
                if not declared and received == 0 and not _LOOKS_LIKE_HTML.match(chunk[:1024]):
                    return FetchOutcome(
                        done(status=status, error_class="not_html", bytes_received=len(chunk))
                    )
                received += len(chunk)
                if received > self.max_bytes:
                    return FetchOutcome(
                        done(
                            status=status,
                            error_class="too_large",
                            content_type=content_type,
                            bytes_received=received,
                        )
                    )
                chunks.append(chunk)
            body = b"".join(chunks)
            request_headers = [
                (k, v) for k, v in response.request.headers.items() if k.lower() != "cookie"
            ]
            archived = self.archive.write(
                url=url,
                captured_at=self.clock.now(),
                method="GET",
                request_headers=request_headers,
                status=status,
                reason=response.reason_phrase,
                response_headers=list(response.headers.items()),
                body=body,
            )
            fetch = done(
                url=url,
                status=status,
                content_type=content_type,
                bytes_received=len(body),
                sha256=archived.sha256,
                warc_file=archived.warc_file,
                warc_offset=archived.offset,
                warc_length=archived.length,
            )
            return FetchOutcome(fetch, decode_html(body, content_type), str(response.url))

    async def post_form(self, url: str, fields: Mapping[str, str]) -> FetchOutcome:
        """POST a form (a login) and return the answer, which is neither archived nor logged.

        The request carries a password, so it is never written anywhere; its fetch-log row
        holds the URL, status and timing only. A redirect is not followed: its target is
        ``final_url`` (when in scope) for the caller to fetch.
        """
        started_at = self.clock.now()
        started = time.monotonic()

        def row(**values: object) -> Fetch:
            elapsed = timedelta(seconds=time.monotonic() - started)
            return Fetch(
                site_name=self.site_name,
                url=url,
                started_at=started_at,
                ended_at=started_at + elapsed,
                kind=PageKind.OTHER,
                **values,  # type: ignore[arg-type]
            )

        try:
            async with asyncio.timeout(self.deadline_seconds):
                response = await self.client.post(url, data=dict(fields))
        except httpx.HTTPError as error:
            return FetchOutcome(row(error_class=classify_error(error)))
        except TimeoutError:
            return FetchOutcome(row(error_class="deadline"))
        status = response.status_code
        content_type = response.headers.get("content-type")
        if status in (301, 302, 303, 307, 308) and "location" in response.headers:
            target = urljoin(url, response.headers["location"])
            if not self.in_scope(target):
                return FetchOutcome(row(status=status, error_class="redirect_out_of_scope"))
            return FetchOutcome(row(status=status, content_type=content_type), final_url=target)
        if status >= 400:
            return FetchOutcome(
                row(status=status, error_class=f"http_{status}", content_type=content_type)
            )
        body = response.content[: self.max_bytes]
        fetch = row(status=status, content_type=content_type, bytes_received=len(body))
        return FetchOutcome(fetch, decode_html(body, content_type), url)


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """The server's ``Retry-After`` in seconds (a number, or a date read against its ``Date``)."""
    value = headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        then = parsedate_to_datetime(value)
        now = parsedate_to_datetime(headers.get("date", ""))
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, (then - now).total_seconds())
