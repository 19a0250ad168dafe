"""Sessions: form login for five engines, cookie jars, page states, and secrets kept secret."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import httpx
import pytest

from forumwatch.clock import SimulatedClock
from forumwatch.crawl.fetcher import Fetcher, FetchOutcome
from forumwatch.crawl.pagestate import PageState, detect_page_state
from forumwatch.crawl.profile import parse_profile
from forumwatch.crawl.scope import in_scope_of
from forumwatch.crawl.session import (
    LOGIN_FORMS,
    LoginForm,
    SiteSession,
    fill_login_form,
    load_cookie_jar,
)
from forumwatch.crawl.warc import WarcArchive
from forumwatch.errors import ConfigError, SessionError
from forumwatch.models import Fetch, PageKind
from tests.conftest import T0
from tests.crawl.helpers import warc_bytes
from tests.crawl.login_sites import ENGINES, EngineLoginSite

PASSWORD = "Runner-Beans-2020"


def _profile(engine: str, extra: str = "") -> str:
    return (
        f'[login]\nengine = "{engine}"\nusername = "watcher"\n'
        f'password_env = "FW_TEST_PASSWORD"\n{extra}'
    )


async def _log_in(
    site: EngineLoginSite, engine: str, warc_dir: Path, fetches: list[Fetch]
) -> tuple[SiteSession, str]:
    login = parse_profile(_profile(engine)).login
    archive = WarcArchive(warc_dir)
    async with httpx.AsyncClient(trust_env=False) as client:
        fetcher = Fetcher(
            client, archive, SimulatedClock(T0), engine, in_scope_of(site.base_url), 1_000_000
        )

        async def record(outcome: FetchOutcome) -> None:
            fetches.append(outcome.fetch)

        session = SiteSession(login, None, site.base_url, fetcher, record)
        try:
            await session.log_in()
            after = await fetcher.fetch(site.base_url, PageKind.INDEX)
        finally:
            archive.close()
    return session, after.text or ""


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_form_login_for_each_engine_keeps_credentials_out_of_every_record(
    engine: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("FW_TEST_PASSWORD", PASSWORD)
    caplog.set_level(logging.DEBUG)
    fetches: list[Fetch] = []
    with EngineLoginSite(engine, "watcher", PASSWORD) as site:
        session, page = asyncio.run(_log_in(site, engine, tmp_path / "warc", fetches))
        posts = [body for method, _, body in site.requests if method == "POST"]
    assert session.logged_in and "Welcome back" in page
    # The form went back with the engine's hidden token and the right field names.
    assert len(posts) == 1 and site.token.encode() in posts[0]
    assert f"{ENGINES[engine].password_field}=".encode() in posts[0]
    session_cookie = next(iter(site.sessions))
    archived = warc_bytes(tmp_path / "warc")
    assert archived  # the login page and the index were archived ...
    for secret in (PASSWORD, session_cookie):
        # ... but neither the password nor the session cookie is anywhere.
        assert secret.encode() not in archived
        assert secret not in caplog.text
        assert all(secret not in repr(fetch) for fetch in fetches)


def test_wrong_password_fails_with_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("FW_TEST_PASSWORD", "not-the-password")
    caplog.set_level(logging.DEBUG)
    with (
        EngineLoginSite("phpbb", "watcher", PASSWORD) as site,
        pytest.raises(SessionError, match="did not take") as raised,
    ):
        asyncio.run(_log_in(site, "phpbb", tmp_path / "warc", []))
    assert "not-the-password" not in str(raised.value) + caplog.text


def test_missing_password_variable_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FW_TEST_PASSWORD", raising=False)
    login = parse_profile(_profile("mybb")).login
    with pytest.raises(ConfigError, match="FW_TEST_PASSWORD is not set"):
        login.credentials()


def test_password_file_is_read_at_login_time(tmp_path: Path) -> None:
    secret = tmp_path / "harbour.pass"
    secret.write_text(PASSWORD + "\n")
    login = parse_profile(f'[login]\nusername = "watcher"\npassword_file = "{secret}"\n').login
    assert login.credentials() == ("watcher", PASSWORD)


@pytest.mark.parametrize("key", ["password", "token"])
def test_profiles_refuse_secrets(key: str) -> None:
    with pytest.raises(ConfigError, match="password_env or password_file"):
        parse_profile(f'[login]\nusername = "watcher"\n{key} = "{PASSWORD}"\n')


def test_login_form_that_would_put_the_password_in_a_url_is_refused() -> None:
    html = (
        '<form action="login" method="get"><input name="u"><input type="password" name="p"></form>'
    )
    with pytest.raises(SessionError, match="POST"):
        fill_login_form(html, "http://127.0.0.1:9/", LoginForm("", "u", "p"), "w", PASSWORD)


def test_unknown_forms_are_filled_by_their_password_field() -> None:
    html = (
        '<form action="/auth" method="post"><input type="hidden" name="csrf" value="t1">'
        '<input type="email" name="mail"><input type="password" name="secret">'
        '<input type="submit" name="go" value="Go"><input type="submit" name="alt" value="No">'
        "</form>"
    )
    filled = fill_login_form(html, "http://127.0.0.1:9/x/", LOGIN_FORMS["phpbb"], "w", "pw")
    assert filled.action == "http://127.0.0.1:9/auth"
    assert filled.fields == {
        "csrf": "t1",
        "mail": "w",
        "secret": "pw",
        "go": "Go",
        "login": "Login",
    }
    assert "pw" not in repr(filled)


def test_cookie_jar_import_gives_a_member_session(tmp_path: Path) -> None:
    with EngineLoginSite("xenforo", "watcher", PASSWORD) as site:
        site.sessions.add("f00dfeedcafe")
        jar = tmp_path / "cookies.txt"
        jar.write_text(
            "# Netscape HTTP Cookie File\n"
            "#HttpOnly_127.0.0.1\tFALSE\t/\tFALSE\t0\txf_session\tf00dfeedcafe\n"
            "127.0.0.1\tFALSE\t/\tFALSE\t0\txf_csrf\tabc\n"
        )
        cookies = load_cookie_jar(jar)
        with httpx.Client(cookies=cookies, trust_env=False) as client:
            page = client.get(site.base_url).text
    assert "Welcome back" in page


def test_unreadable_cookie_jar_is_a_config_error(tmp_path: Path) -> None:
    jar = tmp_path / "cookies.txt"
    jar.write_text("not a cookie file\n")
    with pytest.raises(ConfigError, match="cookie file"):
        load_cookie_jar(jar)


_CASES = {
    PageState.CAPTCHA: (
        '<title>Security check</title><form><div class="h-captcha" data-sitekey="x"></div></form>'
    ),
    PageState.BANNED: "<h2>Information</h2><p>You have been banned from this board.</p>",
    PageState.MAINTENANCE: "<h1>Board Closed</h1><p>The board is closed for maintenance.</p>",
    PageState.SESSION_EXPIRED: "<p>Your session has expired. Please go back and try again.</p>",
    PageState.LOGGED_OUT: (
        '<form method="post"><input name="u"><input type="password" name="p"></form>'
    ),
}


@pytest.mark.parametrize("state", list(_CASES))
def test_page_states_are_recognised_on_pages_without_content(state: PageState) -> None:
    html = f"<html><head></head><body>{_CASES[state]}</body></html>"
    assert detect_page_state(html, has_content=False) is state


@pytest.mark.parametrize("state", list(_CASES))
def test_posts_that_talk_about_bans_or_captchas_are_content(state: PageState) -> None:
    html = f"<html><body><div class='post'>{_CASES[state]}</div></body></html>"
    assert detect_page_state(html, has_content=True) is PageState.OK


def test_member_pages_without_the_logout_link_mean_the_session_expired() -> None:
    member = '<html><body><a href="./ucp.php?mode=logout">Logout</a><p>posts</p></body></html>'
    guest = '<html><body><a href="./ucp.php?mode=login">Login</a><p>posts</p></body></html>'
    assert detect_page_state(member, True, expect_logged_in=True) is PageState.OK
    assert detect_page_state(guest, True, expect_logged_in=True) is PageState.SESSION_EXPIRED
    assert detect_page_state(guest, True, ".member-bar", True) is PageState.SESSION_EXPIRED
