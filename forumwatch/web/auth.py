"""Dashboard users, roles, passwords and sessions.

Roles, each allowed what the one before is, and more:

- ``viewer``: every page, search, thread reader and reports, with handles pseudonymised;
- ``analyst``: also reveals handles (per request, logged with a reason), filters search by a
  real handle, and generates reports;
- ``admin``: also reads the audit log and the list of users.

Passwords are hashed with argon2id (argon2-cffi's defaults) and re-hashed at login when the
parameters change. A session is a random 256-bit token in an HttpOnly, SameSite=Strict cookie
(Secure over HTTPS); the store keeps only its SHA-256, with the user and the session's CSRF
token. A session ends at logout, after ``web_idle_minutes`` without a request, after
``web_session_hours`` in all, or when its user is removed. Users are managed with
``forumwatch user add|list|remove``; the dashboard has no page that changes them.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from forumwatch.errors import ConfigError
from forumwatch.store.base import Store
from forumwatch.store.webdata import StoredUser, WebSession

Role = Literal["viewer", "analyst", "admin"]
ROLES: tuple[Role, ...] = ("viewer", "analyst", "admin")
RANK = {role: rank for rank, role in enumerate(ROLES)}
MIN_PASSWORD_CHARS = 10
MAX_PASSWORD_CHARS = 1024
SESSION_COOKIE = "fw_session"
TOUCH_EVERY = timedelta(seconds=60)
"""A session's last activity is written at most this often (reads stay read-only)."""

_hasher = PasswordHasher()
# Verified when the user is unknown, so a failed login takes as long either way.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


@dataclass(frozen=True, slots=True)
class Viewer:
    """The logged-in user of one request."""

    name: str
    role: Role
    csrf_token: str
    token_hash: str

    def can(self, role: Role) -> bool:
        """True when the user's role is ``role`` or above it."""
        return RANK[self.role] >= RANK[role]


def check_role(role: str) -> Role:
    """``role`` as a :data:`Role` (ConfigError when it is not one)."""
    for known in ROLES:
        if role == known:
            return known
    raise ConfigError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")


def check_name(name: str) -> str:
    """A user name: 1-100 letters, digits, dot, dash, underscore or @ (ConfigError otherwise)."""
    if not name or len(name) > 100 or not all(c.isalnum() or c in "._-@" for c in name):
        raise ConfigError("a user name is 1-100 letters, digits, '.', '-', '_' or '@'")
    return name


def hash_password(password: str) -> str:
    """The argon2id hash of a password (ConfigError when it is too short or too long)."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise ConfigError(f"a password needs at least {MIN_PASSWORD_CHARS} characters")
    if len(password) > MAX_PASSWORD_CHARS:
        raise ConfigError(f"a password has at most {MAX_PASSWORD_CHARS} characters")
    return _hasher.hash(password)


def add_user(store: Store, name: str, password: str, role: str, now: datetime) -> StoredUser:
    """Create a dashboard user (ConfigError for a bad name, role or password, or a taken name)."""
    return store.add_user(check_name(name), hash_password(password), check_role(role), now)


def verify_password(user: StoredUser | None, password: str) -> tuple[bool, str | None]:
    """(matches, new hash when the stored one should be upgraded); constant work for no user."""
    if len(password) > MAX_PASSWORD_CHARS:
        return False, None
    try:
        if user is None:
            _hasher.verify(_DUMMY_HASH, password + "\0")
            return False, None
        _hasher.verify(user.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False, None
    if _hasher.check_needs_rehash(user.password_hash):
        return True, _hasher.hash(password)
    return True, None


def token_hash(token: str) -> str:
    """The SHA-256 (hex) of a session token: what the store keeps."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    """A fresh random token (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


class Sessions:
    """Logs users in and out and looks sessions up, with the idle and absolute timeouts."""

    def __init__(self, store: Store, idle: timedelta, lifetime: timedelta) -> None:
        self.store = store
        self.idle = idle
        self.lifetime = lifetime

    def login(self, name: str, password: str, now: datetime) -> tuple[str, StoredUser] | None:
        """Check a password; on success open a session and return (cookie token, user)."""
        user = self.store.get_user(name)
        ok, rehashed = verify_password(user, password)
        if not ok or user is None:
            return None
        self.store.update_user_login(user.id, now, rehashed)
        token = new_token()
        self.store.create_session(token_hash(token), user.id, new_token(), now)
        return token, user

    def current(self, token: str | None, now: datetime) -> Viewer | None:
        """The viewer of a session cookie, or None (unknown, idle too long, or too old)."""
        if not token or len(token) > 200:
            return None
        hashed = token_hash(token)
        session = self.store.get_session(hashed)
        if session is None:
            return None
        if self._expired(session, now):
            self.store.delete_session(hashed)
            return None
        if now - session.last_seen_at >= TOUCH_EVERY:
            self.store.touch_session(hashed, now)
        return Viewer(session.user_name, check_role(session.role), session.csrf_token, hashed)

    def _expired(self, session: WebSession, now: datetime) -> bool:
        return now - session.last_seen_at > self.idle or now - session.created_at > self.lifetime

    def logout(self, viewer: Viewer) -> None:
        """End the viewer's session."""
        self.store.delete_session(viewer.token_hash)

    def prune(self, now: datetime) -> int:
        """End every expired session; return how many."""
        return self.store.delete_stale_sessions(now - self.idle, now - self.lifetime)


class LoginThrottle:
    """Slows password guessing: after ``limit`` failures for one name (or one client) within
    ``window`` seconds, further attempts are refused until the window has passed."""

    def __init__(self, limit: int = 5, window: float = 900.0) -> None:
        self.limit = limit
        self.window = window
        self._failures: dict[str, deque[float]] = defaultdict(deque)

    def _recent(self, key: str, now: float) -> deque[float]:
        failures = self._failures[key]
        while failures and now - failures[0] > self.window:
            failures.popleft()
        return failures

    def blocked(self, keys: tuple[str, ...]) -> bool:
        """True when any of the keys (a name, a client address) failed too often lately."""
        now = time.monotonic()
        return any(len(self._recent(key, now)) >= self.limit for key in keys)

    def failed(self, keys: tuple[str, ...]) -> None:
        """Count a failure for each key."""
        now = time.monotonic()
        for key in keys:
            self._recent(key, now).append(now)

    def succeeded(self, keys: tuple[str, ...]) -> None:
        """Forget the failures of these keys."""
        for key in keys:
            self._failures.pop(key, None)
