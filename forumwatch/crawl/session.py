"""Sessions: form login with credentials, and cookie jars exported from a browser.

Each engine's login form is data (:data:`LOGIN_FORMS`): where the form is and what its user and
password fields are called; everything else the form holds (hidden tokens such as phpBB's
``form_token``, MyBB's ``my_post_key``, SMF's session variable, vBulletin's ``securitytoken``,
XenForo's ``_xfToken``) is sent back as the page gave it. The form must post to the site
itself, by POST: a password never appears in a URL, a log line, the fetch log or the archive
(the login request is not archived; cookies are never written to WARC records).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from http.cookiejar import LoadError, MozillaCookieJar
from pathlib import Path
from urllib.parse import urljoin

import httpx
from selectolax.lexbor import LexborHTMLParser, LexborNode, SelectolaxError

from forumwatch.crawl.fetcher import Fetcher, FetchOutcome
from forumwatch.crawl.pagestate import is_logged_in
from forumwatch.crawl.profile import LoginProfile
from forumwatch.errors import ConfigError, SessionError
from forumwatch.models import PageKind

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LoginForm:
    """Where an engine's login form is, and the names of its fields."""

    path: str
    user_field: str
    password_field: str
    form_selector: str = ""
    extra: dict[str, str] = field(default_factory=dict)


LOGIN_FORMS: dict[str, LoginForm] = {
    # prosilver: ucp.php?mode=login, form#login; the submit button's name 'login' must be sent.
    "phpbb": LoginForm(
        "ucp.php?mode=login", "username", "password", "form#login", {"login": "Login"}
    ),
    # MyBB 1.8: member.php?action=login; hidden action=do_login and my_post_key.
    "mybb": LoginForm(
        "member.php?action=login",
        "username",
        "password",
        "form[action*='member.php']",
        {"action": "do_login"},
    ),
    # SMF 2.x: index.php?action=login posts to action=login2 with a session token field.
    "smf": LoginForm(
        "index.php?action=login", "user", "passwrd", "form#frmLogin, form[action*='login2']"
    ),
    # vBulletin 3/4: the navbar login form of every page posts to login.php?do=login.
    "vbulletin": LoginForm(
        "",
        "vb_login_username",
        "vb_login_password",
        "form[action*='login.php']",
        {"do": "login", "cookieuser": "1"},
    ),
    # XenForo 2: /login/ (or index.php?login/), fields 'login' and 'password' and _xfToken.
    "xenforo": LoginForm(
        "index.php?login/", "login", "password", "form[action*='login/login']", {"remember": "1"}
    ),
}


def load_cookie_jar(path: Path) -> httpx.Cookies:
    """Read a Netscape ``cookies.txt`` (as browsers' export add-ons write it).

    Raises:
        ConfigError: the file is missing or not in the Netscape format.
    """
    jar = MozillaCookieJar()
    try:
        jar.load(str(path), ignore_discard=True, ignore_expires=True)
    except (OSError, LoadError) as error:
        raise ConfigError(f"cannot read the cookie file {path}: {error}") from None
    for cookie in jar:
        # Browsers export session cookies with expiry 0; read as "expired" they would never
        # be sent.
        if not cookie.expires:
            cookie.expires = None
            cookie.discard = True
    return httpx.Cookies(jar)


@dataclass(frozen=True, slots=True)
class FilledForm:
    """A login form ready to send: where, and what (the values include the secret)."""

    action: str
    fields: dict[str, str]

    def __repr__(self) -> str:
        return f"FilledForm(action={self.action!r}, fields=<{len(self.fields)} hidden>)"


def fill_login_form(
    html: str, page_url: str, form: LoginForm, username: str, password: str
) -> FilledForm:
    """Find the login form on a page and fill it in.

    Raises:
        SessionError: no login form on the page, or it does not post (POST only).
    """
    try:
        tree = LexborHTMLParser(html)
    except SelectolaxError as error:
        raise SessionError(f"the login page could not be read: {error}") from None
    node = _find_form(tree, form)
    if node is None:
        raise SessionError(f"no login form on {page_url}")
    method = (node.attributes.get("method") or "get").lower()
    if method != "post":
        raise SessionError("the login form does not use POST; refusing to put a password in a URL")
    action = urljoin(page_url, node.attributes.get("action") or page_url)
    fields = _form_fields(node)
    user_field = form.user_field
    password_field = form.password_field
    if node.css_first(f"input[name='{user_field}']") is None:
        text = node.css_first("input[type='text'], input[type='email'], input:not([type])")
        user_field = (text.attributes.get("name") if text is not None else None) or user_field
    if node.css_first(f"input[name='{password_field}']") is None:
        secret = node.css_first("input[type='password']")
        password_field = (
            secret.attributes.get("name") if secret is not None else None
        ) or password_field
    for name, value in form.extra.items():
        fields.setdefault(name, value)
    fields[user_field] = username
    fields[password_field] = password
    return FilledForm(action, fields)


def _find_form(tree: LexborHTMLParser, form: LoginForm) -> LexborNode | None:
    candidates: list[LexborNode] = []
    if form.form_selector:
        with contextlib.suppress(SelectolaxError):
            candidates.extend(tree.css(form.form_selector))
    candidates.extend(tree.css("form"))
    for node in candidates:
        if node.css_first("input[type='password']") is not None:
            return node
    return None


def _form_fields(form: LexborNode) -> dict[str, str]:
    """What a browser would send of a form without typing: hidden and preset fields."""
    fields: dict[str, str] = {}
    submitted = False
    for node in form.css("input, select, textarea, button"):
        name = node.attributes.get("name")
        if not name:
            continue
        tag = node.tag
        kind = (node.attributes.get("type") or "text").lower()
        if tag == "select":
            option = node.css_first("option[selected]") or node.css_first("option")
            if option is not None:
                fields[name] = option.attributes.get("value") or option.text(strip=True)
        elif tag == "textarea":
            fields[name] = node.text()
        elif kind in {"submit", "image"} or tag == "button":
            if not submitted and kind != "reset":
                fields[name] = node.attributes.get("value") or ""
                submitted = True
        elif kind in {"checkbox", "radio"}:
            if "checked" in node.attributes:
                fields[name] = node.attributes.get("value") or "on"
        elif kind not in {"password", "file", "reset"}:
            fields[name] = node.attributes.get("value") or ""
    return fields


class SiteSession:
    """The session of one site for one run: log in, tell whether we are logged in, log in again.

    Args:
        login: the site's login profile.
        engine: the engine whose form to use (the profile's, else the site's).
        base_url: the site's base URL (login paths are relative to it).
        fetcher: the site's fetcher (scope, archive, fetch log rows).
        record: stores each attempt in the fetch log as it happens.
    """

    def __init__(
        self,
        login: LoginProfile,
        engine: str | None,
        base_url: str,
        fetcher: Fetcher,
        record: Callable[[FetchOutcome], Awaitable[None]],
    ) -> None:
        self.record = record
        self.login = login
        self.engine = login.engine or (engine if engine in LOGIN_FORMS else None)
        self.base_url = base_url
        self.fetcher = fetcher
        self.logged_in = False
        self.attempts = 0

    @property
    def expects_login(self) -> bool:
        """True when pages should show the logged-in marker."""
        return self.logged_in

    def form(self) -> LoginForm:
        """The login form description for this site."""
        form = LOGIN_FORMS.get(self.engine or "", LoginForm("", "username", "password"))
        if self.login.url is not None:
            return LoginForm(
                self.login.url, form.user_field, form.password_field, form.form_selector, form.extra
            )
        return form

    async def log_in(self) -> None:
        """Log in with the profile's credentials, recording every request in the fetch log.

        Raises:
            SessionError: the login form is missing, off-site, or the login did not take.
            ConfigError: the credentials cannot be read.
        """
        self.attempts += 1
        username, password = self.login.credentials()
        form = self.form()
        page_url = urljoin(self.base_url, form.path)
        page = await self.fetcher.fetch(page_url, PageKind.OTHER)
        await self.record(page)
        if not page.ok or page.text is None:
            error = page.fetch.error_class or "no page"
            raise SessionError(f"login page {page_url} could not be fetched ({error})")
        filled = fill_login_form(page.text, page.final_url or page_url, form, username, password)
        if not self.fetcher.in_scope(filled.action):
            raise SessionError("the login form posts outside the site; refusing to send it")
        log.info("logging in to %s as a member", self.base_url)
        posted = await self.fetcher.post_form(filled.action, filled.fields)
        await self.record(posted)
        if posted.fetch.error_class is not None:
            raise SessionError(f"the login request failed ({posted.fetch.error_class})")
        text = posted.text
        if text is None and posted.final_url:
            landing = await self.fetcher.fetch(posted.final_url, PageKind.OTHER)
            await self.record(landing)
            text = landing.text
        if text is None or not is_logged_in(text, self.login.logged_in_selector):
            check = await self.fetcher.fetch(self.base_url, PageKind.OTHER)
            await self.record(check)
            text = check.text
        if text is None or not is_logged_in(text, self.login.logged_in_selector):
            raise SessionError("the login did not take (no logged-in marker after logging in)")
        self.logged_in = True
