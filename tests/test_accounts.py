"""Sign in, invitations, two-factor authentication and rate limiting."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from culture_of_care.accounts.models import Invitation
from culture_of_care.accounts.roles import Role
from culture_of_care.accounts.services import invitation_create
from tests.factories import RoleAssignmentFactory, UserFactory

PASSWORD = "a-Strong-password-123"


def _invite(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(user=user)
    assert len(mail.outbox) == 1
    link = re.search(r"http\S+/accounts/invitation/(\S+)/", mail.outbox[0].body)
    return reverse("invitation_accept", args=[link.group(1)])


def test_invitation_email_has_a_single_use_link(client, ward, django_capture_on_commit_callbacks):
    user = UserFactory(email="new@example.org", password=None)
    RoleAssignmentFactory(
        user=user, role=Role.WARD_MEMBER, organisation=ward.organisation, ward=ward
    )
    url = _invite(user, django_capture_on_commit_callbacks)
    assert mail.outbox[0].to == ["new@example.org"]

    page = client.get(url)
    assert page.status_code == 200
    assert "new@example.org" in page.text

    response = client.post(
        url, {"password1": "Tulips-and-tea-42", "password2": "Tulips-and-tea-42"}
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200  # signed in
    client.logout()

    again = client.get(url)
    assert again.status_code == 410
    assert "does not work" in again.text


def test_expired_invitation_is_refused(client, db, django_capture_on_commit_callbacks):
    user = UserFactory(email="late@example.org")
    url = _invite(user, django_capture_on_commit_callbacks)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert client.get(url).status_code == 410


def test_unknown_invitation_token_is_refused(client, db):
    assert client.get(reverse("invitation_accept", args=["nonsense"])).status_code == 410


def test_invitation_password_mismatch_is_explained(client, db, django_capture_on_commit_callbacks):
    user = UserFactory(email="typo@example.org")
    url = _invite(user, django_capture_on_commit_callbacks)
    response = client.post(
        url, {"password1": "Tulips-and-tea-42", "password2": "Tulips-and-tea-43"}
    )
    assert response.status_code == 200
    assert "do not match" in response.text
    assert "<title>Error: " in response.text
    assert Invitation.objects.get().accepted_at is None


def test_invitation_email_is_sent_once_even_if_the_task_runs_twice(
    db, django_capture_on_commit_callbacks
):
    from culture_of_care.accounts.services import invitation_send

    user = UserFactory(email="once@example.org")
    with django_capture_on_commit_callbacks(execute=False):
        invitation = invitation_create(user=user)
    assert invitation_send(invitation_id=invitation.id) is True
    assert invitation_send(invitation_id=invitation.id) is False
    assert len(mail.outbox) == 1


def test_there_is_no_open_sign_up(client, db):
    # People are invited; the sign-up page is not part of the service at all.
    assert client.get(reverse("account_signup")).status_code == 404
    client.post(
        reverse("account_signup"),
        {"email": "stranger@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    from culture_of_care.accounts.models import User

    assert not User.objects.filter(email="stranger@example.org").exists()


def test_sign_in_lands_on_the_role_home(client, ward_member):
    response = client.post(
        reverse("account_login"), {"login": "ward@example.org", "password": PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert "Willow Ward" in response.text


def test_wrong_password_shows_an_error(client, ward_member):
    response = client.post(
        reverse("account_login"), {"login": "ward@example.org", "password": "wrong"}
    )
    assert response.status_code == 200
    assert "nhsuk-error-summary" in response.text
    assert "<title>Error: " in response.text


def test_failed_logins_are_rate_limited(client, ward_member, settings):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "ward@example.org", "password": "wrong"})
    response = client.post(
        reverse("account_login"), {"login": "ward@example.org", "password": PASSWORD}
    )
    # Even the right password is refused for a while after too many failures.
    assert "Sign-in to this account is paused" in response.text
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("persona", ["admin", "programme_lead"])
def test_programme_roles_without_an_authenticator_must_set_one_up(persona, client, db):
    role = Role.PROGRAMME_ADMIN if persona == "admin" else Role.PROGRAMME_LEAD
    user = UserFactory(email=f"{persona}-nomfa@example.org")
    RoleAssignmentFactory(user=user, role=role)
    client.force_login(user)
    for url in (reverse("home"), reverse("organisations:list"), "/api/v1/wards/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_activate_totp")
    # The set-up page itself is reachable (allauth may first ask to confirm the password).
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200 or response["Location"].startswith("/accounts/reauth")
    assert client.get(response.get("Location", reverse("mfa_activate_totp"))).status_code == 200


def test_programme_admin_sign_in_asks_for_the_code(client, admin):
    response = client.post(
        reverse("account_login"), {"login": "admin@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    code = format_hotp_value(
        hotp_value("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", int(timezone.now().timestamp()) // 30)
    )
    response = client.post(reverse("mfa_authenticate"), {"code": code}, follow=True)
    assert "Programme overview" in response.text


def test_ward_member_does_not_need_mfa(client_for, ward_member):
    assert client_for(ward_member).get(reverse("home")).status_code == 200


def test_demo_logins_are_refused_when_debug_is_off(client, ward_member, settings):
    ward_member.is_demo = True
    ward_member.save()
    settings.DEMO_LOGINS_ENABLED = False
    response = client.post(
        reverse("account_login"), {"login": "ward@example.org", "password": PASSWORD}, follow=True
    )
    assert "_auth_user_id" not in client.session
    assert "Demo accounts" in response.text
    settings.DEMO_LOGINS_ENABLED = True
    client.post(reverse("account_login"), {"login": "ward@example.org", "password": PASSWORD})
    assert "_auth_user_id" in client.session


def test_password_reset_sends_an_email(client, ward_member):
    client.post(reverse("account_reset_password"), {"email": "ward@example.org"})
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ward@example.org"]


def test_new_admin_sets_up_mfa_without_a_second_password_prompt(client, db):
    user = UserFactory(email="fresh-admin@example.org")
    RoleAssignmentFactory(user=user, role=Role.PROGRAMME_ADMIN)
    response = client.post(
        reverse("account_login"), {"login": "fresh-admin@example.org", "password": PASSWORD}
    )
    response = client.get(response["Location"])
    assert response["Location"] == reverse("mfa_activate_totp")
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    assert "Set up two-factor authentication" in page.text


def test_htmx_fragments_get_nothing_while_mfa_is_not_set_up(client, admin):
    """The header's count is fetched by htmx: before MFA is set up it must not get the whole
    set-up page to swap into the header (that nested the page inside itself)."""
    admin.authenticator_set.all().delete()
    client.force_login(admin)
    fragment = client.get(reverse("notifications:count"), HTTP_HX_REQUEST="true")
    assert fragment.status_code == 204
    assert fragment.content == b""
    page = client.get(reverse("notifications:count"))
    assert page.status_code == 302
