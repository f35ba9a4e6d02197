"""Issue 15 item 3: 400, 403, 404 and 500 pages on the NHS.UK layout, with a way back, DEBUG off."""

from __future__ import annotations

import pytest
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.views import defaults


def _nhs_page(text: str) -> None:
    assert 'class="nhsuk-header' in text
    assert 'class="nhsuk-footer' in text
    assert f'href="{reverse("home")}"' in text


@override_settings(DEBUG=False)
def test_unknown_address_is_an_nhs_page_not_found(client, ward_member):
    client.force_login(ward_member)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "<title>Page not found - Culture of Care</title>" in response.text
    assert "Go to your home page" in response.text
    _nhs_page(response.text)
    assert "Wyn Ward" in response.text  # the header still shows who is signed in


@override_settings(DEBUG=False)
def test_forbidden_page_says_why_and_offers_a_way_back(client, ward_member):
    client.force_login(ward_member)
    response = client.get(reverse("reporting:programme_summary"))
    assert response.status_code == 403
    assert "You cannot do this" in response.text
    assert "The programme summary is for programme leads and admins." in response.text
    _nhs_page(response.text)


@override_settings(DEBUG=False)
def test_expired_form_is_explained(ward_member):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(ward_member)
    response = client.post(reverse("account_logout"))
    assert response.status_code == 403
    assert "Your form has expired" in response.text
    _nhs_page(response.text)


@pytest.mark.parametrize(
    ("view", "status", "heading"),
    [
        (defaults.server_error, 500, "Sorry, there is a problem with the service"),
        (defaults.bad_request, 400, "Sorry, there is a problem with this request"),
    ],
)
@override_settings(DEBUG=False)
def test_server_error_pages_are_nhs_pages(db, view, status, heading):
    request = RequestFactory().get("/")
    response = view(request) if view is defaults.server_error else view(request, Exception())
    text = response.content.decode()
    assert response.status_code == status
    assert heading in text
    _nhs_page(text)
