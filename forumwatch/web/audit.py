"""The audit log: who logged in, searched for what, revealed which handles, exported what.

Entries are written through :class:`Auditor` from the views (never from templates), one per
action, with the user, role, outcome and a JSON detail (the query and its filters, the thread
whose handles were revealed and the reason given, the report downloaded). The log is read on
the admin's audit page.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from forumwatch.store.base import Store
from forumwatch.store.webdata import AuditEntry

ACTIONS = (
    "login",
    "logout",
    "search",
    "reveal",
    "report",
    "export",
    "csrf",
    "forbidden",
)
MAX_DETAIL_CHARS = 4000


class Auditor:
    """Writes audit entries to the store with the injected clock."""

    def __init__(self, store: Store, now: Callable[[], datetime]) -> None:
        self.store = store
        self.now = now

    def record(
        self,
        user: str,
        role: str,
        action: str,
        detail: Mapping[str, Any] | None = None,
        outcome: str = "ok",
        client: str = "",
    ) -> AuditEntry:
        """Append one entry and return it."""
        text = json.dumps(dict(detail or {}), ensure_ascii=False, sort_keys=True, default=str)
        if len(text) > MAX_DETAIL_CHARS:
            text = json.dumps({"truncated": text[:MAX_DETAIL_CHARS]}, ensure_ascii=False)
        entry = AuditEntry(self.now(), user, role, action, outcome, text, client)
        self.store.record_audit(entry)
        return entry
