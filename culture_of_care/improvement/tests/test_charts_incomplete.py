"""Months above the ward that too few wards reported are drawn greyed on the chart SVG (issue 11):
a marker of their own, outside the limits and the rules, in the legend and the text alternative."""

from __future__ import annotations

import re
from datetime import date

from culture_of_care.improvement.charts.compute import compute_chart
from culture_of_care.improvement.charts.results import IncompletePoint, Scope, SeriesInput
from culture_of_care.improvement.charts.svg import chart_svg
from culture_of_care.improvement.models import Improvement, Measure, MeasureKind
from culture_of_care.periods import add_months


def _measure() -> Measure:
    return Measure(
        pk=1,
        name="Restrictive practice",
        kind=MeasureKind.COUNT,
        improvement=Improvement.DECREASE,
        numerator_label="Episodes",
    )


def _chart(values: list[float]) -> object:
    start = date(2025, 1, 1)
    rows = [(add_months(start, i), v, None) for i, v in enumerate(values)]
    return compute_chart(
        SeriesInput(measure=_measure(), scope=Scope("programme", label="All wards"), rows=rows)
    )


def test_an_incomplete_month_is_greyed_and_kept_out_of_the_limits_and_rules():
    values = [20, 22, 19, 21, 20, 23, 18, 21, 20, 22, 19, 21]
    plain = _chart(values)
    chart = _chart(values)
    # The latest month, far above the rest, had too few wards: it is drawn, never a signal.
    chart.incomplete = [IncompletePoint(date(2026, 1, 1), 95.0, "January 2026", "3 of 6 wards")]
    svg = str(chart_svg(chart, element_id="c"))
    assert svg.count('class="app-spc-incomplete"') == 2  # the month, and its legend sample
    assert 'stroke="#768692"' in svg and 'stroke-dasharray="3 2"' in svg
    assert "January 2026: incomplete (3 of 6 wards), not used" in svg
    assert "Incomplete: too few wards, not used" in svg
    desc = svg.split('<desc id="c-desc">')[1].split("</desc>")[0]
    assert desc.startswith(plain.summary)
    assert "January 2026 is greyed as incomplete: too few wards reported" in desc
    # Limits and signals are those of the complete months alone.
    assert [p.upper_limit for p in chart.points] == [p.upper_limit for p in plain.points]
    assert not any(p.is_signal for p in chart.points)
    assert "app-spc-point--concern" not in svg
    # It sits to the right of the last complete month, and the data line does not reach it.
    marker_x = float(re.search(r'class="app-spc-incomplete" x="([\d.]+)"', svg).group(1)) + 5
    line = re.search(r'class="app-spc-line" d="([^"]+)"', svg).group(1)
    line_xs = [float(x) for x in re.findall(r"[ML]([\d.]+) ", line)]
    assert marker_x > max(line_xs)


def test_a_chart_with_no_incomplete_months_has_no_grey_marker_or_legend():
    svg = str(chart_svg(_chart([20, 22, 19, 21, 20, 23]), element_id="c"))
    assert "app-spc-incomplete" not in svg
    assert "greyed" not in svg
