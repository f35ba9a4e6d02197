"""API tokens: hashed, named, shown once, expiring, revocable, and never a way round MFA."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from culture_of_care.accounts.roles import Role
from culture_of_care.tokens.models import ApiToken, token_digest
from culture_of_care.tokens.services import create_token
from tests.factories import RoleAssignmentFactory, UserFactory

WARDS = "/api/v1/wards/"
PASSWORD = "a-Strong-password-123"  # the factories' password


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def lead_without_mfa(db):
    """A programme lead who has not set up an authenticator yet."""
    user = UserFactory(email="newlead@example.org", full_name="Nell Newlead")
    RoleAssignmentFactory(user=user, role=Role.PROGRAMME_LEAD)
    return user


# --- reproductions: a token must not get round what signing in enforces -----------------------


def test_programme_lead_without_mfa_cannot_read_the_api_with_a_token(
    client, lead_without_mfa, ward
):
    _, raw = create_token(user=lead_without_mfa, name="Warehouse")
    response = client.get(WARDS, **bearer(raw))
    assert response.status_code == 401
    assert "two-factor" in response.json()["detail"]


def test_programme_lead_token_works_once_mfa_is_set_up(client, lead_without_mfa, ward):
    from allauth.mfa.totp.internal.auth import TOTP

    _, raw = create_token(user=lead_without_mfa, name="Warehouse")
    TOTP.activate(lead_without_mfa, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    response = client.get(WARDS, **bearer(raw))
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_programme_lead_without_mfa_cannot_read_the_api_with_a_session(
    client_for, lead_without_mfa, ward
):
    response = client_for(lead_without_mfa).get(WARDS)
    assert response.status_code in (302, 403)
    assert response.status_code != 200


def test_demo_persons_token_is_refused_when_debug_is_off(client, ward_member, ward, settings):
    ward_member.is_demo = True
    ward_member.save(update_fields=["is_demo"])
    _, raw = create_token(user=ward_member, name="Demo")
    settings.DEMO_LOGINS_ENABLED = False
    refused = client.get(WARDS, **bearer(raw))
    assert refused.status_code == 401
    assert "Demo accounts" in refused.json()["detail"]
    settings.DEMO_LOGINS_ENABLED = True
    assert client.get(WARDS, **bearer(raw)).status_code == 200


# --- the token itself -----------------------------------------------------------------------


def test_bearer_token_reads_only_the_persons_own_organisation(
    client, ward_member, ward, other_ward
):
    _, raw = create_token(user=ward_member, name="Ward dashboard")
    response = client.get(WARDS, **bearer(raw))
    assert response.status_code == 200
    assert [row["name"] for row in response.json()["results"]] == ["Willow Ward"]
    assert client.get(f"{WARDS}{other_ward.pk}/", **bearer(raw)).status_code == 404


def test_token_is_stored_only_as_a_hash(ward_member):
    token, raw = create_token(user=ward_member, name="Warehouse")
    token.refresh_from_db()
    assert raw.startswith("coc_") and len(raw) > 40
    assert token.digest == token_digest(raw) != raw
    assert raw not in {token.digest, token.prefix, token.name}
    assert raw.startswith("coc_" + token.prefix)


@pytest.mark.parametrize(
    "header",
    ["Token {raw}", "Bearer", "Bearer {raw} extra", "Bearer coc_not-a-real-token"],
)
def test_malformed_or_unknown_tokens_are_refused(client, ward_member, ward, header):
    _, raw = create_token(user=ward_member, name="Warehouse")
    response = client.get(WARDS, HTTP_AUTHORIZATION=header.format(raw=raw))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_expired_and_revoked_tokens_are_refused(client, ward_member, ward):
    expired, expired_raw = create_token(user=ward_member, name="Old")
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    revoked, revoked_raw = create_token(user=ward_member, name="Gone")
    revoked.revoked_at = timezone.now()
    revoked.save()
    for raw in (expired_raw, revoked_raw):
        response = client.get(WARDS, **bearer(raw))
        assert response.status_code == 401
        assert "expired or been revoked" in response.json()["detail"]


def test_token_of_a_deactivated_person_is_refused(client, ward_member, ward):
    _, raw = create_token(user=ward_member, name="Warehouse")
    ward_member.is_active = False
    ward_member.save(update_fields=["is_active"])
    assert client.get(WARDS, **bearer(raw)).status_code == 401


def test_use_is_recorded(client, ward_member, ward):
    token, raw = create_token(user=ward_member, name="Warehouse")
    assert token.last_used_at is None
    client.get(WARDS, **bearer(raw))
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_rate_limit_is_per_token(client, ward_member, ward, settings):
    settings.API_TOKEN_RATE_LIMIT = "2/min"
    _, first = create_token(user=ward_member, name="One")
    _, second = create_token(user=ward_member, name="Two")
    assert [client.get(WARDS, **bearer(first)).status_code for _ in range(3)] == [200, 200, 429]
    assert client.get(WARDS, **bearer(second)).status_code == 200


# --- the account page -------------------------------------------------------------------------


def test_owner_creates_a_named_token_with_their_password_and_sees_it_once(
    client_for, ward_member, ward
):
    client = client_for(ward_member)
    url = reverse("tokens:list")
    response = client.post(
        url, {"name": "Trust warehouse", "valid_days": "30", "password": PASSWORD}
    )
    assert response.status_code == 201
    token = ward_member.api_tokens.get()
    raw = response.context["new_token"]
    assert raw.encode() in response.content
    assert token.name == "Trust warehouse"
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
    assert client.get(WARDS, **bearer(raw)).status_code == 200
    again = client.get(url)
    assert b"Trust warehouse" in again.content
    assert raw.encode() not in again.content


def test_creating_a_token_needs_the_current_password(client_for, ward_member):
    response = client_for(ward_member).post(
        reverse("tokens:list"), {"name": "Warehouse", "valid_days": "30", "password": "wrong-one"}
    )
    assert response.status_code == 400
    assert "That is not your current password" in response.content.decode()
    assert not ward_member.api_tokens.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "valid_days": "30"}, "Enter a name for the token"),
        ({"name": "x" * 101, "valid_days": "30"}, "100 characters or fewer"),
        ({"name": "Warehouse", "valid_days": "9999"}, "Select a valid choice"),
        ({"name": "Patient 943 476 5919", "valid_days": "30"}, "NHS number"),
    ],
)
def test_bad_token_form_input_is_explained(client_for, ward_member, data, message):
    response = client_for(ward_member).post(reverse("tokens:list"), {**data, "password": PASSWORD})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ward_member.api_tokens.exists()


def test_names_are_unique_among_active_tokens(client_for, ward_member):
    create_token(user=ward_member, name="Warehouse")
    response = client_for(ward_member).post(
        reverse("tokens:list"), {"name": "warehouse", "valid_days": "30", "password": PASSWORD}
    )
    assert response.status_code == 400
    assert "already have an active token with that name" in response.content.decode()


def test_owner_revokes_a_token_with_their_password(client_for, ward_member, ward):
    token, raw = create_token(user=ward_member, name="Warehouse")
    client = client_for(ward_member)
    url = reverse("tokens:revoke", args=[token.pk])
    wrong = client.post(url, {"password": "wrong-one"})
    assert wrong.status_code == 400
    assert client.get(WARDS, **bearer(raw)).status_code == 200
    response = client.post(url, {"password": PASSWORD})
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.get(WARDS, **bearer(raw)).status_code == 401


def test_nobody_else_can_see_or_revoke_a_persons_token(client_for, ward_member, other_org_member):
    token, _ = create_token(user=ward_member, name="Warehouse")
    client = client_for(other_org_member)
    assert b"Warehouse" not in client.get(reverse("tokens:list")).content
    url = reverse("tokens:revoke", args=[token.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"password": PASSWORD}).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_token_pages_need_sign_in(client):
    response = client.get(reverse("tokens:list"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


# --- the command --------------------------------------------------------------------------------


def test_create_api_token_command_prints_a_working_token(client, ward_member, ward):
    out = StringIO()
    call_command(
        "create_api_token",
        ward_member.email,
        "--name",
        "Nightly export",
        stdout=out,
        stderr=StringIO(),
    )
    raw = out.getvalue().strip()
    assert ward_member.api_tokens.get().name == "Nightly export"
    assert client.get(WARDS, **bearer(raw)).status_code == 200


def test_create_api_token_command_refuses_an_unknown_person(db):
    with pytest.raises(CommandError, match="Nobody signs in with"):
        call_command("create_api_token", "nobody@example.org", stdout=StringIO())


# --- schema and docs ----------------------------------------------------------------------------


def test_schema_and_docs_need_a_signed_in_person(client, client_for, ward_member):
    assert client.get("/api/schema/").status_code in (401, 403)
    docs = client.get("/api/docs/")
    assert docs.status_code == 302
    assert reverse("account_login") in docs["Location"]
    signed_in = client_for(ward_member)
    assert signed_in.get("/api/docs/").status_code == 200
    script = signed_in.get("/api/docs/?script=")
    assert script.status_code == 200
    assert "javascript" in script["Content-Type"]
