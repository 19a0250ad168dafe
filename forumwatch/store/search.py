"""Full-text search: the analysts' query language, parsed once, and highlighted snippets.

The syntax (the same on every backend):

- ``word other`` - both words (AND);
- ``"quoted phrase"`` - the words next to each other, in order;
- ``garden OR allotment`` - either (``OR`` in capitals binds tighter than AND);
- ``-word`` or ``-"a phrase"`` - posts without it;
- ``quarant*`` - any word starting with ``quarant`` (two characters at least).

Parsing never fails: operators without operands, unbalanced quotes and stray punctuation are
dropped, and very long queries are cut. Case and diacritics do not matter ("Quarantäne" is
found by "quarantane"). Each backend compiles :class:`ParsedQuery` into its own engine's
syntax (FTS5 on SQLite, ``tsquery`` on PostgreSQL); nothing here is SQL.

Snippets are lists of ``(text, is_match)`` fragments, never markup: the web layer escapes
every fragment and wraps the matches itself.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

MAX_QUERY_CHARS = 1000
MAX_CLAUSES = 32
MIN_PREFIX_CHARS = 2
MAX_LIMIT = 200
SNIPPET_CHARS = 240

_TOKEN = re.compile(r"[^\W_]+")


# -- the API's value types ---------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class SearchQuery:
    """A search with its filters. Times are a half-open range ``[start, end)`` of post time.

    ``host`` matches posts linking to that host or registrable domain; ``author`` is a handle
    (exact). ``order`` is ``newest`` (posted time, newest first) or ``relevance``.
    """

    text: str
    site_ids: Sequence[int] | None = None
    section_ids: Sequence[int] | None = None
    languages: Sequence[str] | None = None
    start: datetime | None = None
    end: datetime | None = None
    author: str | None = None
    has_links: bool | None = None
    host: str | None = None
    order: Literal["newest", "relevance"] = "newest"
    limit: int = 20
    offset: int = 0


@dataclass(frozen=True, slots=True)
class Fragment:
    """A piece of a snippet; ``is_match`` marks the words the query matched."""

    text: str
    is_match: bool


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One matching post, with where it sits and a highlighted snippet of its text."""

    post_id: int
    site_id: int
    site_name: str
    section_id: int | None
    section_title: str | None
    thread_id: int
    thread_title: str
    author_handle: str | None
    posted_at: datetime | None
    language: str | None
    snippet: tuple[Fragment, ...]


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of hits. ``total`` counts matches up to a cap; ``total_capped`` says it was hit.

    ``problems`` explains an empty page that is due to the query itself (no searchable word).
    """

    query: SearchQuery
    hits: tuple[SearchHit, ...]
    total: int
    total_capped: bool = False
    problems: tuple[str, ...] = field(default_factory=tuple)


# -- the parsed query ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Term:
    """A word (one token) or a phrase (several), as typed (``raw``) and as tokens.

    ``prefix`` makes the last token match any word that starts with it.
    """

    raw: str
    tokens: tuple[str, ...]
    prefix: bool = False

    @property
    def is_phrase(self) -> bool:
        """True for several tokens that must appear next to each other."""
        return len(self.tokens) > 1


@dataclass(frozen=True, slots=True)
class AnyOf:
    """Clauses joined by OR (a single clause when there was no OR)."""

    terms: tuple[Term, ...]


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """Every ``required`` group must match (AND) and no ``excluded`` term may."""

    required: tuple[AnyOf, ...] = ()
    excluded: tuple[Term, ...] = ()

    @property
    def empty(self) -> bool:
        """True when nothing positive is left to search for."""
        return not self.required

    def positive_terms(self) -> list[Term]:
        """Every term a hit may contain (what the snippet highlights)."""
        return [term for group in self.required for term in group.terms]


def tokens_of(text: str) -> tuple[str, ...]:
    """Lower-cased word tokens of ``text`` (letters and digits; the rest separates)."""
    return tuple(match.group(0).lower() for match in _TOKEN.finditer(text))


@dataclass
class _Clause:
    text: str
    quoted: bool
    negated: bool
    is_or: bool = False


def _split(text: str) -> list[_Clause]:
    """Cut the query into words, quoted phrases and OR operators."""
    clauses: list[_Clause] = []
    position, length = 0, len(text)
    while position < length:
        char = text[position]
        if char.isspace() or char in "()":
            position += 1
            continue
        negated = False
        if char == "-" and position + 1 < length and not text[position + 1].isspace():
            negated = True
            position += 1
            char = text[position]
        if char == '"':
            close = text.find('"', position + 1)
            end = length if close < 0 else close
            phrase = text[position + 1 : end]
            position = end + 1
            # A star right after the closing quote makes the phrase's last word a prefix.
            if position < length and text[position] == "*":
                phrase += "*"
                position += 1
            clauses.append(_Clause(phrase, True, negated))
            continue
        end = position
        while end < length and not text[end].isspace() and text[end] not in '()"':
            end += 1
        word = text[position:end]
        position = end
        if word == "OR" and not negated:
            clauses.append(_Clause(word, False, False, is_or=True))
        else:
            clauses.append(_Clause(word, False, negated))
    return clauses


def _term(clause: _Clause) -> Term | None:
    raw = clause.text.strip()
    prefix = raw.endswith("*")
    tokens = tokens_of(raw)
    if not tokens:
        return None
    if prefix and len(tokens[-1]) < MIN_PREFIX_CHARS:
        prefix = False
    return Term(raw.rstrip("*").strip(), tokens, prefix)


def parse_query(text: str) -> ParsedQuery:
    """Parse an analyst's query; never raises (see the module docstring for the syntax)."""
    clauses = _split(text[:MAX_QUERY_CHARS])
    required: list[list[Term]] = []
    excluded: list[Term] = []
    join_next = False
    for clause in clauses:
        if clause.is_or:
            join_next = bool(required)
            continue
        term = _term(clause)
        if term is None:
            continue
        if clause.negated:
            excluded.append(term)
            join_next = False
            continue
        if join_next and required:
            required[-1].append(term)
        else:
            required.append([term])
        join_next = False
    groups = tuple(dict.fromkeys(AnyOf(tuple(dict.fromkeys(group))) for group in required))
    return ParsedQuery(groups[:MAX_CLAUSES], tuple(dict.fromkeys(excluded))[:MAX_CLAUSES])


# -- compiling for SQLite's FTS5 ------------------------------------------------------------------
def _fts5_term(term: Term) -> str:
    # Tokens hold letters and digits only, so quoting them cannot break out of the string.
    return '"' + " ".join(term.tokens) + '"' + ("*" if term.prefix else "")


def to_fts5(query: ParsedQuery) -> str:
    """The FTS5 MATCH expression of a non-empty query."""
    groups = []
    for group in query.required:
        parts = [_fts5_term(term) for term in group.terms]
        groups.append(parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")")
    expression = " AND ".join(groups)
    if query.excluded:
        if len(groups) > 1:
            expression = "(" + expression + ")"
        expression += "".join(" NOT " + _fts5_term(term) for term in query.excluded)
    return expression


# -- highlighting --------------------------------------------------------------------------------
def fold(text: str) -> str:
    """Case and diacritics removed: how the snippet compares a word with the query's."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.casefold()


def _matched_spans(text: str, query: ParsedQuery) -> list[tuple[int, int]]:
    words = [(m.start(), m.end(), fold(m.group(0))) for m in _TOKEN.finditer(text)]
    marked: set[int] = set()
    for term in query.positive_terms():
        wanted = [fold(token) for token in term.tokens]
        size = len(wanted)
        for index in range(len(words) - size + 1):
            ok = True
            for offset, token in enumerate(wanted):
                word = words[index + offset][2]
                last = offset == size - 1
                if not (word == token or (last and term.prefix and word.startswith(token))):
                    ok = False
                    break
            if ok:
                marked.update(range(index, index + size))
    return [(words[i][0], words[i][1]) for i in sorted(marked)]


def snippet(text: str, query: ParsedQuery, max_chars: int = SNIPPET_CHARS) -> tuple[Fragment, ...]:
    """A window of ``text`` around the first match, as fragments with the matches marked."""
    text = " ".join(text.split())
    spans = _matched_spans(text, query)
    start = 0
    if spans and len(text) > max_chars:
        start = max(0, spans[0][0] - max_chars // 4)
        if start > 0:
            space = text.find(" ", start)
            start = space + 1 if 0 <= space < spans[0][0] else start
    end = min(len(text), start + max_chars)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    fragments: list[Fragment] = []
    if start > 0:
        fragments.append(Fragment("… ", False))
    cursor = start
    for span_start, span_end in spans:
        if span_start < start or span_end > end:
            continue
        if span_start > cursor:
            fragments.append(Fragment(text[cursor:span_start], False))
        fragments.append(Fragment(text[span_start:span_end], True))
        cursor = span_end
    if cursor < end:
        fragments.append(Fragment(text[cursor:end], False))
    if end < len(text):
        fragments.append(Fragment(" …", False))
    return _merged(fragments)


def _merged(fragments: list[Fragment]) -> tuple[Fragment, ...]:
    merged: list[Fragment] = []
    for fragment in fragments:
        if merged and not fragment.is_match and not merged[-1].is_match:
            merged[-1] = Fragment(merged[-1].text + fragment.text, False)
        else:
            merged.append(fragment)
    return tuple(merged)
