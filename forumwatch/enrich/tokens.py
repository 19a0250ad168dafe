"""Text normalisation and word tokens shared by the enrichers.

Matching is done on *folded* text: Unicode NFC (so a decomposed "a" + combining diaeresis is the
same word as a precomposed "ä"), case-folded (so "Straße" and "STRASSE" agree) and with Russian
"ё" written as "е", as most writers do. A word is a run of Unicode word characters, so word
boundaries hold in every script: "карантин" is never found inside "карантинный" unless a rule
asks for it.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

WORD = re.compile(r"\w+")
"""A word: letters, digits and underscores of any script."""

_COMBINING = re.compile(r"[\u0300-\u036f]")


def fold(text: str) -> str:
    """The form text is matched in: NFC, case-folded, "ё" as "е"."""
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFC", text).casefold().replace("ё", "е")


@functools.lru_cache(maxsize=100_000)
def strip_accents(word: str) -> str:
    """``word`` without combining accents ("kraków" -> "krakow"); other letters unchanged."""
    if word.isascii():
        return word
    return unicodedata.normalize("NFC", _COMBINING.sub("", unicodedata.normalize("NFD", word)))


def words(text: str) -> list[str]:
    """The folded words of ``text``, in order."""
    return WORD.findall(fold(text))


@dataclass(slots=True)
class TextView:
    """One post's text as the word-based enrichers see it, computed once per post.

    Attributes:
        text: the text the enrichers read (URLs already cut out, defanging undone).
        folded: ``text`` folded (see :func:`fold`).
        tokens: the folded words of ``text``.
    """

    text: str
    folded: str = ""
    tokens: list[str] = field(default_factory=list)
    _set: frozenset[str] | None = None
    _prefixes: set[str] | None = None

    @classmethod
    def of(cls, text: str) -> TextView:
        """Build the view of ``text``."""
        folded = fold(text)
        return cls(text, folded, WORD.findall(folded))

    def token_set(self) -> frozenset[str]:
        """The distinct folded words (computed once; matchers intersect their keys with it)."""
        if self._set is None:
            self._set = frozenset(self.tokens)
        return self._set

    def prefixes(self, length: int) -> set[str]:
        """The first ``length`` letters of every word (for stem look-ups; computed once, for
        the first length asked)."""
        if self._prefixes is None:
            self._prefixes = {token[:length] for token in self.token_set()}
        return self._prefixes
