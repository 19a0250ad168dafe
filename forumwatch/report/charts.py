"""Charts as inline SVG, drawn here: offline, deterministic, no JavaScript, no CDN.

Every label may come from a crawled page (a section title is written by the site's admin), so
all text goes through :func:`xml_escape` before it reaches the SVG.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from xml.sax.saxutils import escape

PALETTE = (
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
    "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f",
)  # fmt: skip
FONT = "font-family='DejaVu Sans, Helvetica, Arial, sans-serif'"


def xml_escape(text: str) -> str:
    """Escape text for SVG/HTML content and attribute values."""
    return escape(text, {'"': "&quot;", "'": "&#x27;"})


@dataclass(frozen=True)
class ChartSeries:
    """One line: a label and a value per day (None leaves a gap)."""

    label: str
    points: Sequence[tuple[date, float | None]]
    colour: str | None = None
    dashed: bool = False


@dataclass(frozen=True)
class Band:
    """A shaded span of days (inclusive), e.g. days the site was unavailable."""

    start: date
    end: date
    label: str
    colour: str = "#f4b6b6"


@dataclass(frozen=True)
class Marker:
    """A vertical line on a day with a short note, e.g. a detected event."""

    day: date
    label: str


@dataclass(frozen=True)
class ChartStyle:
    """Size and margins of a chart, in SVG user units (pixels)."""

    width: int = 900
    height: int = 280
    left: int = 56
    right: int = 16
    top: int = 34
    bottom: int = 44
    legend_columns: int = 3
    extra: dict[str, str] = field(default_factory=dict)


def nice_ceiling(value: float) -> float:
    """The smallest 'round' number (1, 2, 2.5, 5 x 10^n) at or above ``value``."""
    if value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    for step in (1.0, 2.0, 2.5, 5.0, 10.0):
        candidate = float(step * 10**exponent)
        if candidate >= value:
            return candidate
    return 10.0 ** (exponent + 1)


def nice_ticks(top: float, integer: bool = True, count: int = 5) -> list[float]:
    """Grid values from 0 up to at least ``top`` in round steps (1, 2, 2.5, 5 x 10^n), at
    most ``count`` intervals; whole numbers only when ``integer`` (counts: 0, 2, 4, 6)."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    exponent = math.floor(math.log10(raw))
    step = 10.0 ** (exponent + 1)
    for factor in (1.0, 2.0, 2.5, 5.0, 10.0):
        candidate = factor * 10.0**exponent
        if candidate >= raw:
            step = candidate
            break
    if integer:
        step = max(1.0, float(math.ceil(step)))
        if step not in (1.0, 2.0, 5.0) and step < 10:
            step = 5.0 if step > 2 else 2.0
    steps = max(1, math.ceil(top / step - 1e-9))
    return [round(step * index, 10) for index in range(steps + 1)]


def _month_ticks(first: date, last: date) -> list[date]:
    ticks = []
    year, month = first.year, first.month
    while True:
        tick = date(year, month, 1)
        if tick > last:
            break
        if tick >= first:
            ticks.append(tick)
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return ticks


def _date_ticks(first: date, last: date) -> list[date]:
    """Month starts on long spans; Mondays (or every day) on short ones."""
    span = (last - first).days
    if span > 62:
        return _month_ticks(first, last)
    step = 1 if span <= 10 else 7
    day = first if step == 1 else first + timedelta(days=(7 - first.weekday()) % 7)
    ticks = []
    while day <= last:
        ticks.append(day)
        day += timedelta(days=step)
    return ticks


def _tick_label(tick: date, first: date, last: date) -> str:
    if (last - first).days > 62:
        return f"{tick:%b %Y}"
    return f"{tick.day} {tick:%b}"


def line_chart(
    title: str,
    series: Sequence[ChartSeries],
    bands: Sequence[Band] = (),
    markers: Sequence[Marker] = (),
    y_label: str = "",
    style: ChartStyle | None = None,
    y_max: float | None = None,
    percent: bool = False,
) -> str:
    """A daily line chart with shaded bands and event markers, as an ``<svg>`` string.

    ``y_max`` fixes the top of the scale (small multiples share one); ``percent`` reads
    values as shares (0..1) and labels the axis in percent. Counts get whole-number ticks.
    """
    style = style or ChartStyle()
    days = sorted({d for s in series for d, _ in s.points})
    labelled = sum(1 for line in series if line.label)
    legend_rows = math.ceil(labelled / max(1, style.legend_columns))
    height = style.height + 18 * legend_rows
    plot_w = style.width - style.left - style.right
    plot_h = style.height - style.top - style.bottom
    out = [
        f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {style.width} {height}' "
        f"width='{style.width}' height='{height}' role='img' aria-label='{xml_escape(title)}'>",
        f"<title>{xml_escape(title)}</title>",
        f"<rect width='{style.width}' height='{height}' fill='white'/>",
        f"<text x='{style.left}' y='20' {FONT} font-size='14' font-weight='bold'>"
        f"{xml_escape(title)}</text>",
    ]
    if not days:
        out.append(
            f"<text x='{style.width / 2}' y='{style.height / 2}' {FONT} font-size='13' "
            "text-anchor='middle' fill='#666'>no data for this period</text></svg>"
        )
        return "".join(out)
    first, last = days[0], days[-1]
    span = max(1, (last - first).days)
    values = [v for s in series for _, v in s.points if v is not None]
    integer = not percent and all(float(v).is_integer() for v in values)
    ticks = nice_ticks(max(y_max or 0.0, max(values, default=1.0)), integer)
    top_value = ticks[-1]

    def x_of(day: date) -> float:
        return style.left + plot_w * (day - first).days / span

    def y_of(value: float) -> float:
        return style.top + plot_h * (1 - value / top_value)

    day_width = plot_w / span
    for band in bands:
        x0 = x_of(max(band.start, first)) - day_width / 2
        x1 = x_of(min(band.end, last)) + day_width / 2
        out.append(
            f"<rect x='{x0:.1f}' y='{style.top}' width='{max(1.0, x1 - x0):.1f}' "
            f"height='{plot_h}' fill='{band.colour}' opacity='0.6'>"
            f"<title>{xml_escape(band.label)}</title></rect>"
        )
    for value in ticks:
        y = y_of(value)
        label = f"{value:.0%}" if percent else _format_number(value)
        out.append(
            f"<line x1='{style.left}' x2='{style.left + plot_w}' y1='{y:.1f}' y2='{y:.1f}' "
            "stroke='#ddd' stroke-width='1'/>"
            f"<text x='{style.left - 6}' y='{y + 4:.1f}' {FONT} font-size='11' "
            f"text-anchor='end' fill='#444'>{label}</text>"
        )
    ticks_x = _date_ticks(first, last)
    # Narrow charts (small multiples) get short labels: "Mar" rather than "Mar 2020".
    short = len(ticks_x) > 1 and plot_w / len(ticks_x) < 80
    for tick in ticks_x:
        x = x_of(tick)
        label = f"{tick:%b}" if short else _tick_label(tick, first, last)
        anchor = "end" if x > style.left + plot_w - 24 else "middle"
        out.append(
            f"<line x1='{x:.1f}' x2='{x:.1f}' y1='{style.top + plot_h}' "
            f"y2='{style.top + plot_h + 4}' stroke='#444'/>"
            f"<text x='{x:.1f}' y='{style.top + plot_h + 17}' {FONT} font-size='11' "
            f"text-anchor='{anchor}' fill='#444'>{label}</text>"
        )
    if y_label:
        out.append(
            f"<text x='14' y='{style.top + plot_h / 2:.1f}' {FONT} font-size='11' fill='#444' "
            f"transform='rotate(-90 14 {style.top + plot_h / 2:.1f})' text-anchor='middle'>"
            f"{xml_escape(y_label)}</text>"
        )
    for index, line in enumerate(series):
        colour = line.colour or PALETTE[index % len(PALETTE)]
        dash = " stroke-dasharray='5 3'" if line.dashed else ""
        for segment in _segments(line.points):
            coords = " ".join(f"{x_of(d):.1f},{y_of(v):.1f}" for d, v in segment)
            if len(segment) == 1:
                d, v = segment[0]
                out.append(
                    f"<circle cx='{x_of(d):.1f}' cy='{y_of(v):.1f}' r='1.8' fill='{colour}'/>"
                )
            else:
                out.append(
                    f"<polyline points='{coords}' fill='none' stroke='{colour}' "
                    f"stroke-width='1.6'{dash}/>"
                )
    rows: list[list[tuple[float, float]]] = []
    for marker in _merged(markers):
        if not first <= marker.day <= last:
            continue
        x = x_of(marker.day)
        anchor, text_x = ("end", x - 3) if x > style.left + plot_w * 0.7 else ("start", x + 3)
        width = 6.0 * len(marker.label)
        extent = (text_x - width, text_x) if anchor == "end" else (text_x, text_x + width)
        # Labels that would overlap go one row lower.
        row = next(
            (
                number
                for number, taken in enumerate(rows)
                if all(extent[1] < a or extent[0] > b for a, b in taken)
            ),
            len(rows),
        )
        if row == len(rows):
            rows.append([])
        rows[row].append(extent)
        out.append(
            f"<line x1='{x:.1f}' x2='{x:.1f}' y1='{style.top}' y2='{style.top + plot_h}' "
            "stroke='#333' stroke-dasharray='2 3'/>"
            f"<text x='{text_x:.1f}' y='{style.top + 10 + 12 * (row % 6)}' {FONT} "
            f"font-size='10' fill='#333' text-anchor='{anchor}'>{xml_escape(marker.label)}</text>"
        )
    out.append(
        f"<rect x='{style.left}' y='{style.top}' width='{plot_w}' height='{plot_h}' "
        "fill='none' stroke='#888'/>"
    )
    legend_y = style.height - 6
    column_width = plot_w / max(1, style.legend_columns)
    fits = max(8, int((column_width - 24) / 6.6))
    for index, line in enumerate(series):
        if not line.label:
            continue
        colour = line.colour or PALETTE[index % len(PALETTE)]
        row, column = divmod(index, max(1, style.legend_columns))
        x = style.left + column * column_width
        y = legend_y + row * 18
        label = line.label if len(line.label) <= fits else line.label[: fits - 1] + "…"
        out.append(
            f"<rect x='{x:.1f}' y='{y - 9}' width='12' height='4' fill='{colour}'/>"
            f"<text x='{x + 16:.1f}' y='{y - 4}' {FONT} font-size='11' fill='#222'>"
            f"{xml_escape(label)}<title>{xml_escape(line.label)}</title></text>"
        )
    out.append("</svg>")
    return "".join(out)


def bar_chart(
    title: str,
    bars: Sequence[tuple[str, float]],
    y_label: str = "",
    style: ChartStyle | None = None,
    colour: str = PALETTE[0],
) -> str:
    """A simple vertical bar chart (e.g. a monthly index), as an ``<svg>`` string."""
    style = style or ChartStyle(height=260)
    plot_w = style.width - style.left - style.right
    plot_h = style.height - style.top - style.bottom
    ticks = nice_ticks(max((v for _, v in bars), default=1.0))
    top_value = ticks[-1]
    out = [
        f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {style.width} {style.height}' "
        f"width='{style.width}' height='{style.height}' role='img' "
        f"aria-label='{xml_escape(title)}'><title>{xml_escape(title)}</title>",
        f"<rect width='{style.width}' height='{style.height}' fill='white'/>",
        f"<text x='{style.left}' y='20' {FONT} font-size='14' font-weight='bold'>"
        f"{xml_escape(title)}</text>",
    ]
    for value in ticks:
        y = style.top + plot_h * (1 - value / top_value)
        out.append(
            f"<line x1='{style.left}' x2='{style.left + plot_w}' y1='{y:.1f}' y2='{y:.1f}' "
            "stroke='#ddd'/>"
            f"<text x='{style.left - 6}' y='{y + 4:.1f}' {FONT} font-size='11' "
            f"text-anchor='end' fill='#444'>{_format_number(value)}</text>"
        )
    slot = plot_w / max(1, len(bars))
    for index, (label, value) in enumerate(bars):
        bar_h = plot_h * value / top_value
        x = style.left + index * slot + slot * 0.15
        y = style.top + plot_h - bar_h
        out.append(
            f"<rect x='{x:.1f}' y='{y:.1f}' width='{slot * 0.7:.1f}' height='{bar_h:.1f}' "
            f"fill='{colour}'><title>{xml_escape(label)}: {_format_number(value)}</title></rect>"
            f"<text x='{x + slot * 0.35:.1f}' y='{y - 4:.1f}' {FONT} font-size='10' "
            f"text-anchor='middle' fill='#222'>{_format_number(value)}</text>"
            f"<text x='{x + slot * 0.35:.1f}' y='{style.top + plot_h + 16}' {FONT} "
            f"font-size='11' text-anchor='middle' fill='#444'>{xml_escape(label)}</text>"
        )
    if y_label:
        out.append(
            f"<text x='14' y='{style.top + plot_h / 2:.1f}' {FONT} font-size='11' fill='#444' "
            f"transform='rotate(-90 14 {style.top + plot_h / 2:.1f})' text-anchor='middle'>"
            f"{xml_escape(y_label)}</text>"
        )
    out.append("</svg>")
    return "".join(out)


def _merged(markers: Sequence[Marker]) -> list[Marker]:
    """Markers on the same day as one, their labels joined."""
    by_day: dict[date, list[str]] = {}
    for marker in markers:
        labels = by_day.setdefault(marker.day, [])
        if marker.label not in labels:
            labels.append(marker.label)
    return [Marker(day, "; ".join(labels)) for day, labels in sorted(by_day.items())]


def _segments(points: Sequence[tuple[date, float | None]]) -> list[list[tuple[date, float]]]:
    segments: list[list[tuple[date, float]]] = []
    current: list[tuple[date, float]] = []
    for day, value in sorted(points, key=lambda p: p[0]):
        if value is None:
            if current:
                segments.append(current)
            current = []
        else:
            current.append((day, float(value)))
    if current:
        segments.append(current)
    return segments


def _format_number(value: float) -> str:
    if value >= 10_000:
        return f"{value / 1000:.0f}k"
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:.1f}"


def day_bands(days: Sequence[date], label: str, colour: str = "#f4b6b6") -> list[Band]:
    """Merge a list of days into contiguous shaded bands."""
    bands: list[Band] = []
    for day in sorted(days):
        if bands and (day - bands[-1].end).days == 1:
            bands[-1] = Band(bands[-1].start, day, label, colour)
        else:
            bands.append(Band(day, day, label, colour))
    return bands
