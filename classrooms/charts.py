"""Small charts drawn on the server as SVG markup, for teacher reports.

Every chart is an `<svg role="img">` named by its `<title>` and described by its
`<desc>` (through `aria-labelledby`), so a screen reader announces one image with
its summary; the page shows the same numbers in a table beside it (the chart's
text alternative, and what prints). No inline style: sizes are SVG attributes and
colours come from CSS classes in static/css/classrooms.css (`chart-*`), so the
strict Content Security Policy holds. Every piece of text is escaped by
`format_html`. Pure functions: no queries."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

Number = int | float | Decimal

# One id per chart on a page, even when two charts share a title.
_ids = itertools.count(1)

BAR_WIDTH = 400  # the drawing's own units; the SVG scales to its container
LABEL_HEIGHT = 18
BAR_HEIGHT = 16
ROW_GAP = 10


@dataclass(frozen=True)
class BarItem:
    """One bar: its label, its value (None draws no bar and says "no data"), an
    optional CSS class for its colour (e.g. "chart-bar-low") and an optional note
    shown after the value (e.g. "12 answers")."""

    label: str
    value: Number | None
    css_class: str = ""
    note: str = ""


@dataclass(frozen=True)
class Series:
    """One line of a line chart: its label and one value per x position (None
    where there is no point)."""

    label: str
    values: Sequence[Number | None]


def _n(number: float) -> str:
    """A coordinate with one decimal (format_html escapes its arguments to text
    first, so numbers are formatted before they reach it)."""
    return f"{number:.1f}"


def _chart_id(title: str) -> str:
    return f"chart-{slugify(title)[:40] or 'untitled'}-{next(_ids)}"


def _format_value(value: Number | None, unit: str) -> str:
    if value is None:
        return "no data"
    number = float(value)
    text = f"{number:.0f}" if number == int(number) else f"{number:.1f}"
    return f"{text}{unit}" if unit in ("%", "") else f"{text} {unit}"


def _scale(value: Number, max_value: Number, length: float) -> float:
    if not max_value:
        return 0.0
    return max(0.0, min(1.0, float(value) / float(max_value))) * length


def _svg(
    chart_id: str, width: int, height: int, title: str, desc: str, body: SafeString
) -> SafeString:
    return format_html(
        '<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" '
        'viewBox="0 0 {w} {h}" width="100%" preserveAspectRatio="xMinYMin meet" '
        'aria-labelledby="{id}-title {id}-desc">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
        "{body}</svg>",
        w=width,
        h=height,
        id=chart_id,
        title=title,
        desc=desc,
        body=body,
    )


def bar_chart(
    items: Sequence[BarItem],
    *,
    title: str,
    max_value: Number,
    unit: str = "%",
    description: str = "",
) -> SafeString:
    """Horizontal bars, one row per item (its label and value on a line above its
    bar), scaled to `max_value`. Labels sit on their own line so that long ones
    fit a phone; keep them short enough to leave room for the value.
    `description` summarises the chart for screen readers; by default it lists
    every label and value."""
    chart_id = _chart_id(title)
    track = BAR_WIDTH
    row_height = LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP
    rows = []
    for index, item in enumerate(items):
        top = index * row_height
        length = 0.0 if item.value is None else _scale(item.value, max_value, track)
        value_text = _format_value(item.value, unit)
        if item.note:
            value_text = f"{value_text} · {item.note}"
        rows.append(
            format_html(
                '<g class="chart-row">'
                '<text class="chart-label" x="0" y="{label_y}">{label}</text>'
                '<rect class="chart-track" x="0" y="{bar_y}" width="{track}" '
                'height="{bar_h}" rx="2"></rect>'
                '<rect class="chart-bar {css}" x="0" y="{bar_y}" width="{length}" '
                'height="{bar_h}" rx="2"></rect>'
                '<text class="chart-value" x="{track}" y="{label_y}" '
                'text-anchor="end">{value}</text>'
                "</g>",
                label_y=top + 13,
                label=item.label,
                bar_y=top + LABEL_HEIGHT,
                track=track,
                bar_h=BAR_HEIGHT,
                css=item.css_class,
                length=f"{length:.1f}",
                value=value_text,
            )
        )
    desc = description or "; ".join(
        f"{item.label}: {_format_value(item.value, unit)}" for item in items
    )
    height = max(row_height * len(items), row_height)
    return _svg(chart_id, BAR_WIDTH, height, title, desc, mark_safe("".join(rows)))  # nosec B308 B703: rows built by format_html


LINE_WIDTH = 400
LINE_HEIGHT = 200
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 42, 22, 10, 28
# Each series differs by dash pattern and marker as well as colour.
DASHES = ("", "6 3", "2 3", "8 3 2 3", "12 4")
MARKERS = ("circle", "square", "diamond", "triangle", "cross")


def _dash(style: int) -> SafeString | str:
    if not DASHES[style]:
        return ""
    return format_html(' stroke-dasharray="{}"', DASHES[style])


def _marker(kind: str, x: float, y: float) -> SafeString:
    if kind == "circle":
        return format_html(
            '<circle class="chart-marker" cx="{}" cy="{}" r="3.5"></circle>',
            _n(x),
            _n(y),
        )
    if kind == "square":
        return format_html(
            '<rect class="chart-marker" x="{}" y="{}" width="7" height="7"></rect>',
            _n(x - 3.5),
            _n(y - 3.5),
        )
    points = {
        "diamond": ((0, -4.5), (4.5, 0), (0, 4.5), (-4.5, 0)),
        "triangle": ((0, -4.5), (4.5, 4), (-4.5, 4)),
        "cross": (
            (-1.5, -4.5),
            (1.5, -4.5),
            (1.5, -1.5),
            (4.5, -1.5),
            (4.5, 1.5),
            (1.5, 1.5),
            (1.5, 4.5),
            (-1.5, 4.5),
            (-1.5, 1.5),
            (-4.5, 1.5),
            (-4.5, -1.5),
            (-1.5, -1.5),
        ),
    }[kind]
    return format_html(
        '<polygon class="chart-marker" points="{}"></polygon>',
        " ".join(f"{x + dx:.1f},{y + dy:.1f}" for dx, dy in points),
    )


def line_chart(
    series: Sequence[Series],
    *,
    title: str,
    x_labels: Sequence[str],
    max_value: Number = 100,
    unit: str = "%",
    description: str = "",
) -> SafeString:
    """Lines over positions `x_labels` (e.g. attempts, oldest first), values from 0
    to `max_value`, with gridlines at quarters and a legend. Series i gets the CSS
    class `chart-series-i` (1-5, then repeating), a dash pattern and a marker
    shape, so lines differ without colour. Points with no value are skipped and
    the line joins the points on either side."""
    chart_id = _chart_id(title)
    plot_w = LINE_WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = LINE_HEIGHT - PAD_TOP - PAD_BOTTOM
    count = len(x_labels)

    def x_at(index: int) -> float:
        if count <= 1:
            return PAD_LEFT + plot_w / 2
        return PAD_LEFT + plot_w * index / (count - 1)

    def y_at(value: Number) -> float:
        return PAD_TOP + plot_h - _scale(value, max_value, plot_h)

    parts = []
    for quarter in range(5):
        value = float(max_value) * quarter / 4
        y = y_at(value)
        parts.append(
            format_html(
                '<line class="chart-grid" x1="{x1}" x2="{x2}" y1="{y}" y2="{y}">'
                '</line><text class="chart-axis" x="{tx}" y="{ty}" '
                'text-anchor="end">{label}</text>',
                x1=PAD_LEFT,
                x2=LINE_WIDTH - PAD_RIGHT,
                y=_n(y),
                tx=PAD_LEFT - 6,
                ty=_n(y + 4),
                label=_format_value(value, unit),
            )
        )
    for index, label in enumerate(x_labels):
        parts.append(
            format_html(
                '<text class="chart-axis" x="{x}" y="{y}" '
                'text-anchor="middle">{label}</text>',
                x=_n(x_at(index)),
                y=LINE_HEIGHT - 8,
                label=label,
            )
        )
    for number, line in enumerate(series):
        style = number % len(DASHES)
        points = [
            (x_at(index), y_at(value))
            for index, value in enumerate(line.values)
            if value is not None
        ]
        path = (
            format_html(
                '<polyline class="chart-line" fill="none" points="{}"{}></polyline>',
                " ".join(f"{x:.1f},{y:.1f}" for x, y in points),
                _dash(style),
            )
            if len(points) > 1
            else ""
        )
        parts.append(
            format_html(
                '<g class="chart-series-{}">{}{}</g>',
                style + 1,
                path,
                format_html_join(
                    "", "{}", ((_marker(MARKERS[style], x, y),) for x, y in points)
                ),
            )
        )
    desc = description or "; ".join(
        f"{line.label}: "
        + ", ".join(
            f"{x} {_format_value(v, unit)}"
            for x, v in zip(x_labels, line.values, strict=True)
        )
        for line in series
    )
    return _svg(
        chart_id,
        LINE_WIDTH,
        LINE_HEIGHT,
        title,
        desc,
        mark_safe("".join(parts)),  # nosec B308 B703: parts built by format_html
    )


def legend(series: Sequence[Series]) -> SafeString:
    """An HTML legend for a line chart: a small sample of each line (same class,
    dash and marker) and its label. Put it under the chart."""
    items = []
    for number, line in enumerate(series):
        style = number % len(DASHES)
        items.append(
            format_html(
                '<li><svg class="chart-key" viewBox="0 0 30 12" width="30" '
                'height="12" aria-hidden="true" focusable="false">'
                '<g class="chart-series-{n}"><line class="chart-line" x1="0" x2="30" '
                'y1="6" y2="6"{dash}></line>{marker}</g></svg>{label}</li>',
                n=style + 1,
                dash=_dash(style),
                marker=_marker(MARKERS[style], 15, 6),
                label=line.label,
            )
        )
    return format_html('<ul class="chart-legend">{}</ul>', mark_safe("".join(items)))  # nosec B308 B703: items built by format_html
