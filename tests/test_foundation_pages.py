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


def test_org_lead_invites_a_ward_member_to_their_ward(
    client_for, org_lead, ward, django_capture_on_commit_callbacks
):
    from django.core import mail

    from culture_of_care.accounts.models import RoleAssignment

    client = client_for(org_lead)
    url = reverse("organisations:invite", args=[ward.organisation.ods_code])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "full_name": "Pat Peer",
                "email": "Pat.Peer@Example.org",
                "ward": ward.pk,
                "lived_experience": "on",
            },
        )
    assert response.status_code == 302
    assert RoleAssignment.objects.filter(
        user__email="pat.peer@example.org", role="ward_member", ward=ward
    ).exists()
    assert [m.to for m in mail.outbox] == [["pat.peer@example.org"]]


def test_org_lead_cannot_invite_to_another_organisations_ward(
    client_for, org_lead, ward, other_ward
):
    from culture_of_care.accounts.models import RoleAssignment

    client = client_for(org_lead)
    url = reverse("organisations:invite", args=[ward.organisation.ods_code])
    response = client.post(
        url, {"full_name": "Sly Fox", "email": "sly@example.org", "ward": other_ward.pk}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert "<title>Error: " in response.text
    assert not RoleAssignment.objects.filter(user__email="sly@example.org").exists()


def test_invite_form_explains_missing_fields(client_for, org_lead, ward):
    response = client_for(org_lead).post(
        reverse("organisations:invite", args=[ward.organisation.ods_code]),
        {"full_name": "", "email": "", "ward": ""},
    )
    assert "Enter the person&#x27;s full name." in response.text
    assert "Choose the ward this person works on." in response.text


@pytest.mark.parametrize("persona", ["ward_member", "qi_coach", "executive", "programme_lead"])
def test_roles_that_cannot_manage_people_get_403_on_invite(persona, request, client_for, ward):
    client = client_for(request.getfixturevalue(persona))
    url = reverse("organisations:invite", args=[ward.organisation.ods_code])
    assert client.get(url).status_code == 403


@pytest.mark.parametrize(
    ("persona", "heading"),
    [
        ("admin", "Programme overview"),
        ("programme_lead", "Programme overview"),
        ("qi_coach", "My wards"),
        ("ward_member", "Willow Ward"),
        ("org_lead", "Riverside Mental Health NHS Trust"),
    ],
)
def test_each_role_lands_on_its_own_home(persona, heading, request, client_for, ward):
    response = client_for(request.getfixturevalue(persona)).get(reverse("home"))
    assert response.status_code == 200
    assert f'<h1 class="nhsuk-heading-xl">{heading}</h1>' in response.text


def test_programme_overview_counts(client_for, programme_lead, ward, other_ward):
    text = client_for(programme_lead).get(reverse("home")).text
    assert '<span class="app-count">2</span> organisations' in text
    assert '<span class="app-count">2</span> wards' in text


def test_header_marks_exactly_one_current_section(client_for, admin):
    text = client_for(admin).get(reverse("organisations:import")).text
    assert text.count('aria-current="page"') == 1
    current = text.split('aria-current="page"')[1][:120]
    assert "Onboarding" in current
