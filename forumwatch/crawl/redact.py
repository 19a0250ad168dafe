"""Keeping secrets out of logs: httpx/httpcore debug logs show cookies and proxy credentials.

At DEBUG level httpcore logs every response's headers (``Set-Cookie`` holds a session, which is
as good as a password) and the SOCKS credentials it sends. :func:`protect_http_logs` puts a
filter on those loggers that blanks such values before any handler sees them.
"""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"
HTTP_LOGGERS = (
    "httpx",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
)
_HEADER = re.compile(
    r"""(\(b?['"](?:set-cookie|cookie|authorization|proxy-authorization)['"],\s*)b?(['"]).*?\2\)""",
    re.IGNORECASE,
)
_AUTH = re.compile(r"\b(auth|proxy_auth)=\([^)]*\)")
_URL_USERINFO = re.compile(r"(://)[^/@\s'\"]+:[^/@\s'\"]+@")


def redact(text: str) -> str:
    """``text`` with cookie, authorization and proxy-credential values blanked."""
    text = _HEADER.sub(lambda m: f"{m.group(1)}'{REDACTED}')", text)
    text = _AUTH.sub(lambda m: f"{m.group(1)}={REDACTED}", text)
    return _URL_USERINFO.sub(lambda m: f"{m.group(1)}{REDACTED}@", text)


class RedactSecrets(logging.Filter):
    """A logging filter that applies :func:`redact` to every record's message."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the message in place; never drops a record."""
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = ()
        return True


def protect_http_logs() -> None:
    """Install :class:`RedactSecrets` on the HTTP libraries' loggers (once)."""
    for name in HTTP_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())
