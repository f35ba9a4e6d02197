"""Demo chart data: signals for every ward and organisation, some already reviewed, and notes.

Runs after the improvement app's seed (which enters two years of monthly data and PDSA cycles).
Signals are computed by the same code that data entry calls, in bulk; then, on the first wards,
a few signals are answered (a PDSA cycle, a known cause, no known cause) and a note is written,
so the charts show annotations and the "signals to review" list shows what is left.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from culture_of_care.accounts.roles import Role
from culture_of_care.improvement.charts import services as chart_services
from culture_of_care.improvement.charts.results import Scope
from culture_of_care.improvement.models import CauseKind, DataPoint, Measure, PDSACycle, Signal

ANNOTATED_WARDS = 3
KNOWN_CAUSES = [
    "Two long-stay patients discharged; the ward was calmer after the move.",
    "Agency staff covered most night shifts while two nurses were on leave.",
    "The garden reopened after building work, so more activities took place outdoors.",
]


# Demo programme targets for the national measures, so the assurance icons have something to
# say (programme admins set the real ones in the QI method admin).
PROGRAMME_TARGETS = {
    "rp_all": "12",
    "rp_restraint": "6",
    "rp_prone": "0.5",
    "rp_seclusion": "2",
    "rp_rt": "2",
    "va_incidents": "25",
    "feel_safe": "80",
    "staff_supported": "75",
    "activities_daily": "85",
}


def seed(ctx: Any) -> None:
    for code, target in PROGRAMME_TARGETS.items():
        Measure.objects.national().filter(code=code, target__isnull=True).update(
            target=Decimal(target)
        )
    if not DataPoint.objects.exists():
        ctx.stats["chart signals"] = 0
        return
    ctx.stats["chart signals"] = chart_services.signals_refresh_all()
    rng = ctx.rng_for("reporting-charts")
    reviewed = 0
    for ward in ctx.wards[:ANNOTATED_WARDS]:
        author = ward.qi_coach or _ward_member(ctx, ward)
        signals = list(
            Signal.objects.filter(ward=ward, reviewed_at__isnull=True)
            .select_related("measure")
            .order_by("measure__order", "period_start")
        )
        cycles = list(PDSACycle.objects.filter(ward=ward).order_by("pk"))
        seen_measures: set[int] = set()
        answered = 0
        for signal in signals:
            # Answer the earliest run of a couple of measures; leave the rest to review.
            if signal.measure_id in seen_measures or signal.reviewed_at or answered >= 2:
                continue
            signal.refresh_from_db()
            if signal.reviewed_at:
                continue
            seen_measures.add(signal.measure_id)
            if cycles and answered == 0:
                kind, text, cycle = CauseKind.PDSA, "", cycles[0]
            elif answered == 0:
                kind, text, cycle = CauseKind.KNOWN_CAUSE, rng.choice(KNOWN_CAUSES), None
            else:
                kind, text, cycle = CauseKind.NO_KNOWN_CAUSE, "", None
            chart_services.signal_review(
                actor=author, signal=signal, kind=kind, text=text, pdsa_cycle=cycle
            )
            answered += 1
            reviewed += 1
        first_point = (
            DataPoint.objects.filter(ward=ward, equity_group="")
            .select_related("measure")
            .order_by("measure__order", "period_start")
            .first()
        )
        if first_point is not None:
            chart_services.point_note_add(
                actor=author,
                scope=Scope.for_ward(ward),
                measure=first_point.measure,
                period_start=first_point.period_start,
                text="First month of data collection: the team agreed the definitions.",
            )
    ctx.stats["chart signals reviewed"] = reviewed


def seed_after_all(ctx: Any) -> None:
    """The dashboard snapshots, once every app has entered its demo data."""
    from culture_of_care.reporting.services import snapshots_refresh

    ctx.stats["dashboard snapshots"] = snapshots_refresh()


def _ward_member(ctx: Any, ward: Any) -> Any:
    for user in ctx.people.get(Role.WARD_MEMBER, []):
        return user
    return None
