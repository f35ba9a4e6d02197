"""Organisation and ward pages: each role against its own and another organisation."""

from __future__ import annotations

import pytest
from django.urls import reverse

PERSONAS_WITH_OWN_ORG = [
    "admin",
    "programme_lead",
    "org_lead",
    "qi_coach",
    "ward_member",
    "leadership_coach",
    "risk_lead",
    "executive",
]


@pytest.mark.parametrize("persona", PERSONAS_WITH_OWN_ORG)
def test_every_role_sees_its_own_organisation_and_ward(persona, request, client_for, org, ward):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    assert client.get(reverse("organisations:detail", args=[org.ods_code])).status_code == 200
    response = client.get(reverse("wards:detail", args=[ward.pk]))
    assert response.status_code == 200
    assert "Willow Ward" in response.text


@pytest.mark.parametrize(
    "persona", ["org_lead", "qi_coach", "ward_member", "leadership_coach", "risk_lead", "executive"]
)
def test_other_organisation_pages_are_404(persona, request, client_for, other_ward):
    client = client_for(request.getfixturevalue(persona))
    other_org = other_ward.organisation
    assert client.get(reverse("organisations:detail", args=[other_org.ods_code])).status_code == 404
    assert client.get(reverse("wards:detail", args=[other_ward.pk])).status_code == 404
    assert client.get(reverse("organisations:invite", args=[other_org.ods_code])).status_code == 404


def test_lists_show_only_what_the_user_reaches(client_for, org_lead, ward, other_ward):
    client = client_for(org_lead)
    orgs = client.get(reverse("organisations:list")).text
    assert ward.organisation.name in orgs
    assert other_ward.organisation.name not in orgs
    wards = client.get(reverse("wards:list")).text
    assert "Willow Ward" in wards
    assert "Cedar Ward" not in wards


def test_anonymous_is_sent_to_sign_in(client, ward):
    for url in (
        reverse("home"),
        reverse("organisations:list"),
        reverse("wards:list"),
        reverse("wards:detail", args=[ward.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]


def test_user_with_no_role_sees_nothing(client_for, no_role_user, ward):
    client = client_for(no_role_user)
    assert "do not have access" in client.get(reverse("home")).text
    assert client.get(reverse("wards:detail", args=[ward.pk])).status_code == 404
    assert "Willow Ward" not in client.get(reverse("wards:list")).text
