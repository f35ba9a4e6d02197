"""The risk API: read-only, scoped by visible_to."""

from __future__ import annotations

from datetime import date

import pytest

from risk.tests.factories import (
    CareRecordAuditFactory,
    OrganisationMilestoneFactory,
    assessment_with_levels,
)

ENDPOINTS = [
    "/api/v1/risk/participations/",
    "/api/v1/risk/self-assessments/",
    "/api/v1/risk/milestones/",
    "/api/v1/risk/audits/",
]


@pytest.fixture
def risk_data(participation, other_participation):
    for p in (participation, other_participation):
        org = p.organisation
        assessment_with_levels(org, date(2025, 7, 1), 2)
        assessment_with_levels(org, date(2025, 10, 1), 3)
        CareRecordAuditFactory(organisation=org, audit_date=date(2025, 8, 1))
        CareRecordAuditFactory(organisation=org, audit_date=date(2025, 11, 1))
        OrganisationMilestoneFactory(organisation=org)
    return participation.organisation, other_participation.organisation


@pytest.mark.parametrize("url", ENDPOINTS)
def test_anonymous_is_refused(client, url, db):
    assert client.get(url).status_code in (401, 403)


@pytest.mark.parametrize("url", ENDPOINTS)
def test_organisation_lead_reads_only_its_organisation(
    client_for, org_lead, risk_data, url, django_assert_max_num_queries
):
    own, other = risk_data
    client = client_for(org_lead)
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.status_code == 200
    results = response.json()["results"]
    assert results
    assert {row["organisation"] for row in results} == {own.ods_code}


@pytest.mark.parametrize("url", ENDPOINTS)
def test_programme_lead_reads_every_organisation(client_for, programme_lead, risk_data, url):
    own, other = risk_data
    results = client_for(programme_lead).get(url).json()["results"]
    assert {row["organisation"] for row in results} == {own.ods_code, other.ods_code}


def test_self_assessments_carry_a_rating_per_domain(client_for, risk_lead, risk_data, domains):
    own, _other = risk_data
    results = client_for(risk_lead).get("/api/v1/risk/self-assessments/").json()["results"]
    assert [r["quarter"] for r in results] == ["2025-10-01", "2025-07-01"]
    assert len(results[0]["ratings"]) == len(domains)
    assert results[0]["ratings"][0]["label"] == "3 testing"


def test_other_organisations_rows_are_404(client_for, org_lead, risk_data):
    _own, other = risk_data
    from risk.models import CareRecordAudit

    audit = CareRecordAudit.objects.filter(organisation=other).first()
    assert client_for(org_lead).get(f"/api/v1/risk/audits/{audit.pk}/").status_code == 404


def test_writes_are_not_allowed(client_for, risk_lead, risk_data):
    response = client_for(risk_lead).post("/api/v1/risk/audits/", {"sample_size": 10})
    assert response.status_code == 405
