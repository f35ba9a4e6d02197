"""Issue 15 item 2: organisation leads (their own organisation) and programme admins manage
people without the Django admin; every change is audited and reach changes at once."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from culture_of_care.accounts.models import Invitation, RoleAssignment
from culture_of_care.accounts.roles import Role
from culture_of_care.accounts.services import invitation_create
from culture_of_care.audit.models import AuditEntry
from culture_of_care.history.models import EVENT_MODELS
from tests.factories import RoleAssignmentFactory, UserFactory


def _person_url(name, org, user):
    return reverse(f"organisations:{name}", args=[org.ods_code, user.pk])


@pytest.mark.parametrize("manager", ["org_lead", "admin"])
def test_leaver_is_deactivated_and_loses_reach_at_once(
    request, client_for, manager, org, ward, ward_member
):
    manager_user = request.getfixturevalue(manager)
    client = client_for(manager_user)
    leaver_client = client_for(ward_member)
    assert leaver_client.get(reverse("wards:detail", args=[ward.pk])).status_code == 200

    people = client.get(reverse("organisations:people", args=[org.ods_code]))
    assert people.status_code == 200
    assert "Wyn Ward" in people.text
    confirm = client.get(_person_url("person_deactivate", org, ward_member))
    assert "This takes effect at once" in confirm.text
    response = client.post(_person_url("person_deactivate", org, ward_member))
    assert response.status_code == 302

    ward_member.refresh_from_db()
    assert not ward_member.is_active
    # Their open session is no longer signed in.
    after = leaver_client.get(reverse("wards:detail", args=[ward.pk]))
    assert after.status_code == 302 and reverse("account_login") in after["Location"]
    # The history (database triggers) keeps who switched them off and ended their role.
    by_manager = {"pgh_context__user": manager_user.pk}
    assert (
        EVENT_MODELS["accounts.user"]
        .objects.filter(pgh_obj_id=ward_member.pk, is_active=False, **by_manager)
        .exists()
    )
    assert (
        EVENT_MODELS["accounts.roleassignment"]
        .objects.filter(
            user_id=ward_member.pk, organisation_id=org.pk, ends_on__isnull=False, **by_manager
        )
        .exists()
    )
    listing = client.get(reverse("organisations:people", args=[org.ods_code])).text
    assert "ward@example.org" not in listing


def test_lead_changes_roles_and_reach_follows(client_for, org_lead, org, ward, ward_member):
    from tests.factories import WardFactory

    second = WardFactory(organisation=org, name="Rowan Ward")
    client = client_for(org_lead)
    response = client.post(
        _person_url("person", org, ward_member),
        {"roles": [Role.EXECUTIVE], "wards": [second.pk]},
    )
    assert response.status_code == 302
    current = RoleAssignment.objects.current().filter(user=ward_member)
    assert {(a.role, a.ward_id) for a in current} == {
        (Role.EXECUTIVE, None),
        (Role.WARD_MEMBER, second.pk),
    }
    granted = EVENT_MODELS["accounts.roleassignment"].objects.filter(
        pgh_label="insert", user_id=ward_member.pk, pgh_context__user=org_lead.pk
    )
    assert granted.count() == 2
    member_client = client_for(ward_member)
    assert member_client.get(reverse("wards:detail", args=[second.pk])).status_code == 200
    # Give the old ward back, then remove everything but the executive role: the ward goes.
    client.post(_person_url("person", org, ward_member), {"roles": [Role.EXECUTIVE]})
    assert not RoleAssignment.objects.current().filter(user=ward_member, ward=second).exists()


def test_lead_cannot_give_programme_roles_or_remove_their_own_lead_role(
    client_for, org_lead, org, ward_member
):
    client = client_for(org_lead)
    refused = client.post(
        _person_url("person", org, ward_member), {"roles": [Role.LEADERSHIP_COACH]}
    )
    assert refused.status_code == 200
    assert "<title>Error: " in refused.text
    assert not RoleAssignment.objects.filter(user=ward_member, role=Role.LEADERSHIP_COACH).exists()

    own = client.post(_person_url("person", org, org_lead), {"roles": [Role.EXECUTIVE]})
    assert "You cannot remove your own organisation lead role" in own.text
    assert (
        RoleAssignment.objects.current().filter(user=org_lead, role=Role.ORGANISATION_LEAD).exists()
    )
    assert client.post(_person_url("person_deactivate", org, org_lead)).status_code == 302
    org_lead.refresh_from_db()
    assert org_lead.is_active


def test_invitation_is_resent_and_withdrawn(
    client_for, org_lead, org, ward, django_capture_on_commit_callbacks
):
    newcomer = UserFactory(email="new@example.org", full_name="Nan New", password=None)
    RoleAssignmentFactory(user=newcomer, role=Role.WARD_MEMBER, organisation=org, ward=ward)
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(user=newcomer)
    first_link = re.search(r"/accounts/invitation/\S+/", mail.outbox[-1].body).group(0)
    client = client_for(org_lead)
    page = client.get(_person_url("person", org, newcomer))
    assert "Send a new invitation" in page.text

    with django_capture_on_commit_callbacks(execute=True):
        client.post(_person_url("person_invitation", org, newcomer), {"action": "resend"})
    assert len(mail.outbox) == 2
    second_link = re.search(r"/accounts/invitation/\S+/", mail.outbox[-1].body).group(0)
    from django.test import Client

    assert Client().get(first_link).status_code == 410
    assert Client().get(second_link).status_code == 200

    client.post(_person_url("person_invitation", org, newcomer), {"action": "revoke"})
    assert Client().get(second_link).status_code == 410
    assert not Invitation.objects.usable().filter(user=newcomer).exists()
    assert AuditEntry.objects.filter(action="invitation.revoke", organisation=org).exists()


@pytest.mark.parametrize("name", ["people", "person", "person_deactivate"])
def test_people_pages_refuse_others(
    name, client, client_for, org, ward_member, other_org_member, executive
):
    url = (
        reverse("organisations:people", args=[org.ods_code])
        if name == "people"
        else _person_url(name, org, ward_member)
    )
    assert client.get(url).status_code == 302  # anonymous: to sign in
    assert client_for(other_org_member).get(url).status_code == 404
    assert client_for(executive).get(url).status_code == 403
    # A person outside the organisation is not found, even by its lead.
    if name != "people":
        other_url = _person_url(name, org, other_org_member)
        from tests.factories import user_with_role

        lead = user_with_role(Role.ORGANISATION_LEAD, organisation=org, email="l2@example.org")
        assert client_for(lead).get(other_url).status_code == 404


def test_people_list_query_count(client_for, org_lead, org, ward, django_assert_max_num_queries):
    for n in range(3):
        user = UserFactory(email=f"p{n}@example.org")
        RoleAssignmentFactory(user=user, role=Role.WARD_MEMBER, organisation=org, ward=ward)
    client = client_for(org_lead)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("organisations:people", args=[org.ods_code]))
    assert response.text.count("@example.org</span>") == 4
