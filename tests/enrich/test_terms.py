"""Watch terms: word boundaries in every script, inflections, folding, exclusions, regexes."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from forumwatch.enrich.matcher import trie_pattern
from forumwatch.enrich.terms import Lexicon, LexiconMatcher, load_lexicons, parse_lexicon
from forumwatch.enrich.tokens import TextView
from forumwatch.errors import ConfigError


@pytest.fixture(scope="module")
def covid() -> LexiconMatcher:
    return LexiconMatcher(load_lexicons("lexicons"))


# (text, terms the shipped covid lexicon finds) - each would trip a naive substring search
CASES = [
    ("Day 5 of quarantine, cleaned every cupboard", ["quarantine*"]),
    ("Из-за карантина все работают из дома", ["карантин*"]),  # genitive
    ("На карантине наконец выучил Go", ["карантин*"]),  # prepositional
    ("КАРАНТИН продлили", ["карантин*"]),  # case folding in Cyrillic
    ("Карантинная выпечка: третий хлеб", ["карантин*"]),  # derived word, by the stem
    ("Quarantäne-Backen: mein drittes Brot", ["quarantäne*"]),  # hyphenated compound
    (unicodedata.normalize("NFD", "Tag 3 der Quarantäne"), ["quarantäne*"]),  # decomposed ä
    ("Dag 3 van de quarantaine", ["quarantaine*"]),
    ("Han alargado la cuarentena", ["cuarentena*"]),
    ("Coronation Street was on tonight", []),  # not inside a longer word
    ("My coronary check-up went fine", []),  # an excluded word
    ("semicovidian is not a word", []),
    ("the coronavirus and covid-19", ["coronavirus*", "covid-19"]),  # longest match wins
    ("covid 19 again", ["covid-19"]),  # the phrase matches with a space too
    ("c0vid is everywhere", ["c0vid"]),  # look-alike digits
    ("We stay at home this week", ["stay at home"]),  # a phrase
    ("stay home, at the stay", []),  # phrase words not in sequence
    ("Ёлка и карантин", ["карантин*"]),
    ("Gardening, football and weather only", []),
]


@pytest.mark.parametrize(("text", "terms"), CASES)
def test_covid_lexicon(covid: LexiconMatcher, text: str, terms: list[str]) -> None:
    assert [term for _kind, _lexicon, term in covid.matches(TextView.of(text))] == terms


def test_a_post_counts_once_per_term_and_annotations_name_the_lexicon(
    covid: LexiconMatcher,
) -> None:
    found = covid.find(TextView.of("Lockdown, lockdown, LOCKDOWN and quarantine"))
    assert [(a.kind, a.value, a.detail) for a in found] == [
        ("term", "covid", "lockdown*"),
        ("term", "covid", "quarantine*"),
    ]


def test_regexes_with_a_gate_and_exclusions() -> None:
    lexicon = parse_lexicon(
        {
            "words": ["tomato*"],
            "exclude": ["tomatoland"],
            "regexes": [r"seed\w* swap"],
            "requires": ["seed*"],
        },
        "garden",
        "test",
    )
    matcher = LexiconMatcher([lexicon])
    view = TextView.of("Tomatoes at the seedling swap, not at Tomatoland")
    assert [t for _k, _l, t in matcher.matches(view)] == ["tomato*", "seedling swap"]
    assert matcher.matches(TextView.of("a swap meet")) == []


@pytest.mark.parametrize(
    "data",
    [
        {"words": "lockdown"},  # not a list
        {"words": ["co*"]},  # a stem too short to mean anything
        {"words": ["!!!"]},  # no word at all
        {"regexes": ["(unclosed"]},
        {"name": ""},
    ],
)
def test_bad_lexicons_are_refused_with_a_clear_error(data: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        parse_lexicon(data, "bad", "bad.toml")


def test_analysts_add_replace_and_disable_lexicons_in_files(tmp_path: Path) -> None:
    folder = tmp_path / "lexicons"
    folder.mkdir()
    (folder / "football.toml").write_text('words = ["offside", "free kick*"]\n', "utf-8")
    (folder / "covid.toml").write_text('words = ["ausgangssperre"]\n', "utf-8")
    (folder / "off.toml").write_text('enabled = false\nwords = ["weather"]\n', "utf-8")
    lexicons = {lexicon.name: lexicon for lexicon in load_lexicons("lexicons", folder)}
    assert set(lexicons) == {"covid", "football"}
    assert lexicons["covid"].words == ("ausgangssperre",)  # the workspace file replaced it
    matcher = LexiconMatcher(lexicons.values())
    found = matcher.matches(TextView.of("Two free kicks, one offside, and a lockdown"))
    assert found == [("term", "football", "free kick*"), ("term", "football", "offside")]


def test_unreadable_lexicon_file_is_a_config_error(tmp_path: Path) -> None:
    folder = tmp_path / "lexicons"
    folder.mkdir()
    (folder / "broken.toml").write_text("words = [", "utf-8")
    with pytest.raises(ConfigError, match=r"broken\.toml"):
        load_lexicons("lexicons", folder)


def test_lexicon_dataclass_defaults() -> None:
    assert Lexicon("x").enabled


def test_trie_pattern_finds_each_word_and_nothing_else() -> None:
    words = ["coro", "conf", "cuar", "lock", "link", "ab", "abc", "x.y", "кара"]
    pattern = re.compile(trie_pattern(words))
    assert all(pattern.fullmatch(word) for word in words)
    assert not any(pattern.fullmatch(other) for other in ["co", "lo", "a", "xzy", "кар", "abcd"])
    assert pattern.search("the LOCK is broken".lower())
    assert not pattern.search("nothing here")
