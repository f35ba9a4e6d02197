"""Loading what charts are computed from: data rows, settings, rebases, notes, PDSA cycles and
signals, for a scope. A fixed number of queries however many measures a page shows.

``in_scope`` is the one place that says which rows of a chart's own tables (settings, rebases,
notes, signals) belong to a scope. Views hand it a queryset already scoped to the person
(``visible_to``); services and signal synchronisation hand it the model's manager.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from django.db.models import BooleanField, ExpressionWrapper, Model, Q, QuerySet, Sum

from culture_of_care import suppression
from culture_of_care.improvement.charts import labels
from culture_of_care.improvement.charts.compute import compute_chart
from culture_of_care.improvement.charts.results import (
    Annotation,
    Chart,
    Scope,
    SeriesInput,
    SummaryRow,
)
from culture_of_care.improvement.models import (
    EQUITY_GROUPS,
    ChartSettings,
    DataPoint,
    Measure,
    MeasureKind,
    PDSACycle,
    PointNote,
    Rebase,
    Signal,
)

EQUITY_WINDOW = 12  # months pooled for the equity view

M = TypeVar("M", bound=Model)


# --- The scope of a chart's own rows ----------------------------------------------------------


def scope_owner(scope: Scope) -> dict[str, Any]:
    """The owner fields a chart's own rows carry for this scope (to filter or to create)."""
    return {"organisation_id": scope.organisation_id, "ward_id": scope.ward_id}


def in_scope(rows: QuerySet[M] | Any, scope: Scope, measure: Measure | None = None) -> QuerySet[M]:
    """The rows of ``rows`` (settings, rebases, notes or signals) that belong to the chart of
    ``scope`` (and of ``measure``, if given)."""
    qs = rows.filter(**scope_owner(scope))
    return qs if measure is None else qs.filter(measure=measure)


def scope_of_row(row: Any) -> Scope:
    """The scope a rebase, note or signal belongs to."""
    kind = "ward" if row.ward_id else "organisation"
    return Scope(kind, row.organisation_id, row.ward_id)


# --- Data -------------------------------------------------------------------------------------


def _data_rows(
    scope: Scope, measure_ids: Sequence[int]
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


def load_series(scope: Scope, measures: Sequence[Measure], *, view: str = "") -> list[SeriesInput]:
    """Everything to compute the charts of ``measures`` for ``scope``: a fixed number of queries."""
    ids = [m.pk for m in measures]
    rows = _data_rows(scope, ids)
    settings_by_measure: dict[int, ChartSettings] = {}
    rebases: dict[int, list[tuple[date, str]]] = defaultdict(list)
    if scope.stores_settings and ids:
        for item in in_scope(ChartSettings.objects, scope).filter(measure_id__in=ids):
            settings_by_measure[item.measure_id] = item
        for measure_id, start, reason in (
            in_scope(Rebase.objects, scope)
            .filter(measure_id__in=ids)
            .values_list("measure_id", "period_start", "reason")
        ):
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
    return list(measures_in_scope(scope))


def measures_in_scope(scope: Scope) -> QuerySet[Measure]:
    """The queryset behind ``measures_for_scope`` (for forms that choose among them)."""
    condition = Q(organisation__isnull=True)
    if scope.kind == "ward":
        condition |= Q(project__ward_id=scope.ward_id)
    elif scope.kind == "organisation":
        condition |= Q(organisation_id=scope.organisation_id, project__ward__isnull=True)
        condition |= Q(organisation_id=scope.organisation_id, project__isnull=True)
    return Measure.objects.filter(condition, is_active=True).distinct()


def measure_belongs_to(measure: Measure, scope: Scope) -> bool:
    """Whether a chart of this measure for this scope makes sense (else the page is a 404)."""
    if measure.organisation_id is None:
        return True
    if scope.kind == "programme":
        return False
    return measure.organisation_id == scope.organisation_id


# --- Charts -----------------------------------------------------------------------------------


def chart_for(
    scope: Scope, measure: Measure, *, view: str = "", with_annotations: bool = True
) -> Chart:
    """A full chart for one page: data, settings, rebases, notes and PDSA annotations."""
    series = load_series(scope, [measure], view=view)[0]
    chart = compute_chart(series)
    if not with_annotations or not scope.stores_settings:
        return chart
    notes = list(
        in_scope(PointNote.objects, scope, measure)
        .select_related("written_by", "pdsa_cycle")
        .order_by("period_start", "created_at")
    )
    by_period = {p.period: p for p in chart.points}
    for number, note in enumerate(notes, start=1):
        note.marker = f"N{number}"
        chart.notes.append(note)
        if note.period_start in by_period:
            by_period[note.period_start].notes.append(note)
    chart.annotations = _annotations(chart, scope, measure)
    return chart


def _annotations(chart: Chart, scope: Scope, measure: Measure) -> list[Annotation]:
    """PDSA cycles (start and decision) of the ward, or the organisation's own, and rebases.

    A cycle that names the measures it aims to move is marked on those measures' charts only;
    one that names none is marked on every chart of its ward."""
    items: list[Annotation] = []
    for group in chart.groups:
        if group.rebase_reason:
            start = next(p.label for p in chart.points if p.period == group.start)
            items.append(
                Annotation(
                    group.start,
                    "rebase",
                    "R",
                    f"Limits recalculated from {start}: {group.rebase_reason}",
                )
            )
    # Only cycles that have started (or been decided), at their real dates: a planned cycle is
    # not a change to the process yet, and its planned start may lie in the future.
    cycles = (
        in_scope(PDSACycle.objects, scope)
        .filter(Q(started_on__isnull=False) | Q(decided_on__isnull=False))
        .filter(Q(measures__isnull=True) | Q(measures=measure))
        .distinct()
    )
    first = chart.points[0].period if chart.points else None
    for number, cycle in enumerate(
        sorted(
            cycles.select_related("change_idea"),
            key=lambda c: (c.started_on or c.decided_on, c.pk),
        ),
        start=1,
    ):
        title = f"{cycle.change_idea.title}, cycle {cycle.number}: {cycle.title}"
        started = cycle.started_on
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

SORTS = {
    "measure": lambda r: (r.measure.order, r.measure.name.lower()),
    "type": lambda r: (r.measure.type, r.measure.name.lower()),
    "latest": lambda r: (r.latest is None, r.latest.value if r.latest else 0),
    "mean": lambda r: (
        r.latest is None or r.latest.mean is None,
        (r.latest.mean or 0) if r.latest else 0,
    ),
    "variation": lambda r: (
        labels.VARIATION_ORDER.get(r.chart.variation or "", 9),
        r.measure.name.lower(),
    ),
    "assurance": lambda r: (
        labels.ASSURANCE_ORDER.get(r.chart.assurance or "", 9),
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
    rules = suppression.Rules.from_settings()
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
        "first": labels.period_label(min(periods), frequency),
        "last": labels.period_label(max(periods), frequency),
        "periods": len(periods),
        "unit": labels.measure_unit(measure),
        "rules": rules,
        "any_secondary": any(r.secondary for r in table.rows),
    }


# --- Signals ----------------------------------------------------------------------------------


def split_runs(chart_signals: Sequence[Signal]) -> list[list[Signal]]:
    """One chart's signals (in period order) cut into runs: consecutive signals sharing a rule.

    A shift of 7 is 7 signals and one run; adjoining means no signal with a different rule lies
    between them in the series. Reviewed signals stay in the runs they belong to."""
    runs: list[list[Signal]] = []
    for signal in chart_signals:
        if runs and runs[-1][-1].rule == signal.rule:
            runs[-1].append(signal)
        else:
            runs.append([signal])
    return runs


def signal_run(signal: Signal) -> list[Signal]:
    """The unreviewed signals of the same chart that share this signal's rule and adjoin it:
    one review answers the run."""
    siblings = list(
        in_scope(Signal.objects, scope_of_row(signal))
        .filter(measure_id=signal.measure_id)
        .order_by("period_start")
    )
    run = next(r for r in split_runs(siblings) if any(s.pk == signal.pk for s in r))
    return [s for s in run if s.reviewed_at is None or s.pk == signal.pk]


def reviews_signals(user: Any) -> bool:
    """Whether the person reviews signals: the ward teams, QI coaches and organisation leads
    who answer them (QI reach of their own wards or organisations), not those who see the
    whole programme or only read."""
    from culture_of_care.access import edit_reach

    reach = edit_reach(user, "qi")
    return not (reach.everything or reach.is_empty)


def count_signal_runs(user: Any, unreviewed: QuerySet[Signal]) -> int:
    """How many rows the list to review shows for these signals (one per run)."""
    return len(signal_runs(unreviewed, Signal.objects.visible_to(user)))


@dataclass
class SignalRun:
    """The unreviewed signals of one run on one chart: one row on the list to review."""

    signals: list[Signal]  # oldest first

    @property
    def first(self) -> Signal:
        return self.signals[0]

    @property
    def latest(self) -> Signal:
        return self.signals[-1]

    def __len__(self) -> int:
        return len(self.signals)


def signal_runs(unreviewed: QuerySet[Signal], every: QuerySet[Signal]) -> list[SignalRun]:
    """The runs that ``unreviewed`` signals belong to, newest first (by their latest point).

    ``every`` is the same person's signals, reviewed or not, so a run is cut where the chart's
    series cuts it. Two queries, however many signals."""
    rows = list(unreviewed.select_related("measure", "ward", "organisation"))
    if not rows:
        return []
    open_ids = {s.pk for s in rows}
    by_pk = {s.pk: s for s in rows}
    charts = {(s.organisation_id, s.ward_id, s.measure_id) for s in rows}
    series: dict[tuple, list[Signal]] = defaultdict(list)
    for signal in every.filter(
        measure_id__in={m for _o, _w, m in charts},
        organisation_id__in={o for o, _w, _m in charts},
    ).order_by("period_start", "pk"):
        key = (signal.organisation_id, signal.ward_id, signal.measure_id)
        if key in charts:
            series[key].append(by_pk.get(signal.pk, signal))
    runs = []
    for chart_signals in series.values():
        for run in split_runs(chart_signals):
            members = [s for s in run if s.pk in open_ids]
            if members:
                runs.append(SignalRun(members))
    runs.sort(
        key=lambda r: (
            -r.latest.period_start.toordinal(),
            r.latest.organisation.name if r.latest.organisation_id else "",
            r.latest.ward.name if r.latest.ward_id else "",
            r.latest.measure.order,
            r.latest.measure.name,
        )
    )
    return runs
