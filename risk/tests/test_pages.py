"""Risk pages against each persona: who may see, who may change, who gets 404 or 403."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from culture_of_care.accounts.roles import Role
from culture_of_care.periods import quarter_start
from risk.models import (
    CareRecordAudit,
    Cohort,
    MilestoneStatus,
    OrganisationMilestone,
    RiskParticipation,
    SelfAssessment,
)
from risk.tests.factories import (
    CareRecordAuditFactory,
    PracticeExampleFactory,
    RiskParticipationFactory,
    assessment_with_levels,
)
from tests.factories import OrganisationFactory, user_with_role

READ_PAGES = ["risk:organisation", "risk:milestones", "risk:audits"]
WRITE_PAGES = ["risk:self_assessment", "risk:audit_new", "risk:practice_new"]


def org_urls(org, names):
    return [reverse(name, args=[org.ods_code]) for name in names]


def milestone_url(org):
    return reverse("risk:milestone_edit", args=[org.ods_code, "policy_revised"])


@pytest.mark.parametrize("name", READ_PAGES + WRITE_PAGES)
def test_anonymous_is_sent_to_sign_in(client, participation, name):
    response = client.get(reverse(name, args=[participation.organisation.ods_code]))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize(
    "url_name",
    [
        "risk:dashboard",
        "risk:practice_list",
        "risk:participation_list",
        "risk:milestone_definitions",
    ],
)
def test_anonymous_is_sent_to_sign_in_from_programme_pages(client, db, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("persona", ["org_lead", "risk_lead", "executive", "leadership_coach"])
def test_other_organisations_risk_pages_are_404(
    persona, request, client_for, participation, other_participation
):
    client = client_for(request.getfixturevalue(persona))
    other = other_participation.organisation
    for url in [*org_urls(other, READ_PAGES + WRITE_PAGES), milestone_url(other)]:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code == 404, url


def test_ward_team_members_do_not_reach_the_organisations_risk_pages(
    client_for, ward_member, participation
):
    client = client_for(ward_member)
    for url in org_urls(participation.organisation, READ_PAGES):
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("persona", ["executive", "leadership_coach", "programme_lead"])
def test_roles_that_only_read_get_403_on_writes(persona, request, client_for, participation):
    client = client_for(request.getfixturevalue(persona))
    org = participation.organisation
    for url in org_urls(org, READ_PAGES):
        assert client.get(url).status_code == 200, url
    for url in [*org_urls(org, WRITE_PAGES), milestone_url(org)]:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url
    # Posting the staff-trained figure on the (readable) milestones page is a write too.
    response = client.post(
        reverse("risk:milestones", args=[org.ods_code]),
        {"staff_trained_percent": "50", "staff_trained_on": "2025-10-01"},
    )
    assert response.status_code == 403
    assert RiskParticipation.objects.get(pk=participation.pk).staff_trained_percent is None


@pytest.mark.parametrize("persona", ["org_lead", "risk_lead", "programme_lead", "executive"])
def test_cohort_moves_are_for_programme_admins_only(persona, request, client_for, participation):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("risk:participation_list")).status_code == 403
    assert client.get(reverse("risk:milestone_definitions")).status_code == 403
    url = reverse("risk:participation_edit", args=[participation.organisation.ods_code])
    assert client.post(url, {"cohort": "not_yet"}).status_code == 403
    assert RiskParticipation.objects.get(pk=participation.pk).cohort == Cohort.YEAR_ONE


def test_cohort_move_of_an_unreachable_organisation_is_404(client_for, org_lead, other_org):
    url = reverse("risk:participation_edit", args=[other_org.ods_code])
    assert client_for(org_lead).post(url, {"cohort": "year_one"}).status_code == 404


def test_admin_moves_an_organisation_into_year_two_and_its_risk_project_starts(
    client_for, admin, org, risk_lead, domains
):
    client = client_for(admin)
    url = reverse("risk:participation_edit", args=[org.ods_code])
    response = client.post(url, {"cohort": "year_two", "starts_on": "", "adviser": risk_lead.pk})
    assert response.status_code == 200
    assert "Enter the date this organisation starts the cohort" in response.text
    response = client.post(
        url, {"cohort": "year_two", "starts_on": "2026-04-01", "adviser": risk_lead.pk}
    )
    assert response.status_code == 302
    participation = RiskParticipation.objects.get(organisation=org)
    assert participation.cohort == Cohort.YEAR_TWO
    assert participation.adviser == risk_lead
    project = org.projects.get(kind="risk", ward__isnull=True)
    assert project.change_theory.level == "risk"
    listing = client.get(reverse("risk:participation_list"))
    assert "Year two (spread)" in listing.text


def test_organisation_lead_sees_own_organisation_view_from_the_dashboard(
    client_for, org_lead, participation
):
    response = client_for(org_lead).get(reverse("risk:dashboard"))
    assert response.status_code == 302
    assert response["Location"] == reverse("risk:organisation", args=[org_lead_org(participation)])


def org_lead_org(participation):
    return participation.organisation.ods_code


def test_organisation_page_shows_its_work(client_for, org_lead, participation, domains):
    org = participation.organisation
    assessment_with_levels(org, date(2025, 7, 1), 2)
    assessment_with_levels(org, date(2025, 10, 1), 4)
    CareRecordAuditFactory(organisation=org, sample_size=40, with_formulation=30)
    response = client_for(org_lead).get(reverse("risk:organisation", args=[org.ods_code]))
    assert response.status_code == 200
    text = response.text
    assert "Year one (close support)" in text
    assert "October to December 2025" in text and "July to September 2025" in text
    assert "Implementing" in text and "Planning" in text
    assert "75%" in text  # 30 of 40 records with a safety formulation, shown as entered


def test_ward_members_see_a_page_about_their_organisations_risk_work(client_for, ward_member):
    response = client_for(ward_member).get(reverse("risk:dashboard"))
    assert response.status_code == 200
    assert "NCISH adviser" in response.text


def test_practice_list_query_count(
    client_for, org_lead, participation, other_participation, django_assert_max_num_queries
):
    for _ in range(3):
        PracticeExampleFactory(organisation=other_participation.organisation)
    client = client_for(org_lead)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("risk:practice_list"))
    assert response.status_code == 200
    assert response.text.count("Rewriting our clinical risk policy") == 3


def test_dashboard_query_count_does_not_grow_with_organisations(
    client_for, programme_lead, domains, django_assert_max_num_queries
):
    for i in range(4):
        org = OrganisationFactory(ods_code=f"RQ{i}")
        RiskParticipationFactory(organisation=org, cohort=Cohort.YEAR_ONE)
        assessment_with_levels(org, date(2025, 10, 1), i)
        CareRecordAuditFactory(organisation=org)
    client = client_for(programme_lead)
    with django_assert_max_num_queries(18):
        response = client.get(reverse("risk:dashboard"))
    assert response.status_code == 200
    assert response.text.count('href="/risk/RQ') >= 8


def test_audit_page_query_count(client_for, org_lead, participation, django_assert_max_num_queries):
    org = participation.organisation
    for i, day in enumerate([date(2025, 5, 1), date(2025, 8, 1), date(2025, 11, 1)]):
        CareRecordAuditFactory(organisation=org, audit_date=day, with_formulation=10 + i * 5)
    client = client_for(org_lead)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("risk:audits", args=[org.ods_code]))
    assert response.status_code == 200
    assert response.text.count('role="img"') >= 5


def test_participation_list_query_count(
    client_for, admin, participation, other_participation, django_assert_max_num_queries
):
    client = client_for(admin)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("risk:participation_list"))
    assert response.status_code == 200
    assert participation.organisation.name in response.text
    assert other_participation.organisation.name in response.text


def test_milestone_checklist_shows_status(client_for, org_lead, participation):
    org = participation.organisation
    from risk.tests.factories import OrganisationMilestoneFactory, milestone

    OrganisationMilestoneFactory(organisation=org, milestone=milestone("policy_revised"))
    response = client_for(org_lead).get(reverse("risk:milestones", args=[org.ods_code]))
    assert response.status_code == 200
    assert "Clinical risk policy rewritten without stratification" in response.text
    assert response.text.count("Not started") == 7


def test_admin_edits_the_milestone_checklist(client_for, admin, db):
    client = client_for(admin)
    response = client.post(
        reverse("risk:milestone_definition_new"),
        {
            "code": "peer_review",
            "name": "Peer review of safety plans",
            "evidence_hint": "Minutes",
            "order": "90",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("risk:milestone_definitions"))
    assert "Peer review of safety plans" in page.text


def test_staff_trained_must_be_a_percentage(client_for, risk_lead, participation):
    client = client_for(risk_lead)
    url = reverse("risk:milestones", args=[participation.organisation.ods_code])
    response = client.post(url, {"staff_trained_percent": "140", "staff_trained_on": "2025-10-01"})
    assert response.status_code == 200
    assert "Enter a percentage from 0 to 100" in response.text
    assert "<title>Error:" in response.text
    response = client.post(url, {"staff_trained_percent": "65", "staff_trained_on": "2025-10-01"})
    assert response.status_code == 302
    participation.refresh_from_db()
    assert participation.staff_trained_percent == 65


def test_audit_counts_cannot_exceed_the_sample_or_be_negative(client_for, risk_lead, participation):
    client = client_for(risk_lead)
    url = reverse("risk:audit_new", args=[participation.organisation.ods_code])
    data = {
        "ward": "",
        "audit_date": "2025-11-01",
        "sample_size": "20",
        "with_formulation": "25",
        "plan_with_person": "-1",
        "shared_with_carers": "5",
        "reviewed_on_time": "5",
        "stratified_language": "5",
        "notes": "",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "cannot be more than the number of records audited (20)" in response.text
    assert "cannot be negative" in response.text
    assert not CareRecordAudit.objects.exists()


def test_audit_ward_must_belong_to_the_organisation(
    client_for, risk_lead, participation, other_ward
):
    client = client_for(risk_lead)
    url = reverse("risk:audit_new", args=[participation.organisation.ods_code])
    response = client.post(
        url,
        {
            "ward": other_ward.pk,
            "audit_date": "2025-11-01",
            "sample_size": "20",
            "with_formulation": "5",
            "plan_with_person": "5",
            "shared_with_carers": "5",
            "reviewed_on_time": "5",
            "stratified_language": "5",
        },
    )
    assert response.status_code == 200
    assert not CareRecordAudit.objects.exists()


def test_nhs_numbers_are_refused_in_evidence(client_for, risk_lead, participation):
    client = client_for(risk_lead)
    url = milestone_url(participation.organisation)
    response = client.post(
        url, {"status": "in_progress", "date": "", "evidence": "Seen 943 476 5919"}
    )
    assert response.status_code == 200
    assert "NHS number" in response.text
    assert not OrganisationMilestone.objects.exists()


def test_programme_lead_sees_suppressed_audit_numbers_on_an_organisations_page(
    client_for, programme_lead, risk_lead, participation
):
    org = participation.organisation
    CareRecordAuditFactory(
        organisation=org, sample_size=43, with_formulation=3, plan_with_person=17
    )
    outsider = client_for(programme_lead).get(reverse("risk:audits", args=[org.ods_code])).text
    assert "small-number rules" in outsider
    assert ">43</td>" not in outsider and ">45</td>" in outsider  # the sample, rounded to 5
    assert ">* (*)<" in outsider  # 3 records: starred, percentage suppressed
    adviser = client_for(risk_lead).get(reverse("risk:audits", args=[org.ods_code])).text
    assert ">43</td>" in adviser and "3 (7%)" in adviser


def test_changing_the_small_number_setting_changes_the_suppressed_audit_figures(
    client_for, programme_lead, participation, settings
):
    org = participation.organisation
    CareRecordAuditFactory(
        organisation=org, sample_size=43, with_formulation=7, plan_with_person=17
    )
    url = reverse("risk:audits", args=[org.ods_code])
    client = client_for(programme_lead)
    assert ">5 (16%)<" in client.get(url).text  # 7 records: shown, rounded to 5
    settings.SUPPRESSION = {"min_count": 10, "round_to": 5, "min_bed_days": 100}
    page = client.get(url).text
    assert ">5 (16%)<" not in page
    assert ">* (*)<" in page  # 7 is now under the threshold
    assert ">15 (40%)<" in page  # 17 of 43 is still shown, rounded


def test_the_current_quarter_is_the_default(client_for, risk_lead, participation, domains):
    response = client_for(risk_lead).get(
        reverse("risk:self_assessment", args=[participation.organisation.ods_code])
    )
    assert response.status_code == 200
    current = quarter_start(timezone.localdate())
    assert f'value="{current.isoformat()}" selected' in response.text
    assert response.text.count('type="radio"') == 6 * len(domains)


def test_role_holder_without_organisation_does_not_see_any_risk_page(
    client_for, no_role_user, participation
):
    client = client_for(no_role_user)
    assert (
        client.get(
            reverse("risk:organisation", args=[participation.organisation.ods_code])
        ).status_code
        == 404
    )
    assert client.get(reverse("risk:practice_list")).status_code == 404


def test_national_ncish_lead_reads_every_organisation(
    client_for, participation, other_participation
):
    national = user_with_role(Role.RISK_LEAD)
    client = client_for(national)
    response = client.get(reverse("risk:dashboard"))
    assert participation.organisation.name in response.text
    assert other_participation.organisation.name in response.text
    # ...but changes none of them without an assignment to the organisation.
    url = reverse("risk:audit_new", args=[other_participation.organisation.ods_code])
    assert client.get(url).status_code == 403
    assert not SelfAssessment.objects.exists()
    assert MilestoneStatus.DONE == "done"


def test_organisation_page_lists_risk_support_sessions(client_for, org_lead, participation):
    from coaching.tests.factories import CoachingSessionFactory

    org = participation.organisation
    CoachingSessionFactory(
        organisation=org, kind="risk_support", shared_summary="Walked through the new templates."
    )
    CoachingSessionFactory(organisation=org, kind="organisation", shared_summary="Rostering.")
    text = client_for(org_lead).get(reverse("risk:organisation", args=[org.ods_code])).text
    assert "Walked through the new templates." in text
    assert "Rostering." not in text
