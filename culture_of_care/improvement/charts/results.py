"""What a chart is, as plain data: its scope, points, calculation periods and annotations.

Nothing here draws or loads anything; ``compute`` fills these in, ``svg`` draws them and the
templates read them. Pure: no Django, no ORM.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from culture_of_care.improvement.charts import labels


class MeasureLike(Protocol):
    """What a chart reads of its measure: a ``Measure``, or a risk audit measure."""

    name: str
    kind: str  # count / rate / percentage / mean
    improvement: str  # increase / decrease / neutral
    chart_type: str  # xmr / p / u / run
    frequency: str
    multiplier: Decimal
    target: Decimal | None
    denominator_label: str


@dataclass(frozen=True)
class Scope:
    """What a chart covers: one ward, one organisation (its wards summed) or the programme.

    ``kind`` "audit" is a risk audit chart: pooled counts with no settings of their own.
    """

    kind: str  # "ward", "organisation", "programme" or "audit"
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
        """Only ward and organisation charts have settings, rebases, notes and signals."""
        return self.kind in ("ward", "organisation")


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
    rule: str  # an spc.Rule ("" when no value)
    group: int  # 0-based calculation period (rebase)
    short_label: str = ""
    trajectory: float | None = None
    notes: list[Any] = field(default_factory=list)

    @property
    def is_signal(self) -> bool:
        return self.point_type != "common_cause"

    @property
    def rule_label(self) -> str:
        return labels.rule_label(self.rule)

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
class IncompletePoint:
    """A month above the ward when too few wards reported: drawn greyed, never in the limits or
    the rules (issue 11)."""

    period: date
    value: float
    label: str  # "March 2026"
    coverage: str = ""  # "150 of 220 wards"


@dataclass
class Chart:
    measure: Any  # a MeasureLike
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
    incomplete: list[IncompletePoint] = field(default_factory=list)

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
        return labels.CHART_NAMES[self.chart_type]

    @property
    def centre_name(self) -> str:
        return "Median" if self.chart_type == "run" else "Mean"

    @property
    def variation_label(self) -> str:
        return labels.VARIATION_LABELS.get(self.variation or "", "")

    @property
    def variation_letter(self) -> str:
        return labels.VARIATION_LETTERS.get(self.variation or "", "")

    @property
    def variation_short(self) -> str:
        return labels.VARIATION_SHORT.get(self.variation or "", "")

    @property
    def assurance_label(self) -> str:
        return labels.ASSURANCE_LABELS.get(self.assurance or "", "")

    @property
    def assurance_letter(self) -> str:
        return labels.ASSURANCE_LETTERS.get(self.assurance or "", "")

    @property
    def assurance_short(self) -> str:
        return labels.ASSURANCE_SHORT.get(self.assurance or "", "")

    @property
    def trajectory(self) -> list[tuple[date, float]]:
        return [(p.period, p.trajectory) for p in self.points if p.trajectory is not None]

    def fmt(self, value: float | None) -> str:
        return labels.format_value(value, self.measure.kind)

    def display_lower(self, value: float | None) -> float | None:
        """A lower limit as shown: never below zero for a count, rate or percentage.

        The limits themselves are not clamped (SPC.md 2.4); only what is displayed is.
        """
        if value is None or self.measure.kind == labels.MEAN:
            return value
        return max(value, 0.0)

    def display_upper(self, value: float | None) -> float | None:
        """An upper limit as shown: never above 100% for a percentage."""
        if value is None or self.measure.kind != labels.PERCENTAGE:
            return value
        return min(value, 100.0)


@dataclass(frozen=True)
class SeriesInput:
    """Everything a chart is computed from, already loaded.

    ``period_labels`` overrides the (long, short) label of a period, for series whose periods
    are not months or weeks (risk audit quarters).
    """

    measure: Any  # a MeasureLike
    scope: Scope
    rows: Sequence[tuple[date, float, float | None]]  # (period, numerator, denominator)
    fix_after: int | None = None
    screen_outliers: bool = True
    rebases: Sequence[tuple[date, str]] = ()
    trajectory: Sequence[Any] = ()
    view: str = ""  # "run" to force a run chart
    period_labels: dict[date, tuple[str, str]] | None = None


@dataclass
class SummaryRow:
    """One measure's line in an MDC summary table."""

    measure: Any
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
