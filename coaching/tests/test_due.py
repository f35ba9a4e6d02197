"""What is due from coaching: each rule exactly, at its edges."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from coaching import selectors
from coaching.models import ActionStatus, SessionStatus
from coaching.tests.factories import (
    ActionFactory,
    CoachingSessionFactory,
    CoachPairFactory,
    ExecutiveFactory,
    ExecutiveSessionFactory,
)
from tests.factories import UserFactory, WardFactory

TODAY = date(2026, 12, 1)


def texts(items):
    return [i.text for i in items]


def test_actions_due_within_three_days_or_overdue_go_to_their_owner(ward, ward_member, qi_coach):
    today = timezone.localdate()
    overdue = ActionFactory(
        ward=ward, owner=ward_member, description="Print huddle sheet", due_on=today - timedelta(1)
    )
    ActionFactory(ward=ward, owner=ward_member, description="Due today", due_on=today)
    ActionFactory(ward=ward, owner=ward_member, description="In three", due_on=today + timedelta(3))
    ActionFactory(ward=ward, owner=ward_member, description="In four", due_on=today + timedelta(4))
    ActionFactory(
        ward=ward,
        owner=ward_member,
        description="Done already",
        due_on=today,
        status=ActionStatus.DONE,
    )
    ActionFactory(ward=ward, owner=qi_coach, description="Someone else's", due_on=today)
    items = selectors.actions_due_for(ward_member, today)
    assert [i.text.split("'")[1] for i in items] == ["Print huddle sheet", "Due today", "In three"]
    assert items[0].text == (
        f"{ward.name}: 'Print huddle sheet' was due on {overdue.due_on:%-d %B}."
    )
    assert items[1].text.endswith("is due today.")
    assert items[0].key == f"action:{overdue.pk}:{overdue.due_on:%Y-%m-%d}"


def test_actions_from_draft_sessions_are_not_due(ward, ward_member):
    today = timezone.localdate()
    draft = CoachingSessionFactory(ward=ward, status=SessionStatus.DRAFT)
    ActionFactory(ward=ward, owner=ward_member, session=draft, due_on=today)
    assert selectors.actions_due_for(ward_member, today) == []


def test_sessions_in_the_next_two_days_reach_the_coach_and_the_ward_team(
    qi_coach, ward, ward_member, other_org_member
):
    today = timezone.localdate()
    CoachingSessionFactory(ward=ward, coaches=[qi_coach], next_session_on=today + timedelta(2))
    other = WardFactory(organisation=ward.organisation, name="Ash Ward")
    CoachingSessionFactory(ward=other, coaches=[qi_coach], next_session_on=today + timedelta(3))
    expected = [f"Coaching session on {today + timedelta(2):%A %-d %B}: {ward}."]
    assert texts(selectors.sessions_soon_for(qi_coach, today)) == expected
    assert texts(selectors.sessions_soon_for(ward_member, today)) == expected
    assert selectors.sessions_soon_for(other_org_member, today) == []
    assert texts(selectors.sessions_soon_for(qi_coach, today + timedelta(1))) == [
        f"Coaching session tomorrow: {ward}."
    ]


def test_a_ward_quiet_for_fifteen_weeks_says_fifteen_weeks(qi_coach, ward):
    CoachingSessionFactory(ward=ward, date=TODAY - timedelta(weeks=15, days=2))
    items = selectors.wards_without_contact_for(qi_coach, TODAY)
    assert texts(items) == [f"{ward.name} ({ward.organisation.name}): No contact for 15 weeks."]
    assert items[0].url == f"/wards/{ward.pk}/"


def test_no_contact_starts_at_six_weeks_exactly(qi_coach, ward):
    session = CoachingSessionFactory(ward=ward, date=TODAY - timedelta(weeks=6))
    assert selectors.wards_without_contact_for(qi_coach, TODAY) == []
    session.date = TODAY - timedelta(weeks=6, days=1)
    session.save()
    assert texts(selectors.wards_without_contact_for(qi_coach, TODAY)) == [
        f"{ward.name} ({ward.organisation.name}): No contact for 6 weeks."
    ]


def test_a_ward_never_contacted_counts_from_the_start_of_coaching(qi_coach, ward):
    ward.coaching_start = TODAY - timedelta(weeks=9)
    ward.save()
    assert texts(selectors.wards_without_contact_for(qi_coach, TODAY)) == [
        f"{ward.name} ({ward.organisation.name}): No contact since coaching started 9 weeks ago."
    ]
    ward.coaching_start = TODAY - timedelta(weeks=5)
    ward.save()
    assert selectors.wards_without_contact_for(qi_coach, TODAY) == []


def test_the_caseload_says_the_real_duration(client_for, qi_coach, ward):
    today = timezone.localdate()
    CoachingSessionFactory(ward=ward, date=today - timedelta(weeks=15))
    page = client_for(qi_coach).get("/coaching/caseload/").text
    assert "No contact for 15 weeks" in page
    assert "No contact for 6 weeks" not in page


@pytest.fixture
def pair(org):
    return CoachPairFactory(
        organisation=org,
        lived_experience_coach=UserFactory(full_name="Lena Lived"),
        board_coach=UserFactory(full_name="Bo Board"),
    )


def test_executives_without_a_session_for_eight_weeks_go_to_the_coach_pair(pair, org, ward_member):
    quiet = ExecutiveFactory(organisation=org, name="Eve Exec", started_on=date(2026, 1, 5))
    ExecutiveSessionFactory(organisation=org, date=date(2026, 7, 14)).executives.set([quiet])
    recent = ExecutiveFactory(organisation=org, name="Raj Recent", started_on=date(2026, 1, 5))
    ExecutiveSessionFactory(organisation=org, date=TODAY - timedelta(weeks=8)).executives.set(
        [recent]
    )
    expected = [
        f"Eve Exec, Chief Nurse ({org.name}): no executive coaching session for 20 weeks, "
        "since 14 July 2026."
    ]
    assert texts(selectors.executives_without_session_for(pair.lived_experience_coach, TODAY)) == (
        expected
    )
    assert texts(selectors.executives_without_session_for(pair.board_coach, TODAY)) == expected
    assert selectors.executives_without_session_for(ward_member, TODAY) == []


def test_an_executive_never_coached_is_flagged_eight_weeks_after_starting(pair, org):
    ExecutiveFactory(organisation=org, name="New Exec", started_on=TODAY - timedelta(weeks=8))
    ExecutiveFactory(organisation=org, name="Newer", started_on=TODAY - timedelta(weeks=7))
    ExecutiveFactory(organisation=org, name="Left", started_on=date(2025, 1, 1), ended_on=TODAY)
    assert texts(selectors.executives_without_session_for(pair.board_coach, TODAY)) == [
        f"New Exec, Chief Nurse ({org.name}): no executive coaching session yet, "
        "8 weeks after coaching started."
    ]


def test_coverage_counts_a_month_only_once_it_is_over(monkeypatch, programme_lead, ward):
    from coaching.models import CoachingRhythm

    rhythm = CoachingRhythm.current().ward_sessions_per_month
    # 1 December: nothing logged yet this month, and November fell short of the rhythm.
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    for _ in range(max(rhythm - 1, 0)):
        CoachingSessionFactory(ward=ward, date=date(2026, 11, 10))
    coverage = selectors.coverage_for(programme_lead)
    row = next(r for r in coverage.ward_rows if r["ward"].pk == ward.pk)
    december, november = row["counts"][-1], row["counts"][-2]
    assert december == {"month": date(2026, 12, 1), "count": 0, "so_far": True, "met": True}
    assert november["so_far"] is False and november["met"] is False
    assert coverage.month_summary[-1]["so_far"] is True


def test_coverage_page_says_so_far_and_not_below_for_this_month(client_for, programme_lead, ward):
    page = client_for(programme_lead).get("/coaching/coverage/").text
    this_month = timezone.localdate().strftime("%b %Y")
    assert f"{this_month} (so far)" in page
    row = page.split(ward.name, 2)[-1].split("</tr>")[0]
    last_cell = row.split("<td")[-1]
    assert "so far" in last_cell and "(below)" not in last_cell
