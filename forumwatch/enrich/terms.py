"""Watch terms: named, multilingual lexicons matched in every post.

Lexicons are TOML files (format at the top of ``data/lexicons/covid.toml``): the shipped ones,
and a workspace's ``lexicons/`` folder that analysts edit without touching code. A post that
mentions a lexicon's terms gets one ``term`` annotation per distinct term: value the lexicon's
name, detail the term as the lexicon writes it ("карантин*") or, for a regex, the words it
matched. Overlapping matches keep the longest ("covid-19", not also "covid").
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from forumwatch.enrich.matcher import MIN_STEM, WordMatcher, compile_entry, trie_pattern
from forumwatch.enrich.tokens import TextView, words
from forumwatch.errors import ConfigError
from forumwatch.models import Annotation

TERM = "term"


@dataclass(frozen=True, slots=True)
class Lexicon:
    """A named list of words, phrases, stems, exclusions and regexes."""

    name: str
    words: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    regexes: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    description: str = ""
    enabled: bool = True


def _strings(data: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where}: {key} must be a list of strings")
    return tuple(value)


def parse_lexicon(data: Mapping[str, Any], default_name: str, where: str) -> Lexicon:
    """A lexicon from a parsed TOML file; regexes are checked here, not at first use.

    Raises:
        ConfigError: a field has the wrong type, an entry has no word, or a regex is invalid.
    """
    name = data.get("name", default_name)
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{where}: name must be a non-empty string")
    lexicon = Lexicon(
        name=name.strip(),
        words=_strings(data, "words", where),
        exclude=_strings(data, "exclude", where),
        regexes=_strings(data, "regexes", where),
        requires=_strings(data, "requires", where),
        description=str(data.get("description", "")),
        enabled=bool(data.get("enabled", True)),
    )
    for entry in lexicon.words + lexicon.exclude + lexicon.requires:
        if not compile_entry(entry):
            raise ConfigError(f"{where}: {entry!r} has no word (or a stem shorter than 4)")
    for pattern in lexicon.regexes:
        try:
            re.compile(pattern)
        except re.error as error:
            raise ConfigError(f"{where}: bad regex {pattern!r}: {error}") from error
    return lexicon


def load_lexicon_file(path: Path) -> Lexicon:
    """One lexicon file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"cannot read lexicon {path}: {error}") from error
    return parse_lexicon(data, path.stem, str(path))


def load_lexicons(package_folder: str, workspace_folder: Path | None = None) -> list[Lexicon]:
    """Shipped lexicons from ``forumwatch/enrich/data/<package_folder>``, then the workspace's.

    A workspace file whose lexicon has the name of a shipped one replaces it; disabled lexicons
    are left out.
    """
    found: dict[str, Lexicon] = {}
    folder = resources.files("forumwatch.enrich").joinpath("data", package_folder)
    for item in sorted(folder.iterdir(), key=lambda entry: entry.name):
        if item.name.endswith(".toml"):
            where = f"forumwatch/enrich/data/{package_folder}/{item.name}"
            lexicon = parse_lexicon(tomllib.loads(item.read_text("utf-8")), item.name[:-5], where)
            found[lexicon.name] = lexicon
    if workspace_folder is not None and workspace_folder.is_dir():
        for path in sorted(workspace_folder.glob("*.toml")):
            lexicon = load_lexicon_file(path)
            found[lexicon.name] = lexicon
    return [lexicon for lexicon in found.values() if lexicon.enabled]


class LexiconMatcher:
    """Lexicons of one or more kinds compiled together and matched in one pass per post.

    Args:
        lexicons: the lexicons of ``kind``.
        kind: the annotation kind of ``lexicons`` (``term`` for watch terms).
        others: lexicons of further kinds, matched in the same pass (the enrichment chain
            matches watch terms and request phrases together).
    """

    def __init__(
        self,
        lexicons: Iterable[Lexicon],
        kind: str = TERM,
        others: Mapping[str, Iterable[Lexicon]] | None = None,
    ) -> None:
        self.kind = kind
        by_kind: dict[str, list[Lexicon]] = {kind: list(lexicons)}
        for other_kind, other in (others or {}).items():
            by_kind.setdefault(other_kind, []).extend(other)
        self.lexicons = by_kind
        self._words: WordMatcher[tuple[str, str, str]] = WordMatcher()
        self._exclude: WordMatcher[tuple[str, str]] = WordMatcher()
        # Each regex on its own: a literal start lets the engine skip ahead; an alternation of
        # several regexes would not. A lexicon's ``requires`` words gate its regexes.
        self._regexes: list[tuple[str, str, list[re.Pattern[str]], WordMatcher[bool] | None]] = []
        for lexicon_kind, group in by_kind.items():
            for lexicon in group:
                for entry in lexicon.words:
                    self._words.add(entry, (lexicon_kind, lexicon.name, entry.strip()))
                for entry in lexicon.exclude:
                    self._exclude.add(entry, (lexicon_kind, lexicon.name))
                if lexicon.regexes:
                    gate: WordMatcher[bool] | None = None
                    if lexicon.requires:
                        gate = WordMatcher()
                        for entry in lexicon.requires:
                            gate.add(entry, True)
                    compiled = [re.compile(p, re.IGNORECASE) for p in lexicon.regexes]
                    self._regexes.append((lexicon_kind, lexicon.name, compiled, gate))
        # Few posts hold the start of any stem: one search tells, and saves cutting the start
        # off every word of the others.
        starts = self._words.stem_starts()
        for _kind, _lexicon, _compiled, gate in self._regexes:
            starts |= gate.stem_starts() if gate is not None else set()
        self._stem_probe = re.compile(trie_pattern(starts)) if starts else None

    def _prefixes(self, view: TextView) -> set[str]:
        """The starts of the post's words for the stem look-ups (none if no stem can match)."""
        if self._stem_probe is None or self._stem_probe.search(view.folded) is None:
            return set()
        return view.prefixes(MIN_STEM)

    def matches(self, view: TextView) -> list[tuple[str, str, str]]:
        """(kind, lexicon, term) triples found in the text, each once, in text order."""
        tokens = view.tokens
        found: list[tuple[str, str, str]] = []
        covered: dict[tuple[str, str], set[int]] = {}
        prefixes = self._prefixes(view)
        if self._words:
            hits = self._words.find(tokens, prefixes, view.token_set())
            if hits:
                excluded = self._excluded(tokens)
                hits.sort(key=lambda hit: (hit[0], -hit[1]))
                for start, size, (kind, lexicon, term) in hits:
                    span = covered.setdefault((kind, lexicon), set())
                    if start in span or (kind, lexicon, start) in excluded:
                        continue
                    span.update(range(start, start + size))
                    if (kind, lexicon, term) not in found:
                        found.append((kind, lexicon, term))
        for kind, lexicon, regexes, gate in self._regexes:
            if gate is not None and not gate.any_in(view.token_set(), prefixes):
                continue
            span_words = {tokens[i] for i in covered.get((kind, lexicon), ())}
            for regex in regexes:
                for match in regex.finditer(view.folded):
                    matched = match.group().strip()
                    if not matched:
                        continue
                    if span_words and set(words(matched)) <= span_words:
                        continue  # the words already matched this
                    if (kind, lexicon, matched) not in found:
                        found.append((kind, lexicon, matched))
        return found

    def _excluded(self, tokens: list[str]) -> set[tuple[str, str, int]]:
        if not self._exclude:
            return set()
        return {
            (kind, lexicon, start + offset)
            for start, size, (kind, lexicon) in self._exclude.find(tokens)
            for offset in range(size)
        }

    def find(self, view: TextView) -> list[Annotation]:
        """Annotations of every kind: value the lexicon, detail the term."""
        return [Annotation(kind, lexicon, term) for kind, lexicon, term in self.matches(view)]
