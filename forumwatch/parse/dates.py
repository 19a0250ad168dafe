"""Read the dates that forum pages show, as aware UTC datetimes.

A :class:`DateReader` belongs to one board: it knows the board's timezone and, optionally, the
board's date formats (PHP ``date()`` syntax as phpBB/MyBB store them, e.g. ``"D M d, Y g:i a"``,
or ``strftime`` syntax with ``%``). :meth:`DateReader.read` tries, in order:

1. ISO 8601 (``<time datetime=...>`` attributes; preferred by parsers whenever present);
2. the board's formats, compiled once to regular expressions (the fast path);
3. relative forms, resolved against the capture time in the board timezone: "Today, 9:00 am",
   "Yesterday, 8:15 pm", "17 minutes ago", "vor 3 Stunden", "5 минут назад" (many languages);
4. a general reader of day / month (name or number) / year / time, in any order engines use,
   with month names in English, German, Russian, Spanish, Dutch, Turkish, French, Italian,
   Portuguese and Polish (see :mod:`forumwatch.parse.date_words`).

A date that shows no day ("June 2020 09:28") is never completed with today's day: the result is
None, as for anything unreadable (the caller records a parse problem). A date without a year
("15 Mar, 21:11") takes the capture year, or the year before when that would be in the future.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from forumwatch.errors import ConfigError
from forumwatch.parse import date_words as words

MIN_YEAR = 1990
MAX_YEAR = 2100

_ISO = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?\s*(?:Z|z|[+-]\d{2}:?\d{2})?"
)
_LETTERS = re.compile(r"[^\W\d_]+")
_YMD = re.compile(r"(?<![\d.])(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?![\d])")
_NUMERIC = re.compile(r"(?<![\d.:/-])(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})(?![\d:])")
_DAY_BEFORE = re.compile(
    r"(?<![\d:.,/])(\d{1,2})(?:st|nd|rd|th|er|e|º|°|-го|-е)?\.?\s*(?:(?:de|of|the|del)\s+)?$"
)
_DAY_AFTER = re.compile(r"^\.?\s*(?:(?:the|de)\s+)?(\d{1,2})(?:st|nd|rd|th|er|e|º|°)?(?![\d:])")
_YEAR_AFTER = re.compile(r"^[\s,.]*(?:(?:de|del|of|г\.?)\s+)?(?:(\d{4})|'(\d{2}))(?!\d)")
_TIME = re.compile(
    r"(?<![\d:])(\d{1,2})(?::|h(?=\d))(\d{2})(?::(\d{2}))?(?:[.,]\d{1,6})?(?!\d)"
    r"(?:\s*(a\.\s?m\.|p\.\s?m\.|am|pm|дп|пп|vorm\.?|nachm\.?|ö\.?ö\.?|ö\.?s\.?)(?![^\W\d_]))?"
)
_HOUR_ONLY = re.compile(r"(?<![\d:])(\d{1,2})\s*(a\.\s?m\.|p\.\s?m\.|am|pm)(?![^\W\d_])")
_COMPACT_RELATIVE = re.compile(r"^(\d{1,4})\s?([smhdw])$")
_COMPACT_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_TOKENS = re.compile(r"\d{1,6}|[^\W\d_]+")

_PM_PREFIXES = ("p", "пп", "nachm", "ö.s", "ös")


class _Parts(NamedTuple):
    """Fields read from a date string; None where the string showed nothing.

    A named tuple rather than a frozen dataclass: one is made per date read, and a tuple is
    several times cheaper to build.
    """

    year: int | None
    month: int
    day: int
    hour: int = 0
    minute: int = 0
    second: int = 0


# Builds a _Parts from a tuple without the named tuple's Python-level constructor.
_new_parts = tuple.__new__


def _normalise(text: str) -> str:
    if not text.isascii():  # isascii() is O(1); the replaced characters are all non-ASCII
        text = text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u0307", "")
    return " ".join(text.split()).lower()


def _full_year(value: str) -> int:
    year = int(value)
    if len(value) <= 2:
        year += 2000 if year < 70 else 1900
    return year


def _hour24(hour: int, marker: str | None) -> int:
    if not marker:
        return hour
    is_pm = marker.replace(" ", "").startswith(_PM_PREFIXES)
    if hour == 12:
        return 12 if is_pm else 0
    return hour + 12 if is_pm else hour


# --- board formats ---------------------------------------------------------------------------

_WORD = r"[^\W\d_]+\.?"
_AMPM = r"(?:a\.\s?m\.|p\.\s?m\.|am|pm|дп|пп|vorm\.?|nachm\.?)"
_PHP_TOKENS: dict[str, tuple[str | None, str]] = {
    "d": ("day", r"\d{1,2}"),
    "j": ("day", r"\d{1,2}"),
    "S": (None, r"(?:st|nd|rd|th)?"),
    "D": (None, _WORD),
    "l": (None, _WORD),
    "N": (None, r"\d"),
    "w": (None, r"\d"),
    "z": (None, r"\d{1,3}"),
    "W": (None, r"\d{1,2}"),
    "F": ("month_name", _WORD),
    "M": ("month_name", _WORD),
    "m": ("month", r"\d{1,2}"),
    "n": ("month", r"\d{1,2}"),
    "t": (None, r"\d{2}"),
    "Y": ("year", r"\d{4}"),
    "o": ("year", r"\d{4}"),
    "y": ("year2", r"\d{2}"),
    "a": ("ampm", _AMPM),
    "A": ("ampm", _AMPM),
    "g": ("hour", r"\d{1,2}"),
    "h": ("hour", r"\d{1,2}"),
    "G": ("hour", r"\d{1,2}"),
    "H": ("hour", r"\d{1,2}"),
    "i": ("minute", r"\d{2}"),
    "s": ("second", r"\d{2}"),
    "u": (None, r"\d+"),
    "v": (None, r"\d+"),
    "e": (None, r"\S+"),
    "T": (None, r"\S+"),
    "P": (None, r"\S+"),
    "O": (None, r"\S+"),
    "Z": (None, r"\S+"),
}
_STRFTIME_TOKENS: dict[str, str] = {
    "Y": "Y", "G": "Y", "y": "y", "g": "y", "m": "m", "d": "d", "e": "j", "H": "H", "I": "h",
    "M": "i", "S": "s", "p": "A", "P": "a", "a": "D", "A": "l", "b": "M", "B": "F", "h": "M",
    "j": "z", "Z": "T", "z": "O",
}  # fmt: skip


def _format_tokens(fmt: str) -> list[tuple[str, str]]:
    """Split a PHP or strftime format into ("token", letter) and ("literal", text) pieces."""
    pieces: list[tuple[str, str]] = []
    strftime = "%" in fmt
    index = 0
    while index < len(fmt):
        char = fmt[index]
        if strftime and char == "%" and index + 1 < len(fmt):
            letter = fmt[index + 1]
            mapped = _STRFTIME_TOKENS.get(letter)
            pieces.append(("token", mapped) if mapped else ("literal", letter))
            index += 2
            continue
        if not strftime and char == "\\" and index + 1 < len(fmt):
            pieces.append(("literal", fmt[index + 1]))
            index += 2
            continue
        if not strftime and char in _PHP_TOKENS:
            pieces.append(("token", char))
        elif char != "|":  # phpBB marks the part that "Today"/"Yesterday" may replace
            pieces.append(("literal", char))
        index += 1
    return pieces


@lru_cache(maxsize=256)
def _compile_format(fmt: str) -> re.Pattern[str]:
    """Compile a PHP date() or strftime format to a regular expression with named groups."""
    parts: list[str] = []
    used: set[str] = set()
    for kind, value in _format_tokens(fmt):
        if kind == "literal":
            parts.append(r"\s*" if value.isspace() else r"\s*" + re.escape(value.lower()))
            continue
        group, pattern = _PHP_TOKENS[value]
        if group is None or group in used:
            parts.append(f"(?:{pattern})")
        else:
            used.add(group)
            parts.append(f"(?P<{group}>{pattern})")
    return re.compile("".join(parts))


class DateReader:
    """Reads the dates of one board.

    Args:
        timezone: the board's IANA timezone (``Europe/Berlin``); pages show local times.
        formats: the board's date formats (PHP ``date()`` or ``strftime`` syntax), tried first.
        day_first: order of all-numeric dates like ``03/04/2020``; by default taken from the
            first format that has both a day and a month, else day first.

    Raises:
        ConfigError: the timezone is unknown.
    """

    def __init__(
        self,
        timezone: str = "UTC",
        formats: tuple[str, ...] = (),
        *,
        day_first: bool | None = None,
    ) -> None:
        try:
            self.zone = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ConfigError(f"unknown timezone: {timezone!r}") from error
        self.timezone = timezone
        self.formats = tuple(formats)
        self._compiled = [
            (pattern, _field_slots(pattern), "hour" in pattern.groupindex)
            for pattern in (_compile_format(fmt) for fmt in self.formats)
        ]
        self.day_first = _day_first(self.formats) if day_first is None else day_first
        # A UTC board's times need no conversion: the same moment, without a zone lookup.
        self._local: tzinfo = UTC if timezone == "UTC" else self.zone

    def read(self, text: str | None, now: datetime | None = None) -> datetime | None:
        """Return the moment ``text`` shows, aware in UTC, or None when it cannot be read.

        Args:
            text: the date as displayed (or an ISO 8601 value).
            now: the capture time, needed for relative dates and dates without a year.
        """
        if not text or len(text) > 300:
            return None
        iso = self.read_iso(text)
        if iso is not None:
            return iso
        normal = _normalise(text)
        if not normal:
            return None
        for pattern, slots, has_hour in self._compiled:
            match = pattern.search(normal)
            if match is not None:
                parts = _parts_from_format(match, slots, now, self.zone)
                if parts is not None and not has_hour:
                    # A date-only format (MyBB keeps date and time formats apart).
                    rest = normal[: match.start()] + " " + normal[match.end() :]
                    clock = _find_time(rest)
                    if clock is not None:
                        parts = parts._replace(hour=clock.hour, minute=clock.minute)
                if parts is not None:
                    return self._to_utc(parts)
        relative = self._relative(normal, now)
        if relative is not None:
            return relative
        parts = _general_parts(normal, self.day_first, now, self.zone)
        return self._to_utc(parts) if parts is not None else None

    def read_iso(self, value: str | None) -> datetime | None:
        """Read an ISO 8601 value (as in ``<time datetime>``); naive ones are board-local."""
        if not value:
            return None
        value = value.strip()
        # Every ISO value has "-" after its four year digits: most displayed dates are ruled out
        # without running the expression.
        if len(value) < 10 or value[4] != "-" or not _ISO.fullmatch(value):
            return None
        try:
            moment = datetime.fromisoformat(value.replace(" ", "T", 1).replace("z", "Z"))
        except ValueError:
            return None
        if not MIN_YEAR <= moment.year <= MAX_YEAR:
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=self.zone)
        return moment.astimezone(UTC)

    def _to_utc(self, parts: _Parts) -> datetime | None:
        if parts.year is None or not MIN_YEAR <= parts.year <= MAX_YEAR:
            return None
        try:
            local = datetime(
                parts.year,
                parts.month,
                parts.day,
                parts.hour,
                parts.minute,
                parts.second,
                tzinfo=self._local,
            )
        except ValueError:
            return None
        return local if self._local is UTC else local.astimezone(UTC)

    def _relative(self, normal: str, now: datetime | None) -> datetime | None:
        if now is None:
            return None
        now_utc = now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)
        if normal.rstrip(".!") in words.NOW_PHRASES:
            return now_utc
        compact = _COMPACT_RELATIVE.match(normal)
        if compact is not None:
            return now_utc - timedelta(seconds=int(compact.group(1)) * _COMPACT_UNITS[compact[2]])
        tokens = set(_LETTERS.findall(normal))
        if tokens & words.AGO_WORDS:
            offset = _relative_offset(normal)
            if offset is not None:
                return now_utc - offset
        day_shift = None
        if tokens & words.TODAY_WORDS or "aujourd" in normal:
            day_shift = 0
        elif tokens & words.YESTERDAY_WORDS:
            day_shift = 1
        if day_shift is None:
            return None
        clock = _find_time(normal)
        if clock is None:
            return None
        local_day = now_utc.astimezone(self.zone).date() - timedelta(days=day_shift)
        local = datetime.combine(local_day, clock, tzinfo=self.zone)
        return local.astimezone(UTC)


def _day_first(formats: tuple[str, ...]) -> bool:
    for fmt in formats:
        letters = [value for kind, value in _format_tokens(fmt) if kind == "token"]
        day = next((i for i, v in enumerate(letters) if v in "dj"), None)
        month = next((i for i, v in enumerate(letters) if v in "mn"), None)
        if day is not None and month is not None:
            return day < month
    return True


def _relative_offset(normal: str) -> timedelta | None:
    """Sum "N unit" phrases ("1 hour 5 minutes ago", "vor einer Stunde", "две минуты назад").

    A unit counts the number, number word or article just before it; a unit with nothing
    before it ("час назад") counts one.
    """
    tokens = _TOKENS.findall(normal)
    seconds = 0
    found = False
    for index, token in enumerate(tokens):
        unit_seconds = words.UNITS.get(token)
        if unit_seconds is None:
            continue
        before = tokens[index - 1] if index > 0 else None
        if before is None or before in words.ONE_WORDS or before in words.AGO_WORDS:
            count = 1
        elif before.isdigit():
            count = int(before)
        elif before in words.NUMBER_WORDS:
            count = words.NUMBER_WORDS[before]
        else:
            continue
        seconds += count * unit_seconds
        found = True
    if not found or seconds > 200 * 31536000:
        return None
    return timedelta(seconds=seconds)


def _find_time(text: str) -> time | None:
    match = _TIME.search(text)
    if match is not None:
        hour = _hour24(int(match.group(1)), match.group(4))
        minute = int(match.group(2))
        second = int(match.group(3)) if match.group(3) else 0
    else:
        hour_only = _HOUR_ONLY.search(text)
        if hour_only is not None:
            hour, minute, second = _hour24(int(hour_only.group(1)), hour_only.group(2)), 0, 0
        elif any(word in text for word in words.NOON_WORDS):
            hour, minute, second = 12, 0, 0
        elif any(word in text for word in words.MIDNIGHT_WORDS):
            hour, minute, second = 0, 0, 0
        else:
            return None
    if hour > 23 or minute > 59 or second > 60:
        return None
    return time(hour, minute, min(second, 59))


def _infer_year(month: int, day: int, now: datetime | None, zone: ZoneInfo) -> int | None:
    """The year of a date shown without one: the capture year, unless that is in the future."""
    if now is None:
        return None
    today = (now.replace(tzinfo=UTC) if now.tzinfo is None else now).astimezone(zone).date()
    try:
        candidate = date(today.year, month, day)
    except ValueError:
        return today.year - 1 if month == 2 and day == 29 else None
    return today.year - 1 if candidate > today + timedelta(days=1) else today.year


_FIELDS = ("month", "month_name", "day", "year", "year2", "hour", "minute", "second", "ampm")


def _field_slots(pattern: re.Pattern[str]) -> tuple[int, ...]:
    """Where each of :data:`_FIELDS` sits in ``match.groups()`` (-1: the format has none).

    Reading one tuple by position is cheaper than building ``groupdict()`` per date.
    """
    return tuple(pattern.groupindex.get(name, 0) - 1 for name in _FIELDS)


def _parts_from_format(
    match: re.Match[str], slots: tuple[int, ...], now: datetime | None, zone: ZoneInfo
) -> _Parts | None:
    found = match.groups()
    month_at, name_at, day_at, year_at, year2_at, hour_at, minute_at, second_at, ampm_at = slots
    month: int | None = None
    if month_at >= 0 and found[month_at]:
        month = int(found[month_at])
    elif name_at >= 0 and found[name_at]:
        month = words.MONTHS.get(found[name_at].rstrip("."))
    day_digits = found[day_at] if day_at >= 0 else None
    if month is None or not day_digits:
        return None
    day = int(day_digits)
    year: int | None
    if year_at >= 0 and found[year_at]:
        year = int(found[year_at])
    elif year2_at >= 0 and found[year2_at]:
        year = _full_year(found[year2_at])
    else:
        year = _infer_year(month, day, now, zone)
    hour_digits = found[hour_at] if hour_at >= 0 else None
    minute_digits = found[minute_at] if minute_at >= 0 else None
    second_digits = found[second_at] if second_at >= 0 else None
    ampm = found[ampm_at] if ampm_at >= 0 else None
    hour = _hour24(int(hour_digits), ampm) if hour_digits else 0
    minute = int(minute_digits) if minute_digits else 0
    second = int(second_digits) if second_digits else 0
    if not 1 <= month <= 12 or hour > 23 or minute > 59 or second > 59:
        return None
    return _new_parts(_Parts, (year, month, day, hour, minute, second))


def _general_parts(
    normal: str, day_first: bool, now: datetime | None, zone: ZoneInfo
) -> _Parts | None:
    """Find a day, month, year and time anywhere in ``normal`` (already lower case)."""
    found = _find_calendar_date(normal, day_first)
    if found is None:
        return None
    year, month, day, start, end = found
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        return None
    if year is None:
        year = _infer_year(month, day, now, zone)
    clock = _find_time(normal[:start] + " " + normal[end:]) or time(0, 0)
    return _Parts(year, month, day, clock.hour, clock.minute, clock.second)


def _find_calendar_date(
    normal: str, day_first: bool
) -> tuple[int | None, int, int, int, int] | None:
    """Return (year, month, day, start, end) of the date in ``normal``, or None."""
    match = _YMD.search(normal)
    if match is not None:
        year, month, day = (int(g) for g in match.groups())
        return year, month, day, match.start(), match.end()
    match = _NUMERIC.search(normal)
    if match is not None:
        first, second = int(match.group(1)), int(match.group(3))
        if first > 12 >= second:
            day, month = first, second
        elif second > 12 >= first:
            day, month = second, first
        else:
            day, month = (first, second) if day_first else (second, first)
        return _full_year(match.group(4)), month, day, match.start(), match.end()
    for word in _LETTERS.finditer(normal):
        month_number = words.MONTHS.get(word.group(0))
        if month_number is None:
            continue
        end = word.end() + (1 if normal[word.end() : word.end() + 1] == "." else 0)
        before = _DAY_BEFORE.search(normal, 0, word.start())
        if before is not None:
            year_match = _YEAR_AFTER.match(normal[end:])
            stop = end + (year_match.end() if year_match else 0)
            return _year_of(year_match), month_number, int(before.group(1)), before.start(), stop
        after = _DAY_AFTER.match(normal[end:])
        if after is not None:
            day_end = end + after.end()
            year_match = _YEAR_AFTER.match(normal[day_end:])
            stop = day_end + (year_match.end() if year_match else 0)
            return _year_of(year_match), month_number, int(after.group(1)), word.start(), stop
    return None


def _year_of(match: re.Match[str] | None) -> int | None:
    if match is None:
        return None
    return int(match.group(1)) if match.group(1) else _full_year(match.group(2))


@lru_cache(maxsize=64)
def _reader(timezone: str, formats: tuple[str, ...]) -> DateReader:
    return DateReader(timezone, formats)


def parse_date(
    text: str | None,
    *,
    now: datetime | None = None,
    timezone: str = "UTC",
    formats: tuple[str, ...] = (),
) -> datetime | None:
    """Read a displayed date with a cached :class:`DateReader`; see :meth:`DateReader.read`.

    Raises:
        ConfigError: the timezone is unknown.
    """
    return _reader(timezone, tuple(formats)).read(text, now)
