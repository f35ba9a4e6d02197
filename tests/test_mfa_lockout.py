"""Issue 15 item 1: nobody whose role needs two-factor authentication can lock themselves out."""

from __future__ import annotations

import re
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.core import mail
from django.urls import reverse

from culture_of_care.accounts.roles import Role
from culture_of_care.accounts.services import invitation_create
from tests.factories import RoleAssignmentFactory, UserFactory, user_with_role

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
NEW_PASSWORD = "Tulips-and-tea-42"


def _code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def _recently_signed_in(client, user):
    """A client as just after signing in with the form (allauth's records of the sign-in)."""
    client.force_login(user)
    session = client.session
    session["account_authentication_methods"] = [{"method": "password", "at": time.time()}]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
    return client


@pytest.mark.parametrize("role", [Role.PROGRAMME_LEAD, Role.PROGRAMME_ADMIN])
def test_roles_that_need_mfa_are_not_offered_turning_it_off(client, db, role):
    user = user_with_role(role, email="must@example.org")
    _recently_signed_in(client, user)

    index = client.get(reverse("mfa_index"))
    assert index.status_code == 200
    assert reverse("mfa_deactivate_totp") not in index.text
    assert reverse("mfa_replace_totp") in index.text
    assert "cannot be turned off" in index.text

    page = client.get(reverse("mfa_deactivate_totp"))
    assert "Two-factor authentication stays on" in page.text
    client.post(reverse("mfa_deactivate_totp"))
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert client.get(reverse("home")).status_code == 200  # not sent to set-up


def test_a_role_without_the_rule_may_turn_mfa_off(client, ward):
    user = user_with_role(Role.WARD_MEMBER, ward=ward, email="opt@example.org")
    TOTP.activate(user, SECRET)
    _recently_signed_in(client, user)

    assert reverse("mfa_deactivate_totp") in client.get(reverse("mfa_index")).text
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def test_lead_moves_mfa_to_a_new_app_and_the_old_one_stops_working(client, db):
    lead = user_with_role(Role.PROGRAMME_LEAD, email="phone@example.org")
    _recently_signed_in(client, lead)

    page = client.get(reverse("mfa_replace_totp"))
    assert page.status_code == 200
    new_secret = re.search(r'id="authenticator_secret">(\w+)<', page.text).group(1)
    assert new_secret != SECRET

    wrong = client.post(reverse("mfa_replace_totp"), {"code": "000000"})
    assert "<title>Error: " in wrong.text
    assert "The security code is not right" in wrong.text

    response = client.post(reverse("mfa_replace_totp"), {"code": _code(new_secret)})
    assert response.status_code == 302
    totp = TOTP(Authenticator.objects.get(user=lead, type=Authenticator.Type.TOTP))
    assert totp.validate_code(_code(new_secret))
    assert not TOTP(totp.instance).validate_code(_code(SECRET))


@pytest.mark.parametrize(
    "path", ["/accounts/email/", "/accounts/signup/", "/accounts/confirm-email/"]
)
def test_allauth_email_and_sign_up_pages_are_not_offered(client, ward_member, path):
    client.force_login(ward_member)
    assert client.get(path).status_code == 404
    assert client.post(path, {"email": "second@example.org", "action_add": ""}).status_code == 404
    assert not EmailAddress.objects.filter(email="second@example.org").exists()


def test_invited_lead_has_a_verified_address_and_sets_up_mfa_without_a_second_password(
    client, db, django_capture_on_commit_callbacks
):
    lead = UserFactory(email="newlead@example.org", password=None)
    RoleAssignmentFactory(user=lead, role=Role.PROGRAMME_LEAD)
    # An unverified row, as allauth's e-mail page once left behind.
    EmailAddress.objects.create(user=lead, email=lead.email, verified=False, primary=True)
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(user=lead)
    token = re.search(r"/accounts/invitation/(\S+)/", mail.outbox[0].body).group(1)

    response = client.post(
        reverse("invitation_accept", args=[token]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )
    # Straight to set-up, with no "confirm it is you" step seconds after choosing a password.
    assert response.redirect_chain[-1][0] == reverse("mfa_activate_totp")
    assert "Set up two-factor authentication" in response.text
    assert EmailAddress.objects.get(user=lead).verified

    secret = re.search(r'id="authenticator_secret">(\w+)<', response.text).group(1)
    done = client.post(reverse("mfa_activate_totp"), {"code": _code(secret)})
    assert done.status_code == 302
    assert Authenticator.objects.filter(user=lead, type=Authenticator.Type.TOTP).exists()


@pytest.mark.parametrize(
    "name",
    ["account_reauthenticate", "account_change_password", "mfa_index", "account_inactive"],
)
def test_remaining_allauth_pages_use_the_nhs_layout_and_our_wording(client, ward_member, name):
    _recently_signed_in(client, ward_member)
    response = client.get(reverse(name), follow=True)
    assert response.status_code == 200
    assert 'class="nhsuk-header' in response.text
    for allauth_wording in ("Confirm Access", "Change Password", "Two-Factor Authentication"):
        assert allauth_wording not in response.text
