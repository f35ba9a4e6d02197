"""The one place reporting reaches the improvement app's chart code.

Charts are being reshaped into a package (``culture_of_care.improvement.charts``); everything
reporting needs from them (computing a chart from loaded rows, the SVG, the MDC icons, labels)
is imported here and only here, so the move changes one file. The SPC maths itself is
``improvement.spc``, reached through ``compute_chart``.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.safestring import SafeString

from culture_of_care.improvement.charts import labels as _labels
from culture_of_care.improvement.charts import svg as _svg
from culture_of_care.improvement.charts.compute import compute_chart as _compute_chart
from culture_of_care.improvement.charts.results import Chart, IncompletePoint, Scope, SeriesInput
from culture_of_care.improvement.charts.summary import table_rows as _table_rows
from culture_of_care.improvement.models import ChartType, Improvement, Measure, MeasureKind

__all__ = ["Chart", "IncompletePoint", "Scope", "SeriesInput"]

VARIATION_SHORT = _labels.VARIATION_SHORT
ASSURANCE_SHORT = _labels.ASSURANCE_SHORT
VARIATION_LABELS = _labels.VARIATION_LABELS
ASSURANCE_LABELS = _labels.ASSURANCE_LABELS
VARIATION_ORDER = _labels.VARIATION_ORDER
ASSURANCE_ORDER = _labels.ASSURANCE_ORDER
format_value = _labels.format_value
format_count = _labels.format_count
measure_unit = _labels.measure_unit
period_label = _labels.period_label


def ward_scope(ward: Any) -> Scope:
    return Scope.for_ward(ward)


def scope(kind: str, label: str, organisation_id: int | None = None) -> Scope:
    return Scope(kind, organisation_id, None, label)


def table_rows(chart: Chart) -> list[dict[str, Any]]:
    """The chart's data table rows, formatted as the chart pages show them."""
    return _table_rows(chart)


def compute(
    measure: Measure,
    scope: Scope,
    rows: Sequence[tuple[date, float, float | None]],
    *,
    fix_after: int | None = None,
    screen_outliers: bool = True,
    rebases: Sequence[tuple[date, str]] = (),
    trajectory: Sequence[Any] = (),
    view: str = "",
    target: float | None = None,
) -> Chart:
    """A chart from rows already loaded (no queries). ``target`` replaces the measure's
    programme target (a ward's own target)."""
    if target is not None:
        measure = copy.copy(measure)
        measure.target = Decimal(str(target))
    return _compute_chart(
        SeriesInput(
            measure=measure,
            scope=scope,
            rows=list(rows),
            fix_after=fix_after,
            screen_outliers=screen_outliers,
            rebases=list(rebases),
            trajectory=list(trajectory),
            view=view,
        )
    )


def count_run_chart_measure(name: str) -> Measure:
    """An unsaved measure for a run chart of monthly counts (PDSA cycles started)."""
    return Measure(
        name=name,
        type="process",
        kind=MeasureKind.COUNT,
        numerator_label=name,
        multiplier=Decimal(1),
        improvement=Improvement.INCREASE,
        chart_type=ChartType.RUN,
    )


def svg(chart: Chart, *, element_id: str, describedby: str = "") -> SafeString:
    return _svg.chart_svg(chart, element_id=element_id, describedby=describedby)


def variation_icon(variation: str | None, size: int = 32) -> SafeString:
    return _svg.variation_icon(variation, size=size)


def assurance_icon(assurance: str | None, size: int = 32) -> SafeString:
    return _svg.assurance_icon(assurance, size=size)


def _inner(icon: str) -> str:
    return icon[icon.index(">") + 1 : icon.rindex("</svg>")]


def icon_symbols() -> SafeString:
    """Every MDC icon once, as SVG symbols, so a long table can refer to them (``icon_use``)
    instead of repeating the whole drawing in every cell."""
    from django.utils.safestring import mark_safe

    parts = [
        '<svg class="app-icon-symbols" aria-hidden="true" focusable="false" width="0" height="0">'
    ]
    for variation in VARIATION_SHORT:
        parts.append(
            f'<symbol id="mdc-variation-{variation}" viewBox="0 0 40 40">'
            f"{_inner(str(_svg.variation_icon(variation)))}</symbol>"
        )
    for assurance in ASSURANCE_SHORT:
        parts.append(
            f'<symbol id="mdc-assurance-{assurance}" viewBox="0 0 40 40">'
            f"{_inner(str(_svg.assurance_icon(assurance)))}</symbol>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - built from the icon code's own markup


def icon_use(kind: str, value: str | None, size: int = 28) -> str:
    """A reference to one icon drawn by ``icon_symbols`` ("" when there is none)."""
    if not value:
        return ""
    return (
        f'<svg class="app-mdc-icon" width="{size}" height="{size}" viewBox="0 0 40 40" '
        f'aria-hidden="true" focusable="false"><use href="#mdc-{kind}-{value}"/></svg>'
    )
