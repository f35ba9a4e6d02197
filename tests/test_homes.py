"""Each role's home page shows its own work (issue 15, item 11), in a bounded number of queries.

The query bounds do not grow with the data: each test adds more of it and asserts the same bound.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching.tests.factories import (
    ActionFactory,
    CoachPairFactory,
    ExecutiveFactory,
    ExecutiveSessionFactory,
)
from culture_of_care.improvement.models import Measure
from culture_of_care.improvement.tests.factories import (
    DataPointFactory,
    ProjectFactory,
    ensure_reference_data,
)
from organisations.tests.factories import BarrierFactory
from risk.tests.factories import risk_scene
from tests.factories import OrganisationFactory, WardFactory

# The most queries each home may take (session, user and role look-ups included).
WARD_HOME_QUERIES = 16
ORGANISATION_HOME_QUERIES = 26
LEADERSHIP_COACH_HOME_QUERIES = 14
RISK_HOME_QUERIES = 15
EXECUTIVE_HOME_QUERIES = 14


def _a_year_of_data(ward, code: str = "rp_all") -> None:
    ensure_reference_data()
    measure = Measure.objects.get(code=code)
    for month in range(1, 13):
        DataPointFactory(
            ward=ward,
            measure=measure,
            period_start=date(2025, month, 1),
            numerator=5 + month % 3,
            denominator=500,
        )


def _home(client, user, django_assert_max_num_queries, limit: int) -> str:
    client.force_login(user)
    with django_assert_max_num_queries(limit):
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_ward_member_home_calls_for_this_months_data_and_shows_charts_at_a_glance(
    client, ward, ward_member, django_assert_max_num_queries
):
    _a_year_of_data(ward)
    html = _home(client, ward_member, django_assert_max_num_queries, WARD_HOME_QUERIES)

    assert "Enter this month's data" in html
    month_link = reverse("improvement:ward_data_month", args=[ward.pk])
    assert month_link in html
    # The call leads to the one-page "this month" form of the ward's project.
    project = ProjectFactory(ward=ward)
    landed = client.get(month_link)
    assert landed.status_code == 302
    assert landed["Location"] == reverse("improvement:data_month", args=[project.pk])
    assert "Your charts at a glance" in html
    measure = Measure.objects.get(code="rp_all")
    assert reverse("charts:ward_chart", args=[ward.pk, measure.pk]) in html
    assert 'class="app-mdc-icon' in html  # the variation icon
    assert "common cause variation" in html or "special cause" in html
    assert "signals to review" not in html

    # More data and more measures: the same number of queries.
    _a_year_of_data(ward, "feel_safe")
    _home(client, ward_member, django_assert_max_num_queries, WARD_HOME_QUERIES)


@pytest.mark.django_db
def test_org_lead_home_shows_measures_risk_overdue_actions_and_barriers(
    client, org, ward, org_lead, django_assert_max_num_queries
):
    _a_year_of_data(ward)
    risk_scene(org)
    late = ActionFactory(
        ward=ward, description="Book the bank staff", due_on=timezone.localdate() - timedelta(3)
    )
    ActionFactory(ward=ward, description="Not due yet")
    BarrierFactory(ward=ward)
    other = OrganisationFactory(ods_code="RZZ")
    ActionFactory(
        organisation=other,
        description="Someone else's overdue action",
        due_on=timezone.localdate() - timedelta(3),
    )

    html = _home(client, org_lead, django_assert_max_num_queries, ORGANISATION_HOME_QUERIES)

    assert "Measures across your wards" in html
    assert reverse("charts:organisation_summary", args=[org.ods_code]) in html
    assert "Risk: personalised approach to safety" in html
    assert "Milestones done" in html
    assert "Overdue actions" in html
    assert late.description in html
    assert "Not due yet" not in html
    assert "Someone else" not in html
    assert "1 barrier raised by wards waiting for a response" in html
    assert "Wards in the programme" not in html  # no bare ward list
    assert "signals to review" not in html

    for n in range(3):
        ActionFactory(ward=WardFactory(organisation=org), due_on=date(2025, 1, n + 1))
        BarrierFactory(ward=ward)
    _home(client, org_lead, django_assert_max_num_queries, ORGANISATION_HOME_QUERIES)


@pytest.mark.django_db
def test_leadership_coach_home_lists_their_executives_and_sessions_due(
    client, org, leadership_coach, django_assert_max_num_queries
):
    pair = CoachPairFactory(organisation=org, lived_experience_coach=leadership_coach)
    recent = ExecutiveFactory(organisation=org, name="Ada Recent", coach_pair=pair)
    ExecutiveSessionFactory(
        organisation=org,
        date=timezone.localdate() - timedelta(days=10),
        next_session_on=timezone.localdate() + timedelta(days=20),
    ).executives.add(recent)
    ExecutiveFactory(organisation=org, name="Bo Waiting", coach_pair=pair)
    ExecutiveFactory(organisation=OrganisationFactory(ods_code="RZZ"), name="Not Theirs")

    html = _home(
        client, leadership_coach, django_assert_max_num_queries, LEADERSHIP_COACH_HOME_QUERIES
    )

    assert "My executives" in html
    assert "Ada Recent" in html
    assert "Next session: " in html
    assert "Not Theirs" not in html
    assert "Sessions due" in html
    assert "Bo Waiting, Chief Nurse" in html  # no session yet, long after coaching started
    assert "Wards in the programme" not in html

    for n in range(3):
        ExecutiveFactory(organisation=org, name=f"Extra {n}", coach_pair=pair)
    _home(client, leadership_coach, django_assert_max_num_queries, LEADERSHIP_COACH_HOME_QUERIES)


@pytest.mark.django_db
def test_ncish_adviser_home_shows_their_organisations_risk_work(
    client, org, risk_lead, django_assert_max_num_queries
):
    risk_scene(org, adviser=risk_lead)
    elsewhere = OrganisationFactory(ods_code="RZZ", name="Elsewhere Trust")
    risk_scene(elsewhere)

    html = _home(client, risk_lead, django_assert_max_num_queries, RISK_HOME_QUERIES)

    assert "My organisations' risk work" in html
    assert reverse("risk:organisation", args=[org.ods_code]) in html
    assert "Latest self-assessment" in html
    assert "Milestones done: 1 of" in html
    assert "Elsewhere Trust" not in html
    assert "Wards in the programme" not in html

    second = OrganisationFactory(ods_code="RYY")
    risk_scene(second, adviser=risk_lead)
    html = _home(client, risk_lead, django_assert_max_num_queries, RISK_HOME_QUERIES)
    assert second.name in html


@pytest.mark.django_db
def test_executive_home_shows_their_sessions_and_actions_only(
    client, org, executive, django_assert_max_num_queries
):
    record = ExecutiveFactory(organisation=org, user=executive, name=executive.full_name)
    session = ExecutiveSessionFactory(organisation=org)
    session.executives.add(record)
    ActionFactory(organisation=org, session=session, description="Walk the wards monthly")

    html = _home(client, executive, django_assert_max_num_queries, EXECUTIVE_HOME_QUERIES)

    assert "Your coaching" in html
    assert "Walk the wards monthly" in html
    assert "signals to review" not in html
    assert "dashboard" not in html.lower().split("<main", 1)[1]


@pytest.mark.django_db
def test_this_month_link_of_another_organisations_ward_is_not_found(client, ward, other_org_member):
    client.force_login(other_org_member)
    response = client.get(reverse("improvement:ward_data_month", args=[ward.pk]))
    assert response.status_code == 404
