"""Handles are personal data: stable keyed pseudonyms and redaction, used by every output.

A pseudonym is an HMAC of the handle under the workspace's secret key, so the same member has
the same pseudonym in every report, export, alert and dashboard page of a workspace (analysts can
follow a member across weeks and sites), yet nobody without the key can test a guessed handle
against it — an unkeyed hash could be reversed with a list of handles. The key is made once per
workspace (``secret.key``, readable by its owner only) and never leaves it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Iterable
from pathlib import Path

from forumwatch.errors import ConfigError

KEY_FILE = "secret.key"
REDACTED = "[redacted]"
UNKNOWN_MEMBER = "member-unknown"


def load_or_create_key(folder: Path) -> bytes:
    """The workspace's pseudonym key, created (owner-only permissions) on first use.

    Raises:
        ConfigError: the key file exists but is unreadable or malformed.
    """
    path = folder / KEY_FILE
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32) + "\n")
    try:
        key = bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError) as error:
        raise ConfigError(f"{path}: unreadable pseudonym key ({error})") from error
    if len(key) < 16:
        raise ConfigError(f"{path}: the pseudonym key is too short")
    return key


class Pseudonymiser:
    """Turns handles into stable pseudonyms, or into ``[redacted]``.

    Args:
        key: the workspace key (see :func:`load_or_create_key`).
        redact: replace every handle by ``[redacted]`` instead of a pseudonym.
    """

    def __init__(self, key: bytes, redact: bool = False) -> None:
        self._key = key
        self.redact = redact
        self._cache: dict[str, str] = {}

    def handle(self, handle: str | None) -> str:
        """The pseudonym (``member-xxxxxxxx``) or ``[redacted]`` for one handle."""
        if handle is None or not handle.strip():
            return REDACTED if self.redact else UNKNOWN_MEMBER
        if self.redact:
            return REDACTED
        found = self._cache.get(handle)
        if found is None:
            digest = hmac.new(self._key, handle.encode("utf-8"), hashlib.sha256).digest()
            found = "member-" + base64.b32encode(digest[:5]).decode("ascii").lower()
            self._cache[handle] = found
        return found

    def text(self, text: str, handles: Iterable[str]) -> str:
        """``text`` with every whole-word occurrence of the given handles replaced."""
        names = sorted({h for h in handles if h and len(h) >= 2}, key=len, reverse=True)
        if not names:
            return text
        pattern = re.compile(
            r"(?<![\w@])@?(" + "|".join(re.escape(name) for name in names) + r")(?!\w)",
            re.IGNORECASE,
        )
        by_folded = {name.casefold(): name for name in names}

        def substitute(match: re.Match[str]) -> str:
            original = by_folded.get(match.group(1).casefold(), match.group(1))
            return self.handle(original)

        return pattern.sub(substitute, text)


class Revealer(Pseudonymiser):
    """The identity mapping, for outputs made with ``--reveal`` (the caller logs that)."""

    def __init__(self) -> None:
        super().__init__(b"\0" * 16)

    def handle(self, handle: str | None) -> str:
        """The handle itself."""
        return handle if handle else UNKNOWN_MEMBER

    def text(self, text: str, handles: Iterable[str]) -> str:
        """The text unchanged."""
        return text
