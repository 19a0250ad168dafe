"""Readers for the small free-text parts that several engines print: edit notices and counts.

"Last edited by alice (2020-03-15 18:20)", "Last Edit: March 15, 2020 by alice",
"Zuletzt bearbeitet von alice (15.03.2020 18:20)": the editor's name and the time sit in one
line of localized text. :func:`split_edit_line` finds the word that joins them by trying each
joining word the engines' language packs use and keeping the split whose other side reads as a
date, so it works in any of the supported languages without knowing which one the board uses.
"""

from __future__ import annotations

import re
from datetime import datetime

from forumwatch.parse.dates import DateReader

EDITOR_WORDS = (
    "by",
    "von",
    "door",
    "от",
    "пользователем",
    "por",
    "par",
    "da",
    "przez",
    "af",
    "de",
    "tarafından",
)
"""Words that join an edit time and the editor's name, in the supported languages."""

_NUMBER = re.compile(r"\d[\d,.\u00a0\u202f' ]*")


def numbers(text: str) -> list[int]:
    """Every integer shown in ``text``, thousands separators ignored ("1,234 posts, 56 topics")."""
    found: list[int] = []
    for match in _NUMBER.finditer(text):
        digits = re.sub(r"\D", "", match.group(0))
        if digits and len(digits) <= 15:
            found.append(int(digits))
    return found


def split_edit_line(
    text: str, dates: DateReader, now: datetime
) -> tuple[datetime | None, str | None]:
    """Split "<time> by <name>" or "by <name> (<time>)" into (time, name).

    Returns (None, None) when no joining word leaves a readable date on one side.
    """
    words = text.split()
    for index in range(len(words) - 1, -1, -1):
        if words[index].lower() not in EDITOR_WORDS:
            continue
        before = " ".join(words[:index])
        after = " ".join(words[index + 1 :])
        moment = dates.read(before, now)
        if moment is not None and after:
            return moment, after.strip(" ,.;:")
        # "by alice (2020-03-15 18:20)": the name first, the time in brackets.
        name, bracket, rest = after.partition("(")
        if bracket:
            moment = dates.read(rest.rstrip(") "), now)
            if moment is not None and name.strip():
                return moment, name.strip(" ,.;:")
    return None, None
