"""The equity view: every measure entered by ethnicity group, at national, regional,
organisation and ward level, with rate ratios against the White group.

Method (also on the page and in docs/equity.md): counts and denominators are pooled over the
latest ``EQUITY_WINDOW_MONTHS`` complete months (a month is complete once its submission
deadline has passed; a ward's own view pools its whole history). The rate ratio of a group is its
rate divided by the White group's, with a 95% confidence interval by the log rate-ratio method:
exp(ln RR +/- 1.96 x sqrt(1/a + 1/b)), where a and b are the two groups' counts. Below national
level every figure goes through the one suppression module (counts under 5 shown as *, others
rounded to the nearest 5, rates hidden on small numbers, secondary suppression); national figures
are shown as they are. Beside each table: how complete ethnicity recording is, since an unknown
share hides inequity.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import QuerySet, Sum

from culture_of_care import suppression
from culture_of_care.improvement.models import DataPoint, Measure, MeasureKind
from culture_of_care.improvement.windows import latest_reportable_month
from culture_of_care.periods import add_months, month_label

REFERENCE_GROUP = "white"
UNKNOWN_GROUPS = ("not_stated", "not_known")
TREND_WINDOWS = 6


def window_months() -> int:
    return int(getattr(settings, "EQUITY_WINDOW_MONTHS", 12))


def equity_groups() -> list[tuple[str, str]]:
    from culture_of_care.improvement.models import EQUITY_GROUPS

    return list(EQUITY_GROUPS)


@dataclass
class Place:
    """Where the figures are about: ``level`` is national, region, organisation or ward."""

    level: str
    name: str
    region: str = ""
    organisation_id: int | None = None
    ward_id: int | None = None

    @property
    def national(self) -> bool:
        return self.level == "national"


@dataclass
class Completeness:
    known_share: str
    not_stated_share: str
    episodes: str


@dataclass
class TrendRow:
    window: str
    ratios: list[str]


@dataclass
class MeasureEquity:
    measure: Measure
    unit: str
    period: str
    table: Any | None
    completeness: Completeness | None
    trend_groups: list[str] = field(default_factory=list)
    trend: list[TrendRow] = field(default_factory=list)
    any_secondary: bool = False


def rules_for(place: Place) -> suppression.Rules:
    """The one small-number rule below national level; national figures are not suppressed."""
    if place.national:
        return suppression.Rules(min_count=0, round_to=1, min_bed_days=0)
    return suppression.Rules.from_settings()


def _points(place: Place, measure: Measure) -> QuerySet[DataPoint]:
    qs = DataPoint.objects.filter(measure=measure, ward__isnull=False)
    if place.level == "ward":
        return qs.filter(ward_id=place.ward_id)
    if place.level == "organisation":
        return qs.filter(organisation_id=place.organisation_id)
    if place.level == "region":
        return qs.filter(organisation__region=place.region)
    return qs


def _window(place: Place, today: date) -> tuple[date | None, date]:
    last = latest_reportable_month(today)
    if place.level == "ward":
        return None, last
    return add_months(last, -(window_months() - 1)), last


def _totals(
    qs: QuerySet[DataPoint], first: date | None, last: date
) -> dict[str, tuple[float, float]]:
    qs = qs.filter(period_start__lte=last)
    if first is not None:
        qs = qs.filter(period_start__gte=first)
    rows = (
        qs.values("equity_group").annotate(num=Sum("numerator"), den=Sum("denominator")).order_by()
    )
    return {r["equity_group"]: (float(r["num"] or 0), float(r["den"] or 0)) for r in rows}


def _table(
    totals: dict[str, tuple[float, float]], measure: Measure, rules: suppression.Rules
) -> Any:
    groups = [
        suppression.GroupInput(code, name, *totals.get(code, (0.0, 0.0)))
        for code, name in equity_groups()
        if code not in UNKNOWN_GROUPS
    ]
    is_rate = measure.kind == MeasureKind.RATE
    multiplier = float(measure.multiplier or 1) if is_rate else 100.0
    return suppression.equity_table(
        groups,
        reference_code=REFERENCE_GROUP,
        multiplier=multiplier,
        bed_days=measure.uses_bed_days,
        rules=rules,
    )


def _share(part: float, whole: float, rules: suppression.Rules) -> str:
    if whole <= 0:
        return "No episodes"
    if whole < rules.min_count or (part and part < rules.min_count):
        return "*"
    return f"{100 * part / whole:.0f}%"


def _completeness(totals: dict[str, tuple[float, float]], rules: suppression.Rules) -> Completeness:
    recorded = sum(num for code, (num, _den) in totals.items() if code)
    overall = totals.get("", (recorded, 0.0))[0] or recorded
    unknown = sum(totals.get(code, (0.0, 0.0))[0] for code in UNKNOWN_GROUPS)
    known = max(recorded - unknown, 0.0)
    return Completeness(
        known_share=_share(known, overall, rules),
        not_stated_share=_share(totals.get("not_stated", (0.0, 0.0))[0], overall, rules),
        episodes=suppression.show_count(overall, rules) if rules.min_count else f"{overall:,.0f}",
    )


def _ratio_text(row: Any) -> str:
    ratio = row.rate_ratio
    if ratio is None:
        return "*" if row.suppressed or row.rate is None else "No ratio"
    return f"{ratio.ratio:.2f} ({ratio.lower:.2f} to {ratio.upper:.2f})"


def measure_equity(place: Place, measure: Measure, *, today: date) -> MeasureEquity:
    from culture_of_care.improvement.charts import labels

    rules = rules_for(place)
    first, last = _window(place, today)
    qs = _points(place, measure)
    totals = _totals(qs, first, last)
    period = (
        f"{month_label(first)} to {month_label(last)}" if first else f"up to {month_label(last)}"
    )
    result = MeasureEquity(
        measure=measure,
        unit=labels.measure_unit(measure),
        period=period,
        table=None,
        completeness=None,
    )
    if not any(code for code in totals):
        return result
    result.table = _table(totals, measure, rules)
    result.completeness = _completeness(totals, rules)
    result.any_secondary = any(r.secondary for r in result.table.rows)
    # The trend: the same ratio over rolling windows ending one month apart.
    groups = [r for r in result.table.rows if not r.is_reference]
    result.trend_groups = [r.name for r in groups]
    size = window_months()
    for step in range(TREND_WINDOWS - 1, -1, -1):
        end = add_months(last, -step)
        start = None if place.level == "ward" else add_months(end, -(size - 1))
        table = _table(_totals(qs, start, end), measure, rules)
        rows = [r for r in table.rows if not r.is_reference]
        label = f"12 months to {month_label(end)}" if start else f"Up to {month_label(end)}"
        result.trend.append(TrendRow(window=label, ratios=[_ratio_text(r) for r in rows]))
    return result


def equity_measures() -> list[Measure]:
    return list(Measure.objects.national().filter(is_active=True, disaggregated=True))


def equity_for(place: Place, *, today: date) -> list[MeasureEquity]:
    """Every measure entered by ethnicity group, for one place."""
    return [measure_equity(place, measure, today=today) for measure in equity_measures()]


def ratio_text(row: Any) -> str:
    return _ratio_text(row)
