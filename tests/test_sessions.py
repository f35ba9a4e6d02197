"""Sessions end after SESSION_IDLE_TIMEOUT without activity; signed-in pages are never cached;
changing MFA asks for the password again (issue 16, item 4)."""

from __future__ import annotations

import time

from django.urls import reverse

from culture_of_care.security import LAST_ACTIVITY_KEY


def _idle_for(client, seconds: float) -> None:
    session = client.session
    session[LAST_ACTIVITY_KEY] = time.time() - seconds
    session.save()


def test_signed_in_pages_are_not_stored_in_any_cache(client_for, ward_member, ward):
    client = client_for(ward_member)
    for path in ("/", reverse("wards:detail", args=[ward.pk]), "/api/v1/wards/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "no-store" in response["Cache-Control"], path
        assert "private" in response["Cache-Control"], path


def test_public_pages_may_be_cached(client):
    response = client.get(reverse("accessibility"))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_activity_within_the_timeout_keeps_the_session(client_for, ward_member, settings):
    client = client_for(ward_member)
    _idle_for(client, settings.SESSION_IDLE_TIMEOUT - 90)
    assert client.get("/").status_code == 200
    # The clock restarted: the person is still signed in on the next page.
    assert time.time() - client.session[LAST_ACTIVITY_KEY] < 5


def test_session_ends_after_the_idle_timeout(client_for, ward_member, settings):
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    client = client_for(ward_member)
    client.get("/")
    _idle_for(client, 30 * 60 + 1)
    response = client.get(reverse("wards:list"), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("account_login"))
    assert "next=/wards/" in response.redirect_chain[0][0]
    assert "had not used Culture of Care for 30 minutes" in response.content.decode()
    assert not response.context["user"].is_authenticated


def test_the_timeout_is_a_setting(client_for, ward_member, settings):
    settings.SESSION_IDLE_TIMEOUT = 5 * 60
    client = client_for(ward_member)
    client.get("/")
    _idle_for(client, 5 * 60 + 1)
    assert client.get("/").status_code == 302


def test_api_and_htmx_requests_after_the_timeout_get_401(client_for, ward_member):
    client = client_for(ward_member)
    client.get("/")
    _idle_for(client, 31 * 60)
    response = client.get("/api/v1/wards/")
    assert response.status_code == 401
    client = client_for(ward_member)
    client.get("/")
    _idle_for(client, 31 * 60)
    response = client.post(reverse("session_keepalive"), HTTP_HX_REQUEST="true")
    assert response.status_code == 401
    assert reverse("account_login") in response["HX-Redirect"]


def test_stay_signed_in_restarts_the_clock(client_for, ward_member, settings):
    client = client_for(ward_member)
    client.get("/")
    _idle_for(client, settings.SESSION_IDLE_TIMEOUT - 30)
    response = client.post(reverse("session_keepalive"))
    assert response.status_code == 200
    assert response.json()["timeout"] == settings.SESSION_IDLE_TIMEOUT
    assert time.time() - client.session[LAST_ACTIVITY_KEY] < 5


def test_pages_carry_the_warning_with_its_timing(client_for, ward_member, settings):
    page = client_for(ward_member).get("/").content.decode()
    assert 'id="session-warning"' in page
    assert f'data-timeout="{settings.SESSION_IDLE_TIMEOUT}"' in page
    assert "session-timeout.js" in page


def test_changing_mfa_asks_for_the_password_again_after_a_while(client_for, admin):
    # Signed in long ago (no recent authentication in this session): the password comes first.
    response = client_for(admin).get(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert reverse("account_reauthenticate") in response["Location"]


def test_activity_is_not_written_on_every_request(
    client_for, ward_member, django_assert_num_queries
):
    client = client_for(ward_member)
    client.get("/")
    first = client.session[LAST_ACTIVITY_KEY]
    client.get("/")
    assert client.session[LAST_ACTIVITY_KEY] == first
