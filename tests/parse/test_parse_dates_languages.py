"""The issue's date examples and relative forms in every supported language, table-driven."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from forumwatch.parse import date_words
from forumwatch.parse.dates import DateReader

NOW = datetime(2026, 11, 25, 14, 50, 23, tzinfo=UTC)


def ago(**delta: float) -> datetime:
    return NOW - timedelta(**delta)


def utc(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


CASES: list[tuple[str, str, datetime | None]] = [
    # The absolute examples.
    ("Sun Mar 15, 2020 21:11", "UTC", utc(2020, 3, 15, 21, 11)),
    ("15.03.2020, 21:11", "UTC", utc(2020, 3, 15, 21, 11)),
    ("15 марта 2020, 21:11", "UTC", utc(2020, 3, 15, 21, 11)),
    ("15 марта 2020, 21:11", "Europe/Moscow", utc(2020, 3, 15, 18, 11)),
    # Relative forms against the capture time, per language.
    ("Today, 13:02", "UTC", utc(2026, 11, 25, 13, 2)),
    ("Yesterday, 13:02", "UTC", utc(2026, 11, 24, 13, 2)),
    ("3 hours ago", "UTC", ago(hours=3)),
    ("hace 3 horas", "UTC", ago(hours=3)),
    ("vor 3 Stunden", "UTC", ago(hours=3)),
    ("3 часа назад", "UTC", ago(hours=3)),
    ("3 uur geleden", "UTC", ago(hours=3)),
    ("il y a 3 heures", "UTC", ago(hours=3)),
    ("3 ore fa", "UTC", ago(hours=3)),
    ("há 3 horas", "UTC", ago(hours=3)),
    ("3 saat önce", "UTC", ago(hours=3)),
    ("3 godziny temu", "UTC", ago(hours=3)),
    ("Heute, 13:02", "Europe/Berlin", utc(2026, 11, 25, 12, 2)),
    ("Сегодня, 13:02", "Europe/Moscow", utc(2026, 11, 25, 10, 2)),
    ("Сегодня в 13:02", "UTC", utc(2026, 11, 25, 13, 2)),
    ("Ayer, 13:02", "UTC", utc(2026, 11, 24, 13, 2)),
    ("Ayer a las 13:02", "UTC", utc(2026, 11, 24, 13, 2)),
    ("Gisteren, 13:02", "UTC", utc(2026, 11, 24, 13, 2)),
    ("Gisteren om 13:02", "Europe/Amsterdam", utc(2026, 11, 24, 12, 2)),
    ("Hier à 13:02", "UTC", utc(2026, 11, 24, 13, 2)),
    ("Ieri, 13:02", "UTC", utc(2026, 11, 24, 13, 2)),
    ("Ontem às 13:02", "UTC", utc(2026, 11, 24, 13, 2)),
    ("Dün, 13:02", "UTC", utc(2026, 11, 24, 13, 2)),
    ("Wczoraj, 13:02", "UTC", utc(2026, 11, 24, 13, 2)),
    ("Today at 12:20:00 AM", "UTC", utc(2026, 11, 25, 0, 20)),
    ("Yesterday at 08:15 PM", "UTC", utc(2026, 11, 24, 20, 15)),
    # Numbers written as words, and a unit without a number.
    ("two hours ago", "UTC", ago(hours=2)),
    ("vor zwei Stunden", "UTC", ago(hours=2)),
    ("две минуты назад", "UTC", ago(minutes=2)),
    ("час назад", "UTC", ago(hours=1)),
    ("hace dos días", "UTC", ago(days=2)),
    ("il y a trois heures", "UTC", ago(hours=3)),
    ("üç saat önce", "UTC", ago(hours=3)),
    ("minutę temu", "UTC", ago(minutes=1)),
    ("vor einer Minute", "UTC", ago(minutes=1)),
    ("1 hour 5 minutes ago", "UTC", ago(hours=1, minutes=5)),
    ("2 Weeks ago", "UTC", ago(weeks=2)),
    # Turkish month names.
    ("15 Mart 2020", "UTC", utc(2020, 3, 15)),
    ("15 Mart 2020 21:11", "Europe/Istanbul", utc(2020, 3, 15, 18, 11)),
    ("1 Ekim 2020 09:00", "UTC", utc(2020, 10, 1, 9, 0)),
    ("7 Aralık 2020", "UTC", utc(2020, 12, 7)),
    # A date without a day never takes today's day; a bare day word has no time.
    ("June 2020 09:28", "UTC", None),
    ("März 2020", "UTC", None),
    ("марта 2020", "UTC", None),
    ("Yesterday", "UTC", None),
    ("Ayer", "UTC", None),
    ("Gisteren", "UTC", None),
]


@pytest.mark.parametrize(("text", "zone", "expected"), CASES, ids=[c[0] for c in CASES])
def test_reads_dates_in_many_languages(text: str, zone: str, expected: datetime | None) -> None:
    assert DateReader(zone).read(text, NOW) == expected


def test_every_number_word_means_one_number() -> None:
    seen: dict[str, int] = {}
    for number, words in date_words._NUMBER_WORDS.items():
        for word in words:
            assert seen.setdefault(word, number) == number, word
    # Number words are read only right before a unit, so they never clash with units.
    assert not set(date_words.NUMBER_WORDS) & set(date_words.UNITS)
