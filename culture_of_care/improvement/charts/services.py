"""Writes on charts: rebases, chart settings, notes, signal reviews, and keeping the ``Signal``
rows in step with the charts.

Signals: every special-cause point of a ward or organisation chart becomes a ``Signal`` row.
Synchronisation is an explicit call: data entry calls ``signals_refresh`` once its transaction
commits, and every write here that changes a chart (rebase, settings) refreshes that chart's
signals itself. An unreviewed signal whose point is no longer a special cause after new data is
withdrawn; reviewed ones are kept as history. Rebases are only ever recorded by a person with a
reason; nothing rebases automatically.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from culture_of_care.audit.services import audit_record
from culture_of_care.improvement.charts.compute import MIN_FIX_AFTER, compute_chart
from culture_of_care.improvement.charts.results import Scope, SeriesInput
from culture_of_care.improvement.charts.selectors import (
    in_scope,
    load_series,
    scope_of_row,
    scope_owner,
    signal_run,
)
from culture_of_care.improvement.models import (
    CauseKind,
    ChartSettings,
    Measure,
    PDSACycle,
    PointNote,
    Rebase,
    Signal,
)

# --- Signals ----------------------------------------------------------------------------------


def _sync_signals(series: Sequence[SeriesInput]) -> tuple[list[Signal], list[int]]:
    """New Signal rows to create, and ids of unreviewed ones to withdraw, for these series."""
    if not series:
        return [], []
    scope = series[0].scope
    ids = [s.measure.pk for s in series]
    existing: dict[tuple[int, date], tuple[int, bool]] = {
        (m, p): (pk, reviewed is not None)
        for pk, m, p, reviewed in in_scope(Signal.objects, scope)
        .filter(measure_id__in=ids)
        .values_list("pk", "measure_id", "period_start", "reviewed_at")
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
                    measure_id=item.measure.pk,
                    period_start=point.period,
                    special_cause=point.signal_kind,
                    rule=point.rule,
                    **scope_owner(scope),
                )
            )
    withdraw = [pk for key, (pk, reviewed) in existing.items() if key not in keep and not reviewed]
    return create, withdraw


def _apply(create: list[Signal], withdraw: list[int]) -> int:
    if withdraw:
        Signal.objects.filter(pk__in=withdraw, reviewed_at__isnull=True).delete()
    if create:
        Signal.objects.bulk_create(create, ignore_conflicts=True, batch_size=1000)
    return len(create)


def _scope_of(organisation_id: int, ward_id: int | None) -> Scope:
    if ward_id is None:
        return Scope("organisation", organisation_id, None)
    return Scope("ward", organisation_id, ward_id)


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
    created = 0
    for scope_ward in [ward_id] if ward_id is None else [ward_id, None]:
        series = load_series(_scope_of(organisation_id, scope_ward), measures)
        created += _apply(*_sync_signals(series))
    return created


def signals_refresh_all(*, organisation_ids: Iterable[int] | None = None) -> int:
    """Refresh every ward's and organisation's signals (demo seed, bench, a nightly job)."""
    from wards.models import Ward  # the tenancy foundation (wards.models imports access only)

    measures = list(Measure.objects.filter(is_active=True))
    wards = Ward.objects.all()
    if organisation_ids is not None:
        wards = wards.filter(organisation_id__in=list(organisation_ids))
    ward_pairs = list(wards.values_list("organisation_id", "pk"))
    scopes = [_scope_of(o, w) for o, w in ward_pairs]
    scopes += [_scope_of(o, None) for o in sorted({o for o, _ in ward_pairs})]
    create: list[Signal] = []
    withdraw: list[int] = []
    for scope in scopes:
        c, w = _sync_signals(load_series(scope, measures))
        create += c
        withdraw += w
    with transaction.atomic():
        return _apply(create, withdraw)


def _refresh_scope(scope: Scope, measure: Measure) -> None:
    if scope.stores_settings:
        _apply(*_sync_signals(load_series(scope, [measure])))


# --- Chart settings, rebases and notes --------------------------------------------------------


def _owner(scope: Scope) -> dict[str, Any]:
    if not scope.stores_settings:
        raise ValueError("Programme charts have no settings, rebases or notes.")
    return scope_owner(scope)


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
        **_owner(scope),
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
    audit_record(
        actor=actor,
        action="chart.rebase_removed",
        obj=rebase,
        summary=f"Removed the rebase of {rebase.measure.name} from {rebase.period_start:%B %Y}",
        changes={"period_start": rebase.period_start.isoformat(), "reason": rebase.reason},
    )
    scope, measure = scope_of_row(rebase), rebase.measure
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
    item, _ = ChartSettings.objects.get_or_create(measure=measure, **_owner(scope))
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
        **_owner(scope),
    )
    audit_record(
        actor=actor,
        action="chart.note",
        obj=note,
        summary=f"Note on {measure.name} for {period_start:%B %Y}",
        changes={"kind": kind},
    )
    return note


# --- Reviewing signals ------------------------------------------------------------------------


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
        measure_id=signal.measure_id,
        period_start=signal.period_start,
        kind=kind,
        text=text,
        pdsa_cycle=pdsa_cycle if kind == CauseKind.PDSA else None,
        written_by=actor,
        **scope_owner(scope_of_row(signal)),
    )
    signals = signal_run(signal) if whole_run else [signal]
    Signal.objects.filter(pk__in=[s.pk for s in signals]).update(
        review=note, reviewed_at=timezone.now()
    )
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
