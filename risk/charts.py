"""Care-record audit trends as p-charts (SPC.md section 4), through the shared chart code.

Each audit measure is charted like every other measure: ``charts.compute`` runs the p-chart
and writes the plain-English summary, ``charts.svg`` draws it with the Making Data Count
colours, shapes and legend. What is particular to audits is the data: quarters pooled across
wards, and, when the chart is shown beyond the organisation that entered the audits, the
small-number rules applied first. A quarter whose count or sample is under the threshold is
left out (a gap in the line, ``*`` in the table) and the others are plotted from counts rounded
to the nearest 5, so neither the points nor the limits reveal an exact small number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from culture_of_care import suppression
from culture_of_care.improvement.charts import labels
from culture_of_care.improvement.charts.compute import compute_chart
from culture_of_care.improvement.charts.results import Chart, Scope, SeriesInput
from culture_of_care.improvement.charts.summary import table_rows
from risk.models import AUDIT_MEASURES
from risk.selectors import AuditQuarter


@dataclass(frozen=True)
class AuditMeasure:
    """One audit question, described the way the chart code reads a measure."""

    name: str
    improvement: str
    kind: str = labels.PERCENTAGE
    chart_type: str = "p"
    frequency: str = labels.QUARTERLY
    multiplier: Decimal = Decimal(1)
    target: Decimal | None = None
    numerator_label: str = "Records"
    denominator_label: str = "Records audited"


@dataclass
class AuditRow:
    """One quarter of the data table, as it may be shown."""

    label: str
    shown_count: str
    shown_sample: str
    shown_percent: str
    signal: str


@dataclass
class AuditChart:
    slug: str
    title: str
    chart: Chart
    rows: list[AuditRow] = field(default_factory=list)
    summary: str = ""
    suppressed: bool = False


def audit_charts(
    series: list[AuditQuarter], *, rules: suppression.Rules | None = None
) -> list[AuditChart]:
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
    rules: suppression.Rules | None = None,
) -> AuditChart:
    rows: list[tuple[date, float, float]] = []
    shown: list[tuple[str, str, str]] = []
    suppressed = False
    for entry in series:
        x, n = entry.counts[name], entry.sample_size
        pair = (x, n) if rules is None or not n else suppression.publishable_pair(x, n, rules)
        if pair is None:
            # Charted as a period without a denominator: no point, no limits, a gap.
            rows.append((entry.quarter, 0, 0))
            suppressed = True
            shown.append(
                (
                    suppression.show_count(x, rules),
                    suppression.show_count(n, rules),
                    suppression.SUPPRESSED,
                )
            )
            continue
        rows.append((entry.quarter, pair[0], pair[1]))
        percent = f"{100 * pair[0] / pair[1]:.0f}%" if pair[1] else "No audit"
        shown.append((str(pair[0]), str(pair[1]), percent) if pair[1] else ("", "", percent))

    measure = AuditMeasure(name=title, improvement=improvement)
    chart = compute_chart(
        SeriesInput(
            measure=measure,
            scope=Scope("audit"),
            rows=rows if any(d for _q, _n, d in rows) else [],
            period_labels={e.quarter: (e.label, e.short_label) for e in series},
        )
    )
    signals = {row["point"].period: row["signal"] for row in table_rows(chart)}
    audit = AuditChart(slug=name.replace("_", "-"), title=title, chart=chart, suppressed=suppressed)
    for entry, (count, sample, percent) in zip(series, shown, strict=True):
        has_value = any(p.period == entry.quarter and p.value is not None for p in chart.points)
        audit.rows.append(
            AuditRow(
                label=entry.short_label,
                shown_count=count,
                shown_sample=sample,
                shown_percent=percent,
                signal=signals.get(entry.quarter, "None") if has_value else "Not shown",
            )
        )
    audit.summary = _summary(audit, measure, rules)
    chart.summary = audit.summary  # the SVG's description says the same
    return audit


def _summary(audit: AuditChart, measure: AuditMeasure, rules: suppression.Rules | None) -> str:
    chart = audit.chart
    if not chart.has_data:
        text = "There are not enough records to show this measure."
    else:
        better = "Higher is better." if measure.improvement == "increase" else "Lower is better."
        text = f"{chart.summary} {better}"
    if audit.suppressed and rules is not None:
        text += (
            f" Quarters with fewer than {rules.min_count} records (or a count under "
            f"{rules.min_count}) are not shown."
        )
    return text
