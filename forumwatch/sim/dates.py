"""phpBB-style date formatting: PHP ``date()`` formats, board timezones, relative labels.

Mirrors ``phpbb\\datetime::format``: when the board format contains ``|...|``, times less than
an hour old read "x minutes ago", and times since yesterday's local midnight read "Today, ..." or
"Yesterday, ..." (in the board's language); otherwise the absolute form is used.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from forumwatch.sim.phpbb_lang import DATE_NAMES, LANGUAGE_PACKS


def _ordinal_suffix(day: int) -> str:
    if 11 <= day % 100 <= 13:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


class DateFormatter:
    """Formats Unix times the way one phpBB board shows them.

    Args:
        date_format: the board's PHP date format, e.g. ``|F jS, Y|, g:i a``.
        timezone: the board's timezone name.
        language: ``en`` or ``ru`` (month and day names, Today/Yesterday, "ago").
    """

    def __init__(self, date_format: str, timezone: str, language: str) -> None:
        self.zone = ZoneInfo(timezone)
        self.timezone = timezone
        self.language = language
        self.names = DATE_NAMES[language]
        self.pack = LANGUAGE_PACKS[language]
        self.relative = "|" in date_format
        if self.relative:
            head = date_format[: date_format.index("|")]
            tail = date_format[date_format.rindex("|") + 1 :]
            self.short_format = head + "||" + tail
        else:
            self.short_format = date_format
        self.long_format = date_format.replace("|", "")
        self._absolute = lru_cache(maxsize=65_536)(self._format_absolute)

    def local(self, timestamp: int) -> datetime:
        """The board-local datetime of a Unix time."""
        return datetime.fromtimestamp(timestamp, self.zone)

    def php_date(self, moment: datetime, date_format: str) -> str:
        """Format a datetime with a PHP ``date()`` format string (the subset phpBB boards use)."""
        out: list[str] = []
        escape = False
        for char in date_format:
            if escape:
                out.append(char)
                escape = False
            elif char == "\\":
                escape = True
            elif char == "d":
                out.append(f"{moment.day:02d}")
            elif char == "j":
                out.append(str(moment.day))
            elif char == "S":
                out.append(_ordinal_suffix(moment.day))
            elif char in "FMlD":
                index = moment.month - 1 if char in "FM" else moment.weekday()
                out.append(self.names[char][index])
            elif char == "Y":
                out.append(str(moment.year))
            elif char == "y":
                out.append(f"{moment.year % 100:02d}")
            elif char == "m":
                out.append(f"{moment.month:02d}")
            elif char == "n":
                out.append(str(moment.month))
            elif char == "g":
                out.append(str(moment.hour % 12 or 12))
            elif char == "G":
                out.append(str(moment.hour))
            elif char == "h":
                out.append(f"{moment.hour % 12 or 12:02d}")
            elif char == "H":
                out.append(f"{moment.hour:02d}")
            elif char == "i":
                out.append(f"{moment.minute:02d}")
            elif char == "s":
                out.append(f"{moment.second:02d}")
            elif char in "aA":
                meridiem = "am" if moment.hour < 12 else "pm"
                out.append(meridiem if char == "a" else meridiem.upper())
            else:
                out.append(char)
        return "".join(out)

    def _format_absolute(self, timestamp: int) -> str:
        return self.php_date(self.local(timestamp), self.long_format)

    def format(self, timestamp: int, now: int, force_absolute: bool = False) -> str:
        """Format ``timestamp`` as the board shows it to a reader at ``now``."""
        if self.relative and not force_absolute:
            delta = now - timestamp
            if -60 < delta <= 3600 and (delta >= -5 or (now // 60) % 60 == (timestamp // 60) % 60):
                return self._ago(max(0, delta // 60))
            midnight = self._midnight(now)
            if timestamp <= midnight + 2 * 86_400:
                label = None
                if timestamp > midnight + 86_400:
                    label = None
                elif timestamp > midnight:
                    label = self.pack["today"]
                elif timestamp > midnight - 86_400:
                    label = self.pack["yesterday"]
                if label is not None:
                    return self.php_date(self.local(timestamp), self.short_format).replace(
                        "||", label
                    )
        return self._absolute(timestamp)

    def _midnight(self, now: int) -> int:
        local = self.local(now)
        start = local.replace(hour=0, minute=0, second=0, microsecond=0)
        return int(start.timestamp())

    def _ago(self, minutes: int) -> str:
        pack = self.pack
        if minutes == 0:
            return pack["ago_0"]
        if self.language == "ru":
            tens, units = minutes % 100, minutes % 10
            if units == 1 and tens != 11:
                return pack["ago_1"].format(minutes)
            if 2 <= units <= 4 and not 12 <= tens <= 14:
                return pack["ago_few"].format(minutes)
            return pack["ago_many"].format(minutes)
        return (pack["ago_1"] if minutes == 1 else pack["ago_many"]).format(minutes)

    def offset_label(self, now: int) -> str:
        """The footer's timezone label: ``UTC`` or ``UTC+02:00`` at ``now``."""
        offset = self.local(now).utcoffset() or timedelta(0)
        if not offset:
            return "UTC"
        total = int(offset.total_seconds())
        sign = "+" if total >= 0 else "-"
        hours, minutes = divmod(abs(total) // 60, 60)
        return f"UTC{sign}{hours:02d}:{minutes:02d}"


def iso_utc(timestamp: int) -> str:
    """The ``datetime`` attribute phpBB puts on ``<time>``: ISO 8601 with ``+00:00``."""
    return datetime.fromtimestamp(timestamp, UTC).isoformat()
