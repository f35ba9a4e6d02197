"""Factories for coaching models."""

from __future__ import annotations

from datetime import date, timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from coaching.models import (
    Action,
    CoachingSession,
    CoachPair,
    Executive,
    SessionKind,
    SessionStatus,
)
from tests.factories import OrganisationFactory, UserFactory


class CoachingSessionFactory(DjangoModelFactory):
    class Meta:
        model = CoachingSession
        skip_postgeneration_save = True

    organisation = factory.LazyAttribute(
        lambda o: o.ward.organisation if o.ward else OrganisationFactory()
    )
    ward = None
    kind = SessionKind.WARD_QI
    date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=3))
    duration_minutes = 60
    attendee_count = 5
    lived_experience_attendee_count = 1
    shared_summary = "Talked about safety huddles."
    status = SessionStatus.LOGGED

    @factory.post_generation
    def coaches(self, create, extracted, **kwargs):
        if create and extracted:
            self.coaches.set(extracted)


class ExecutiveSessionFactory(CoachingSessionFactory):
    kind = SessionKind.EXECUTIVE
    organisation = factory.SubFactory(OrganisationFactory)
    shared_summary = "Board culture and psychological safety."
    confidential_notes = "The chief executive is worried about the board chair."


class ExecutiveFactory(DjangoModelFactory):
    class Meta:
        model = Executive

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Executive {n}")
    job_title = "Chief Nurse"
    started_on = date(2025, 4, 1)


class CoachPairFactory(DjangoModelFactory):
    class Meta:
        model = CoachPair

    organisation = factory.SubFactory(OrganisationFactory)
    lived_experience_coach = factory.SubFactory(UserFactory)
    board_coach = factory.SubFactory(UserFactory)
    starts_on = date(2025, 4, 1)


class ActionFactory(DjangoModelFactory):
    class Meta:
        model = Action

    organisation = factory.LazyAttribute(
        lambda o: o.ward.organisation if o.ward else OrganisationFactory()
    )
    ward = None
    description = factory.Sequence(lambda n: f"Try safety huddles on nights ({n})")
    owner_role = "Ward manager"
    due_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=7))
