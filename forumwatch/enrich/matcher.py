"""Whole-word matching of many words, stems and phrases at once, in any script.

An entry is one or more words ("lockdown", "stay at home", "covid-19" is the two words "covid"
and "19"); a trailing ``*`` on a word lets it take any ending ("карантин*" matches карантин,
карантина, карантине, but never a word that merely contains it, such as "antikarantin").
Matching walks the post's folded words once with dictionary lookups, whatever the number of
entries, so it stays fast with large lexicons.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from forumwatch.enrich.tokens import words

T = TypeVar("T")

MIN_STEM = 4
"""A stem (``word*``) needs at least this many letters, so that "cov*" cannot match everything
(and stems are looked up by their first four letters, which few ordinary words share)."""


@dataclass(frozen=True, slots=True)
class Pattern:
    """One word of an entry: its folded text and whether it takes any ending."""

    text: str
    stem: bool


def compile_entry(entry: str) -> tuple[Pattern, ...]:
    """The word patterns of an entry ("stay at home*" -> stay, at, home*); empty if unusable."""
    stripped = entry.strip()
    stem = stripped.endswith("*")
    parts = words(stripped.rstrip("*"))
    if not parts:
        return ()
    patterns = [Pattern(part, False) for part in parts]
    if stem:
        if len(parts[-1]) < MIN_STEM:
            return ()
        patterns[-1] = Pattern(parts[-1], True)
    return tuple(patterns)


def trie_pattern(words: Iterable[str]) -> str:
    """A regex matching any of ``words``, written as a trie ("co(?:nf|ro)|..."): at each
    position the engine follows one branch instead of trying every word."""
    groups: dict[str, list[str]] = {}
    for word in sorted(set(words)):
        if word:
            groups.setdefault(word[0], []).append(word[1:])
    alternatives = []
    for first, rests in groups.items():
        rest = [word for word in rests if word]
        if len(rest) < len(rests):  # the first letter alone is a word: the rest is optional
            alternatives.append(re.escape(first) + (f"(?:{trie_pattern(rest)})?" if rest else ""))
        elif len(rest) == 1:
            alternatives.append(re.escape(first) + re.escape(rest[0]))
        else:
            alternatives.append(f"{re.escape(first)}(?:{trie_pattern(rest)})")
    return "|".join(alternatives)


def _matches(pattern: Pattern, token: str) -> bool:
    return token.startswith(pattern.text) if pattern.stem else token == pattern.text


class WordMatcher(Generic[T]):
    """Finds entries in a list of folded words; each entry carries a payload ``T``."""

    def __init__(self) -> None:
        self._exact: dict[str, list[tuple[tuple[Pattern, ...], T]]] = {}
        self._stems: dict[str, list[tuple[tuple[Pattern, ...], T]]] = {}
        # The keys of both as sets: a set intersects a post's words faster than a dictionary's
        # key view (which copies itself into a new set first).
        self._first_words: set[str] = set()
        self._stem_starts: set[str] = set()
        # The whole words each entry needs, by its first word: a phrase's first word is often
        # common ("anyone", "does"), the rest of the phrase seldom is.
        self._needs: dict[str, list[frozenset[str]]] = {}
        self.size = 0

    def add(self, entry: str, payload: T) -> bool:
        """Add an entry; False (and nothing added) when it has no usable word."""
        patterns = compile_entry(entry)
        if not patterns:
            return False
        first = patterns[0]
        if first.stem:
            self._stems.setdefault(first.text[:MIN_STEM], []).append((patterns, payload))
            self._stem_starts.add(first.text[:MIN_STEM])
        else:
            self._first_words.add(first.text)
            self._exact.setdefault(first.text, []).append((patterns, payload))
            needs = frozenset(pattern.text for pattern in patterns if not pattern.stem)
            self._needs.setdefault(first.text, []).append(needs)
        self.size += 1
        return True

    def __bool__(self) -> bool:
        return self.size > 0

    def stem_starts(self) -> set[str]:
        """The first ``MIN_STEM`` letters of the stems: a word matches a stem only if the text
        holds one of them."""
        return set(self._stem_starts)

    def find(
        self,
        tokens: Sequence[str],
        prefixes: set[str] | None = None,
        token_set: frozenset[str] | None = None,
    ) -> list[tuple[int, int, T]]:
        """Every match as (first token index, token count, payload), in text order.

        ``prefixes`` (the first 3 letters of every token) and ``token_set`` (the distinct
        tokens) may be passed when already known.
        """
        exact, stems = self._exact, self._stems
        words = frozenset(tokens) if token_set is None else token_set
        # Set operations run in C: most posts match nothing and leave here.
        exact_hits = self._first_words.intersection(words)
        if exact_hits:
            needs = self._needs
            exact_hits = {hit for hit in exact_hits if any(need <= words for need in needs[hit])}
        stem_hits: set[str] = set()
        if stems:
            if prefixes is None:
                prefixes = {token[:MIN_STEM] for token in tokens}
            stem_hits = self._stem_starts.intersection(prefixes)
        if not exact_hits and not stem_hits:
            return []
        found: list[tuple[int, int, T]] = []
        count = len(tokens)
        for index, token in enumerate(tokens):
            candidates = exact.get(token) if token in exact_hits else None
            if stem_hits and token[:MIN_STEM] in stem_hits:
                stemmed = stems[token[:MIN_STEM]]
                candidates = stemmed if candidates is None else candidates + stemmed
            if candidates is None:
                continue
            for patterns, payload in candidates:
                if not _matches(patterns[0], token):
                    continue
                size = len(patterns)
                if size > 1 and (
                    index + size > count
                    or not all(
                        _matches(pattern, tokens[index + offset])
                        for offset, pattern in enumerate(patterns[1:], start=1)
                    )
                ):
                    continue
                found.append((index, size, payload))
        return found

    def any_in(self, tokens: Collection[str], prefixes: set[str] | None = None) -> bool:
        """True when some entry's first word occurs among ``tokens`` (a cheap pre-check; a set
        of the words is checked fastest)."""
        if not self._first_words.isdisjoint(tokens):
            return True
        if not self._stems:
            return False
        if prefixes is None:
            prefixes = {token[:MIN_STEM] for token in tokens}
        for prefix in self._stem_starts.intersection(prefixes):
            for patterns, _ in self._stems[prefix]:
                if any(token.startswith(patterns[0].text) for token in tokens):
                    return True
        return False
