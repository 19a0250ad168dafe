"""Places: an offline gazetteer whose ambiguous names do not flood the counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from forumwatch.enrich.places import PlaceFinder, gazetteer, russian_forms
from forumwatch.enrich.tokens import TextView


@pytest.fixture(scope="module")
def finder() -> PlaceFinder:
    return PlaceFinder(gazetteer())


# (text, post language, [(place, as written)])
CASES = [
    ("Nice weather today", "en", []),  # an adjective, not Nice (France)
    ("We spent a week in Nice last summer", "en", [("FR/Nice", "Nice")]),
    ("Nice weather in Nice", "en", [("FR/Nice", "Nice")]),
    ("Mobile data is expensive here", "en", []),  # not Mobile, Alabama
    ("Reading the forum every evening", "en", []),  # a verb, not Reading (UK)
    ("I moved to Reading last year", "en", [("GB/Reading", "Reading")]),
    ("Das Essen war gut", "de", []),  # a noun, not Essen
    ("Wir fahren nach Essen", "de", [("DE/Essen", "Essen")]),
    ("Am Samstag Chili und Spinat gesät", "de", []),  # the pepper, not Chile
    ("Vine tomatoes are ripe", "en", []),  # a geonames alternate name of Vienna
    ("Turkey sandwich for lunch", "en", []),
    ("Our trip to Turkey", "en", [("TR", "Turkey")]),
    ("Того же мнения", "ru", []),  # "of that", not Togo
    ("Wien ist schön im Herbst", "de", [("AT/Vienna", "Wien")]),
    ("Вот мои фото из Лиссабона", "ru", [("PT/Lisbon", "Лиссабона")]),  # genitive
    ("Поездка в Вену отменилась", "ru", [("AT/Vienna", "Вену")]),  # accusative
    ("Кто-нибудь был в Испании зимой?", "ru", [("ES", "Испании")]),
    ("Our trip to Krakow", "en", [("PL/Kraków", "Krakow")]),  # without the accent
    ("going to berlin next week", "en", [("DE/Berlin", "berlin")]),  # an all-lower-case post
    ("Buenos Aires en verano", "es", [("AR/Buenos Aires", "Buenos Aires")]),
    ("Hier Fotos aus den Niederlanden", "de", [("NL", "Niederlanden")]),
    ("Going to the Netherlands", "en", [("NL", "Netherlands")]),
    ("Valencia was sunny", "en", [("ES/Valencia", "Valencia")]),  # the preferred Valencia
    ("Valencia, Venezuela is hot", "en", [("VE/Valencia", "Valencia"), ("VE", "Venezuela")]),
    ("Reise nach Island", "de", [("IS", "Island")]),  # Iceland, after a cue
    ("The Island of Skye", "en", []),
    ("Is iemand in de winter in IJsland geweest?", "nl", [("IS", "IJsland")]),  # a capital IJ
    (
        "Cheap flights to Mexico City and Kansas City",  # two of the many names ending in City
        "en",
        [("MX/Mexico City", "Mexico City"), ("US/Kansas City", "Kansas City")],
    ),
    ("The City was quiet", "en", []),
    ("an iPhone photo from paris", "en", []),  # capitals inside a word make no name
]


@pytest.mark.parametrize(("text", "language", "expected"), CASES)
def test_places(
    finder: PlaceFinder, text: str, language: str, expected: list[tuple[str, str]]
) -> None:
    found = finder.find(TextView.of(text), language)
    assert [(a.value, a.detail) for a in found] == expected
    assert all(a.kind == "place" for a in found)


def test_russian_case_forms() -> None:
    assert "лиссабона" in russian_forms("лиссабон")
    assert "испании" in russian_forms("испания")
    assert "вену" in russian_forms("вена")
    assert "праги" in russian_forms("прага")  # velar: и, not ы
    assert russian_forms("сочи") == []  # indeclinable


def test_workspace_rules_extend_the_gazetteer(tmp_path: Path) -> None:
    rules = tmp_path / "places.toml"
    rules.write_text(
        'ambiguous = ["Porto"]\n[[extra]]\nvalue = "PT/Lisbon"\nnames = ["Lisboa Velha"]\n',
        "utf-8",
    )
    finder = PlaceFinder(gazetteer(rules))
    assert finder.find(TextView.of("Porto wine is sweet"), "en") == []
    found = finder.find(TextView.of("We walked through Lisboa Velha"), "en")
    assert [(a.value, a.detail) for a in found] == [("PT/Lisbon", "Lisboa Velha")]
