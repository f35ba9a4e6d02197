"""Chart test helpers: the measure factory, monthly series and a chart page at its fullest.

Projects, change ideas, cycles and data points have one factory each, in ``factories.py``;
they are re-exported here for the chart tests' convenience."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from culture_of_care.improvement import spc
from culture_of_care.improvement.models import DataPoint, Measure, PointNote, Signal
from culture_of_care.improvement.tests.factories import (
    ChangeIdeaFactory,
    PDSACycleFactory,
    ProjectFactory,
)
from tests.factories import WardFactory

__all__ = [
    "ChangeIdeaFactory",
    "MeasureFactory",
    "PDSACycleFactory",
    "ProjectFactory",
    "SignalFactory",
    "add_series",
    "chart_scene",
    "month",
    "signal_for",
]


class MeasureFactory(DjangoModelFactory):
    class Meta:
        model = Measure

    code = factory.Sequence(lambda n: f"test_measure_{n}")
    name = factory.Sequence(lambda n: f"Test measure {n}")
    type = "outcome"
    kind = "rate"
    numerator_label = "Episodes of restraint"
    denominator_label = "Occupied bed days"
    multiplier = Decimal("1000")
    improvement = "decrease"
    chart_type = "xmr"
    order = factory.Sequence(lambda n: 100 + n)


def month(index: int, start: date = date(2024, 1, 1)) -> date:
    """The first day of the month ``index`` months after ``start``."""
    total = start.year * 12 + start.month - 1 + index
    return date(total // 12, total % 12 + 1, 1)


def add_series(measure, ward, numerators, denominators=None, start=date(2024, 1, 1), group=""):
    """Monthly data points for a ward, one per numerator (denominator 600 unless given)."""
    denominators = denominators or [600] * len(numerators)
    return DataPoint.objects.bulk_create(
        DataPoint(
            organisation=ward.organisation,
            ward=ward,
            measure=measure,
            period_start=month(i, start),
            numerator=Decimal(str(n)),
            denominator=None if d is None else Decimal(str(d)),
            equity_group=group,
        )
        for i, (n, d) in enumerate(zip(numerators, denominators, strict=True))
    )


class SignalFactory(DjangoModelFactory):
    class Meta:
        model = Signal

    ward = factory.SubFactory(WardFactory)
    organisation = factory.SelfAttribute("ward.organisation")
    measure = factory.SubFactory(MeasureFactory)
    period_start = date(2024, 1, 1)
    special_cause = "improvement"
    rule = spc.Rule.SHIFT_BELOW


def signal_for(measure, ward, period, rule=spc.Rule.SHIFT_BELOW, kind="improvement"):
    return SignalFactory(
        measure=measure, ward=ward, period_start=period, rule=rule, special_cause=kind
    )


# 17 months around 20 per 1,000 bed days, then 7 months lower: a shift of 7 below the mean.
BASE = [12, 15, 10, 13, 16, 11, 12, 14, 9, 13, 15, 11, 12, 14, 10, 13, 12]
SHIFT = [10, 9, 11, 10, 9, 10, 10]


def chart_scene(ward):
    """A measure with two years of data on ``ward``, a PDSA cycle, a note, data by ethnicity
    group and its signals: what a chart page shows at its fullest (browser and axe tests)."""
    from culture_of_care.improvement.charts.services import signals_refresh

    measure = Measure.objects.filter(code="scene_restraint").first()
    if measure is not None:
        return measure
    measure = MeasureFactory(
        code="scene_restraint",
        name="Restraint per 1,000 occupied bed days",
        target=Decimal("12"),
        disaggregated=True,
        uses_bed_days=True,
    )
    add_series(measure, ward, BASE + SHIFT)
    for group, numerator, denominator in (("white", 4, 300), ("black", 2, 60), ("asian", 1, 40)):
        add_series(
            measure, ward, [numerator] * 12, [denominator] * 12, start=month(12), group=group
        )
    PDSACycleFactory(
        change_idea=ChangeIdeaFactory(project=ProjectFactory(ward=ward)),
        started_on=month(14),
        decided_on=month(16),
        decision="adopt",
    )
    signals_refresh(organisation_id=ward.organisation_id, ward_id=ward.pk, measure_ids=[measure.pk])
    PointNote.objects.create(
        organisation=ward.organisation,
        ward=ward,
        measure=measure,
        period_start=month(3),
        text="Two agency shifts a week this month.",
    )
    return measure
