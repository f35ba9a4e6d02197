"""A small programme with monthly data, for dashboard tests (factories, not fixtures)."""

from __future__ import annotations

from datetime import date

from culture_of_care.improvement.models import DataPoint, Measure
from culture_of_care.improvement.tests.factories import ProjectFactory
from culture_of_care.improvement.windows import add_months
from tests.factories import OrganisationFactory, WardFactory

FIRST = date(2024, 4, 1)  # the factory wards' baseline start (coaching from April 2025)


def programme(*, organisations: int = 2, wards_each: int = 2, last: date, region: str = "Y56"):
    """Organisations with wards, each ward reporting restrictive practice from its baseline to
    ``last``. Returns (organisations, wards)."""
    measure = Measure.objects.get(code="rp_all")
    orgs, wards, points = [], [], []
    for i in range(organisations):
        org = OrganisationFactory(region=region)
        orgs.append(org)
        for j in range(wards_each):
            ward = WardFactory(organisation=org, beds=18)
            ProjectFactory(ward=ward)
            wards.append(ward)
            month, k = FIRST, 0
            while month <= last:
                points.append(
                    DataPoint(
                        organisation=org,
                        ward=ward,
                        measure=measure,
                        period_start=month,
                        numerator=6 + (i + j + k) % 5,
                        denominator=500,
                    )
                )
                month, k = add_months(month, 1), k + 1
    DataPoint.objects.bulk_create(points)
    return orgs, wards
