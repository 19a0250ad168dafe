"""What every report and export does to crawled text: hide handles, defang URLs and hosts.

Handles are personal data: a :class:`HandleMasker` replaces every handle of the sites in scope
by its keyed pseudonym (or ``[redacted]``), in author columns and inside free text (``@name``
mentions, "name wrote:" headers, a handle typed in a thread title). Text is scanned once per
string: only handles whose first word occurs in the text are tried, so masking costs the same
with fifty members or a million.

URLs in posts are data, never links: :func:`defang_text` rewrites them so that no reader, mail
client or Markdown renderer turns them into something clickable
(``https://files.example/a.jpg`` -> ``hxxps://files[.]example/a.jpg``), and hosts named in
sentences are defanged alike (``files[.]example``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from forumwatch.privacy import Pseudonymiser, Revealer

_WORD = re.compile(r"\w+", re.UNICODE)
_SCHEME_URL = re.compile(r"(?i)\b(?:https?|hxxps?|ftp|wss?)(?::|\[:\])//[^\s<>\"'`]+")
# A host name: labels joined by dots, ending in a letter-only label of 2+ characters.
_HOST = re.compile(r"(?i)(?<![\w@.-])((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24})\b")


class HandleMasker:
    """Pseudonymises (or redacts, or, with ``--reveal``, keeps) handles in fields and text.

    Args:
        pseudonymiser: the workspace's :class:`~forumwatch.privacy.Pseudonymiser`, or a
            :class:`~forumwatch.privacy.Revealer`.
        handles: every handle that may appear (the store's authors of the sites in scope).
    """

    def __init__(self, pseudonymiser: Pseudonymiser, handles: Iterable[str]) -> None:
        self.pseudonymiser = pseudonymiser
        self.revealed = isinstance(pseudonymiser, Revealer)
        self._by_word: dict[str, set[str]] = defaultdict(set)
        self._wordless: set[str] = set()
        for handle in handles:
            if not handle or len(handle.strip()) < 2:
                continue
            words = _WORD.findall(handle.casefold())
            if words:
                self._by_word[words[0]].add(handle)
            else:
                self._wordless.add(handle)

    def handle(self, handle: str | None) -> str:
        """The pseudonym, ``[redacted]``, or (revealed) the handle itself."""
        return self.pseudonymiser.handle(handle)

    def text(self, text: str | None) -> str:
        """``text`` with every known handle in it replaced (whole words, any case)."""
        if not text:
            return ""
        if self.revealed:
            return text
        folded = text.casefold()
        candidates = [h for h in self._wordless if h.casefold() in folded]
        for word in set(_WORD.findall(folded)):
            found = self._by_word.get(word)
            if found:
                candidates.extend(h for h in found if h.casefold() in folded)
        if not candidates:
            return text
        return self.pseudonymiser.text(text, candidates)


def defang_host(host: str) -> str:
    """``files.example`` -> ``files[.]example`` (already defanged text is left alone)."""
    return host.replace("[.]", ".").replace(".", "[.]")


def defang_url(url: str) -> str:
    """``https://files.example/a.jpg`` -> ``hxxps://files[.]example/a.jpg``."""
    scheme, separator, rest = url.partition("://")
    if not separator:
        return defang_host(url)
    scheme = re.sub(r"(?i)^ht", "hx", scheme.replace("[:]", ""))
    scheme = re.sub(r"(?i)^hxtp", "hxxp", scheme)
    host, slash, path = rest.partition("/")
    return f"{scheme}://{defang_host(host)}{slash}{path}"


def defang_text(text: str) -> str:
    """Every URL and host name in ``text`` defanged; other text unchanged."""
    if "." not in text and "://" not in text:
        return text
    out: list[str] = []
    position = 0
    for match in _SCHEME_URL.finditer(text):
        out.append(_defang_hosts(text[position : match.start()]))
        out.append(defang_url(match.group(0)))
        position = match.end()
    out.append(_defang_hosts(text[position:]))
    return "".join(out)


def _defang_hosts(text: str) -> str:
    return _HOST.sub(lambda match: defang_host(match.group(1)), text)


def shorten(text: str, limit: int = 200) -> str:
    """One line of at most ``limit`` characters, cut at a word boundary with an ellipsis;
    words longer than 40 characters are cut too (they would break a page's layout)."""
    words = []
    for word in text.split():
        words.append(word if len(word) <= 40 else word[:39] + "…")
    line = " ".join(words)
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,.;:") + "…"
