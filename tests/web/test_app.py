"""The dashboard without a browser: login, sessions, CSRF, roles, audit, escaping, headers."""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from forumwatch.web.app import create_app
from forumwatch.web.headers import CONTENT_SECURITY_POLICY
from forumwatch.workspace import Workspace
from tests.web.data import PAYLOADS, USERS

with warnings.catch_warnings():
    # Starlette 1.x suggests the httpx2 fork for its test client; httpx serves it fine.
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

PAGES = (
    "/",
    "/status",
    "/sites/harbour",
    "/sections/3",
    "/keywords",
    "/links",
    "/links?host=example.net",
    "/actors",
    "/search?q=lockdown",
    "/search?q=garden+OR+weather&order=relevance",
    "/threads/1",
    "/threads/2?page=2",
    "/reports",
)


class Clock:
    """A settable clock for session timeouts."""

    def __init__(self) -> None:
        self.now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def client(web_workspace: Workspace, clock: Clock) -> Iterator[TestClient]:
    app = create_app(web_workspace, now=clock)
    with TestClient(app, base_url="http://127.0.0.1") as test_client:
        yield test_client
    app.state.web.store.close()


def login(client: TestClient, user: str, password: str | None = None) -> str:
    """Log in; return the session's CSRF token (from a page's forms)."""
    form = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token is not None
    response = client.post(
        "/login",
        data={
            "name": user,
            "password": password or USERS[user][1],
            "csrf_token": token.group(1),
            "next": "/search",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/search"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    page = client.get("/reports")
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


def audit(workspace: Workspace, user: str) -> list[tuple[str, str, dict[str, object]]]:
    store = workspace.open_store()
    try:
        entries = store.audit_entries(1000, user_name=user)
    finally:
        store.close()
    return [(e.action, e.outcome, json.loads(e.detail)) for e in entries]


def test_every_page_needs_a_login(client: TestClient) -> None:
    for path in PAGES:
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login?next=")


def test_pages_escape_crawled_strings_and_send_security_headers(client: TestClient) -> None:
    login(client, "ada")
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200, (path, response.text[-500:])
        html = response.text
        for payload in PAYLOADS[:4]:
            assert payload not in html, (path, payload)
        assert "<script" not in html.lower(), path
        assert not re.search(r"<[a-z][^>]*\son[a-z]+\s*=", html, re.IGNORECASE), path
        assert 'href="javascript' not in html.lower(), path
        assert "https://files.example.net" not in html, path
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["cache-control"] == "no-store"
        assert "script-src 'self'" in response.headers["content-security-policy"]
    thread = client.get("/threads/1").text
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in thread
    assert "hxxps://files[.]example[.]net" in thread


def test_wrong_password_is_refused_and_logged(client: TestClient, web_workspace: Workspace) -> None:
    form = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token is not None
    response = client.post(
        "/login",
        data={"name": "vera", "password": "not-the-password", "csrf_token": token.group(1)},
        follow_redirects=False,
    )
    assert response.status_code == 401
    assert "fw_session" not in response.headers.get("set-cookie", "")
    assert ("login", "failed", {}) in audit(web_workspace, "vera")


def test_login_form_without_its_token_is_refused(client: TestClient) -> None:
    client.get("/login")
    response = client.post(
        "/login", data={"name": "vera", "password": USERS["vera"][1]}, follow_redirects=False
    )
    assert response.status_code == 403


def test_open_redirect_after_login_is_refused(client: TestClient) -> None:
    form = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token is not None
    response = client.post(
        "/login",
        data={
            "name": "vera",
            "password": USERS["vera"][1],
            "csrf_token": token.group(1),
            "next": "//evil.example/",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"
    from forumwatch.web.views.login import _safe_next

    for target in ("https://evil.example/", "/\t/evil.example", "/\\evil.example", "", None):
        assert _safe_next(target) == "/"
    assert _safe_next("/search?q=a") == "/search?q=a"


def test_post_without_csrf_token_or_from_another_site_is_refused(
    client: TestClient, web_workspace: Workspace
) -> None:
    token = login(client, "ada")
    period = {"start": "2020-04-01", "end": "2020-04-02"}
    assert client.post("/reports/generate", data=period).status_code == 403
    other_site = client.post(
        "/reports/generate",
        data={**period, "csrf_token": token},
        headers={"origin": "http://evil.example", "sec-fetch-site": "cross-site"},
    )
    assert other_site.status_code == 403
    assert [e for e in audit(web_workspace, "ada") if e[0] == "csrf"]


def test_sessions_end_when_idle_and_at_logout(client: TestClient, clock: Clock) -> None:
    token = login(client, "vera")
    clock.now += timedelta(minutes=29)
    assert client.get("/", follow_redirects=False).status_code == 200
    clock.now += timedelta(minutes=31)
    assert client.get("/", follow_redirects=False).status_code == 303
    token = login(client, "vera")
    assert (
        client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code
        == 303
    )
    assert client.get("/", follow_redirects=False).status_code == 303


def test_removing_a_user_ends_their_session(client: TestClient, web_workspace: Workspace) -> None:
    store = web_workspace.open_store()
    try:
        from forumwatch.web.auth import add_user

        add_user(store, "temp", "temporary-password", "viewer", datetime.now(UTC))
        login(client, "temp", "temporary-password")
        assert client.get("/", follow_redirects=False).status_code == 200
        store.remove_user("temp")
    finally:
        store.close()
    assert client.get("/", follow_redirects=False).status_code == 303


def test_viewer_reveal_is_denied_and_analyst_reveal_is_logged(
    client: TestClient, web_workspace: Workspace
) -> None:
    token = login(client, "vera")
    pseudonymised = client.get("/threads/1").text
    assert "member-" in pseudonymised and "keeper99" not in pseudonymised
    denied = client.post("/threads/1/reveal", data={"csrf_token": token, "reason": "x"})
    assert denied.status_code == 403 and "keeper99" not in denied.text
    assert any(e[0] == "forbidden" and e[1] == "denied" for e in audit(web_workspace, "vera"))
    client.cookies.clear()
    token = login(client, "ada")
    no_reason = client.post("/threads/1/reveal", data={"csrf_token": token, "reason": " "})
    assert "keeper99" not in no_reason.text
    revealed = client.post(
        "/threads/1/reveal", data={"csrf_token": token, "reason": "case 7", "page": "1"}
    )
    assert revealed.status_code == 200 and "keeper99" in revealed.text
    reveals = [e for e in audit(web_workspace, "ada") if e[0] == "reveal"]
    assert reveals and reveals[0][2]["reason"] == "case 7" and reveals[0][2]["thread_id"] == 1
    actors = client.post("/actors/reveal", data={"csrf_token": token, "reason": "case 8"})
    assert "keeper99" in actors.text


def test_search_is_audited_and_filters_by_pseudonym_not_by_handle_for_viewers(
    client: TestClient, web_workspace: Workspace
) -> None:
    login(client, "vera")
    page = client.get("/search", params={"q": "garden", "site": "harbour", "links": "yes"})
    assert page.status_code == 200 and "<mark>" in page.text
    pseudonym = web_workspace.pseudonymiser().handle("keeper99")
    mine = client.get("/search", params={"q": "garden OR football", "author": pseudonym})
    assert pseudonym in mine.text
    authors = set(re.findall(r'class="handle">(member-[a-z0-9]+)<', mine.text))
    assert authors == {pseudonym}
    refused = client.get("/search", params={"q": "garden", "author": "keeper99"})
    assert "needs the analyst role" in refused.text
    searches = [e for e in audit(web_workspace, "vera") if e[0] == "search"]
    assert {"q": "garden", "site": "harbour", "links": "yes", "page": 1} in [e[2] for e in searches]


def test_report_download_is_an_audited_attachment(
    client: TestClient, web_workspace: Workspace
) -> None:
    token = login(client, "ada")
    made = client.post(
        "/reports/generate",
        data={"csrf_token": token, "start": "2020-04-01", "end": "2020-04-30"},
        follow_redirects=False,
    )
    assert made.status_code == 303
    name = made.headers["location"].split("made=")[1]
    download = client.get(f"/reports/files/{name}")
    assert download.status_code == 200
    assert download.headers["content-disposition"].startswith("attachment")
    assert "sandbox" in download.headers.get_list("content-security-policy")[0] + " ".join(
        download.headers.get_list("content-security-policy")
    )
    assert client.get("/reports/files/..%2Fforumwatch.toml").status_code == 404
    assert ("export", "ok", {"file": name}) in audit(web_workspace, "ada")


def test_admin_pages_need_the_admin_role(client: TestClient) -> None:
    login(client, "ada")
    assert client.get("/admin/audit").status_code == 403
    client.cookies.clear()
    login(client, "root")
    page = client.get("/admin/audit", params={"action": "login"})
    assert page.status_code == 200 and "root" in page.text


def test_unknown_thread_is_a_404(client: TestClient) -> None:
    login(client, "vera")
    assert client.get("/threads/999999").status_code == 404
    assert client.get("/sections/999999").status_code == 404
    assert client.get("/no-such-page").status_code == 404


def test_static_assets_are_local(client: TestClient) -> None:
    css = client.get("/static/style.css")
    assert css.status_code == 200
    assert "url(" not in css.text and "@import" not in css.text
    login(client, "vera")
    page = client.get("/").text
    assert re.findall(r'(?:href|src)="(https?:|//)', page) == []
