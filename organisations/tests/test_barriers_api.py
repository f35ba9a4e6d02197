"""The barriers API: the same scoping and the same rules as the pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from organisations.models import Barrier, BarrierStatus
from organisations.tests.factories import BarrierFactory

LIST = "/api/v1/barriers/"


def detail(barrier):
    return f"{LIST}{barrier.pk}/"


def test_anonymous_is_refused(client, barrier):
    assert client.get(LIST).status_code in (401, 403)
    assert client.post(LIST, {}).status_code in (401, 403)


def test_org_lead_lists_only_their_organisations_barriers(
    client_for, org_lead, barrier, other_barrier
):
    rows = client_for(org_lead).get(LIST).json()["results"]
    assert [r["id"] for r in rows] == [barrier.id]
    assert rows[0]["organisation"] == barrier.organisation.ods_code
    assert rows[0]["raised_by"] == "Wyn Ward"
    assert [s["kind"] for s in rows[0]["steps"]] == ["raised"]


def test_another_organisations_barrier_is_404(client_for, org_lead, other_barrier):
    client = client_for(org_lead)
    assert client.get(detail(other_barrier)).status_code == 404
    response = client.post(
        f"{detail(other_barrier)}steps/", {"step": "resolve", "what_changed": "x"}
    )
    assert response.status_code == 404
    assert Barrier.objects.get(pk=other_barrier.pk).status == BarrierStatus.RAISED


def test_executives_read_barriers_without_names(client_for, executive, barrier):
    row = client_for(executive).get(detail(barrier)).json()
    assert row["title"] == barrier.title
    assert row["raised_by"] is None
    assert all(s["actor"] is None for s in row["steps"])


def test_ward_member_raises_a_barrier_through_the_api(client_for, ward_member, ward):
    response = client_for(ward_member).post(
        LIST,
        {
            "ward": ward.pk,
            "title": "The ward printer needs an IT ticket for every refill",
            "description": "Two days each time; the community meeting agenda goes unprinted.",
            "kind": "it_data",
            "impact": 1,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    barrier = Barrier.objects.get(pk=response.json()["id"])
    assert barrier.organisation_id == ward.organisation_id
    assert barrier.raised_by == ward_member


def test_raising_refuses_an_nhs_number(client_for, ward_member, ward):
    response = client_for(ward_member).post(
        LIST,
        {
            "ward": ward.pk,
            "title": "Patient 943 476 5919 waited",
            "description": "x",
            "kind": "other",
            "impact": 1,
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "NHS number" in str(response.json()["title"])


@pytest.mark.parametrize("persona", ["executive", "org_lead"])
def test_only_the_ward_team_and_coach_raise(persona, request, client_for, ward):
    response = client_for(request.getfixturevalue(persona)).post(
        LIST,
        {"ward": ward.pk, "title": "t", "description": "d", "kind": "other", "impact": 1},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_raising_for_another_organisations_ward_is_refused(client_for, ward_member, other_ward):
    response = client_for(ward_member).post(
        LIST,
        {"ward": other_ward.pk, "title": "t", "description": "d", "kind": "other", "impact": 1},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert not Barrier.objects.exists()


def test_org_lead_takes_steps_and_a_ward_member_may_not(client_for, org_lead, ward_member, barrier):
    url = f"{detail(barrier)}steps/"
    assert client_for(ward_member).post(url, {"step": "acknowledge"}).status_code == 403
    lead = client_for(org_lead)
    due = (timezone.localdate() + timedelta(days=14)).isoformat()
    bad = lead.post(url, {"step": "plan", "owner": "", "due_on": due, "plan": "p"})
    assert bad.status_code == 400
    assert "Name the person or role" in str(bad.json())
    ok = lead.post(url, {"step": "plan", "owner": "Estates lead", "due_on": due, "plan": "Fix it"})
    assert ok.status_code == 201
    assert ok.json()["status"] == "planned"
    assert ok.json()["steps"][-1]["actor"] == "Olu Lead"


def test_list_query_count_does_not_grow(client_for, django_assert_max_num_queries, org_lead, ward):
    for _ in range(5):
        BarrierFactory(ward=ward)
    client = client_for(org_lead)
    client.get(LIST)  # the session is loaded once
    with django_assert_max_num_queries(12):
        response = client.get(LIST + "?status=open")
    assert len(response.json()["results"]) == 5


def test_the_schema_documents_barriers(client_for, org_lead, db):
    schema = client_for(org_lead).get(reverse("api-schema")).content.decode()
    assert "/api/v1/barriers/" in schema
