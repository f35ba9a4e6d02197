"""Personas shared by every app's tests (STYLE.md): one who may, one who may not, one from
elsewhere. ``org`` and ``ward`` are "ours"; ``other_org`` and ``other_ward`` belong to someone
else. Programme admins and leads come with an authenticator so MFA lets them through."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from culture_of_care.accounts.roles import Role

if TYPE_CHECKING:
    from django.test import Client


def OrganisationFactory(**kwargs):  # noqa: N802 - factories load only once Django is ready
    from tests.factories import OrganisationFactory as factory

    return factory(**kwargs)


def WardFactory(**kwargs):  # noqa: N802
    from tests.factories import WardFactory as factory

    return factory(**kwargs)


def user_with_role(role, **kwargs):
    from tests.factories import user_with_role as make

    return make(role, **kwargs)


@pytest.fixture
def org(db):
    return OrganisationFactory(ods_code="RAA", name="Riverside Mental Health NHS Trust")


@pytest.fixture
def ward(org):
    return WardFactory(organisation=org, name="Willow Ward", code="W01")


@pytest.fixture
def other_org(db):
    return OrganisationFactory(ods_code="RZZ", name="Hilltop Partnership NHS Trust", region="Y62")


@pytest.fixture
def other_ward(other_org):
    return WardFactory(organisation=other_org, name="Cedar Ward", code="W09")


@pytest.fixture
def admin(db):
    return user_with_role(Role.PROGRAMME_ADMIN, email="admin@example.org", full_name="Ada Admin")


@pytest.fixture
def programme_lead(db):
    return user_with_role(Role.PROGRAMME_LEAD, email="lead@example.org", full_name="Lee Lead")


@pytest.fixture
def qi_coach(ward):
    user = user_with_role(
        Role.QI_COACH, ward=ward, email="coach@example.org", full_name="Cal Coach"
    )
    ward.qi_coach = user
    ward.save(update_fields=["qi_coach"])
    return user


@pytest.fixture
def leadership_coach(org):
    return user_with_role(
        Role.LEADERSHIP_COACH,
        organisation=org,
        email="lc@example.org",
        full_name="Lia Coach",
        lived_experience=True,
    )


@pytest.fixture
def risk_lead(org):
    return user_with_role(
        Role.RISK_LEAD, organisation=org, email="risk@example.org", full_name="Rhys Risk"
    )


@pytest.fixture
def org_lead(org):
    return user_with_role(
        Role.ORGANISATION_LEAD, organisation=org, email="orglead@example.org", full_name="Olu Lead"
    )


@pytest.fixture
def ward_member(ward):
    return user_with_role(
        Role.WARD_MEMBER, ward=ward, email="ward@example.org", full_name="Wyn Ward"
    )


@pytest.fixture
def executive(org):
    return user_with_role(
        Role.EXECUTIVE, organisation=org, email="exec@example.org", full_name="Eve Exec"
    )


@pytest.fixture
def other_org_member(other_ward):
    """A ward member and organisation lead of another organisation."""
    user = user_with_role(
        Role.WARD_MEMBER, ward=other_ward, email="other@example.org", full_name="Otto Other"
    )
    from tests.factories import RoleAssignmentFactory

    RoleAssignmentFactory(
        user=user, role=Role.ORGANISATION_LEAD, organisation=other_ward.organisation
    )
    return user


@pytest.fixture
def no_role_user(db):
    from tests.factories import UserFactory

    return UserFactory(email="nobody@example.org", full_name="Nia Nobody")


@pytest.fixture
def client_for():
    """``client_for(user)``: a test client signed in as that person."""

    from django.test import Client

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and caches start empty in every test."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _reference_data(request, django_db_blocker):
    """Tests that commit (browser tests, the real Celery worker) end by emptying the database,
    data-migration rows included; put those back before the next database test in the worker."""
    uses_db = request.node.get_closest_marker("django_db") or {
        "db",
        "transactional_db",
        "live_server",
    } & set(request.fixturenames)
    if uses_db:
        from tests.reference_data import restore_reference_data

        with django_db_blocker.unblock():
            restore_reference_data()
