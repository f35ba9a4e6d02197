"""The organisation page panel and the quarterly self-assessment reminder."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils import timezone

from culture_of_care.notifications.selectors import due_items_for
from risk.models import Cohort
from risk.panels import organisation_panel
from risk.selectors import self_assessments_due_for
from risk.tests.factories import (
    OrganisationMilestoneFactory,
    RiskParticipationFactory,
    assessment_with_levels,
)


def test_panel_summarises_cohort_maturity_and_milestones(org_lead, participation):
    org = participation.organisation
    assessment_with_levels(org, date(2025, 10, 1), 4)
    OrganisationMilestoneFactory(organisation=org)
    panel = organisation_panel(org_lead, org)
    assert panel["participation"].cohort == Cohort.YEAR_ONE
    assert panel["maturity"]["median"] == 4
    assert panel["maturity"]["quarter"] == "October to December 2025"
    assert panel["milestones_done"] == 1
    assert panel["milestone_total"] == 8


def test_panel_hidden_from_people_who_do_not_see_risk_pages(
    ward_member, other_org_member, participation
):
    assert organisation_panel(ward_member, participation.organisation) is None
    assert organisation_panel(other_org_member, participation.organisation) is None


def test_organisation_page_shows_the_panel(client_for, org_lead, participation):
    response = client_for(org_lead).get(
        reverse("organisations:detail", args=[participation.organisation.ods_code])
    )
    assert response.status_code == 200
    assert "Risk: personalised approach to safety" in response.text


def _texts(user, today):
    return [item.text for item in self_assessments_due_for(user, today)]


def test_adviser_and_org_lead_are_reminded_of_a_missing_self_assessment(
    risk_lead, org_lead, participation, domains
):
    org = participation.organisation
    # 10 January 2026: October to December 2025 has ended without a self-assessment.
    expected = [
        f"{org.name}: the risk self-assessment for October to December 2025 was due by 31 December."
    ]
    assert _texts(risk_lead, date(2026, 1, 10)) == expected
    assert _texts(org_lead, date(2026, 1, 10)) == expected
    # Not in the second month of the quarter: nothing new is due yet.
    assessment_with_levels(org, date(2025, 10, 1), 2)
    assert _texts(risk_lead, date(2026, 2, 28)) == []
    # In the last month of a quarter the current one is due as well.
    assert _texts(risk_lead, date(2026, 3, 1)) == [
        f"{org.name}: the risk self-assessment for January to March 2026 is due by 31 March."
    ]
    item = self_assessments_due_for(risk_lead, date(2026, 3, 1))[0]
    assert item.url == reverse("risk:self_assessment", args=[org.ods_code])


def test_no_reminder_for_organisations_not_yet_started_or_not_advised(
    risk_lead, org_lead, other_org, domains
):
    RiskParticipationFactory(
        organisation=other_org, cohort=Cohort.NOT_YET, adviser=risk_lead, starts_on=None
    )
    assert self_assessments_due_for(risk_lead, date(2026, 1, 10)) == []
    assert self_assessments_due_for(org_lead, date(2026, 1, 10)) == []


def test_the_in_app_list_includes_the_risk_reminder(risk_lead, participation):
    # Any adviser with a year-one organisation and no assessment at all has last quarter due.
    items = due_items_for(risk_lead, timezone.localdate())
    assert any(i.kind == "risk_self_assessment" for i in items)
