"""Single sign-on through a real OpenID Connect provider process on loopback (tests/oidc_provider.py):
linking at invitation and from the account page, signing in, refusing unknown accounts, automatic
linking by verified e-mail domain, and the MFA rule for programme admins and leads."""

from __future__ import annotations

import re

import pytest
from allauth.socialaccount.models import SocialAccount
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from culture_of_care.accounts.models import Invitation, SSODomain
from culture_of_care.accounts.roles import Role
from culture_of_care.accounts.services import invitation_create
from culture_of_care.audit.models import AuditEntry
from tests.factories import RoleAssignmentFactory, UserFactory, user_with_role
from tests.sso import (
    PROVIDER_ID,
    PROVIDER_NAME,
    client_follow_provider,
    client_sign_in,
    loopback_provider,
)


@pytest.fixture(scope="module")
def provider():
    with loopback_provider() as running:
        yield running


@pytest.fixture
def sso(provider):
    with override_settings(SOCIALACCOUNT_PROVIDERS=provider.settings()):
        yield provider


def _signed_in_as(client) -> str | None:
    page = client.get(reverse("home"))
    if page.status_code != 200:
        return None
    match = re.search(r'nhsuk-header__account-link">([^<]+)<', page.text)
    return match.group(1).strip() if match else None


def _invitation_path(user, django_capture_on_commit_callbacks) -> str:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(user=user)
    token = re.search(r"/accounts/invitation/(\S+)/", mail.outbox[-1].body).group(1)
    return token


def test_sign_in_page_offers_the_organisation_account_only_when_configured(client, db, provider):
    assert "Sign in with" not in client.get(reverse("account_login")).text
    with override_settings(SOCIALACCOUNT_PROVIDERS=provider.settings()):
        page = client.get(reverse("account_login"))
    assert f"Sign in with {PROVIDER_NAME}" in page.text


def test_invited_person_links_their_account_and_then_signs_in_with_it(
    client, ward, sso, django_capture_on_commit_callbacks
):
    user = UserFactory(email="nia.new@riverside.nhs.uk", full_name="Nia New", password=None)
    RoleAssignmentFactory(
        user=user, role=Role.WARD_MEMBER, organisation=ward.organisation, ward=ward
    )
    token = _invitation_path(user, django_capture_on_commit_callbacks)

    page = client.get(reverse("invitation_accept", args=[token]))
    assert f"Sign in with {PROVIDER_NAME}" in page.text
    start = client.post(reverse("invitation_sso", args=[token, PROVIDER_ID]))
    assert start.status_code == 302
    # At the provider they may use any work address: the invitation decides whose account it is.
    done = client_follow_provider(client, start["Location"], email="n.new@work.example", mfa=False)
    assert done.status_code == 302
    assert _signed_in_as(client) == "Nia New"
    assert SocialAccount.objects.filter(user=user, provider=PROVIDER_ID).count() == 1
    assert Invitation.objects.get(user=user).accepted_at is not None
    assert AuditEntry.objects.filter(action="sso.link").exists()

    client.logout()
    client_sign_in(client, email="n.new@work.example", mfa=False)
    assert _signed_in_as(client) == "Nia New"


def test_an_unknown_organisation_account_is_refused_and_nobody_is_created(client, db, sso):
    from culture_of_care.accounts.models import User

    people = User.objects.count()
    page = client_sign_in(client, email="stranger@elsewhere.nhs.uk", mfa=True)
    assert page.status_code == 403
    assert "by invitation only" in page.text
    assert "Ask your organisation" in page.text
    assert User.objects.count() == people
    assert not SocialAccount.objects.exists()
    assert _signed_in_as(client) is None


def test_a_known_email_is_not_enough_without_an_allowed_domain(client, ward_member, sso):
    page = client_sign_in(client, email=ward_member.email, mfa=False)
    assert page.status_code == 403
    assert not SocialAccount.objects.exists()


def test_automatic_linking_by_verified_email_for_an_allowed_domain(client, ward, admin, sso):
    person = user_with_role(
        Role.WARD_MEMBER, ward=ward, email="wyn@riverside.nhs.uk", full_name="Wyn Riverside"
    )
    SSODomain.objects.create(
        organisation=ward.organisation, domain="riverside.nhs.uk", allowed_by=admin
    )

    unverified = client_follow_provider(
        client,
        client.post(reverse("openid_connect_login", kwargs={"provider_id": PROVIDER_ID}))[
            "Location"
        ],
        email="wyn@riverside.nhs.uk",
        mfa=False,
        verified=False,
    )
    assert unverified.status_code == 403

    client_sign_in(client, email="wyn@riverside.nhs.uk", mfa=False)
    assert _signed_in_as(client) == "Wyn Riverside"
    assert SocialAccount.objects.get(provider=PROVIDER_ID).user == person


def test_allowed_domain_of_another_organisation_does_not_link(client, ward, other_org, sso):
    user_with_role(Role.WARD_MEMBER, ward=ward, email="wyn@hilltop.nhs.uk")
    SSODomain.objects.create(organisation=other_org, domain="hilltop.nhs.uk")
    assert client_sign_in(client, email="wyn@hilltop.nhs.uk", mfa=False).status_code == 403


def test_person_links_from_the_account_page_then_unlinks(client_for, ward_member, sso):
    client = client_for(ward_member)
    page = client.get(reverse("organisation_account"))
    assert f"Link {PROVIDER_NAME}" in page.text
    done = client_sign_in(client, email="wyn.ward@work.example", mfa=False, process="connect")
    assert done.status_code == 302
    account = SocialAccount.objects.get(user=ward_member)
    assert PROVIDER_NAME in client.get(reverse("organisation_account")).text

    client.logout()
    client_sign_in(client, email="wyn.ward@work.example", mfa=False)
    assert _signed_in_as(client) == ward_member.full_name

    client.post(reverse("organisation_account"), {"account": account.id})
    assert not SocialAccount.objects.filter(user=ward_member).exists()


def test_the_only_way_to_sign_in_cannot_be_removed(client_for, ward, sso):
    person = user_with_role(Role.WARD_MEMBER, ward=ward, password=None)
    person.set_unusable_password()
    person.save()
    account = SocialAccount.objects.create(user=person, provider=PROVIDER_ID, uid="only-one")
    page = client_for(person).post(
        reverse("organisation_account"), {"account": account.id}, follow=True
    )
    assert "cannot remove your only way to sign in" in page.text
    assert SocialAccount.objects.filter(id=account.id).exists()


def test_account_page_rejects_a_foreign_account_id(client_for, ward_member, other_org_member, sso):
    theirs = SocialAccount.objects.create(user=other_org_member, provider=PROVIDER_ID, uid="theirs")
    client_for(ward_member).post(reverse("organisation_account"), {"account": theirs.id})
    client_for(ward_member).post(reverse("organisation_account"), {"account": "not-a-number"})
    assert SocialAccount.objects.filter(id=theirs.id).exists()


def _lead_with_linked_account(with_totp: bool):
    lead = user_with_role(Role.PROGRAMME_LEAD, email="pat.lead@example.org", full_name="Pat Lead")
    if not with_totp:
        lead.authenticator_set.all().delete()
    SocialAccount.objects.create(
        user=lead,
        provider=PROVIDER_ID,
        uid=__import__("hashlib").sha256(b"pat@work.example").hexdigest()[:32],
    )
    return lead


def test_lead_through_a_provider_without_mfa_is_still_asked_for_totp(client, db, sso):
    _lead_with_linked_account(with_totp=True)
    answer = client_sign_in(client, email="pat@work.example", mfa=False)
    assert answer.status_code == 302
    assert answer["Location"] == reverse("mfa_authenticate")
    assert _signed_in_as(client) is None


def test_lead_through_a_provider_with_mfa_skips_totp(client, db, sso):
    _lead_with_linked_account(with_totp=True)
    client_sign_in(client, email="pat@work.example", mfa=True)
    assert _signed_in_as(client) == "Pat Lead"


def test_lead_without_totp_needs_the_provider_mfa_or_must_set_up_totp(client, db, sso):
    _lead_with_linked_account(with_totp=False)
    client_sign_in(client, email="pat@work.example", mfa=False)
    assert client.get(reverse("home"))["Location"] == reverse("mfa_activate_totp")

    client.logout()
    client_sign_in(client, email="pat@work.example", mfa=True)
    assert client.get(reverse("home")).status_code == 200


def test_a_tampered_state_is_refused(client, db, sso):
    start = client.post(reverse("openid_connect_login", kwargs={"provider_id": PROVIDER_ID}))
    location = start["Location"].replace("state=", "state=tampered")
    page = client_follow_provider(client, location, email="x@example.org", mfa=False)
    assert page.status_code in (400, 401, 403)
    assert "could not sign you in" in page.text
    assert _signed_in_as(client) is None
