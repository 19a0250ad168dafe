"""The fetcher: text only, size cap, scope-checked redirects, every outcome classified."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from forumwatch.clock import SimulatedClock
from forumwatch.crawl.fetcher import Fetcher, FetchOutcome
from forumwatch.crawl.scope import in_scope_of
from forumwatch.crawl.warc import WarcArchive
from forumwatch.models import PageKind
from tests.conftest import T0

BASE = "http://127.0.0.1:9/forum/"


def fetch(
    tmp_path: Path,
    handler: Callable[[httpx.Request], httpx.Response],
    url: str = BASE,
    max_bytes: int = 1_000_000,
) -> FetchOutcome:
    async def go() -> FetchOutcome:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            fetcher = Fetcher(
                client, WarcArchive(tmp_path), SimulatedClock(T0), "s", in_scope_of(BASE), max_bytes
            )
            outcome = await fetcher.fetch(url, PageKind.INDEX)
            fetcher.archive.close()
            return outcome

    return asyncio.run(go())


def html(_: httpx.Request) -> httpx.Response:
    return httpx.Response(
        200,
        headers={"Content-Type": "text/html; charset=utf-8"},
        content=b"<html><body>Allotment news</body></html>",
    )


def test_html_page_is_archived_and_decoded(tmp_path: Path) -> None:
    outcome = fetch(tmp_path, html)
    assert outcome.ok and outcome.text is not None and "Allotment" in outcome.text
    assert outcome.fetch.sha256 and outcome.fetch.warc_file and outcome.fetch.status == 200
    assert outcome.fetch.started_at == T0


@pytest.mark.parametrize(
    "content_type",
    ["image/jpeg", "video/mp4", "application/zip", "application/octet-stream", "application/json"],
)
def test_non_html_is_refused_and_not_archived(tmp_path: Path, content_type: str) -> None:
    outcome = fetch(
        tmp_path,
        lambda _: httpx.Response(
            200, headers={"Content-Type": content_type}, content=b"\xff\xd8\xff" * 100
        ),
    )
    assert not outcome.ok and outcome.fetch.error_class == "not_html"
    assert outcome.fetch.warc_file is None
    assert not any(tmp_path.iterdir())


def test_undeclared_binary_is_refused(tmp_path: Path) -> None:
    outcome = fetch(tmp_path, lambda _: httpx.Response(200, content=b"\x89PNG\r\n\x1a\n" * 50))
    assert outcome.fetch.error_class == "not_html"


def test_oversized_page_is_aborted(tmp_path: Path) -> None:
    big = b"<html>" + b"x" * 200_000 + b"</html>"
    outcome = fetch(
        tmp_path,
        lambda _: httpx.Response(200, headers={"Content-Type": "text/html"}, content=big),
        max_bytes=100_000,
    )
    assert outcome.fetch.error_class == "too_large" and outcome.fetch.warc_file is None


def test_server_errors_are_classified(tmp_path: Path) -> None:
    outcome = fetch(tmp_path, lambda _: httpx.Response(503, text="busy"))
    assert outcome.fetch.error_class == "http_503" and outcome.fetch.status == 503


def test_redirect_out_of_scope_is_not_followed(tmp_path: Path) -> None:
    requested: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requested.append(str(request.url))
        return httpx.Response(302, headers={"Location": "http://elsewhere.example/pic.jpg"})

    outcome = fetch(tmp_path, handler)
    assert outcome.fetch.error_class == "redirect_out_of_scope"
    assert requested == [BASE]


def test_redirect_loop_is_detected(tmp_path: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        target = BASE + ("b" if request.url.path.endswith("/a") else "a")
        return httpx.Response(302, headers={"Location": target})

    assert fetch(tmp_path, handler, BASE + "a").fetch.error_class == "redirect_loop"


def test_in_scope_redirect_is_followed(tmp_path: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("index.php"):
            return html(request)
        return httpx.Response(301, headers={"Location": "index.php"})

    outcome = fetch(tmp_path, handler)
    assert outcome.ok and outcome.fetch.url == BASE + "index.php"


def test_network_errors_are_classified(tmp_path: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    assert fetch(tmp_path, handler).fetch.error_class == "timeout"


def test_scope() -> None:
    check = in_scope_of("http://abc.onion/forum/index.php")
    assert check("http://abc.onion/forum/viewtopic.php?t=1")
    assert not check("http://abc.onion/other/")
    assert not check("http://files.example/forum/x.jpg")
    assert not check("javascript:alert(1)")
