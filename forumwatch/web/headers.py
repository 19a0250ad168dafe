"""Security headers on every response, as a pure ASGI middleware.

The Content-Security-Policy allows scripts, styles and images from the dashboard itself only
(no inline script, no ``eval``, no CDN); ``img-src`` admits ``data:`` for nothing crawled (the
dashboard never shows a crawled image) but local icons. Frames, plugins, ``<base>`` and forms to
other origins are refused, and responses are never cached by the browser, since pages hold
search results and handles.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode("ascii")),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
)
NO_STORE = (b"cache-control", b"no-store")


class SecurityHeadersMiddleware:
    """Adds :data:`SECURITY_HEADERS` to every HTTP response (and ``no-store`` to all but
    static files), replacing any value a view set for the same header."""

    def __init__(self, app: ASGIApp, static_prefix: str = "/static/") -> None:
        self.app = app
        self.static_prefix = static_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; rewrite the response's headers on the way out."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith(self.static_prefix)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                # A view may add a stricter policy (downloads: sandbox); both then apply.
                ours = {name for name, _ in SECURITY_HEADERS} - {b"content-security-policy"}
                headers = [
                    (name, value)
                    for name, value in message.get("headers", [])
                    if name.lower() not in ours and (static or name.lower() != b"cache-control")
                ]
                headers.extend(SECURITY_HEADERS)
                if not static:
                    headers.append(NO_STORE)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
