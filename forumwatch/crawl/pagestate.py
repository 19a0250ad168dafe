"""Is this page the content we asked for, or a login form, captcha, ban or maintenance notice?

A login-gated forum answers ``200 OK`` with a login form when the session is gone, a captcha
when a DDoS guard kicks in, a ban or maintenance notice in the board's own layout. Stored as
posts, such pages would be garbage; so a page the parser finds no content on is checked for
these states, and the site's run stops with the state as its status.

Only pages without content are read for tell-tale words, because members discuss bans and
captchas in their posts: a thread page with posts is a thread page. The one check made on
content pages is the logged-in marker, when the site has a login: a page without it was
served to a guest, so the session expired.
"""

from __future__ import annotations

import re
from enum import StrEnum

from selectolax.lexbor import LexborHTMLParser, SelectolaxError


class PageState(StrEnum):
    """What a fetched HTML page turned out to be."""

    OK = "ok"
    LOGGED_OUT = "logged_out"
    SESSION_EXPIRED = "session_expired"
    CAPTCHA = "captcha"
    BANNED = "banned"
    MAINTENANCE = "maintenance"


DEFAULT_LOGGED_IN_SELECTOR = (
    'a[href*="logout"], a[href*="log-out"], a[href*="log_out"], form[action*="logout"]'
)
"""Every engine forumwatch logs in to shows a logout link while logged in."""

_CAPTCHA_MARKUP = (
    ".g-recaptcha, .h-captcha, .cf-turnstile, [data-sitekey], iframe[src*='captcha'], "
    "img[src*='captcha'], img[src*='CAPTCHA'], input[name*='captcha'], input[name*='CAPTCHA'], "
    "#captcha, .captcha"
)
_PHRASES: tuple[tuple[PageState, re.Pattern[str]], ...] = (
    (
        PageState.BANNED,
        re.compile(
            r"you (?:have been|are|were) banned|your (?:ip|account|user ?name|address)"
            r"(?: address)? (?:has been|is) banned"
            r"|banned from (?:this|using|the) (?:board|forum|site)"
            r"|account (?:is|has been) (?:suspended|disabled)"
        ),
    ),
    (
        PageState.MAINTENANCE,
        re.compile(
            r"maintenance mode|(?:down|closed) for maintenance|under maintenance"
            r"|board (?:is )?(?:currently )?(?:disabled|closed|offline)|forum (?:is )?"
            r"(?:currently )?(?:closed|offline|disabled)|site is (?:currently )?(?:closed|offline)"
        ),
    ),
    (
        PageState.CAPTCHA,
        re.compile(
            r"captcha|checking your browser|ddos protection"
            r"|prove (?:that )?you are (?:not a bot|human)"
            r"|you are in (?:the )?queue"
        ),
    ),
    (
        PageState.SESSION_EXPIRED,
        re.compile(
            r"session (?:has )?(?:expired|timed out)|session timeout|invalid session"
            r"|your session (?:is|was) (?:invalid|lost)|submitted form was invalid"
        ),
    ),
    (
        PageState.LOGGED_OUT,
        re.compile(
            r"(?:must|need to) (?:be )?(?:registered and )?logged in|(?:must|need to) log ?in"
            r"|login required|you are not logged in|not logged in or do not have permission"
            r"|please (?:log ?in|sign in)|requires? you to be registered"
        ),
    ),
)
_MAX_TEXT = 20_000


def detect_page_state(
    html: str,
    has_content: bool,
    logged_in_selector: str | None = None,
    expect_logged_in: bool = False,
) -> PageState:
    """Classify a fetched page.

    Args:
        html: the page.
        has_content: the parser found what the page should hold (sections, threads, posts).
        logged_in_selector: CSS selector present on every page while logged in.
        expect_logged_in: the crawler holds a session: a page without the marker means the
            session expired.
    """
    if has_content and not expect_logged_in:
        return PageState.OK  # the common case: no second look at the page
    try:
        tree = LexborHTMLParser(html)
    except SelectolaxError:
        return PageState.OK if has_content else PageState.LOGGED_OUT
    if expect_logged_in:
        selector = logged_in_selector or DEFAULT_LOGGED_IN_SELECTOR
        try:
            marked = tree.css_first(selector) is not None
        except SelectolaxError:
            marked = True
        if not marked:
            state = _state_of_empty_page(tree) if not has_content else PageState.OK
            return state if state is not PageState.OK else PageState.SESSION_EXPIRED
    if has_content:
        return PageState.OK
    return _state_of_empty_page(tree)


def _state_of_empty_page(tree: LexborHTMLParser) -> PageState:
    body = tree.body
    text = (body.text(separator=" ") if body is not None else "")[:_MAX_TEXT]
    title = tree.css_first("title")
    words = " ".join(((title.text() if title is not None else "") + " " + text).lower().split())
    for state, pattern in _PHRASES:
        if pattern.search(words):
            return state
    if tree.css_first(_CAPTCHA_MARKUP) is not None:
        return PageState.CAPTCHA
    if tree.css_first("form input[type='password'], form input[type=password]") is not None:
        return PageState.LOGGED_OUT
    return PageState.OK


def has_login_form(html: str) -> bool:
    """True when the page holds a form with a password field."""
    try:
        return LexborHTMLParser(html).css_first("form input[type='password']") is not None
    except SelectolaxError:
        return False


def is_logged_in(html: str, logged_in_selector: str | None = None) -> bool:
    """True when the page shows the logged-in marker (a logout link by default)."""
    try:
        tree = LexborHTMLParser(html)
        return tree.css_first(logged_in_selector or DEFAULT_LOGGED_IN_SELECTOR) is not None
    except SelectolaxError:
        return False
