"""Factories for chart tests: measures, monthly data points, change ideas and PDSA cycles."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from culture_of_care.improvement.models import (
    ChangeIdea,
    DataPoint,
    Measure,
    PDSACycle,
    Project,
    Signal,
)


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


class DataPointFactory(DjangoModelFactory):
    class Meta:
        model = DataPoint

    organisation = factory.LazyAttribute(lambda o: o.ward.organisation if o.ward else None)
    ward = None
    measure = factory.SubFactory(MeasureFactory)
    period_start = date(2024, 1, 1)
    numerator = Decimal("10")
    denominator = Decimal("600")


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


class ProjectFactory(DjangoModelFactory):
    class Meta:
        model = Project

    organisation = factory.LazyAttribute(lambda o: o.ward.organisation)
    ward = None
    title = "Fewer restraints"


class ChangeIdeaFactory(DjangoModelFactory):
    class Meta:
        model = ChangeIdea

    project = factory.SubFactory(ProjectFactory)
    organisation = factory.LazyAttribute(lambda o: o.project.organisation)
    ward = factory.LazyAttribute(lambda o: o.project.ward)
    title = "A daily community meeting"


class PDSACycleFactory(DjangoModelFactory):
    class Meta:
        model = PDSACycle

    change_idea = factory.SubFactory(ChangeIdeaFactory)
    organisation = factory.LazyAttribute(lambda o: o.change_idea.organisation)
    ward = factory.LazyAttribute(lambda o: o.change_idea.ward)
    number = 1
    title = "Try it on Mondays"


def signal_for(measure, ward, period, rule="7 Points Below CL", kind="improvement"):
    return Signal.objects.create(
        organisation=ward.organisation,
        ward=ward,
        measure=measure,
        period_start=period,
        special_cause=kind,
        rule=rule,
    )
