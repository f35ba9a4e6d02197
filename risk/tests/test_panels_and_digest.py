"""The organisation page panel and the adviser's digest reminder."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from culture_of_care.accounts.digest import reminders_for
from risk.models import Cohort
from risk.panels import organisation_panel
from risk.selectors import overdue_self_assessments
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


def test_adviser_is_reminded_of_a_missing_self_assessment(risk_lead, participation, domains):
    org = participation.organisation
    # 10 January 2026: October to December 2025 has ended without a self-assessment.
    lines = overdue_self_assessments(risk_lead, today=date(2026, 1, 10))
    assert lines == [f"Risk self-assessment for October to December 2025 is overdue: {org.name}."]
    # In the last month of a quarter the current one is due as well.
    lines = overdue_self_assessments(risk_lead, today=date(2026, 3, 10))
    assert any("January to March 2026 is due by 31 March" in line for line in lines)
    assessment_with_levels(org, date(2025, 10, 1), 2)
    assert overdue_self_assessments(risk_lead, today=date(2026, 1, 10)) == []


def test_no_reminder_for_organisations_not_yet_started_or_not_advised(
    risk_lead, org_lead, other_org, domains
):
    RiskParticipationFactory(
        organisation=other_org, cohort=Cohort.NOT_YET, adviser=risk_lead, starts_on=None
    )
    assert overdue_self_assessments(risk_lead, today=date(2026, 1, 10)) == []
    assert overdue_self_assessments(org_lead, today=date(2026, 1, 10)) == []


def test_digest_includes_the_risk_reminder(risk_lead, participation):
    # The registered source uses today's date; any adviser with a year-one organisation and no
    # assessment at all has last quarter overdue.
    assert any("Risk self-assessment" in line for line in reminders_for(risk_lead))
