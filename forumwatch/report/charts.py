"""Charts as inline SVG, drawn here: offline, deterministic, no JavaScript, no CDN.

Every label may come from a crawled page (a section title is written by the site's admin), so
all text goes through :func:`xml_escape` before it reaches the SVG.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
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


def line_chart(
    title: str,
    series: Sequence[ChartSeries],
    bands: Sequence[Band] = (),
    markers: Sequence[Marker] = (),
    y_label: str = "",
    style: ChartStyle | None = None,
) -> str:
    """A daily line chart with shaded bands and event markers, as an ``<svg>`` string."""
    style = style or ChartStyle()
    days = sorted({d for s in series for d, _ in s.points})
    legend_rows = math.ceil(len(series) / max(1, style.legend_columns))
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
    top_value = nice_ceiling(max(values, default=1.0))

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
    for step in range(5):
        value = top_value * step / 4
        y = y_of(value)
        out.append(
            f"<line x1='{style.left}' x2='{style.left + plot_w}' y1='{y:.1f}' y2='{y:.1f}' "
            "stroke='#ddd' stroke-width='1'/>"
            f"<text x='{style.left - 6}' y='{y + 4:.1f}' {FONT} font-size='11' "
            f"text-anchor='end' fill='#444'>{_format_number(value)}</text>"
        )
    for tick in _month_ticks(first, last):
        x = x_of(tick)
        out.append(
            f"<line x1='{x:.1f}' x2='{x:.1f}' y1='{style.top + plot_h}' "
            f"y2='{style.top + plot_h + 4}' stroke='#444'/>"
            f"<text x='{x:.1f}' y='{style.top + plot_h + 17}' {FONT} font-size='11' "
            f"text-anchor='middle' fill='#444'>{tick:%b %Y}</text>"
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
    for marker in markers:
        if not first <= marker.day <= last:
            continue
        x = x_of(marker.day)
        out.append(
            f"<line x1='{x:.1f}' x2='{x:.1f}' y1='{style.top}' y2='{style.top + plot_h}' "
            "stroke='#333' stroke-dasharray='2 3'/>"
            f"<text x='{x + 3:.1f}' y='{style.top + 10}' {FONT} font-size='10' fill='#333'>"
            f"{xml_escape(marker.label)}</text>"
        )
    out.append(
        f"<rect x='{style.left}' y='{style.top}' width='{plot_w}' height='{plot_h}' "
        "fill='none' stroke='#888'/>"
    )
    legend_y = style.height - 6
    column_width = plot_w / max(1, style.legend_columns)
    for index, line in enumerate(series):
        colour = line.colour or PALETTE[index % len(PALETTE)]
        row, column = divmod(index, max(1, style.legend_columns))
        x = style.left + column * column_width
        y = legend_y + row * 18
        out.append(
            f"<rect x='{x:.1f}' y='{y - 9}' width='12' height='4' fill='{colour}'/>"
            f"<text x='{x + 16:.1f}' y='{y - 4}' {FONT} font-size='11' fill='#222'>"
            f"{xml_escape(line.label)}</text>"
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
    top_value = nice_ceiling(max((v for _, v in bars), default=1.0))
    out = [
        f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {style.width} {style.height}' "
        f"width='{style.width}' height='{style.height}' role='img' "
        f"aria-label='{xml_escape(title)}'><title>{xml_escape(title)}</title>",
        f"<rect width='{style.width}' height='{style.height}' fill='white'/>",
        f"<text x='{style.left}' y='20' {FONT} font-size='14' font-weight='bold'>"
        f"{xml_escape(title)}</text>",
    ]
    for step in range(5):
        value = top_value * step / 4
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
