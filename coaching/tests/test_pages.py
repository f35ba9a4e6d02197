"""Caseload, coverage, actions, calendar and the access matrix of every coaching page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching.models import ActionStatus, CoachingRhythm, Executive, SessionKind
from coaching.tests.factories import (
    ActionFactory,
    CoachingSessionFactory,
    ExecutiveFactory,
    ExecutiveSessionFactory,
)
from culture_of_care.accounts.roles import Role
from tests.factories import WardFactory, user_with_role

TODAY = timezone.localdate


def several_wards(org, coach, count=4):
    wards = []
    for i in range(count):
        ward = WardFactory(organisation=org, name=f"Caseload Ward {i}", qi_coach=coach)
        CoachingSessionFactory(ward=ward, date=TODAY() - timedelta(days=5 + i), coaches=[coach])
        ActionFactory(ward=ward, due_on=TODAY() - timedelta(days=1))
        ActionFactory(ward=ward)
        wards.append(ward)
    return wards


# --- Caseload ------------------------------------------------------------------------------


def test_caseload_shows_contact_actions_and_flags(client_for, qi_coach, ward):
    CoachingSessionFactory(
        ward=ward, date=TODAY() - timedelta(days=60), next_session_on=TODAY() + timedelta(days=3)
    )
    WardFactory(organisation=ward.organisation, name="Quiet Ward", qi_coach=qi_coach)
    recent = WardFactory(organisation=ward.organisation, name="Busy Ward", qi_coach=qi_coach)
    CoachingSessionFactory(ward=recent, date=TODAY() - timedelta(days=2))
    ActionFactory(ward=recent, due_on=TODAY() - timedelta(days=3))
    response = client_for(qi_coach).get(reverse("coaching:caseload"))
    assert response.status_code == 200
    wards = {w.name: w for w in response.context["caseload"].wards}
    assert wards["Willow Ward"].no_recent_contact
    assert wards["Quiet Ward"].no_recent_contact
    assert not wards["Busy Ward"].no_recent_contact
    assert wards["Busy Ward"].overdue_actions == 1
    assert wards["Willow Ward"].next_session == TODAY() + timedelta(days=3)
    assert "No contact for 8 weeks" in response.text  # 60 days: the real duration


def test_caseload_query_count_does_not_grow_with_rows(
    client_for, qi_coach, org, django_assert_max_num_queries
):
    several_wards(org, qi_coach, count=5)
    client = client_for(qi_coach)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("coaching:caseload"))
    assert len(response.context["caseload"].wards) == 6


def test_leadership_caseload_lists_their_organisations(client_for, leadership_coach, org):
    ExecutiveSessionFactory(organisation=org, date=TODAY() - timedelta(days=3))
    response = client_for(leadership_coach).get(reverse("coaching:caseload"))
    assert [o.name for o in response.context["caseload"].organisations] == [org.name]
    assert response.context["caseload"].organisations[0].last_contact == TODAY() - timedelta(days=3)


def test_marking_an_action_done_shows_on_the_caseload(client_for, qi_coach, ward):
    action = ActionFactory(ward=ward, due_on=TODAY() - timedelta(days=2))
    client = client_for(qi_coach)
    before = client.get(reverse("coaching:caseload")).context["caseload"].wards[0]
    assert (before.open_actions, before.overdue_actions) == (1, 1)
    listing = client.get(reverse("coaching:action_list"))
    assert "Mark done" in listing.text
    response = client.post(
        reverse("coaching:action_status", args=[action.pk]),
        {"status": "done", "next": reverse("coaching:action_list")},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    assert action.done_at is not None
    after = client.get(reverse("coaching:caseload")).context["caseload"].wards[0]
    assert (after.open_actions, after.overdue_actions) == (0, 0)


def test_mark_done_with_htmx_returns_the_row(client_for, qi_coach, ward):
    action = ActionFactory(ward=ward)
    response = client_for(qi_coach).post(
        reverse("coaching:action_status", args=[action.pk]),
        {"status": "done"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert f'id="action-{action.pk}"' in response.text
    assert "Done" in response.text


def test_ward_member_cannot_mark_someone_elses_action(client_for, ward_member, ward):
    action = ActionFactory(ward=ward)
    response = client_for(ward_member).post(
        reverse("coaching:action_status", args=[action.pk]), {"status": "done"}
    )
    assert response.status_code == 403


def test_owner_marks_their_own_action(client_for, ward_member, ward):
    action = ActionFactory(ward=ward, owner=ward_member, owner_role="")
    client_for(ward_member).post(
        reverse("coaching:action_status", args=[action.pk]), {"status": "done"}
    )
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE


def test_action_list_overdue_first_and_query_count(
    client_for, qi_coach, org, django_assert_max_num_queries
):
    several_wards(org, qi_coach, count=3)
    client = client_for(qi_coach)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("coaching:action_list"))
    rows = list(response.context["page"])
    assert len(rows) == 6
    assert [r.overdue for r in rows] == [True] * 3 + [False] * 3


def test_action_lists_per_ward_and_organisation(client_for, org_lead, ward, other_ward):
    mine = ActionFactory(ward=ward, description="Our ward action")
    ActionFactory(ward=other_ward, description="Their ward action")
    client = client_for(org_lead)
    text = client.get(reverse("coaching:action_list"), {"ward": ward.pk}).text
    assert mine.description in text
    text = client.get(reverse("coaching:action_list"), {"organisation": "RAA"}).text
    assert "Their ward action" not in text
    assert client.get(reverse("coaching:action_list"), {"ward": other_ward.pk}).status_code == 404


# --- Coverage ------------------------------------------------------------------------------


def test_coverage_counts_and_query_count(
    client_for, programme_lead, org, other_org, qi_coach, django_assert_max_num_queries
):
    several_wards(org, qi_coach, count=3)
    WardFactory(organisation=other_org, name="Never Coached Ward")
    for _ in range(6):
        executive = ExecutiveFactory(organisation=org)
        session = ExecutiveSessionFactory(organisation=org, date=TODAY() - timedelta(days=10))
        session.executives.add(executive)
    for _ in range(5):
        ExecutiveFactory(organisation=other_org)
    client = client_for(programme_lead)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("coaching:coverage"))
    coverage = response.context["coverage"]
    assert coverage.executives_total == 11
    assert coverage.executives_covered == 6
    assert "6 of 11" in response.text
    assert "Never Coached Ward" in [w.name for w in coverage.no_recent_contact]
    assert "The chief executive is worried" not in response.text
    ward_qi = next(r for r in coverage.kind_rows if r["kind"] == "Ward QI coaching")
    assert ward_qi["total"] == 3


def test_executive_coverage_hidden_below_five(client_for, programme_lead, org):
    for _ in range(4):
        executive = ExecutiveFactory(organisation=org)
        ExecutiveSessionFactory(organisation=org).executives.add(executive)
    response = client_for(programme_lead).get(reverse("coaching:coverage"))
    assert "4 of 4" not in response.text
    assert "fewer than 5 people" in response.text


def test_executive_coverage_follows_the_suppression_setting(
    client_for, programme_lead, org, settings
):
    for _ in range(12):
        ExecutiveFactory(organisation=org)
    for executive in Executive.objects.filter(organisation=org)[:6]:
        ExecutiveSessionFactory(organisation=org).executives.add(executive)
    client = client_for(programme_lead)
    assert "6 of 12" in client.get(reverse("coaching:coverage")).text
    # One setting moves every suppressed figure: 6 people are now too few to stand behind one.
    settings.SUPPRESSION = {"min_count": 7, "round_to": 5, "min_bed_days": 100}
    response = client.get(reverse("coaching:coverage"))
    assert "6 of 12" not in response.text
    assert "fewer than 7 people" in response.text


def test_rhythm_setting_changes_coverage(client_for, admin, programme_lead):
    client = client_for(admin)
    response = client.post(reverse("coaching:rhythm"), {"ward_sessions_per_month": "4"})
    assert response.status_code == 302
    assert CoachingRhythm.current().ward_sessions_per_month == 4
    assert "4 ward coaching sessions a month" in client.get(reverse("coaching:coverage")).text
    assert client_for(programme_lead).get(reverse("coaching:rhythm")).status_code == 403
    response = client.post(reverse("coaching:rhythm"), {"ward_sessions_per_month": "0"})
    assert response.status_code == 200
    assert "Error: " in response.text


# --- Calendar ------------------------------------------------------------------------------


def test_calendar_feed_and_reset(client_for, client, qi_coach, ward):
    CoachingSessionFactory(
        ward=ward,
        coaches=[qi_coach],
        next_session_on=TODAY() + timedelta(days=4),
        shared_summary="Private, text; with commas",
    )
    signed_in = client_for(qi_coach)
    signed_in.post(reverse("coaching:calendar"))
    qi_coach.refresh_from_db()
    old_token = qi_coach.calendar_token
    url = reverse("coaching:calendar_feed", args=[old_token])
    feed = client.get(url)  # no login needed
    assert feed.status_code == 200
    assert feed["Content-Type"].startswith("text/calendar")
    body = feed.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n")
    assert body.endswith("END:VCALENDAR\r\n")
    assert f"DTSTART;VALUE=DATE:{TODAY() + timedelta(days=4):%Y%m%d}" in body
    assert "Willow Ward\\, Riverside" in body
    assert "Private" not in body
    signed_in.post(reverse("coaching:calendar"))
    assert client.get(url).status_code == 404
    qi_coach.refresh_from_db()
    assert (
        client.get(reverse("coaching:calendar_feed", args=[qi_coach.calendar_token])).status_code
        == 200
    )


def test_calendar_feed_with_a_wrong_token_is_404(client, db):
    assert client.get(reverse("coaching:calendar_feed", args=["x" * 43])).status_code == 404


def test_ics_folds_and_escapes():
    from coaching.ics import escape_text, fold

    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    folded = fold("SUMMARY:" + "é" * 60)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))


# --- Access matrix --------------------------------------------------------------------------

PAGES = [
    "coaching:caseload",
    "coaching:coverage",
    "coaching:session_list",
    "coaching:session_new",
    "coaching:action_list",
    "coaching:calendar",
    "coaching:executive_list",
    "coaching:rhythm",
]


@pytest.mark.parametrize("name", [*PAGES, "coaching:index"])
def test_anonymous_is_sent_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize(
    ("persona", "name"),
    [
        ("ward_member", "coaching:caseload"),
        ("ward_member", "coaching:coverage"),
        ("qi_coach", "coaching:coverage"),
        ("org_lead", "coaching:session_new"),
        ("ward_member", "coaching:calendar"),
        ("programme_lead", "coaching:executive_list"),
        ("qi_coach", "coaching:executive_list"),
        ("programme_lead", "coaching:rhythm"),
        ("no_role_user", "coaching:session_list"),
        ("no_role_user", "coaching:index"),
    ],
)
def test_wrong_role_is_403(request, client_for, persona, name):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize(
    ("persona", "name"),
    [
        ("qi_coach", "coaching:caseload"),
        ("leadership_coach", "coaching:caseload"),
        ("risk_lead", "coaching:caseload"),
        ("programme_lead", "coaching:coverage"),
        ("admin", "coaching:coverage"),
        ("org_lead", "coaching:session_list"),
        ("executive", "coaching:action_list"),
        ("qi_coach", "coaching:session_new"),
        ("qi_coach", "coaching:calendar"),
        ("leadership_coach", "coaching:executive_list"),
        ("admin", "coaching:rhythm"),
    ],
)
def test_happy_path(request, client_for, persona, name):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize(
    ("persona", "target"),
    [
        ("programme_lead", "coaching:coverage"),
        ("qi_coach", "coaching:caseload"),
        ("org_lead", "coaching:session_list"),
    ],
)
def test_index_sends_each_role_to_its_page(request, client_for, persona, target):
    response = client_for(request.getfixturevalue(persona)).get(reverse("coaching:index"))
    assert response["Location"] == reverse(target)


@pytest.mark.parametrize("persona", ["qi_coach", "org_lead", "leadership_coach", "risk_lead"])
def test_other_organisations_sessions_and_actions_are_404(request, client_for, persona, other_ward):
    session = CoachingSessionFactory(ward=other_ward)
    action = ActionFactory(ward=other_ward, session=session)
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("coaching:session_detail", args=[session.pk])).status_code == 404
    assert client.get(reverse("coaching:session_edit", args=[session.pk])).status_code == 404
    assert (
        client.post(
            reverse("coaching:action_status", args=[action.pk]), {"status": "done"}
        ).status_code
        == 404
    )
    assert client.get(reverse("api:coaching-action-detail", args=[action.pk])).status_code == 404


def test_executive_register_only_their_organisations(client_for, leadership_coach, org, other_org):
    ExecutiveFactory(organisation=org, name="Our Exec")
    ExecutiveFactory(organisation=other_org, name="Their Exec")
    text = client_for(leadership_coach).get(reverse("coaching:executive_list")).text
    assert "Our Exec" in text
    assert "Their Exec" not in text


def test_session_list_and_api_query_counts(
    client_for, admin, org, qi_coach, django_assert_max_num_queries
):
    several_wards(org, qi_coach, count=3)
    ExecutiveSessionFactory(organisation=org)
    client = client_for(admin)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("coaching:session_list"))
    assert response.context["page"].paginator.count == 4
    with django_assert_max_num_queries(14):
        api = client.get(reverse("api:coaching-session-list"))
    assert api.json()["count"] == 4
    with django_assert_max_num_queries(12):
        export = client.get(reverse("coaching:session_export"))
        assert b"".join(export.streaming_content).count(b"\n") == 5


def test_risk_support_sessions_visible_to_risk_lead(client_for, risk_lead, org):
    session = CoachingSessionFactory(
        organisation=org, kind=SessionKind.RISK_SUPPORT, shared_summary="Safety plans"
    )
    text = client_for(risk_lead).get(reverse("coaching:session_detail", args=[session.pk])).text
    assert "Safety plans" in text


def test_another_risk_lead_does_not_see_them(client_for, org, other_org):
    session = CoachingSessionFactory(organisation=org, kind=SessionKind.RISK_SUPPORT)
    adviser = user_with_role(Role.RISK_LEAD, organisation=other_org)
    assert (
        client_for(adviser).get(reverse("coaching:session_detail", args=[session.pk])).status_code
        == 404
    )
