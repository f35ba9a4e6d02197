from __future__ import annotations

import pytest

from coaching.tests.factories import ExecutiveSessionFactory


@pytest.fixture
def exec_session(org, leadership_coach):
    session = ExecutiveSessionFactory(organisation=org)
    session.coaches.set([leadership_coach])
    return session
