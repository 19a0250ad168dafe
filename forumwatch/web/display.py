"""How crawled text is shown: links defanged, handles pseudonymised; escaping is Jinja2's.

A URL is never put in an ``href`` or ``src``: it is shown as text, defanged
(``hxxps://files[.]example[.]net/a/b.jpg``) so that neither the browser nor a careless copy
and paste turns it into a request. URLs written inside a post's text are defanged the same way.
Handles are replaced by the workspace's keyed pseudonyms unless the request is an audited
reveal (:class:`forumwatch.privacy.Revealer`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from forumwatch.enrich.defang import find_urls
from forumwatch.privacy import Pseudonymiser

_SCHEMES = {"http": "hxxp", "https": "hxxps", "ftp": "fxp"}
_SCHEME = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.\-]*)\s*:(//)?")
# Any scheme written in running text ("javascript:", "data:", "https://"), to defang too.
_TEXT_SCHEME = re.compile(
    r"\b(https?|ftp|javascript|vbscript|data|file|blob)\s*:(//)?", re.IGNORECASE
)
MAX_URL_CHARS = 300


def defang(url: str) -> str:
    """A URL as inert text: ``hxxp(s)``/``fxp`` schemes, ``other[:]`` for any other scheme,
    ``[.]`` for the dots of the host, and long URLs cut with an ellipsis."""
    match = _SCHEME.match(url)
    if match is None:
        host, slash, rest = url.partition("/")
        return _shorten(host.replace(".", "[.]") + slash + rest)
    scheme = match.group(1).lower()
    remainder = url[match.end() :]
    if match.group(2):
        host, slash, rest = remainder.partition("/")
        shown = _SCHEMES.get(scheme, scheme + "[:]") + "://" + host.replace(".", "[.]")
        return _shorten(shown + slash + rest)
    return _shorten(scheme + "[:]" + remainder)


def defang_host(host: str) -> str:
    """A host name as inert text (``files[.]example[.]net``)."""
    return host.replace(".", "[.]")


def _shorten(text: str) -> str:
    return text if len(text) <= MAX_URL_CHARS else text[: MAX_URL_CHARS - 1] + "…"


def defang_text(text: str) -> str:
    """``text`` with every URL written in it defanged (and stray schemes such as
    ``javascript:`` broken), so nothing in it reads as a live link."""
    spans = find_urls(text)
    if spans:
        out: list[str] = []
        cursor = 0
        for span in spans:
            out.append(text[cursor : span.start])
            out.append(defang(text[span.start : span.end]))
            cursor = span.end
        out.append(text[cursor:])
        text = "".join(out)
    return _TEXT_SCHEME.sub(_break_scheme, text)


def _break_scheme(match: re.Match[str]) -> str:
    scheme, slashes = match.group(1), match.group(2) or ""
    known = _SCHEMES.get(scheme.lower())
    return f"{known}:{slashes}" if known else f"{scheme}[:]{slashes}"


def mask(pseudonymiser: Pseudonymiser, text: str, handles: Iterable[str | None]) -> str:
    """Defanged text with the given handles replaced by their pseudonyms."""
    return pseudonymiser.text(defang_text(text), [h for h in handles if h])


def defang_fragments(fragments: Iterable[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """Highlighted snippet pieces with every URL defanged as a whole: a URL cut by a match
    becomes one piece (highlighted when any of it matched), so its host is defanged too."""
    pieces = list(fragments)
    full = "".join(text for text, _ in pieces)
    spans = [(s.start, s.end) for s in find_urls(full)]
    marks: list[bool] = []
    for text, is_match in pieces:
        marks.extend([is_match] * len(text))
    out: list[tuple[str, bool]] = []

    def emit(text: str, is_match: bool) -> None:
        if not text:
            return
        if out and out[-1][1] == is_match:
            out[-1] = (out[-1][0] + text, is_match)
        else:
            out.append((text, is_match))

    cursor = 0
    for start, end in [*spans, (len(full), len(full))]:
        # Plain stretch before the URL, kept piece by piece.
        position = cursor
        while position < start:
            flag = marks[position]
            stop = position
            while stop < start and marks[stop] == flag:
                stop += 1
            emit(_TEXT_SCHEME.sub(_break_scheme, full[position:stop]), flag)
            position = stop
        if end > start:
            emit(defang(full[start:end]), any(marks[start:end]))
        cursor = max(cursor, end)
    return out
