"""Re-render the phpBB captures as other boards would show them (test helper).

The simulated world renders phpBB boards with a Russian language pack and with other timezones
and date formats; these functions rewrite the real captures the same way, using each time's
exact ``datetime`` attribute (or, for edit notices, the English text of the capture), so that
the parser can be scored against the same manifest:

* :func:`russian`: Russian UI ("писал(а):", "Последний раз редактировалось ..."), Moscow time,
  format ``d M Y, H:i`` with Russian month abbreviations, "Сегодня"/"Вчера"/"N минут назад";
* :func:`berlin`: Europe/Berlin time, format ``D M d, Y H:i``, "Today"/"Yesterday"/"N minutes ago";
* :func:`no_time_elements`: phpBB 3.0/3.1 style: post times as bare text in the author line,
  default format ``D M d, Y g:i a``.

All variants drop the ``datetime`` attributes, so only the displayed text can be read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

_TIME = re.compile(r'<time datetime="([^"]+)">[^<]*</time>')
_NOTICE = re.compile(
    r"Last edited by (<a [^>]*>[^<]*</a>) on ([^<]*?), edited (\d+) times? in total\."
)
_ORDINAL = re.compile(r"(\d+)(?:st|nd|rd|th)")
_FOOTER_ZONE = '<span title="UTC">UTC</span>'
_RU_MONTHS = ("янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек")

Render = Callable[[datetime, datetime], str]


def _english_notice_time(text: str) -> datetime:
    """Read the capture's own English notice date ("January 7th, 2020, 8:30 am", UTC)."""
    plain = _ORDINAL.sub(r"\1", text).replace("am", "AM").replace("pm", "PM")
    return datetime.strptime(plain, "%B %d, %Y, %I:%M %p").replace(tzinfo=UTC)


def _relative(moment: datetime, captured: datetime, zone: ZoneInfo) -> tuple[str, str] | None:
    """("minutes", "17") / ("today", "09:00") / ("yesterday", ...) or None for older times."""
    if timedelta(0) <= captured - moment < timedelta(hours=1):
        return "minutes", str(int((captured - moment).total_seconds() // 60))
    local, now = moment.astimezone(zone), captured.astimezone(zone)
    if local.date() == now.date():
        return "today", local.strftime("%H:%M")
    if local.date() == now.date() - timedelta(days=1):
        return "yesterday", local.strftime("%H:%M")
    return None


def _russian_time(moment: datetime, captured: datetime) -> str:
    zone = ZoneInfo("Europe/Moscow")
    relative = _relative(moment, captured, zone)
    if relative is not None:
        kind, value = relative
        return {
            "minutes": f"{value} минут назад",
            "today": f"Сегодня, {value}",
            "yesterday": f"Вчера, {value}",
        }[kind]
    local = moment.astimezone(zone)
    return f"{local.day:02d} {_RU_MONTHS[local.month - 1]} {local.year}, {local:%H:%M}"


def _berlin_time(moment: datetime, captured: datetime) -> str:
    zone = ZoneInfo("Europe/Berlin")
    relative = _relative(moment, captured, zone)
    if relative is not None:
        kind, value = relative
        return {
            "minutes": f"{value} minutes ago",
            "today": f"Today, {value}",
            "yesterday": f"Yesterday, {value}",
        }[kind]
    return moment.astimezone(zone).strftime("%a %b %d, %Y %H:%M")


def _default_time(moment: datetime, captured: datetime) -> str:
    hour = moment.hour % 12 or 12
    return moment.strftime(f"%a %b %d, %Y {hour}:%M ") + ("am" if moment.hour < 12 else "pm")


def _rewrite(html: str, captured: datetime, render: Render, *, keep_element: bool) -> str:
    def time_element(match: re.Match[str]) -> str:
        moment = datetime.fromisoformat(match.group(1)).astimezone(UTC)
        text = render(moment, captured)
        return f"<time>{text}</time>" if keep_element else text

    return _TIME.sub(time_element, html)


def russian(html: str, captured: datetime) -> str:
    """The page as a Russian-UI board in Moscow time would show it."""
    html = _rewrite(html, captured, _russian_time, keep_element=True)

    def notice(match: re.Match[str]) -> str:
        moment = _english_notice_time(match.group(2))
        when = _russian_time(moment, captured)
        return (
            f"Последний раз редактировалось {match.group(1)} {when}, "
            f"всего редактировалось {match.group(3)} раз."
        )

    html = _NOTICE.sub(notice, html)
    html = html.replace(_FOOTER_ZONE, '<span title="Europe/Moscow">UTC+03:00</span>')
    html = html.replace("</a> wrote: <a", "</a> писал(а): <a")
    html = html.replace("<strong>Reason:</strong>", "<strong>Причина:</strong>")
    html = re.sub(r"(\d+) posts\b", r"\1 сообщений", html)
    html = re.sub(r"(\d+) topics\b", r"\1 тем", html)
    html = html.replace("&bull; Page <strong>", "&bull; Страница <strong>")
    return html.replace("</strong> of <strong>", "</strong> из <strong>")


def berlin(html: str, captured: datetime) -> str:
    """The page as a board in Europe/Berlin with format "D M d, Y H:i" would show it."""
    html = _rewrite(html, captured, _berlin_time, keep_element=True)

    def notice(match: re.Match[str]) -> str:
        when = _berlin_time(_english_notice_time(match.group(2)), captured)
        return f"Last edited by {match.group(1)} on {when}, edited {match.group(3)} time in total."

    html = html.replace(_FOOTER_ZONE, '<span title="Europe/Berlin">UTC+01:00</span>')
    return _NOTICE.sub(notice, html)


def no_time_elements(html: str, captured: datetime) -> str:
    """phpBB 3.0/3.1 style: times as plain text, default format "D M d, Y g:i a"."""
    html = _rewrite(html, captured, _default_time, keep_element=False)

    def notice(match: re.Match[str]) -> str:
        when = _default_time(_english_notice_time(match.group(2)), captured)
        return f"Last edited by {match.group(1)} on {when}, edited {match.group(3)} time in total."

    return _NOTICE.sub(notice, html)
