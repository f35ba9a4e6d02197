"""The panels on shared pages, and coach assignment history (reminders: test_due.py)."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from coaching import services
from coaching.models import WardCoachAssignment
from coaching.tests.factories import (
    ActionFactory,
    CoachingSessionFactory,
    CoachPairFactory,
)
from culture_of_care.accounts.roles import Role
from tests.factories import UserFactory, user_with_role


def test_ward_page_shows_recent_sessions_and_open_actions(client_for, ward_member, ward):
    CoachingSessionFactory(ward=ward, shared_summary="Looked at the huddle data")
    ActionFactory(ward=ward, description="Print the huddle sheet")
    text = client_for(ward_member).get(reverse("wards:detail", args=[ward.pk])).text
    assert "Looked at the huddle data" in text
    assert "Print the huddle sheet" in text


def test_organisation_page_shows_session_count_and_coach_pair(client_for, org_lead, org, ward):
    CoachingSessionFactory(ward=ward)
    CoachPairFactory(
        organisation=org,
        lived_experience_coach=UserFactory(full_name="Lena Lived"),
        board_coach=UserFactory(full_name="Bo Board"),
    )
    text = client_for(org_lead).get(reverse("organisations:detail", args=[org.ods_code])).text
    assert "Lena Lived" in text
    assert "Bo Board" in text
    assert "Sessions logged" in text


def test_home_links_coaches_to_their_caseload(client_for, qi_coach, ward_member):
    assert "My caseload" in client_for(qi_coach).get(reverse("home")).text
    assert "My caseload" not in client_for(ward_member).get(reverse("home")).text


def test_change_of_coach_keeps_history(admin, ward, qi_coach):
    new_coach = user_with_role(Role.QI_COACH, ward=ward)
    services.ward_coach_assign(actor=admin, ward=ward, coach=qi_coach, starts_on=date(2025, 4, 1))
    services.ward_coach_assign(actor=admin, ward=ward, coach=new_coach, starts_on=date(2026, 1, 1))
    history = list(WardCoachAssignment.objects.filter(ward=ward).order_by("starts_on"))
    assert [(a.coach, a.ends_on) for a in history] == [
        (qi_coach, date(2026, 1, 1)),
        (new_coach, None),
    ]
    ward.refresh_from_db()
    assert ward.qi_coach == new_coach
