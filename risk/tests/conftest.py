from __future__ import annotations

from datetime import date

import pytest

from risk.models import Cohort
from risk.tests.factories import RiskParticipationFactory, risk_theory_with_domains


@pytest.fixture
def domains(db):
    return risk_theory_with_domains()[1]


@pytest.fixture
def participation(org, risk_lead, domains):
    return RiskParticipationFactory(
        organisation=org, cohort=Cohort.YEAR_ONE, starts_on=date(2025, 4, 1), adviser=risk_lead
    )


@pytest.fixture
def other_participation(other_org, domains):
    return RiskParticipationFactory(
        organisation=other_org, cohort=Cohort.YEAR_ONE, starts_on=date(2025, 4, 1)
    )
