"""Reading displayed dates: board formats, relative forms, languages, timezones, tricky cases."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from forumwatch.errors import ConfigError
from forumwatch.parse import date_words
from forumwatch.parse.dates import DateReader, parse_date

CAPTURED = datetime(2026, 11, 25, 2, 50, 23, tzinfo=UTC)
FIXTURE_FORMAT = ("|F jS, Y|, g:i a",)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


CASES: list[tuple[str, str, tuple[str, ...], datetime | None]] = [
    # (text, board timezone, board formats, expected UTC time)
    ("January 6th, 2020, 9:00 am", "UTC", FIXTURE_FORMAT, utc(2020, 1, 6, 9, 0)),
    ("March 14th, 2020, 12:30 pm", "UTC", FIXTURE_FORMAT, utc(2020, 3, 14, 12, 30)),
    ("November 25th, 2026, 12:20 am", "UTC", FIXTURE_FORMAT, utc(2026, 11, 25, 0, 20)),
    ("Today, 12:20 am", "UTC", FIXTURE_FORMAT, utc(2026, 11, 25, 0, 20)),
    ("Yesterday, 8:15 pm", "UTC", FIXTURE_FORMAT, utc(2026, 11, 24, 20, 15)),
    ("17 minutes ago", "UTC", FIXTURE_FORMAT, utc(2026, 11, 25, 2, 33, 23)),
    ("1 minute ago", "UTC", (), utc(2026, 11, 25, 2, 49, 23)),
    ("an hour ago", "UTC", (), utc(2026, 11, 25, 1, 50, 23)),
    ("Sun Mar 15, 2020 9:11 pm", "UTC", ("D M d, Y g:i a",), utc(2020, 3, 15, 21, 11)),
    ("Sun Mar 15, 2020 9:11 pm", "UTC", (), utc(2020, 3, 15, 21, 11)),
    ("Sun Mar 15, 2020 21:11", "Europe/Berlin", ("D M d, Y H:i",), utc(2020, 3, 15, 20, 11)),
    ("So Mär 15, 2020 21:11", "Europe/Berlin", ("D M d, Y H:i",), utc(2020, 3, 15, 20, 11)),
    ("Mon Jun 15, 2020 21:11", "Europe/Berlin", ("D M d, Y H:i",), utc(2020, 6, 15, 19, 11)),
    ("Heute, 21:11", "Europe/Berlin", (), utc(2026, 11, 25, 20, 11)),
    ("Gestern, 23:30", "Europe/Berlin", (), utc(2026, 11, 24, 22, 30)),
    ("vor 3 Stunden", "Europe/Berlin", (), utc(2026, 11, 24, 23, 50, 23)),
    ("vor einer Minute", "UTC", (), utc(2026, 11, 25, 2, 49, 23)),
    ("15.03.2020, 21:11", "UTC", (), utc(2020, 3, 15, 21, 11)),
    ("03.04.2020, 21:11", "UTC", (), utc(2020, 4, 3, 21, 11)),
    ("04-03-2020, 09:11 PM", "UTC", ("m-d-Y", "h:i A"), utc(2020, 4, 3, 21, 11)),
    ("03-15-2020, 09:11 PM", "UTC", (), utc(2020, 3, 15, 21, 11)),
    ("15 марта 2020, 21:11", "UTC", (), utc(2020, 3, 15, 21, 11)),
    ("15 мар 2020, 21:11", "Europe/Moscow", ("d M Y, H:i",), utc(2020, 3, 15, 18, 11)),
    ("Вс мар 15, 2020 21:11", "UTC", (), utc(2020, 3, 15, 21, 11)),
    ("Сегодня, 03:20", "Europe/Moscow", (), utc(2026, 11, 25, 0, 20)),
    ("Вчера, 21:11", "UTC", (), utc(2026, 11, 24, 21, 11)),
    ("5 минут назад", "UTC", (), utc(2026, 11, 25, 2, 45, 23)),
    ("15 de marzo de 2020, 21:11", "UTC", (), utc(2020, 3, 15, 21, 11)),
    ("hace 2 horas", "UTC", (), utc(2026, 11, 25, 0, 50, 23)),
    ("ayer, 10:00", "UTC", (), utc(2026, 11, 24, 10, 0)),
    ("15 maart 2020 21:11", "UTC", (), utc(2020, 3, 15, 21, 11)),
    ("gisteren om 21:11", "UTC", (), utc(2026, 11, 24, 21, 11)),
    ("3 minuten geleden", "UTC", (), utc(2026, 11, 25, 2, 47, 23)),
    ("15 Mart 2020", "UTC", (), utc(2020, 3, 15, 0, 0)),
    ("15 Mart 2020 21:11", "Europe/Istanbul", (), utc(2020, 3, 15, 18, 11)),
    ("13 Mayıs 2020 Çarşamba 14:05", "UTC", (), utc(2020, 5, 13, 14, 5)),
    ("2 Ağustos 2020, 09:00", "UTC", (), utc(2020, 8, 2, 9, 0)),
    ("Dün 21:11", "UTC", (), utc(2026, 11, 24, 21, 11)),
    ("5 dakika önce", "UTC", (), utc(2026, 11, 25, 2, 45, 23)),
    ("May 8, 2020, 10 p.m.", "UTC", (), utc(2020, 5, 8, 22, 0)),
    ("May 8, 2020, midnight", "UTC", (), utc(2020, 5, 8, 0, 0)),
    ("9 May '20", "UTC", (), utc(2020, 5, 9, 0, 0)),
    ("15 Mar, 21:11", "UTC", (), utc(2026, 3, 15, 21, 11)),
    ("28 Dec, 21:11", "UTC", (), utc(2025, 12, 28, 21, 11)),  # no year, would be in the future
    ("20/02/03(Mon)10:00:00", "UTC", ("%g/%m/%d(%a)%H:%M:%S",), utc(2020, 2, 3, 10, 0)),
    ("2020-03-15 21:11", "Europe/Berlin", (), utc(2020, 3, 15, 20, 11)),
    ("2020-03-15T21:11:00+01:00", "UTC", (), utc(2020, 3, 15, 20, 11)),
    ("2020-03-15T21:11:00Z", "Europe/Berlin", (), utc(2020, 3, 15, 21, 11)),
    ("Mar Mar 17, 2020 21:11", "UTC", (), utc(2020, 3, 17, 21, 11)),  # Spanish Tuesday
    ("Sun Mar 29, 2020 02:30", "Europe/Berlin", (), utc(2020, 3, 29, 1, 30)),  # DST gap
    # A date without a day must not become today's day; nonsense is None.
    ("June 2020 09:28", "UTC", (), None),
    ("Juni 2020", "UTC", (), None),
    ("09:28", "UTC", (), None),
    ("Today", "UTC", (), None),
    ("February 30th, 2020, 9:00 am", "UTC", FIXTURE_FORMAT, None),
    ("January 6th, 9999, 9:00 am", "UTC", FIXTURE_FORMAT, None),
    ("32.13.2020", "UTC", (), None),
    ("the 2019 season", "UTC", (), None),
    ("", "UTC", (), None),
    ("🌱🌱🌱", "UTC", (), None),
    ("x" * 10_000, "UTC", (), None),
]


@pytest.mark.parametrize(
    ("text", "zone", "formats", "expected"), CASES, ids=[c[0][:40] for c in CASES]
)
def test_reads_displayed_dates(
    text: str, zone: str, formats: tuple[str, ...], expected: datetime | None
) -> None:
    assert DateReader(zone, formats).read(text, CAPTURED) == expected


def test_results_are_aware_utc() -> None:
    moment = DateReader("Europe/Berlin").read("15.03.2020, 21:11", CAPTURED)
    assert moment is not None
    assert moment.utcoffset() is not None
    assert moment.tzinfo is UTC


def test_relative_dates_need_the_capture_time() -> None:
    reader = DateReader("UTC", FIXTURE_FORMAT)
    assert reader.read("Yesterday, 8:15 pm") is None
    assert reader.read("17 minutes ago") is None
    assert reader.read("15 Mar, 21:11") is None  # the year is unknown without a capture time


def test_naive_capture_time_is_taken_as_utc() -> None:
    naive = datetime(2026, 11, 25, 2, 50, 23)
    assert DateReader().read("17 minutes ago", naive) == utc(2026, 11, 25, 2, 33, 23)


def test_iso_attributes() -> None:
    reader = DateReader("Europe/Berlin")
    assert reader.read_iso("2020-03-14T09:12:00+00:00") == utc(2020, 3, 14, 9, 12)
    assert reader.read_iso("2020-03-14T10:12:00") == utc(2020, 3, 14, 9, 12)  # board-local
    assert reader.read_iso("March 14th") is None
    assert reader.read_iso("2020-13-45T99:99:00") is None
    assert reader.read_iso(None) is None


def test_unknown_timezone_is_a_config_error() -> None:
    with pytest.raises(ConfigError):
        DateReader("Mars/Olympus_Mons")


def test_parse_date_shortcut() -> None:
    assert parse_date("Sun Mar 15, 2020 9:11 pm") == utc(2020, 3, 15, 21, 11)
    assert parse_date("Heute, 21:11", now=CAPTURED, timezone="Europe/Berlin") == utc(
        2026, 11, 25, 20, 11
    )


def test_every_month_word_means_one_month() -> None:
    seen: dict[str, int] = {}
    for month, words in date_words._MONTH_WORDS.items():
        for word in words:
            assert seen.setdefault(word, month) == month, (
                f"{word!r} is months {seen[word]} and {month}"
            )
    assert len(date_words.MONTHS) == len(seen)


def test_every_unit_word_means_one_unit() -> None:
    seen: dict[str, int] = {}
    for seconds, words in date_words._UNIT_WORDS.items():
        for word in words:
            assert seen.setdefault(word, seconds) == seconds, word
