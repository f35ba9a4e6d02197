from __future__ import annotations

import pytest

from culture_of_care.improvement.models import ProjectKind
from culture_of_care.improvement.tests.factories import (
    ChangeIdeaFactory,
    PDSACycleFactory,
    ProjectFactory,
    ensure_reference_data,
)
from organisations.tests.factories import BarrierFactory


@pytest.fixture
def barrier(ward, ward_member):
    ensure_reference_data()
    return BarrierFactory(ward=ward, raised_by=ward_member)


@pytest.fixture
def other_barrier(other_ward):
    return BarrierFactory(ward=other_ward, title="Cedar Ward cannot get a second computer")


@pytest.fixture
def middle_tier_idea(org):
    project = ProjectFactory(
        ward=None,
        organisation=org,
        kind=ProjectKind.ORGANISATION,
        title="Making ward improvement easier",
        change_theory=None,
        with_measures=False,
    )
    return ChangeIdeaFactory(project=project, ward=None, title="Protected time in the roster")


@pytest.fixture
def middle_tier_cycle(middle_tier_idea):
    return PDSACycleFactory(change_idea=middle_tier_idea, ward=None, title="Roster pilot")
