"""Care-record audit trends as p-charts (SPC.md section 4), drawn as accessible SVG.

Each chart comes with a plain-English summary and a data table, and the SVG carries a title and
description (role="img"), so nothing depends on seeing the picture or telling colours apart:
special-cause points are drawn as squares and named in the table.

When the chart is shown beyond the organisation that entered the audits, the small-number rules
apply first: a quarter whose count or sample is under the threshold is left out (a gap, ``*`` in
the table) and the others are plotted from counts rounded to the nearest 5, so neither the
points nor the limits reveal an exact small number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from culture_of_care.improvement import spc
from risk import small_numbers
from risk.models import AUDIT_MEASURES
from risk.selectors import AuditQuarter

WIDTH = 640
HEIGHT = 280
LEFT = 56
RIGHT = 16
TOP = 16
BOTTOM = 56

VARIATION_TEXT = {
    "common_cause": "common cause variation only (no signal of change)",
    "improvement_high": "special cause variation: an improvement (higher is better)",
    "improvement_low": "special cause variation: an improvement (lower is better)",
    "concern_high": "special cause variation: a concern (higher than expected)",
    "concern_low": "special cause variation: a concern (lower than expected)",
    "neutral_high": "special cause variation (higher than expected)",
    "neutral_low": "special cause variation (lower than expected)",
}


@dataclass
class ChartPoint:
    label: str
    x: float
    y: float | None
    shown_count: str
    shown_sample: str
    shown_percent: str
    special: str  # "" or "improvement" / "concern" / "neither"
    rule: str


@dataclass
class Chart:
    slug: str
    title: str
    improvement: str
    points: list[ChartPoint] = field(default_factory=list)
    value_path: str = ""
    mean_path: str = ""
    upper_path: str = ""
    lower_path: str = ""
    summary: str = ""
    description: str = ""
    suppressed: bool = False
    y_ticks: list[dict[str, Any]] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    plot_bottom: float = HEIGHT - BOTTOM
    plot_left: float = LEFT
    plot_right: float = WIDTH - RIGHT


def _y(value: float) -> float:
    return round(TOP + (1 - value) * (HEIGHT - TOP - BOTTOM), 1)


def _path(coords: list[tuple[float, float | None]]) -> str:
    """An SVG path through the points, broken where a value is missing."""
    parts: list[str] = []
    pen_down = False
    for x, y in coords:
        if y is None:
            pen_down = False
            continue
        parts.append(f"{'L' if pen_down else 'M'}{x:.1f},{y:.1f}")
        pen_down = True
    return " ".join(parts)


def audit_charts(
    series: list[AuditQuarter], *, rules: small_numbers.Rules | None = None
) -> list[Chart]:
    """One p-chart per audit measure. Pass ``rules`` to apply the small-number rules."""
    return [
        measure_chart(series, name, label, improvement, rules=rules)
        for name, label, improvement in AUDIT_MEASURES
        if series
    ]


def measure_chart(
    series: list[AuditQuarter],
    name: str,
    title: str,
    improvement: str,
    *,
    rules: small_numbers.Rules | None = None,
) -> Chart:
    chart = Chart(slug=name.replace("_", "-"), title=title, improvement=improvement)
    numerators: list[float] = []
    denominators: list[float] = []
    shown: list[tuple[str, str, str]] = []
    for entry in series:
        x, n = entry.counts[name], entry.sample_size
        if rules is None:
            numerators.append(x)
            denominators.append(n)
            percent = f"{100 * x / n:.0f}%" if n else "No audit"
            shown.append((str(x), str(n), percent))
            continue
        pair = small_numbers.publishable_pair(x, n, rules) if n else None
        if pair is None:
            numerators.append(0)
            denominators.append(0)
            chart.suppressed = chart.suppressed or n > 0
            shown.append(
                (
                    small_numbers.show_count(x, rules) if n else "",
                    small_numbers.show_count(n, rules) if n else "",
                    small_numbers.SUPPRESSED if n else "No audit",
                )
            )
        else:
            numerators.append(pair[0])
            denominators.append(pair[1])
            shown.append((str(pair[0]), str(pair[1]), f"{100 * pair[0] / pair[1]:.0f}%"))

    count = len(series)
    step = (WIDTH - LEFT - RIGHT) / max(count - 1, 1)
    xs = [
        round(LEFT + (i * step if count > 1 else (WIDTH - LEFT - RIGHT) / 2), 1)
        for i in range(count)
    ]
    chart.y_ticks = [{"y": _y(v / 100), "label": f"{v}%"} for v in (0, 25, 50, 75, 100)]

    result = None
    if any(denominators):
        try:
            result = spc.p_chart(numerators, denominators, improvement=improvement)
        except ValueError:
            result = None  # e.g. the first quarters all suppressed: no baseline to draw from

    values: list[float | None] = []
    for i, entry in enumerate(series):
        point = result.points[i] if result else None
        value = point.value if point is not None else None
        values.append(value)
        special = ""
        if point is not None and value is not None and point.special_cause_flag:
            special = point.special_cause
        chart.points.append(
            ChartPoint(
                label=entry.short_label,
                x=xs[i],
                y=_y(value) if value is not None else None,
                shown_count=shown[i][0],
                shown_sample=shown[i][1],
                shown_percent=shown[i][2],
                special=special,
                rule=point.rule if point is not None and special else "",
            )
        )
    chart.value_path = _path([(p.x, p.y) for p in chart.points])
    if result:
        chart.mean_path = _path(
            [
                (xs[i], _y(p.mean) if p.value is not None else None)
                for i, p in enumerate(result.points)
            ]
        )
        chart.upper_path = _path(
            [
                (xs[i], _y(p.upper_limit) if p.upper_limit is not None else None)
                for i, p in enumerate(result.points)
            ]
        )
        chart.lower_path = _path(
            [
                (xs[i], _y(p.lower_limit) if p.lower_limit is not None else None)
                for i, p in enumerate(result.points)
            ]
        )
    chart.summary = _summary(chart, result, values)
    chart.description = (
        f"p-chart of the percentage of audited records: {title.lower()}, by quarter, "
        f"with the centre line and 3-sigma control limits. {chart.summary}"
    )
    return chart


def _summary(chart: Chart, result: spc.SpcResult | None, values: list[float | None]) -> str:
    shown = [(p, v) for p, v in zip(chart.points, values, strict=True) if v is not None]
    if not shown:
        return "There are not enough records to show this measure."
    first, last = shown[0], shown[-1]
    direction = "Higher is better." if chart.improvement == "increase" else "Lower is better."
    text = f"{last[0].label}: {last[0].shown_percent} of {last[0].shown_sample} records. "
    if first is not last:
        text += f"{first[0].label}: {first[0].shown_percent}. "
    if result is not None:
        text += f"The chart shows {VARIATION_TEXT.get(result.variation, result.variation)}. "
    text += direction
    if chart.suppressed:
        text += " Quarters with fewer than 5 records (or a count under 5) are not shown."
    return text
