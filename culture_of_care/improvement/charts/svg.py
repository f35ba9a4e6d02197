"""Server-rendered SVG for SPC charts and the Making Data Count icons.

The SVG carries its own styling (presentation attributes, no stylesheet, no script), so the same
markup prints, scales on a phone and can go into a PDF report. It is ``role="img"`` with a
``<title>`` and ``<desc>`` and ``aria-describedby`` pointing to the page's written summary; the
data table on the page holds every number. Meaning never rests on colour: special-cause points
have their own shapes, icons carry their letters, and lines are labelled.

Every chart goes through ``chart_svg``: ward, organisation and programme measures and the risk
audit p-charts alike, so they share the Making Data Count colours, shapes, legend and wording.
Each drawn part carries an ``app-spc-*`` class naming what it is (a marker's kind, a legend
entry), which is how tests and print styles tell them apart; colours stay presentation
attributes so the SVG explains itself outside the page (no ``style`` attribute anywhere, for
the Content-Security-Policy).
"""

from __future__ import annotations

import math
from datetime import date
from html import escape
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from culture_of_care.improvement.charts import labels
from culture_of_care.improvement.charts.results import Chart, ChartPoint

# Making Data Count colours (NHSRplotthedots ptd_spc_colours.R).
IMPROVEMENT = "#00b0f0"
CONCERN = "#e46c0a"
NEUTRAL = "#490092"
COMMON = "#a6a6a6"
# NHS.UK frontend colours for the lines and text (AA contrast on white).
TEXT = "#212b32"
SECONDARY_TEXT = "#4c6272"
GRID = "#d8dde0"
LIMIT = "#4c6272"
TARGET = "#007f3b"
TRAJECTORY = "#330072"
ANNOTATION = "#005eb8"
INCOMPLETE = "#768692"  # NHS.UK mid grey: 3.9:1 on white, for a month too few wards reported
FONT = "Frutiger W01, Arial, sans-serif"

WIDTH = 760
PLOT_TOP = 48
PLOT_HEIGHT = 250
LEFT = 64
RIGHT = 20
AXIS_HEIGHT = 40
LEGEND_ROW = 22
# Annotation markers above the plot: closer than MARKER_GAP they stack, MARKER_ROWS at most.
MARKER_GAP = 24
MARKER_ROW = 13
MARKER_ROWS = 3

VARIATION_COLOURS = {
    "common_cause": COMMON,
    "improvement_high": IMPROVEMENT,
    "improvement_low": IMPROVEMENT,
    "concern_high": CONCERN,
    "concern_low": CONCERN,
    "neutral_high": NEUTRAL,
    "neutral_low": NEUTRAL,
}
ASSURANCE_COLOURS = {"pass": IMPROVEMENT, "fail": CONCERN, "inconsistent": COMMON}


# --- Icons ------------------------------------------------------------------------------------


def _icon(ring: str, letter: str, inner: str, size: int) -> SafeString:
    letter_svg = (
        f'<text x="20" y="25.5" text-anchor="middle" font-family="{FONT}" font-size="15" '
        f'font-weight="700" fill="{TEXT}">{escape(letter)}</text>'
        if letter
        else ""
    )
    return mark_safe(  # noqa: S308 - built from constants and escaped text
        f'<svg class="app-mdc-icon" width="{size}" height="{size}" viewBox="0 0 40 40" '
        f'aria-hidden="true" focusable="false">'
        f'<circle cx="20" cy="20" r="17" fill="#ffffff" stroke="{ring}" stroke-width="4"/>'
        f"{inner}{letter_svg}</svg>"
    )


def variation_icon(variation: str | None, size: int = 40) -> SafeString:
    """The MDC variation icon: coloured ring, a little run of dots, and H or L for the side."""
    if not variation:
        return mark_safe("")
    colour = VARIATION_COLOURS.get(variation, COMMON)
    if variation == "common_cause":
        dots = "".join(
            f'<circle cx="{x}" cy="{y}" r="2.2" fill="{COMMON}" stroke="{TEXT}" stroke-width="0.6"/>'
            for x, y in ((10, 20), (15, 17), (20, 22), (25, 18), (30, 21))
        )
        return _icon(colour, "", dots, size)
    high = variation.endswith("_high")
    y = 11 if high else 31
    dots = "".join(
        f'<circle cx="{x}" cy="{y}" r="2" fill="{colour}" stroke="{TEXT}" stroke-width="0.5"/>'
        for x in (13, 20, 27)
    )
    return _icon(colour, labels.VARIATION_LETTERS.get(variation, ""), dots, size)


def assurance_icon(assurance: str | None, size: int = 40) -> SafeString:
    """The MDC assurance icon: P (consistently passes), F (consistently fails) or ? (hit and miss)."""
    if not assurance:
        return mark_safe("")
    colour = ASSURANCE_COLOURS.get(assurance, COMMON)
    letter = labels.ASSURANCE_LETTERS.get(assurance, "?")
    line = f'<line x1="9" y1="31" x2="31" y2="31" stroke="{colour}" stroke-width="2"/>'
    return _icon(colour, letter, line, size)


# --- Markers ----------------------------------------------------------------------------------


def _marker(kind: str, x: float, y: float) -> str:
    """A data point: grey dot, blue circle (improvement), orange diamond (concern), purple
    triangle (neither). Every marker has a dark outline for contrast."""
    css = f'class="app-spc-point app-spc-point--{kind or "common"}"'
    if kind == "improvement":
        return (
            f'<circle {css} cx="{x:.1f}" cy="{y:.1f}" r="5.5" fill="{IMPROVEMENT}" '
            f'stroke="{TEXT}" stroke-width="1.2"/>'
        )
    if kind == "concern":
        r = 6.5
        return (
            f'<path {css} d="M{x:.1f} {y - r:.1f}L{x + r:.1f} {y:.1f}L{x:.1f} {y + r:.1f}'
            f'L{x - r:.1f} {y:.1f}Z" fill="{CONCERN}" stroke="{TEXT}" stroke-width="1.2"/>'
        )
    if kind == "neutral":
        r = 6.5
        return (
            f'<path {css} d="M{x:.1f} {y - r:.1f}L{x + r:.1f} {y + r * 0.8:.1f}'
            f'L{x - r:.1f} {y + r * 0.8:.1f}Z" fill="{NEUTRAL}" stroke="{TEXT}" stroke-width="1.2"/>'
        )
    return (
        f'<circle {css} cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{COMMON}" stroke="{TEXT}" '
        f'stroke-width="0.8"/>'
    )


# --- Scales -----------------------------------------------------------------------------------


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high]."""
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value <= high + step * 0.5 and len(ticks) < 20:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _tick_label(value: float, kind: str) -> str:
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0")
    return f"{text}%" if kind == "percentage" else text


# --- The chart --------------------------------------------------------------------------------


def chart_svg(
    chart: Chart,
    *,
    element_id: str = "chart",
    describedby: str = "",
    width: int = WIDTH,
) -> SafeString:
    """The chart as SVG markup, with its legend and a text alternative."""
    points = [p for p in chart.points if p.value is not None]
    title = (
        f"{chart.measure.name}: {chart.scope.label}" if chart.scope.label else chart.measure.name
    )
    title_id = f"{element_id}-title"
    desc_id = f"{element_id}-desc"
    plot_w = width - LEFT - RIGHT
    legend = _legend_items(chart)
    legend_rows = math.ceil(len(legend) / 3) if legend else 0
    height = PLOT_TOP + PLOT_HEIGHT + AXIS_HEIGHT + legend_rows * LEGEND_ROW + 8
    labelled = f'aria-labelledby="{title_id}"' + (
        f' aria-describedby="{escape(describedby)}"' if describedby else ""
    )
    incomplete = sorted(chart.incomplete, key=lambda m: m.period)
    description = " ".join(part for part in (chart.summary, incomplete_text(chart)) if part)
    parts = [
        f'<svg id="{escape(element_id)}" class="app-chart" role="img" {labelled} '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMidYMid meet" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="{FONT}" font-size="12">',
        f'<title id="{title_id}">{escape(title)} ({escape(chart.chart_name)})</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    if not points:
        parts.append(
            f'<text x="{width / 2}" y="{PLOT_TOP + PLOT_HEIGHT / 2}" text-anchor="middle" '
            f'fill="{SECONDARY_TEXT}">No data to chart yet</text></svg>'
        )
        return mark_safe("".join(parts))  # noqa: S308

    # x: by date, so annotations between data points fall in place (greyed months too).
    periods = [points[0].period, points[-1].period, *(m.period for m in incomplete)]
    first, last = min(periods), max(periods)
    span = max((last - first).days, 1)

    def x_of(d: date) -> float:
        if first == last:
            return LEFT + plot_w / 2
        return LEFT + 8 + (d - first).days / span * (plot_w - 16)

    # y: everything drawn must fit.
    kind = chart.measure.kind
    floor = 0.0 if chart.measure.kind in ("percentage", "rate", "count") else None
    values: list[float] = [p.value for p in points] + [m.value for m in incomplete]
    for p in points:
        lower = p.lower_limit
        if lower is not None and floor is not None and all(q.value >= floor for q in points):
            # Limits below zero cannot happen for a rate or count: drawn at zero (display only).
            lower = max(lower, floor)
        upper = p.upper_limit
        if upper is not None and kind == "percentage":
            upper = min(upper, 100.0)  # display only
        for v in (p.mean, lower, upper, p.trajectory):
            if v is not None:
                values.append(v)
    if chart.target is not None:
        values.append(chart.target)
    low, high = min(values), max(values)
    if chart.measure.kind in ("percentage", "rate", "count") and low >= 0:
        low = max(0.0, low - (high - low) * 0.08)
    else:
        low -= (high - low) * 0.08 or 1
    high += (high - low) * 0.08 or 1
    if kind == "percentage" and high > 100 >= max(values):
        high = 100.0
    ticks = nice_ticks(low, high)
    low, high = min(ticks[0], low), max(ticks[-1], high)

    def y_of(v: float) -> float:
        v = min(max(v, low), high)
        return PLOT_TOP + PLOT_HEIGHT - (v - low) / (high - low) * PLOT_HEIGHT

    # Grid and y axis.
    for t in ticks:
        y = y_of(t)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{width - RIGHT}" y2="{y:.1f}" stroke="{GRID}"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{SECONDARY_TEXT}">'
            f"{escape(_tick_label(t, kind))}</text>"
        )
    base_y = PLOT_TOP + PLOT_HEIGHT
    parts.append(
        f'<line x1="{LEFT}" y1="{base_y}" x2="{width - RIGHT}" y2="{base_y}" stroke="{TEXT}"/>'
    )
    if chart.unit:
        parts.append(f'<text x="{LEFT}" y="11" fill="{SECONDARY_TEXT}">{escape(chart.unit)}</text>')
    # x labels: about 12 at most.
    step = max(1, math.ceil(len(points) / 12))
    last_x = -1000.0
    for i, p in enumerate(points):
        x = x_of(p.period)
        if (i % step and i != len(points) - 1) or x - last_x < 46:
            continue
        last_x = x
        parts.append(
            f'<line x1="{x:.1f}" y1="{base_y}" x2="{x:.1f}" y2="{base_y + 5}" stroke="{TEXT}"/>'
            f'<text x="{x:.1f}" y="{base_y + 18}" text-anchor="middle" fill="{TEXT}">'
            f"{escape(p.short_label)}</text>"
        )

    # Centre line and limits per calculation period (broken at rebases).
    groups: dict[int, list[ChartPoint]] = {}
    for p in points:
        groups.setdefault(p.group, []).append(p)
    for members in groups.values():
        parts.append(_step_line(members, "mean", x_of, y_of, TEXT, "", 2, "mean"))
        parts.append(_step_line(members, "upper_limit", x_of, y_of, LIMIT, "6 4", 1.5, "limit"))
        parts.append(_step_line(members, "lower_limit", x_of, y_of, LIMIT, "6 4", 1.5, "limit"))
    for group in chart.groups[1:]:
        x = x_of(group.start) - 4
        parts.append(
            f'<line x1="{x:.1f}" y1="{PLOT_TOP}" x2="{x:.1f}" y2="{base_y}" stroke="{TEXT}" '
            f'stroke-width="1.5"/><text x="{x + 3:.1f}" y="{PLOT_TOP + 12}" fill="{TEXT}" '
            f'font-weight="700">R</text>'
        )
    if chart.target is not None:
        y = y_of(chart.target)
        parts.append(
            f'<line class="app-spc-target" x1="{LEFT}" y1="{y:.1f}" x2="{width - RIGHT}" '
            f'y2="{y:.1f}" stroke="{TARGET}" stroke-width="2" stroke-dasharray="2 3"/>'
            f'<text x="{width - RIGHT - 2}" y="{y - 4:.1f}" text-anchor="end" fill="{TARGET}" '
            f'font-weight="700">Target</text>'
        )
    trajectory = [(p.period, p.trajectory) for p in points if p.trajectory is not None]
    if trajectory:
        path = " ".join(f"{x_of(d):.1f},{y_of(v):.1f}" for d, v in trajectory)
        parts.append(
            f'<polyline class="app-spc-trajectory" points="{path}" fill="none" '
            f'stroke="{TRAJECTORY}" stroke-width="2" stroke-dasharray="8 3 2 3"/>'
        )
    # PDSA cycles and other annotations: a dotted line and a marker above the plot.
    marked = [
        (x_of(a.period), a.marker)
        for a in chart.annotations
        if a.kind != "rebase" and first <= a.period <= last
    ]
    for x, _marker_text in marked:
        parts.append(
            f'<line x1="{x:.1f}" y1="{PLOT_TOP - 4}" x2="{x:.1f}" y2="{base_y}" '
            f'stroke="{ANNOTATION}" stroke-dasharray="1 3"/>'
        )
    for x, row, text in place_markers(marked):
        y = PLOT_TOP - 6 - MARKER_ROW * row
        parts.append(
            f'<text class="app-spc-annotation" x="{x:.1f}" y="{y:.1f}" text-anchor="middle" '
            f'fill="{ANNOTATION}" font-weight="700" font-size="11">{escape(text)}</text>'
        )
    # The data line (broken where a period has no value), then the points on top.
    parts.append(
        f'<path class="app-spc-line" d="{_data_path(chart.points, x_of, y_of)}" fill="none" '
        f'stroke="{SECONDARY_TEXT}" stroke-width="1.5"/>'
    )
    for m in incomplete:
        parts.append(_incomplete_marker(x_of(m.period), y_of(m.value), m))
    for p in points:
        parts.append(_marker(p.signal_kind, x_of(p.period), y_of(p.value)))
        if p.notes:
            markers = ",".join(n.marker for n in p.notes)
            parts.append(
                f'<text x="{x_of(p.period):.1f}" y="{y_of(p.value) - 10:.1f}" text-anchor="middle" '
                f'fill="{TEXT}" font-size="11">{escape(markers)}</text>'
            )

    # Legend, inside the SVG so a printed or exported chart explains itself.
    top = base_y + AXIS_HEIGHT - 6
    column = (width - LEFT) / 3
    for i, (key, sample, text) in enumerate(legend):
        x = LEFT + (i % 3) * column
        y = top + (i // 3) * LEGEND_ROW
        parts.append(
            f'<g class="app-spc-legend app-spc-legend--{key}" '
            f'transform="translate({x:.1f},{y:.1f})">{sample}'
            f'<text x="26" y="4" fill="{TEXT}">{escape(text)}</text></g>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - numbers and escaped text only


def _incomplete_marker(x: float, y: float, month: Any = None) -> str:
    """A month too few wards reported: a hollow grey square, apart from the data line, with its
    own tooltip. Its shape, not only its colour, tells it from the months that count."""
    r = 5
    tip = ""
    if month is not None:
        coverage = f" ({month.coverage})" if month.coverage else ""
        tip = f"<title>{escape(month.label)}: incomplete{escape(coverage)}, not used</title>"
    return (
        f'<rect class="app-spc-incomplete" x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r}" '
        f'height="{2 * r}" fill="#ffffff" stroke="{INCOMPLETE}" stroke-width="2" '
        f'stroke-dasharray="3 2">{tip}</rect>'
    )


def incomplete_text(chart: Chart) -> str:
    """The greyed months in words, for the chart's text alternative."""
    months = sorted(chart.incomplete, key=lambda m: m.period)
    if not months:
        return ""
    names = [m.label for m in months]
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    verb = "is" if len(names) == 1 else "are"
    return (
        f"{listed} {verb} greyed as incomplete: too few wards reported, so "
        f"{'it is' if len(names) == 1 else 'they are'} not used in the limits or rules."
    )


def place_markers(items: list[tuple[float, str]]) -> list[tuple[float, int, str]]:
    """(x, row, text) for annotation markers at x, so that none overprints another.

    Markers closer than ``MARKER_GAP`` to the one before form a cluster and stack one row each;
    a cluster of more than ``MARKER_ROWS`` shows its first ones and "+N" for the rest (every
    annotation is listed in words under the chart).
    """
    clusters: list[list[tuple[float, str]]] = []
    for x, text in sorted(items, key=lambda item: item[0]):
        if clusters and x - clusters[-1][-1][0] < MARKER_GAP:
            clusters[-1].append((x, text))
        else:
            clusters.append([(x, text)])
    placed = []
    for cluster in clusters:
        if len(cluster) <= MARKER_ROWS:
            placed += [(x, row, text) for row, (x, text) in enumerate(cluster)]
            continue
        shown = MARKER_ROWS - 1
        placed += [(x, row, text) for row, (x, text) in enumerate(cluster[:shown])]
        placed.append((cluster[shown][0], shown, f"+{len(cluster) - shown}"))
    return placed


def _data_path(points: list[ChartPoint], x_of: Any, y_of: Any) -> str:
    """The line through the values, lifted where a period has none (a suppressed quarter)."""
    path = []
    pen_down = False
    for p in points:
        if p.value is None:
            pen_down = False
            continue
        path.append(f"{'L' if pen_down else 'M'}{x_of(p.period):.1f} {y_of(p.value):.1f}")
        pen_down = True
    return "".join(path)


def _step_line(
    members: list[ChartPoint],
    attr: str,
    x_of: Any,
    y_of: Any,
    colour: str,
    dash: str,
    width: float,
    name: str,
) -> str:
    """A horizontal line per point, joined into steps (limits vary per point on p/u charts)."""
    segments = []
    n = len(members)
    for i, p in enumerate(members):
        v = getattr(p, attr)
        if v is None:
            continue
        x = x_of(p.period)
        left = x if i == 0 else (x + x_of(members[i - 1].period)) / 2
        right = x if i == n - 1 else (x + x_of(members[i + 1].period)) / 2
        if n == 1:
            left, right = x - 8, x + 8
        segments.append((left, right, y_of(v)))
    if not segments:
        return ""
    path = []
    for j, (left, right, y) in enumerate(segments):
        path.append(f"{'M' if j == 0 else 'L'}{left:.1f} {y:.1f}L{right:.1f} {y:.1f}")
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<path class="app-spc-{name}" d="{"".join(path)}" fill="none" stroke="{colour}" '
        f'stroke-width="{width}"{dash_attr}/>'
    )


def _legend_items(chart: Chart) -> list[tuple[str, str, str]]:
    """(key, sample, text) for each thing the chart draws."""
    items = [
        (
            "mean",
            f'<line x1="0" y1="0" x2="20" y2="0" stroke="{TEXT}" stroke-width="2"/>',
            chart.centre_name,
        ),
    ]
    if chart.chart_type != "run":
        items.append(
            (
                "limit",
                f'<line x1="0" y1="0" x2="20" y2="0" stroke="{LIMIT}" stroke-width="1.5" '
                f'stroke-dasharray="6 4"/>',
                "Process limits",
            )
        )
    items.append(("common", _marker("", 10, 0), "Common cause"))
    kinds = {p.signal_kind for p in chart.points if p.value is not None}
    for kind, text in labels.SIGNAL_LEGEND.items():
        if kind in kinds:
            items.append((kind, _marker(kind, 10, 0), text))
    if chart.incomplete:
        items.append(
            ("incomplete", _incomplete_marker(10, 0), "Incomplete: too few wards, not used")
        )
    if chart.target is not None:
        items.append(
            (
                "target",
                f'<line x1="0" y1="0" x2="20" y2="0" stroke="{TARGET}" stroke-width="2" '
                f'stroke-dasharray="2 3"/>',
                "Target",
            )
        )
    if any(p.trajectory is not None for p in chart.points):
        items.append(
            (
                "trajectory",
                f'<line x1="0" y1="0" x2="20" y2="0" stroke="{TRAJECTORY}" stroke-width="2" '
                f'stroke-dasharray="8 3 2 3"/>',
                "Trajectory",
            )
        )
    if any(a.kind != "rebase" for a in chart.annotations):
        items.append(
            (
                "pdsa",
                f'<text x="10" y="4" text-anchor="middle" fill="{ANNOTATION}" '
                f'font-weight="700">C1</text>',
                "PDSA start (C), decision (D)",
            )
        )
    if len(chart.groups) > 1:
        items.append(
            (
                "rebase",
                f'<text x="10" y="4" text-anchor="middle" fill="{TEXT}" font-weight="700">R</text>',
                "Limits recalculated",
            )
        )
    if chart.notes:
        items.append(
            (
                "note",
                f'<text x="10" y="4" text-anchor="middle" fill="{TEXT}" font-size="11">N1</text>',
                "Note on a point",
            )
        )
    return items
