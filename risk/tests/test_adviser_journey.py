"""The "done when" journey: an NCISH adviser records a quarter's self-assessment (refused at
level 4 without evidence, accepted with it), ticks a milestone and enters an audit, and the
cohort dashboard reflects each."""

from __future__ import annotations

import re

from django.urls import reverse
from django.utils import timezone

from culture_of_care.periods import quarter_label, quarter_start
from risk.models import (
    CareRecordAudit,
    MilestoneStatus,
    OrganisationMilestone,
    SelfAssessment,
)


def _assessment_post(domains, quarter, *, level=4, evidence=""):
    data = {"quarter": quarter.isoformat()}
    for node in domains:
        data[f"level_{node.code}"] = "2"
        data[f"evidence_{node.code}"] = ""
    first = domains[0]
    data[f"level_{first.code}"] = str(level)
    data[f"evidence_{first.code}"] = evidence
    return data


def _heat_row(html: str, org_name: str) -> str:
    match = re.search(
        rf"<tr[^>]*>\s*<th[^>]*><a[^>]*>{re.escape(org_name)}</a></th>(.*?)</tr>", html, re.S
    )
    assert match, f"no row for {org_name}"
    return match.group(1)


def test_adviser_records_assessment_milestone_and_audit_and_dashboard_reflects_each(
    client_for, risk_lead, participation, domains
):
    org = participation.organisation
    client = client_for(risk_lead)
    quarter = quarter_start(timezone.localdate())
    url = reverse("risk:self_assessment", args=[org.ods_code])

    # Level 4 without evidence: refused, with a message beside the domain.
    response = client.post(url, _assessment_post(domains, quarter, level=4, evidence=""))
    assert response.status_code == 200
    assert "<title>Error:" in response.text
    assert f"Give the evidence for {domains[0].text}" in response.text
    assert not SelfAssessment.objects.exists()

    # With evidence: accepted.
    response = client.post(
        url,
        _assessment_post(domains, quarter, level=4, evidence="New policy approved by the board"),
    )
    assert response.status_code == 302
    assessment = SelfAssessment.objects.get(organisation=org, quarter=quarter)
    assert assessment.assessed_by == risk_lead
    assert assessment.ratings.get(domain=domains[0]).level == 4

    dashboard = client.get(reverse("risk:dashboard")).text
    row = _heat_row(dashboard, org.name)
    assert '>4</span><span class="app-heat__label">Implementing<' in row
    assert "1 of 1 recorded" in dashboard  # this quarter's self-assessments

    # Tick a milestone.
    response = client.post(
        reverse("risk:milestone_edit", args=[org.ods_code, "policy_revised"]),
        {"status": "done", "date": "", "evidence": "Policy v3"},
    )
    assert response.status_code == 200
    assert "Enter the date this milestone was done" in response.text
    response = client.post(
        reverse("risk:milestone_edit", args=[org.ods_code, "policy_revised"]),
        {"status": "done", "date": timezone.localdate().isoformat(), "evidence": "Policy v3"},
    )
    assert response.status_code == 302
    assert OrganisationMilestone.objects.get(organisation=org).status == MilestoneStatus.DONE
    dashboard = client.get(reverse("risk:dashboard")).text
    assert "1 of 8" in dashboard

    # Enter an audit.
    response = client.post(
        reverse("risk:audit_new", args=[org.ods_code]),
        {
            "ward": "",
            "audit_date": timezone.localdate().isoformat(),
            "sample_size": "40",
            "with_formulation": "30",
            "plan_with_person": "24",
            "shared_with_carers": "12",
            "reviewed_on_time": "20",
            "stratified_language": "6",
            "notes": "First audit after the template change",
        },
    )
    assert response.status_code == 302
    assert CareRecordAudit.objects.get(organisation=org).sample_size == 40
    dashboard = client.get(reverse("risk:dashboard")).text
    assert quarter_label(quarter)[:3] in dashboard
    # The adviser supports this organisation, so sees its percentages as entered.
    assert ">75%<" in dashboard
    assert 'role="img"' in dashboard  # the cohort's audit p-charts

    # The organisation's own page shows the same.
    page = client.get(reverse("risk:organisation", args=[org.ods_code])).text
    assert "Implementing" in page and "1 of 8" in page and "75%" in page


def test_ratings_are_compared_with_the_previous_quarter(
    client_for, risk_lead, participation, domains
):
    from culture_of_care.periods import previous_quarter
    from risk.tests.factories import assessment_with_levels

    org = participation.organisation
    quarter = quarter_start(timezone.localdate())
    assessment_with_levels(org, previous_quarter(quarter), 3)
    response = client_for(risk_lead).get(reverse("risk:self_assessment", args=[org.ods_code]))
    label = quarter_label(previous_quarter(quarter))
    assert response.text.count(f"Last quarter ({label}): 3 testing") == len(domains)


def test_saving_again_corrects_the_quarter_rather_than_duplicating_it(
    client_for, risk_lead, participation, domains
):
    org = participation.organisation
    client = client_for(risk_lead)
    quarter = quarter_start(timezone.localdate())
    url = reverse("risk:self_assessment", args=[org.ods_code])
    client.post(url, _assessment_post(domains, quarter, level=1))
    client.post(url, _assessment_post(domains, quarter, level=5, evidence="Audit shows it"))
    assert SelfAssessment.objects.filter(organisation=org).count() == 1
    assert SelfAssessment.objects.get().ratings.get(domain=domains[0]).level == 5


def test_programme_lead_sees_other_organisations_audits_under_small_number_rules(
    client_for, programme_lead, participation, domains
):
    from risk.tests.factories import CareRecordAuditFactory

    org = participation.organisation
    CareRecordAuditFactory(
        organisation=org, sample_size=40, with_formulation=30, stratified_language=3
    )
    dashboard = client_for(programme_lead).get(reverse("risk:dashboard")).text
    assert ">75%<" in dashboard
    assert ">*<" in dashboard  # 3 records still using stratified language: suppressed


def test_an_earlier_quarter_can_be_recorded(client_for, risk_lead, participation, domains):
    from culture_of_care.periods import previous_quarter

    org = participation.organisation
    earlier = previous_quarter(quarter_start(timezone.localdate()))
    response = client_for(risk_lead).post(
        reverse("risk:self_assessment", args=[org.ods_code]),
        _assessment_post(domains, earlier, level=3),
    )
    assert response.status_code == 302
    assert SelfAssessment.objects.get(organisation=org).quarter == earlier


def test_the_service_refuses_level_five_without_evidence(risk_lead, participation, domains):
    import pytest
    from django.core.exceptions import ValidationError

    from risk.services import self_assessment_record

    ratings = {node.code: (1, "") for node in domains}
    ratings[domains[-1].code] = (5, "   ")
    with pytest.raises(ValidationError, match="can only be rated 4 or 5 with evidence"):
        self_assessment_record(
            actor=risk_lead,
            organisation=participation.organisation,
            quarter=quarter_start(timezone.localdate()),
            ratings=ratings,
        )
    assert not SelfAssessment.objects.exists()
