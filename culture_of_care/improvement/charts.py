"""SPC charts of measures, the Making Data Count way: selectors and services.

A chart is one measure for one *scope*: a ward, an organisation (the sum of its wards'
numerators and denominators per period) or the whole programme (the sum of every ward's).
The maths is in ``spc.py``; this module loads the data (one query per kind of row, however many
measures a page shows), decides the chart (XmR by default, p/u where the measure says so, a run
chart on request), and turns the result into what pages, summaries and signals need.

Product decisions (SPC.md leaves them to us):

* Outlier screening of moving ranges is on by default, as in NHSRplotthedots; a ward can turn
  it off per chart (``ChartSettings.screen_outliers``) to match the MDC Excel tools.
* The "provisional limits" warning uses the MDC wording, fewer than 12 points in a period
  (NHSRplotthedots' code default flags 12 or fewer).
* Rebases are only ever recorded by a person with a reason (``chart_rebase_add``); nothing here
  rebases automatically.
* Signals: every special-cause point of a ward or organisation chart becomes a ``Signal`` row
  (``signals_refresh``). An unreviewed signal whose point is no longer a special cause after
  new data is withdrawn; reviewed ones are kept as history.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q, Sum
from django.utils import timezone

from culture_of_care.audit.services import audit_record
from culture_of_care.improvement import spc, suppression
from culture_of_care.improvement.models import (
    EQUITY_GROUPS,
    CauseKind,
    ChartSettings,
    ChartType,
    DataPoint,
    Frequency,
    Measure,
    MeasureKind,
    PDSACycle,
    PointNote,
    Rebase,
    Signal,
)

PROVISIONAL_POINTS = 12
MIN_FIX_AFTER = spc.MIN_FIX_AFTER
EQUITY_WINDOW = 12  # months pooled for the equity view

# --- Labels -----------------------------------------------------------------------------------

VARIATION_LABELS = {
    "common_cause": "Common cause variation",
    "improvement_high": "Special cause improvement: higher values",
    "improvement_low": "Special cause improvement: lower values",
    "concern_high": "Special cause concern: higher values",
    "concern_low": "Special cause concern: lower values",
    "neutral_high": "Special cause variation (neither improvement nor concern): higher values",
    "neutral_low": "Special cause variation (neither improvement nor concern): lower values",
}
VARIATION_SHORT = {
    "common_cause": "Common cause",
    "improvement_high": "Improvement (high)",
    "improvement_low": "Improvement (low)",
    "concern_high": "Concern (high)",
    "concern_low": "Concern (low)",
    "neutral_high": "Neither (high)",
    "neutral_low": "Neither (low)",
}
# The letter each MDC icon carries, so the meaning never rests on colour alone.
VARIATION_LETTERS = {
    "common_cause": "",
    "improvement_high": "H",
    "improvement_low": "L",
    "concern_high": "H",
    "concern_low": "L",
    "neutral_high": "H",
    "neutral_low": "L",
}
ASSURANCE_LABELS = {
    "pass": "Consistently passes the target",
    "fail": "Consistently fails the target",
    "inconsistent": "Hit and miss: the target may or may not be met",
}
ASSURANCE_SHORT = {"pass": "Pass", "fail": "Fail", "inconsistent": "Hit and miss"}
ASSURANCE_LETTERS = {"pass": "P", "fail": "F", "inconsistent": "?"}
# Sort keys: concern first when sorting by variation, then improvement, neutral, common.
VARIATION_ORDER = {
    "concern_high": 0,
    "concern_low": 0,
    "improvement_high": 1,
    "improvement_low": 1,
    "neutral_high": 2,
    "neutral_low": 2,
    "common_cause": 3,
}
ASSURANCE_ORDER = {"fail": 0, "inconsistent": 1, "pass": 2}

RULE_LABELS = {
    spc.ABOVE_UCL: "Above the upper limit",
    spc.BELOW_LCL: "Below the lower limit",
    spc.TREND_INCREASING: "Rising trend of 7 or more",
    spc.TREND_DECREASING: "Falling trend of 7 or more",
    spc.TWO_IN_THREE_ABOVE: "2 of 3 close to the upper limit",
    spc.TWO_IN_THREE_BELOW: "2 of 3 close to the lower limit",
    spc.SHIFT_ABOVE: "7 or more in a row above the average",
    spc.SHIFT_BELOW: "7 or more in a row below the average",
    spc.COMMON_CAUSE: "",
    spc.RUN_TREND_INCREASING: "Rising trend of 5 or more",
    spc.RUN_TREND_DECREASING: "Falling trend of 5 or more",
    spc.RUN_SHIFT_ABOVE: "6 or more in a row above the median",
    spc.RUN_SHIFT_BELOW: "6 or more in a row below the median",
    spc.RUN_NO_SIGNAL: "",
}
_RULE_SIDE = {
    spc.ABOVE_UCL: 1,
    spc.TREND_INCREASING: 1,
    spc.TWO_IN_THREE_ABOVE: 1,
    spc.SHIFT_ABOVE: 1,
    spc.RUN_TREND_INCREASING: 1,
    spc.RUN_SHIFT_ABOVE: 1,
    spc.BELOW_LCL: -1,
    spc.TREND_DECREASING: -1,
    spc.TWO_IN_THREE_BELOW: -1,
    spc.SHIFT_BELOW: -1,
    spc.RUN_TREND_DECREASING: -1,
    spc.RUN_SHIFT_BELOW: -1,
}
CHART_NAMES = {
    "xmr": "XmR chart (Making Data Count)",
    "p": "p-chart (percentages with varying denominators)",
    "u": "u-chart (rates with varying denominators)",
    "run": "Run chart (IHI rules)",
}


# --- Scopes -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """What a chart covers: one ward, one organisation (its wards summed) or the programme."""

    kind: str  # "ward", "organisation" or "programme"
    organisation_id: int | None = None
    ward_id: int | None = None
    label: str = ""

    @classmethod
    def for_ward(cls, ward: Any) -> Scope:
        return cls("ward", ward.organisation_id, ward.pk, ward.name)

    @classmethod
    def for_organisation(cls, organisation: Any) -> Scope:
        return cls("organisation", organisation.pk, None, organisation.name)

    @classmethod
    def programme(cls) -> Scope:
        return cls("programme", None, None, "All wards in the programme")

    @property
    def stores_settings(self) -> bool:
        """Programme charts have no owner, so no settings, rebases, notes or signals."""
        return self.kind != "programme"


# --- Results ----------------------------------------------------------------------------------


@dataclass
class ChartPoint:
    period: date
    label: str
    value: float | None
    numerator: float | None
    denominator: float | None
    mean: float | None
    lower_limit: float | None
    upper_limit: float | None
    special_cause: str  # improvement / concern / neither
    point_type: str  # common_cause / special_cause_improvement / ... / _neutral_high|low
    rule: str  # spc's label ("" when no value)
    group: int  # 0-based calculation period (rebase)
    trajectory: float | None = None
    notes: list[Any] = field(default_factory=list)

    @property
    def is_signal(self) -> bool:
        return self.point_type != "common_cause"

    @property
    def rule_label(self) -> str:
        return RULE_LABELS.get(self.rule, self.rule)

    @property
    def signal_kind(self) -> str:
        """improvement / concern / neutral, or "" for common cause."""
        if not self.is_signal:
            return ""
        return self.special_cause if self.special_cause != "neither" else "neutral"


@dataclass
class ChartGroup:
    """One calculation period: from a start (or a rebase) to the next rebase."""

    index: int
    start: date
    end: date
    points: int
    mean: float | None
    provisional: bool
    frozen_after: int | None
    rebase_reason: str = ""


@dataclass
class Annotation:
    period: date
    kind: str  # pdsa_start / pdsa_decision / rebase
    marker: str  # short label drawn on the chart, e.g. "C1"
    text: str
    url: str = ""


@dataclass
class Chart:
    measure: Measure
    scope: Scope
    chart_type: str  # xmr / p / u / run
    points: list[ChartPoint]
    groups: list[ChartGroup]
    variation: str | None
    assurance: str | None
    target: float | None
    unit: str
    warnings: list[str] = field(default_factory=list)
    summary: str = ""
    error: str = ""
    annotations: list[Annotation] = field(default_factory=list)
    notes: list[Any] = field(default_factory=list)
    screen_outliers: bool = True
    fix_after: int | None = None
    runs: dict[str, Any] | None = None

    @property
    def valued_points(self) -> list[ChartPoint]:
        return [p for p in self.points if p.value is not None]

    @property
    def latest(self) -> ChartPoint | None:
        valued = self.valued_points
        return valued[-1] if valued else None

    @property
    def has_data(self) -> bool:
        return bool(self.valued_points)

    @property
    def chart_name(self) -> str:
        return CHART_NAMES[self.chart_type]

    @property
    def centre_name(self) -> str:
        return "Median" if self.chart_type == "run" else "Mean"

    @property
    def variation_label(self) -> str:
        return VARIATION_LABELS.get(self.variation or "", "")

    @property
    def variation_letter(self) -> str:
        return VARIATION_LETTERS.get(self.variation or "", "")

    @property
    def assurance_label(self) -> str:
        return ASSURANCE_LABELS.get(self.assurance or "", "")

    @property
    def assurance_letter(self) -> str:
        return ASSURANCE_LETTERS.get(self.assurance or "", "")

    @property
    def variation_short(self) -> str:
        return VARIATION_SHORT.get(self.variation or "", "")

    @property
    def assurance_short(self) -> str:
        return ASSURANCE_SHORT.get(self.assurance or "", "")

    @property
    def variation_icon(self) -> str:
        from culture_of_care.improvement.chart_svg import variation_icon

        return variation_icon(self.variation)

    @property
    def assurance_icon(self) -> str:
        from culture_of_care.improvement.chart_svg import assurance_icon

        return assurance_icon(self.assurance)

    def svg(self, element_id: str = "chart", describedby: str = "") -> str:
        from culture_of_care.improvement.chart_svg import chart_svg

        return chart_svg(self, element_id=element_id, describedby=describedby)

    @property
    def trajectory(self) -> list[tuple[date, float]]:
        return [(p.period, p.trajectory) for p in self.points if p.trajectory is not None]

    def fmt(self, value: float | None) -> str:
        return format_value(value, self.measure.kind)

    def display_lower(self, value: float | None) -> float | None:
        """A lower limit as shown: never below zero for a count, rate or percentage.

        The limits themselves are not clamped (SPC.md 2.4); only what is displayed is.
        """
        if value is None or self.measure.kind == MeasureKind.MEAN:
            return value
        return max(value, 0.0)

    def display_upper(self, value: float | None) -> float | None:
        """An upper limit as shown: never above 100% for a percentage."""
        if value is None or self.measure.kind != MeasureKind.PERCENTAGE:
            return value
        return min(value, 100.0)

    def table_rows(self) -> list[dict[str, Any]]:
        """The data table: every number on the chart, formatted."""
        rows = []
        for p in self.points:
            rows.append(
                {
                    "point": p,
                    "label": p.label,
                    "value": self.fmt(p.value) if p.value is not None else "No value",
                    "numerator": format_count(p.numerator),
                    "denominator": format_count(p.denominator),
                    "mean": self.fmt(p.mean),
                    "lower": self.fmt(self.display_lower(p.lower_limit)),
                    "upper": self.fmt(self.display_upper(p.upper_limit)),
                    "trajectory": self.fmt(p.trajectory),
                    "signal": (
                        f"{_cause_words(p).capitalize()}: {p.rule_label.lower()}"
                        if p.is_signal
                        else "None"
                    ),
                    "notes": p.notes,
                }
            )
        return rows


@dataclass(frozen=True)
class SeriesInput:
    """Everything a chart is computed from, already loaded."""

    measure: Measure
    scope: Scope
    rows: Sequence[tuple[date, float, float | None]]  # (period, numerator, denominator)
    fix_after: int | None = None
    screen_outliers: bool = True
    rebases: Sequence[tuple[date, str]] = ()
    trajectory: Sequence[Any] = ()
    view: str = ""  # "run" to force a run chart


# --- Formatting -------------------------------------------------------------------------------


def format_value(value: float | None, kind: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if kind == MeasureKind.PERCENTAGE:
        return f"{value:,.1f}%"
    if kind == MeasureKind.COUNT:
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return f"{value:,.2f}"


def format_count(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def period_label(period: date, frequency: str = Frequency.MONTHLY) -> str:
    if frequency == Frequency.WEEKLY:
        return f"week of {period.day} {period:%B %Y}"
    return f"{period:%B %Y}"


def short_period_label(period: date, frequency: str = Frequency.MONTHLY) -> str:
    if frequency == Frequency.WEEKLY:
        return f"{period.day} {period:%b}"
    return f"{period:%b %y}"


def measure_unit(measure: Measure) -> str:
    if measure.kind == MeasureKind.PERCENTAGE:
        return "%"
    if measure.kind in (MeasureKind.RATE, MeasureKind.MEAN) and measure.multiplier not in (0, 1):
        per = f"{measure.multiplier.normalize():,f}" if measure.multiplier else ""
        label = (measure.denominator_label or "").strip()
        label = label[:1].lower() + label[1:]
        return f"per {per} {label}".strip()
    return ""


def point_value(
    kind: str, numerator: float, denominator: float | None, multiplier: float
) -> float | None:
    """What a period plots: the count, or the rate/percentage/mean (as ``DataPoint.value``)."""
    if kind == MeasureKind.COUNT:
        return numerator
    if not denominator:
        return None
    ratio = numerator / denominator
    if kind == MeasureKind.PERCENTAGE:
        return ratio * 100
    return ratio * multiplier


def _units(frequency: str, n: int) -> str:
    word = "week" if frequency == Frequency.WEEKLY else "month"
    return word if n == 1 else f"{word}s"


# --- Computing one chart ----------------------------------------------------------------------


def chart_type_for(measure: Measure, view: str = "") -> str:
    if view == "run" or measure.chart_type == ChartType.RUN:
        return "run"
    if measure.chart_type == ChartType.P and measure.kind == MeasureKind.PERCENTAGE:
        return "p"
    if measure.chart_type == ChartType.U and measure.kind in (MeasureKind.RATE, MeasureKind.COUNT):
        return "u"
    return "xmr"


def compute_chart(series: SeriesInput) -> Chart:
    """One chart from already-loaded rows (no queries)."""
    measure = series.measure
    kind = measure.kind
    multiplier = float(measure.multiplier or 1)
    chart_type = chart_type_for(measure, series.view)
    frequency = measure.frequency
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
        unit=measure_unit(measure),
        screen_outliers=series.screen_outliers,
        fix_after=fix_after,
    )

    if chart_type in ("p", "u"):
        usable = [(p, float(n), float(d or 0)) for p, n, d in rows if d is not None]
        if chart_type == "p":
            usable = [(p, n, d) for p, n, d in usable if n <= d]
    else:
        usable = []
        for p, n, d in rows:
            value = point_value(kind, float(n), None if d is None else float(d), multiplier)
            if value is not None:
                usable.append((p, float(n), None if d is None else float(d), value))
    if not usable:
        chart.summary = "No data has been entered for this measure yet."
        return chart

    periods = [u[0] for u in usable]
    rebase_at, reasons = _rebase_indices(periods, series.rebases)
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

    for point in chart.points:
        point.label = period_label(point.period, frequency)
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
    usable: list[tuple],
    rebase_at: list[int],
    fix_after: int | None,
    screen: bool,
    target: float | None,
) -> None:
    measure = chart.measure
    if chart.chart_type == "xmr":
        result = spc.xmr(
            [u[3] for u in usable],
            improvement=measure.improvement,
            rebase_at=rebase_at,
            fix_after=fix_after,
            target=target,
            screen_outliers=screen,
        )
        scale = 1.0
    elif chart.chart_type == "p":
        result = spc.p_chart(
            [u[1] for u in usable],
            [u[2] for u in usable],
            improvement=measure.improvement,
            rebase_at=rebase_at,
            fix_after=fix_after,
            target=None if target is None else target / 100,
        )
        scale = 100.0  # shown as percentages
    else:
        multiplier = float(measure.multiplier or 1) if measure.kind != MeasureKind.COUNT else 1.0
        result = spc.u_chart(
            [u[1] for u in usable],
            [u[2] for u in usable],
            improvement=measure.improvement,
            multiplier=multiplier,
            rebase_at=rebase_at,
            fix_after=fix_after,
            target=target,
        )
        scale = 1.0

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


def _fill_run_chart(chart: Chart, usable: list[tuple], fix_after: int | None) -> None:
    measure = chart.measure
    multiplier = float(measure.multiplier or 1)
    values = []
    for u in usable:
        value = u[3] if len(u) > 3 else point_value(measure.kind, u[1], u[2], multiplier)
        values.append(value)
    pairs = [(u, v) for u, v in zip(usable, values, strict=True) if v is not None]
    result = spc.run_chart(
        [v for _, v in pairs], improvement=measure.improvement, fix_after=fix_after
    )
    direction = {"increase": 1, "decrease": -1}.get(measure.improvement, 0)
    for (u, value), point in zip(pairs, result.points, strict=True):
        side = _RULE_SIDE.get(point.rule, 0)
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
                point_type=_point_type_from_side(side, direction),
                rule=point.rule,
                group=0,
            )
        )
    last = chart.points[-1].point_type if chart.points else "common_cause"
    chart.variation = _variation_from_type(last, direction)
    chart.assurance = None
    chart.runs = {
        "useful": result.useful_observations,
        "runs": result.runs,
        "lower": result.runs_lower_limit,
        "upper": result.runs_upper_limit,
        "too_few": result.too_few_runs,
        "too_many": result.too_many_runs,
    }


def _point_type_from_side(side: int, direction: int) -> str:
    """A run chart point's MDC point type, from the side its rule points to."""
    if side == 0:
        return "common_cause"
    if direction == 0:
        return "special_cause_neutral_high" if side > 0 else "special_cause_neutral_low"
    return "special_cause_improvement" if side * direction > 0 else "special_cause_concern"


def _variation_from_type(point_type: str, direction: int) -> str:
    """The MDC variation icon from the latest point's type (as spc.xmr picks it)."""
    if point_type == "special_cause_improvement":
        return "improvement_high" if direction == 1 else "improvement_low"
    if point_type == "special_cause_concern":
        return "concern_low" if direction == 1 else "concern_high"
    if point_type.startswith("special_cause_neutral_"):
        return point_type.removeprefix("special_cause_")
    return "common_cause"


def _fill_groups(
    chart: Chart, rebase_at: list[int], reasons: dict[int, str], fix_after: int | None
) -> None:
    starts = [0, *rebase_at] if chart.chart_type != "run" else [0]
    bounds = list(zip(starts, [*starts[1:], len(chart.points)], strict=True))
    frequency = chart.measure.frequency
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
                f"{period_label(group.start, frequency)}."
            )
    if chart.chart_type == "run" and chart.points and len(chart.points) < 10:
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


# --- The plain-English summary ----------------------------------------------------------------


def _cause_words(point: ChartPoint) -> str:
    if point.special_cause == "improvement":
        return "special cause improvement"
    if point.special_cause == "concern":
        return "special cause concern"
    return "special cause variation (neither improvement nor concern)"


def chart_summary(chart: Chart) -> str:
    """One or two sentences a ward team can read out: what the latest data says."""
    latest = chart.latest
    if latest is None:
        return chart.error or "No data has been entered for this measure yet."
    frequency = chart.measure.frequency
    points = chart.valued_points
    group_start = next((g.start for g in chart.groups if g.index == latest.group), points[0].period)
    since = period_label(group_start, frequency)
    centre = "median" if chart.chart_type == "run" else "average"
    value_text = f"{latest.label}, {chart.fmt(latest.value)}"
    sentences = []
    if latest.is_signal:
        run = 0
        for point in reversed(points):
            if point.rule != latest.rule:
                break
            run += 1
        units = _units(frequency, run)
        side = _RULE_SIDE.get(latest.rule, 0)
        higher = "higher" if side > 0 else "lower"
        above = "above" if side > 0 else "below"
        cause = _cause_words(latest)
        if latest.rule in (spc.ABOVE_UCL, spc.BELOW_LCL):
            limit = "upper" if side > 0 else "lower"
            sentences.append(
                f"The latest {_units(frequency, 1)} ({value_text}) is {above} the {limit} "
                f"limit: {cause}."
            )
        elif "Trend" in latest.rule:
            sentences.append(
                f"The last {run} {units} have each been {higher} than the one before: {cause}."
            )
        elif "2 in 3" in latest.rule:
            limit = "upper" if side > 0 else "lower"
            sentences.append(
                f"Two of the last three {_units(frequency, 3)} are close to the {limit} limit: "
                f"{cause}."
            )
        else:
            # A shift is every latest point on that side of the centre line, whichever rule
            # R's precedence named for each of them (a 2-in-3 can sit inside a shift).
            run = 0
            for point in reversed(points):
                if (
                    point.special_cause != latest.special_cause
                    or point.mean is None
                    or (point.value - point.mean) * side <= 0
                ):
                    break
                run += 1
            units = _units(frequency, run)
            sentences.append(
                f"The last {run} {units} are {above} the {centre} since {since}: {cause}."
            )
    else:
        earlier = [p for p in points if p.group == latest.group and p.is_signal]
        sentences.append(
            f"The latest {_units(frequency, 1)} ({value_text}) shows no special cause: "
            f"common cause variation since {since}."
        )
        if earlier:
            n = len(earlier)
            sentences.append(
                f"Earlier in this period {n} {_units(frequency, n)} showed special cause variation."
            )
    if (
        chart.chart_type == "xmr"
        and latest.lower_limit is not None
        and latest.upper_limit is not None
    ):
        lower = chart.display_lower(latest.lower_limit)
        sentences.append(
            f"If nothing changes, expect values between {chart.fmt(lower)} and "
            f"{chart.fmt(chart.display_upper(latest.upper_limit))} around an {centre} of "
            f"{chart.fmt(latest.mean)}."
        )
    if chart.assurance and chart.target is not None:
        target = chart.fmt(chart.target)
        if chart.assurance == "pass":
            sentences.append(f"The target of {target} is consistently met.")
        elif chart.assurance == "fail":
            sentences.append(f"The target of {target} will not be met unless the process changes.")
        else:
            sentences.append(
                f"The target of {target} lies between the limits, so it will be met in some "
                f"{_units(frequency, 2)} and missed in others (hit and miss)."
            )
    return " ".join(sentences)


# --- Loading data (selectors) -----------------------------------------------------------------


def _data_rows(
    scope: Scope, measure_ids: Sequence[int], *, extra: Q | None = None
) -> dict[int, list[tuple[date, float, float | None]]]:
    """(period, numerator, denominator) rows per measure for a scope, in one query.

    Organisation and programme rows are sums over wards. An organisation measure recorded for
    the organisation itself (ward empty) is used where the organisation has no ward rows for it.
    """
    qs = DataPoint.objects.filter(measure_id__in=list(measure_ids), equity_group="")
    result: dict[int, list[tuple[date, float, float | None]]] = defaultdict(list)
    if scope.kind == "ward":
        for measure_id, period, num, den in qs.filter(ward_id=scope.ward_id).values_list(
            "measure_id", "period_start", "numerator", "denominator"
        ):
            result[measure_id].append((period, float(num), None if den is None else float(den)))
        return result
    if scope.kind == "organisation":
        qs = qs.filter(organisation_id=scope.organisation_id)
    else:
        qs = qs.filter(ward__isnull=False)
    grouped = (
        qs.annotate(own=ExpressionWrapper(Q(ward__isnull=True), output_field=BooleanField()))
        .values("measure_id", "period_start", "own")
        .annotate(num=Sum("numerator"), den=Sum("denominator"))
        .order_by()
    )
    by_kind: dict[tuple[int, bool], list] = defaultdict(list)
    for row in grouped:
        den = row["den"]
        by_kind[(row["measure_id"], bool(row["own"]))].append(
            (row["period_start"], float(row["num"]), None if den is None else float(den))
        )
    for measure_id in measure_ids:
        rows = by_kind.get((measure_id, False)) or by_kind.get((measure_id, True)) or []
        if rows:
            result[measure_id] = rows
    return result


def _scope_filter(scope: Scope) -> dict[str, Any]:
    return {"organisation_id": scope.organisation_id, "ward_id": scope.ward_id}


def load_series(scope: Scope, measures: Sequence[Measure], *, view: str = "") -> list[SeriesInput]:
    """Everything to compute the charts of ``measures`` for ``scope``: a fixed number of queries."""
    ids = [m.pk for m in measures]
    rows = _data_rows(scope, ids)
    settings_by_measure: dict[int, ChartSettings] = {}
    rebases: dict[int, list[tuple[date, str]]] = defaultdict(list)
    if scope.stores_settings and ids:
        where = _scope_filter(scope)
        for item in ChartSettings.objects.filter(measure_id__in=ids, **where):
            settings_by_measure[item.measure_id] = item
        for measure_id, start, reason in Rebase.objects.filter(
            measure_id__in=ids, **where
        ).values_list("measure_id", "period_start", "reason"):
            rebases[measure_id].append((start, reason))
    series = []
    for measure in measures:
        chart_settings = settings_by_measure.get(measure.pk)
        series.append(
            SeriesInput(
                measure=measure,
                scope=scope,
                rows=rows.get(measure.pk, []),
                fix_after=chart_settings.fix_after if chart_settings else None,
                screen_outliers=chart_settings.screen_outliers if chart_settings else True,
                rebases=rebases.get(measure.pk, []),
                trajectory=chart_settings.trajectory if chart_settings else [],
                view=view,
            )
        )
    return series


def measures_for_scope(scope: Scope) -> list[Measure]:
    """Active national measures plus the scope's own local measures, in display order."""
    condition = Q(organisation__isnull=True)
    if scope.kind == "ward":
        condition |= Q(project__ward_id=scope.ward_id)
    elif scope.kind == "organisation":
        condition |= Q(organisation_id=scope.organisation_id, project__ward__isnull=True)
        condition |= Q(organisation_id=scope.organisation_id, project__isnull=True)
    return list(Measure.objects.filter(condition, is_active=True).distinct())


def measure_belongs_to(measure: Measure, scope: Scope) -> bool:
    """Whether a chart of this measure for this scope makes sense (else the page is a 404)."""
    if measure.organisation_id is None:
        return True
    if scope.kind == "programme":
        return False
    return measure.organisation_id == scope.organisation_id


def chart_for(
    scope: Scope, measure: Measure, *, view: str = "", with_annotations: bool = True
) -> Chart:
    """A full chart for one page: data, settings, rebases, notes and PDSA annotations."""
    series = load_series(scope, [measure], view=view)[0]
    chart = compute_chart(series)
    if not with_annotations or not scope.stores_settings:
        return chart
    notes = list(
        PointNote.objects.filter(measure=measure, **_scope_filter(scope))
        .select_related("written_by", "pdsa_cycle")
        .order_by("period_start", "created_at")
    )
    by_period = {p.period: p for p in chart.points}
    for number, note in enumerate(notes, start=1):
        note.marker = f"N{number}"
        chart.notes.append(note)
        if note.period_start in by_period:
            by_period[note.period_start].notes.append(note)
    chart.annotations = _annotations(chart, scope)
    return chart


def _annotations(chart: Chart, scope: Scope) -> list[Annotation]:
    """PDSA cycles (start and decision) of the ward, or the organisation's own, and rebases."""
    items: list[Annotation] = []
    frequency = chart.measure.frequency
    for group in chart.groups:
        if group.rebase_reason:
            items.append(
                Annotation(
                    group.start,
                    "rebase",
                    "R",
                    f"Limits recalculated from {period_label(group.start, frequency)}: "
                    f"{group.rebase_reason}",
                )
            )
    cycles = PDSACycle.objects.filter(organisation_id=scope.organisation_id).select_related(
        "change_idea"
    )
    cycles = (
        cycles.filter(ward_id=scope.ward_id) if scope.ward_id else cycles.filter(ward__isnull=True)
    )
    first = chart.points[0].period if chart.points else None
    for number, cycle in enumerate(
        sorted(cycles, key=lambda c: (c.started_on or c.planned_start or date.max, c.pk)), start=1
    ):
        started = cycle.started_on or cycle.planned_start
        title = f"{cycle.change_idea.title}, cycle {cycle.number}: {cycle.title}"
        if started and (first is None or started >= first.replace(day=1)):
            items.append(Annotation(started, "pdsa_start", f"C{number}", f"PDSA started: {title}"))
        if cycle.decided_on and cycle.decision:
            items.append(
                Annotation(
                    cycle.decided_on,
                    "pdsa_decision",
                    f"D{number}",
                    f"PDSA decision ({cycle.get_decision_display().lower()}): {title}",
                )
            )
    items.sort(key=lambda a: (a.period, a.kind))
    return items


# --- Summaries --------------------------------------------------------------------------------


@dataclass
class SummaryRow:
    measure: Measure
    chart: Chart

    @property
    def latest(self) -> ChartPoint | None:
        return self.chart.latest

    @property
    def latest_value(self) -> str:
        return self.chart.fmt(self.latest.value) if self.latest else ""

    @property
    def mean(self) -> str:
        return self.chart.fmt(self.latest.mean) if self.latest else ""

    @property
    def limits(self) -> str:
        """The latest point's limits, or why there are none."""
        latest = self.latest
        if latest is None:
            return ""
        if self.chart.chart_type == "run":
            return "None on a run chart"
        if latest.lower_limit is None or latest.upper_limit is None:
            return "Not enough points yet"
        lower = self.chart.fmt(self.chart.display_lower(latest.lower_limit))
        upper = self.chart.fmt(self.chart.display_upper(latest.upper_limit))
        return f"{lower} to {upper}"


SORTS = {
    "measure": lambda r: (r.measure.order, r.measure.name.lower()),
    "type": lambda r: (r.measure.type, r.measure.name.lower()),
    "latest": lambda r: (r.latest is None, r.latest.value if r.latest else 0),
    "mean": lambda r: (
        r.latest is None or r.latest.mean is None,
        (r.latest.mean or 0) if r.latest else 0,
    ),
    "variation": lambda r: (
        VARIATION_ORDER.get(r.chart.variation or "", 9),
        r.measure.name.lower(),
    ),
    "assurance": lambda r: (
        ASSURANCE_ORDER.get(r.chart.assurance or "", 9),
        r.measure.name.lower(),
    ),
}


def summary_rows(scope: Scope, measures: Sequence[Measure] | None = None) -> list[SummaryRow]:
    """Every measure's chart for a scope, computed from one load of its data."""
    measures = list(measures if measures is not None else measures_for_scope(scope))
    return [SummaryRow(s.measure, compute_chart(s)) for s in load_series(scope, measures)]


def sort_rows(rows: list[SummaryRow], sort: str, descending: bool) -> list[SummaryRow]:
    key = SORTS.get(sort, SORTS["measure"])
    return sorted(rows, key=key, reverse=descending)


# --- Equity view ------------------------------------------------------------------------------


def equity_view(scope: Scope, measure: Measure) -> dict[str, Any] | None:
    """Rates by ethnicity group pooled over the latest 12 months, suppressed for publication."""
    if not measure.disaggregated:
        return None
    qs = DataPoint.objects.filter(measure=measure).exclude(equity_group="")
    if scope.kind == "ward":
        qs = qs.filter(ward_id=scope.ward_id)
    elif scope.kind == "organisation":
        qs = qs.filter(organisation_id=scope.organisation_id)
    else:
        qs = qs.filter(ward__isnull=False)
    periods = list(
        qs.order_by("-period_start")
        .values_list("period_start", flat=True)
        .distinct()[:EQUITY_WINDOW]
    )
    if not periods:
        return {"empty": True}
    totals = {
        row["equity_group"]: row
        for row in qs.filter(period_start__in=periods)
        .values("equity_group")
        .annotate(num=Sum("numerator"), den=Sum("denominator"))
        .order_by()
    }
    groups = [
        suppression.GroupInput(
            code,
            name,
            float(totals[code]["num"] or 0) if code in totals else 0.0,
            float(totals[code]["den"] or 0) if code in totals else 0.0,
        )
        for code, name in EQUITY_GROUPS
    ]
    rules = suppression.Rules(**settings.SUPPRESSION)
    is_rate = measure.kind == MeasureKind.RATE
    multiplier = float(measure.multiplier or 1) if is_rate else 100.0
    table = suppression.equity_table(
        groups,
        reference_code="white",
        multiplier=multiplier,
        bed_days=measure.uses_bed_days,
        rules=rules,
    )
    frequency = measure.frequency
    return {
        "empty": False,
        "table": table,
        "first": period_label(min(periods), frequency),
        "last": period_label(max(periods), frequency),
        "periods": len(periods),
        "unit": measure_unit(measure),
        "rules": rules,
        "any_secondary": any(r.secondary for r in table.rows),
    }


# --- Signals ----------------------------------------------------------------------------------


def _series_for_refresh(
    organisation_id: int, ward_id: int | None, measures: Sequence[Measure]
) -> list[SeriesInput]:
    if ward_id is None:
        scope = Scope("organisation", organisation_id, None)
    else:
        scope = Scope("ward", organisation_id, ward_id)
    return load_series(scope, measures)


def _sync_signals(series: Sequence[SeriesInput], now: Any) -> tuple[list[Signal], list[int]]:
    """New Signal rows to create, and ids of unreviewed ones to withdraw, for these series."""
    if not series:
        return [], []
    scope = series[0].scope
    ids = [s.measure.pk for s in series]
    existing: dict[tuple[int, date], tuple[int, bool]] = {
        (m, p): (pk, reviewed is not None)
        for pk, m, p, reviewed in Signal.objects.filter(
            measure_id__in=ids, **_scope_filter(scope)
        ).values_list("pk", "measure_id", "period_start", "reviewed_at")
    }
    create: list[Signal] = []
    keep: set[tuple[int, date]] = set()
    for item in series:
        chart = compute_chart(item)
        for point in chart.points:
            if not point.is_signal:
                continue
            key = (item.measure.pk, point.period)
            keep.add(key)
            if key in existing:
                continue
            create.append(
                Signal(
                    organisation_id=scope.organisation_id,
                    ward_id=scope.ward_id,
                    measure_id=item.measure.pk,
                    period_start=point.period,
                    special_cause=point.signal_kind,
                    rule=point.rule,
                )
            )
    withdraw = [pk for key, (pk, reviewed) in existing.items() if key not in keep and not reviewed]
    return create, withdraw


@transaction.atomic
def signals_refresh(*, organisation_id: int, ward_id: int | None, measure_ids: list[int]) -> int:
    """Recompute special causes for these series and record a Signal for each new one.

    Called by data entry on commit, after data is saved. For a ward, the organisation's series
    (the sum of its wards) is refreshed too. Idempotent: a point already signalled is left alone
    (and the unique constraint makes a concurrent duplicate a no-op); unreviewed signals whose
    point is no longer a special cause are withdrawn. Returns how many signals were created.
    """
    measures = list(Measure.objects.filter(pk__in=measure_ids))
    if not measures:
        return 0
    now = timezone.now()
    created = 0
    scopes = [ward_id] if ward_id is None else [ward_id, None]
    for scope_ward in scopes:
        series = _series_for_refresh(organisation_id, scope_ward, measures)
        create, withdraw = _sync_signals(series, now)
        if withdraw:
            Signal.objects.filter(pk__in=withdraw, reviewed_at__isnull=True).delete()
        if create:
            Signal.objects.bulk_create(create, ignore_conflicts=True)
            created += len(create)
    return created


def signals_refresh_all(*, organisation_ids: Iterable[int] | None = None) -> int:
    """Refresh every ward's and organisation's signals (demo seed, bench, a nightly job)."""
    Ward = apps.get_model("wards", "Ward")  # noqa: N806 - by name: improvement never imports wards

    measures = list(Measure.objects.filter(is_active=True))
    wards = Ward.objects.all()
    if organisation_ids is not None:
        wards = wards.filter(organisation_id__in=list(organisation_ids))
    ward_pairs = list(wards.values_list("organisation_id", "pk"))
    now = timezone.now()
    create: list[Signal] = []
    withdraw: list[int] = []
    for organisation_id, ward_id in ward_pairs:
        c, w = _sync_signals(_series_for_refresh(organisation_id, ward_id, measures), now)
        create += c
        withdraw += w
    for organisation_id in sorted({o for o, _ in ward_pairs}):
        c, w = _sync_signals(_series_for_refresh(organisation_id, None, measures), now)
        create += c
        withdraw += w
    with transaction.atomic():
        if withdraw:
            Signal.objects.filter(pk__in=withdraw, reviewed_at__isnull=True).delete()
        Signal.objects.bulk_create(create, ignore_conflicts=True, batch_size=1000)
    return len(create)


def signal_run(signal: Signal) -> list[Signal]:
    """The unreviewed signals of the same chart that share this signal's rule and adjoin it.

    A shift of 7 is 7 signals; one review answers the run. Adjoining means no signal with a
    different rule lies between them in the series.
    """
    siblings = list(
        Signal.objects.filter(
            measure_id=signal.measure_id,
            organisation_id=signal.organisation_id,
            ward_id=signal.ward_id,
        ).order_by("period_start")
    )
    position = next(i for i, s in enumerate(siblings) if s.pk == signal.pk)
    run = [signal]
    for step in (-1, 1):
        i = position + step
        while 0 <= i < len(siblings) and siblings[i].rule == signal.rule:
            run.append(siblings[i])
            i += step
    return sorted(
        (s for s in run if s.reviewed_at is None or s.pk == signal.pk),
        key=lambda s: s.period_start,
    )


# --- Services ---------------------------------------------------------------------------------


def _scope_owner_ids(scope: Scope) -> dict[str, Any]:
    if not scope.stores_settings:
        raise ValueError("Programme charts have no settings, rebases or notes.")
    return _scope_filter(scope)


@transaction.atomic
def chart_rebase_add(
    *, actor: Any, scope: Scope, measure: Measure, period_start: date, reason: str
) -> Rebase:
    """Record that the chart's limits are recalculated from ``period_start`` (a person decides)."""
    rebase = Rebase.objects.create(
        measure=measure,
        period_start=period_start,
        reason=reason,
        recorded_by=actor,
        **_scope_owner_ids(scope),
    )
    audit_record(
        actor=actor,
        action="chart.rebase",
        obj=rebase,
        summary=f"Rebased {measure.name} for {scope.label} from {period_start:%B %Y}",
        changes={"period_start": period_start.isoformat(), "reason": reason},
    )
    _refresh_scope(scope, measure)
    return rebase


@transaction.atomic
def chart_rebase_remove(*, actor: Any, rebase: Rebase) -> None:
    """Undo a rebase recorded in error (the audit log keeps who and why)."""
    scope = Scope(
        "ward" if rebase.ward_id else "organisation", rebase.organisation_id, rebase.ward_id
    )
    audit_record(
        actor=actor,
        action="chart.rebase_removed",
        obj=rebase,
        summary=f"Removed the rebase of {rebase.measure.name} from {rebase.period_start:%B %Y}",
        changes={"period_start": rebase.period_start.isoformat(), "reason": rebase.reason},
    )
    measure = rebase.measure
    rebase.delete()
    _refresh_scope(scope, measure)


@transaction.atomic
def chart_settings_update(
    *,
    actor: Any,
    scope: Scope,
    measure: Measure,
    fix_after: int | None,
    screen_outliers: bool,
    trajectory: list[dict[str, Any]],
) -> ChartSettings:
    """Freeze the limits (after 12 points or more), screening, and the planned trajectory."""
    if fix_after is not None and fix_after < MIN_FIX_AFTER:
        raise ValueError(f"Limits can only be frozen after at least {MIN_FIX_AFTER} points.")
    item, _ = ChartSettings.objects.get_or_create(measure=measure, **_scope_owner_ids(scope))
    before = {
        "fix_after": item.fix_after,
        "screen_outliers": item.screen_outliers,
        "trajectory": item.trajectory,
    }
    item.fix_after = fix_after
    item.screen_outliers = screen_outliers
    item.trajectory = trajectory
    item.updated_by = actor
    item.save()
    after = {"fix_after": fix_after, "screen_outliers": screen_outliers, "trajectory": trajectory}
    audit_record(
        actor=actor,
        action="chart.settings",
        obj=item,
        summary=f"Changed the chart settings of {measure.name} for {scope.label}",
        changes={k: [before[k], after[k]] for k in after if before[k] != after[k]},
    )
    _refresh_scope(scope, measure)
    return item


@transaction.atomic
def point_note_add(
    *,
    actor: Any,
    scope: Scope,
    measure: Measure,
    period_start: date,
    text: str,
    kind: str = CauseKind.NOTE,
    pdsa_cycle: PDSACycle | None = None,
) -> PointNote:
    """Write a note on one data point of a chart."""
    note = PointNote.objects.create(
        measure=measure,
        period_start=period_start,
        kind=kind,
        text=text,
        pdsa_cycle=pdsa_cycle,
        written_by=actor,
        **_scope_owner_ids(scope),
    )
    audit_record(
        actor=actor,
        action="chart.note",
        obj=note,
        summary=f"Note on {measure.name} for {period_start:%B %Y}",
        changes={"kind": kind},
    )
    return note


@transaction.atomic
def signal_review(
    *,
    actor: Any,
    signal: Signal,
    kind: str,
    text: str = "",
    pdsa_cycle: PDSACycle | None = None,
    whole_run: bool = True,
) -> PointNote:
    """Answer a signal: its cause, the PDSA cycle behind it, or "no known cause".

    Writes the answer as a note on the point and marks the signal (and, by default, the
    unreviewed signals of the same run) reviewed, which takes them off the list.
    """
    if kind not in (CauseKind.KNOWN_CAUSE, CauseKind.PDSA, CauseKind.NO_KNOWN_CAUSE):
        raise ValueError(
            f"A signal is answered with a cause, a PDSA cycle or no known cause, not {kind!r}."
        )
    if kind == CauseKind.PDSA and pdsa_cycle is None:
        raise ValueError("Choose the PDSA cycle behind this signal.")
    if kind == CauseKind.KNOWN_CAUSE and not text.strip():
        raise ValueError("Describe the cause.")
    note = PointNote.objects.create(
        organisation_id=signal.organisation_id,
        ward_id=signal.ward_id,
        measure_id=signal.measure_id,
        period_start=signal.period_start,
        kind=kind,
        text=text,
        pdsa_cycle=pdsa_cycle if kind == CauseKind.PDSA else None,
        written_by=actor,
    )
    signals = signal_run(signal) if whole_run else [signal]
    now = timezone.now()
    Signal.objects.filter(pk__in=[s.pk for s in signals]).update(review=note, reviewed_at=now)
    audit_record(
        actor=actor,
        action="signal.review",
        obj=signal,
        summary=(
            f"Reviewed {len(signals)} signal{'s' if len(signals) != 1 else ''} on "
            f"{signal.measure.name}: {note.get_kind_display().lower()}"
        ),
        changes={"kind": kind, "signals": [s.pk for s in signals], "note": note.pk},
    )
    return note


def _refresh_scope(scope: Scope, measure: Measure) -> None:
    if not scope.stores_settings:
        return
    series = load_series(scope, [measure])
    create, withdraw = _sync_signals(series, timezone.now())
    if withdraw:
        Signal.objects.filter(pk__in=withdraw, reviewed_at__isnull=True).delete()
    if create:
        Signal.objects.bulk_create(create, ignore_conflicts=True)
