"""Cross-site request forgery: every state-changing request carries a token the page gave it.

Every POST form holds the session's CSRF token in a hidden ``csrf_token`` field, compared in
constant time with the one stored with the session; the browser's ``Sec-Fetch-Site`` header,
when sent, must say ``same-origin``, and an ``Origin`` header that names an origin must name the
dashboard itself. The login form, which has no session yet, uses a double-submit
token: a random value in a SameSite=Strict cookie that the form must repeat. Session cookies are
SameSite=Strict as well, so a cross-site POST carries no session in the first place.
"""

from __future__ import annotations

import hmac
import secrets

from starlette.requests import Request

FIELD = "csrf_token"
LOGIN_COOKIE = "fw_login"


def new_token() -> str:
    """A fresh random token."""
    return secrets.token_urlsafe(32)


def same_origin(request: Request) -> bool:
    """False when the browser says the request came from another site.

    Browsers send ``Sec-Fetch-Site`` with every request; under the dashboard's
    ``Referrer-Policy: no-referrer`` they send ``Origin: null`` on form posts, so the origin
    is checked only when it names one.
    """
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return True
    expected = f"{request.url.scheme}://{request.url.netloc}"
    return hmac.compare_digest(origin.encode("utf-8"), expected.encode("utf-8"))


def tokens_match(sent: object, expected: str | None) -> bool:
    """Constant-time comparison of a submitted token with the expected one."""
    if not isinstance(sent, str) or not expected or not sent:
        return False
    return hmac.compare_digest(sent.encode("utf-8"), expected.encode("utf-8"))
