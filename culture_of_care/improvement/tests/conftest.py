import pytest

from culture_of_care.improvement.tests.factories import ProjectFactory


@pytest.fixture
def project(ward):
    return ProjectFactory(ward=ward)


@pytest.fixture
def other_project(other_ward):
    return ProjectFactory(ward=other_ward)
