"""The dashboard in a real browser (headless Chromium): log in, see charts, search, read a
thread, reveal, generate and download a report, log out; with stored-XSS payloads in the data.

On every page: no payload ran (``window.__xss`` stays undefined, no dialog opened, no CSP
violation was reported), no request left 127.0.0.1, no element carries an event-handler
attribute, no image is shown, and every link points inside the dashboard. A screenshot of each
page goes to ``artifacts/screenshots`` (``FORUMWATCH_SCREENSHOTS``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from forumwatch.workspace import Workspace
from tests.web.data import USERS

pytestmark = pytest.mark.browser

_INSPECT = """() => {
  const handlers = [];
  for (const element of document.querySelectorAll('*')) {
    for (const attribute of element.attributes) {
      if (attribute.name.toLowerCase().startsWith('on')) {
        handlers.push(element.tagName + ' ' + attribute.name);
      }
    }
  }
  return {
    xss: typeof window.__xss,
    handlers: handlers,
    images: document.querySelectorAll('img, image, iframe, object, embed, video, audio').length,
    scripts: Array.from(document.scripts).map(s => s.src || 'inline'),
    hrefs: Array.from(document.querySelectorAll('[href]')).map(e => e.getAttribute('href')),
    srcs: Array.from(document.querySelectorAll('[src]')).map(e => e.getAttribute('src')),
  };
}"""


@dataclass
class Guard:
    """What a browser context did that it must not: requests off loopback, dialogs, CSP
    violations and script errors."""

    blocked: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)

    def route(self, route: Any) -> None:
        host = urlsplit(route.request.url).hostname or ""
        if host in ("127.0.0.1", "localhost", "::1"):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def message(self, message: Any) -> None:
        if message.type in ("error", "warning"):
            self.console.append(message.text)


@dataclass
class Browser:
    """One logged-out browser context on the live server, with its guard."""

    page: Any
    base: str
    guard: Guard
    screenshots: Path

    def open(self, path: str) -> None:
        self.page.goto(self.base + path)
        self.check()

    def check(self) -> None:
        """Assert that nothing hostile happened on the current page."""
        page, guard = self.page, self.guard
        found = page.evaluate(_INSPECT)
        assert found["xss"] == "undefined", page.url
        assert found["handlers"] == [], (page.url, found["handlers"])
        assert found["images"] == 0, page.url
        assert found["scripts"] == [], page.url
        for href in found["hrefs"] + found["srcs"]:
            assert re.match(r"^(/(?!/)|\?|#)", href), (page.url, href)
        assert guard.blocked == [], guard.blocked
        assert guard.dialogs == [], guard.dialogs
        violations = [m for m in guard.console if "Content Security Policy" in m]
        assert violations == [], violations

    def shot(self, name: str) -> Path:
        path = self.screenshots / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def login(self, user: str) -> None:
        self.open("/login")
        self.page.fill("input[name=name]", user)
        self.page.fill("input[name=password]", USERS[user][1])
        self.page.click("form[action='/login'] button[type=submit]")
        self.page.wait_for_url(self.base + "/")
        self.check()


@pytest.fixture
def browser(chromium: Any, live_server: str, screenshots: Path) -> Iterator[Browser]:
    """A fresh browser context (no cookies) guarded against anything leaving loopback."""
    guard = Guard()
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.route("**/*", guard.route)
    page = context.new_page()
    page.on("dialog", guard.dialog)
    page.on("console", guard.message)
    page.set_default_timeout(15_000)
    yield Browser(page, live_server, guard, screenshots)
    context.close()


def test_analyst_explores_searches_reads_and_reports(
    browser: Browser, web_workspace: Workspace
) -> None:
    page = browser.page
    browser.open("/")
    assert page.url.startswith(browser.base + "/login")
    browser.shot("login")
    browser.login("ada")

    # Overview: a chart (inline SVG), the sites with their availability strips.
    assert page.locator("figure.chart svg polyline").count() > 0
    assert page.locator("table.sites .cell.unavailable").count() >= 0
    assert "lighthouse" in page.inner_text("table.sites")
    browser.shot("overview")

    # Search with filters: highlighted hits.
    browser.open("/search")
    page.fill("input[name=q]", "lockdown")
    page.select_option("select[name=site]", "harbour")
    page.select_option("select[name=links]", "no")
    page.click("form.search button[type=submit]")
    page.wait_for_url(re.compile(r".*/search\?.*q=lockdown.*"))
    browser.check()
    assert page.locator("li.hit").count() > 0
    assert page.locator("li.hit mark").first.inner_text().lower() == "lockdown"
    assert all("harbour" in text for text in page.locator("li.hit .where").all_inner_texts())
    browser.shot("search")

    # Open a thread from a hit: text only, payloads shown as text, links defanged.
    page.locator("li.hit .where a").first.click()
    page.wait_for_url(re.compile(r".*/threads/\d+.*"))
    browser.check()
    assert page.locator("li.post").count() > 0
    thread_id = re.search(r"/threads/(\d+)", page.url).group(1)  # type: ignore[union-attr]
    browser.open(f"/threads/{thread_id}?page=1")
    text = page.inner_text("main")
    assert "<script>window.__xss=1</script>" in text or "onerror" in text
    assert "https://files.example.net" not in text
    assert "hxxps://files[.]example[.]net" in text
    assert "member-" in text
    browser.shot("thread")

    # Reveal, as an analyst: shown once, and logged with the reason.
    page.fill("form.reveal input[name=reason]", "case 42 review")
    page.click("form.reveal button[type=submit]")
    page.wait_for_load_state()
    browser.check()
    assert "Real handles shown" in page.inner_text("main")
    browser.shot("thread-revealed")

    for path, name in (
        ("/sites/harbour", "site"),
        ("/sections/3", "section"),
        ("/keywords", "keywords"),
        ("/links", "links"),
        ("/actors", "actors"),
        ("/status", "status"),
    ):
        browser.open(path)
        browser.shot(name)
    browser.open("/sites/harbour")
    assert page.locator("figure.chart svg").count() == 1
    browser.open("/sections/3")
    assert "<script>window.__xss=1</script>Weather" in page.inner_text("h1")

    # Reports: generate one, download it (an export in the audit log).
    browser.open("/reports")
    page.fill("form[action='/reports/generate'] input[name=start]", "2020-04-01")
    page.fill("form[action='/reports/generate'] input[name=end]", "2020-04-30")
    page.click("form[action='/reports/generate'] button[type=submit]")
    page.wait_for_url(re.compile(r".*/reports\?made=.*"))
    browser.check()
    browser.shot("reports")
    with page.expect_download() as download:
        page.locator("table.reports a").first.click()
    assert download.value.suggested_filename.endswith(".html")

    # CSRF: the same POST without the form's token is refused.
    refused = page.request.post(
        browser.base + "/reports/generate", form={"start": "2020-04-01", "end": "2020-04-02"}
    )
    assert refused.status == 403

    # Log out: the session is gone.
    page.click("form.logout button[type=submit]")
    page.wait_for_url(re.compile(r".*/login.*"))
    browser.open("/search")
    assert page.url.startswith(browser.base + "/login")

    store = web_workspace.open_store()
    try:
        entries = store.audit_entries(500, user_name="ada")
    finally:
        store.close()
    actions = [(e.action, e.outcome) for e in entries]
    for expected in (
        ("login", "ok"),
        ("search", "ok"),
        ("reveal", "ok"),
        ("report", "ok"),
        ("export", "ok"),
        ("csrf", "rejected"),
        ("logout", "ok"),
    ):
        assert expected in actions
    assert any("case 42 review" in e.detail for e in entries if e.action == "reveal")


def test_viewer_cannot_reveal_and_admin_reads_the_audit_log(browser: Browser) -> None:
    page = browser.page
    browser.login("vera")
    browser.open("/threads/1")
    assert "needs the analyst role" in page.inner_text("main")
    assert page.locator("form.reveal").count() == 0
    # A hand-made reveal request with a valid token is still refused for a viewer.
    token = page.get_attribute("form.logout input[name=csrf_token]", "value")
    refused = page.request.post(
        browser.base + "/threads/1/reveal",
        form={"csrf_token": token or "", "reason": "curious", "page": "1"},
    )
    assert refused.status == 403
    browser.open("/admin/audit")
    assert "needs the admin role" in page.inner_text("main")
    page.click("form.logout button[type=submit]")
    page.wait_for_url(re.compile(r".*/login.*"))

    browser.login("root")
    browser.open("/admin/audit?user=vera")
    rows = page.inner_text("table.audit")
    assert "forbidden" in rows and "denied" in rows
    browser.shot("audit")
