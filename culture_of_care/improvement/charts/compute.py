"""One chart from already-loaded rows: the chart type, the SPC calculation (``spc.py``), the
calculation periods, trajectory, warnings and summary. Pure: no ORM import, no queries.

Product decisions (SPC.md leaves them to us):

* Outlier screening of moving ranges is on by default, as in NHSRplotthedots; a ward can turn
  it off per chart (``ChartSettings.screen_outliers``) to match the MDC Excel tools.
* The "provisional limits" warning uses the MDC wording, fewer than 12 points in a period
  (NHSRplotthedots' code default flags 12 or fewer).
* Point types, rules and the variation and assurance icons are what ``spc`` returns; nothing
  here re-derives them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from culture_of_care.improvement import spc
from culture_of_care.improvement.charts import labels
from culture_of_care.improvement.charts.results import (
    Chart,
    ChartGroup,
    ChartPoint,
    SeriesInput,
)
from culture_of_care.improvement.charts.summary import chart_summary

PROVISIONAL_POINTS = 12
MIN_FIX_AFTER = spc.MIN_FIX_AFTER
RUNS_TEST_MIN_POINTS = spc.RUNS_TEST_MIN_USEFUL


def chart_type_for(measure: Any, view: str = "") -> str:
    if view == "run" or measure.chart_type == "run":
        return "run"
    if measure.chart_type == "p" and measure.kind == labels.PERCENTAGE:
        return "p"
    if measure.chart_type == "u" and measure.kind in (labels.RATE, labels.COUNT):
        return "u"
    return "xmr"


def point_value(
    kind: str, numerator: float, denominator: float | None, multiplier: float
) -> float | None:
    """What a period plots: the count, or the rate/percentage/mean (as ``DataPoint.value``)."""
    if kind == labels.COUNT:
        return numerator
    if not denominator:
        return None
    ratio = numerator / denominator
    if kind == labels.PERCENTAGE:
        return ratio * 100
    return ratio * multiplier


def compute_chart(series: SeriesInput) -> Chart:
    """One chart from already-loaded rows (no queries)."""
    measure = series.measure
    kind = measure.kind
    multiplier = float(measure.multiplier or 1)
    chart_type = chart_type_for(measure, series.view)
    rows = sorted(series.rows, key=lambda r: r[0])
    target = float(measure.target) if measure.target is not None else None
    fix_after = series.fix_after if (series.fix_after or 0) >= MIN_FIX_AFTER else None
    chart = Chart(
        measure=measure,
        scope=series.scope,
        chart_type=chart_type,
        points=[],
        groups=[],
        variation=None,
        assurance=None,
        target=target,
        unit=labels.measure_unit(measure),
        screen_outliers=series.screen_outliers,
        fix_after=fix_after,
    )

    # (period, numerator, denominator, plotted value); attribute charts plot from the counts.
    usable: list[tuple[date, float, float | None, float | None]] = []
    for p, n, d in rows:
        numerator, denominator = float(n), None if d is None else float(d)
        if chart_type in ("p", "u"):
            if denominator is None or (chart_type == "p" and numerator > denominator):
                continue
            usable.append((p, numerator, denominator, None))
        else:
            value = point_value(kind, numerator, denominator, multiplier)
            if value is not None:
                usable.append((p, numerator, denominator, value))
    if not usable:
        chart.summary = "No data has been entered for this measure yet."
        return chart

    rebase_at, reasons = _rebase_indices([u[0] for u in usable], series.rebases)
    try:
        if chart_type == "run":
            _fill_run_chart(chart, usable, fix_after)
        else:
            _fill_spc_chart(chart, usable, rebase_at, fix_after, series.screen_outliers, target)
    except ValueError as exc:
        chart.points = []
        chart.error = f"This chart cannot be drawn from the data: {exc}."
        chart.summary = chart.error
        return chart

    overrides = series.period_labels or {}
    for point in chart.points:
        point.label, point.short_label = overrides.get(point.period) or (
            labels.period_label(point.period, measure.frequency),
            labels.short_period_label(point.period, measure.frequency),
        )
    _apply_trajectory(chart, series.trajectory)
    _fill_groups(chart, rebase_at, reasons, fix_after)
    chart.summary = chart_summary(chart)
    return chart


def _rebase_indices(
    periods: Sequence[date], rebases: Iterable[tuple[date, str]]
) -> tuple[list[int], dict[int, str]]:
    """Each rebase starts a new period at the first point on or after its date."""
    indices: dict[int, str] = {}
    for start, reason in sorted(rebases):
        index = next((i for i, p in enumerate(periods) if p >= start), None)
        if index:  # not the first point, and not after the last
            indices.setdefault(index, reason)
    return sorted(indices), indices


def _fill_spc_chart(
    chart: Chart,
    usable: list[tuple[date, float, float | None, float | None]],
    rebase_at: list[int],
    fix_after: int | None,
    screen: bool,
    target: float | None,
) -> None:
    measure = chart.measure
    scale = 1.0
    common = {"improvement": measure.improvement, "rebase_at": rebase_at, "fix_after": fix_after}
    if chart.chart_type == "xmr":
        values = [u[3] for u in usable]
        result = spc.xmr(values, target=target, screen_outliers=screen, **common)
    else:
        counts = ([u[1] for u in usable], [u[2] for u in usable])
        if chart.chart_type == "p":
            target = None if target is None else target / 100
            result = spc.p_chart(*counts, target=target, **common)
            scale = 100.0  # shown as percentages
        else:
            counted = measure.kind == labels.COUNT
            multiplier = 1.0 if counted else float(measure.multiplier or 1)
            result = spc.u_chart(*counts, multiplier=multiplier, target=target, **common)

    def scaled(v: float | None) -> float | None:
        return None if v is None else v * scale

    for u, point in zip(usable, result.points, strict=True):
        chart.points.append(
            ChartPoint(
                period=u[0],
                label="",
                value=scaled(point.value),
                numerator=u[1],
                denominator=u[2],
                mean=None if math.isnan(point.mean) else scaled(point.mean),
                lower_limit=scaled(point.lower_limit),
                upper_limit=scaled(point.upper_limit),
                special_cause=point.special_cause,
                point_type=point.point_type,
                rule=point.rule if point.value is not None else "",
                group=point.period,
            )
        )
    chart.variation = result.variation
    chart.assurance = result.assurance


def _fill_run_chart(
    chart: Chart,
    usable: list[tuple[date, float, float | None, float | None]],
    fix_after: int | None,
) -> None:
    measure = chart.measure
    multiplier = float(measure.multiplier or 1)
    pairs = []
    for u in usable:
        value = u[3] if u[3] is not None else point_value(measure.kind, u[1], u[2], multiplier)
        if value is not None:
            pairs.append((u, value))
    result = spc.run_chart(
        [v for _, v in pairs], improvement=measure.improvement, fix_after=fix_after
    )
    for (u, value), point in zip(pairs, result.points, strict=True):
        chart.points.append(
            ChartPoint(
                period=u[0],
                label="",
                value=value,
                numerator=u[1],
                denominator=u[2],
                mean=result.median,
                lower_limit=None,
                upper_limit=None,
                special_cause=point.special_cause,
                point_type=point.point_type,
                rule=point.rule,
                group=0,
            )
        )
    chart.variation = result.variation
    chart.assurance = None
    chart.runs = {
        "useful": result.useful_observations,
        "runs": result.runs,
        "lower": result.runs_lower_limit,
        "upper": result.runs_upper_limit,
        "too_few": result.too_few_runs,
        "too_many": result.too_many_runs,
    }


def _fill_groups(
    chart: Chart, rebase_at: list[int], reasons: dict[int, str], fix_after: int | None
) -> None:
    starts = [0, *rebase_at] if chart.chart_type != "run" else [0]
    bounds = list(zip(starts, [*starts[1:], len(chart.points)], strict=True))
    for index, (start, stop) in enumerate(bounds):
        members = chart.points[start:stop]
        if not members:
            continue
        group = ChartGroup(
            index=index,
            start=members[0].period,
            end=members[-1].period,
            points=len(members),
            mean=members[0].mean,
            provisional=len(members) < PROVISIONAL_POINTS,
            frozen_after=fix_after,
            rebase_reason=reasons.get(start, ""),
        )
        chart.groups.append(group)
        if group.provisional and chart.chart_type != "run":
            chart.warnings.append(
                f"Limits are provisional: fewer than {PROVISIONAL_POINTS} points since "
                f"{members[0].label}."
            )
    if chart.chart_type == "run" and chart.points and len(chart.points) < RUNS_TEST_MIN_POINTS:
        chart.warnings.append(
            "Fewer than 10 points: the runs test cannot be applied yet; shifts and trends can."
        )


def _apply_trajectory(chart: Chart, trajectory: Sequence[Any]) -> None:
    planned: dict[date, float] = {}
    for item in trajectory or ():
        try:
            raw = str(item["period"])
            period = date.fromisoformat(raw if len(raw) > 7 else f"{raw}-01")
            planned[period] = float(item["value"])
        except (KeyError, TypeError, ValueError):
            continue
    for point in chart.points:
        point.trajectory = planned.get(point.period)
