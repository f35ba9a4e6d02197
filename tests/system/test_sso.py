"""Single sign-on in the browser, through the loopback OpenID Connect provider process: an invited
person links their organisation account, an unknown account is refused, and a programme lead
whose provider reports no MFA is still asked for their security code."""

from __future__ import annotations

import hashlib
import re

import pytest
from allauth.socialaccount.models import SocialAccount
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from culture_of_care.accounts.roles import Role
from culture_of_care.accounts.services import invitation_create
from tests.factories import RoleAssignmentFactory, UserFactory, user_with_role
from tests.sso import PROVIDER_NAME, loopback_provider
from tests.system.browser import check_axe

pytestmark = [pytest.mark.system, pytest.mark.xdist_group("browser")]


@pytest.fixture(scope="module")
def provider():
    with loopback_provider() as running:
        yield running


@pytest.fixture
def sso(provider):
    with override_settings(SOCIALACCOUNT_PROVIDERS=provider.settings()):
        yield provider


def _at_provider(page, email: str, *, mfa: bool) -> None:
    page.wait_for_selector("#email")
    page.fill("#email", email)
    if mfa:
        page.check("#mfa")
    with page.expect_navigation():
        page.click("#sign-in")


def test_invited_person_links_their_organisation_account_and_signs_in_with_it(
    page, live_server, ward, sso
):
    person = UserFactory(email="nia.new@riverside.nhs.uk", full_name="Nia New", password=None)
    RoleAssignmentFactory(
        user=person, role=Role.WARD_MEMBER, organisation=ward.organisation, ward=ward
    )
    invitation_create(user=person)
    token = re.search(r"/accounts/invitation/(\S+)/", mail.outbox[-1].body).group(1)

    page.goto(f"{live_server.url}{reverse('invitation_accept', args=[token])}")
    check_axe(page)
    with page.expect_navigation():
        page.get_by_role("button", name=f"Sign in with {PROVIDER_NAME}").click()
    _at_provider(page, "nia@work.example", mfa=False)
    assert page.url == f"{live_server.url}/"
    assert "Nia New" in page.locator(".nhsuk-header__account").inner_text()
    check_axe(page)

    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    page.goto(f"{live_server.url}{reverse('account_login')}")
    check_axe(page)
    with page.expect_navigation():
        page.get_by_role("button", name=f"Sign in with {PROVIDER_NAME}").click()
    _at_provider(page, "nia@work.example", mfa=False)
    assert "Nia New" in page.locator(".nhsuk-header__account").inner_text()


def test_unknown_organisation_account_is_refused_with_who_to_ask(page, live_server, db, sso):
    page.goto(f"{live_server.url}{reverse('account_login')}")
    with page.expect_navigation():
        page.get_by_role("button", name=f"Sign in with {PROVIDER_NAME}").click()
    _at_provider(page, "stranger@elsewhere.nhs.uk", mfa=True)
    assert page.locator("h1").inner_text() == "We could not sign you in"
    assert "by invitation only" in page.locator("main").inner_text()
    check_axe(page)
    assert not SocialAccount.objects.exists()


def test_programme_lead_without_provider_mfa_is_asked_for_the_security_code(
    page, live_server, db, sso
):
    lead = user_with_role(Role.PROGRAMME_LEAD, email="pat.lead@example.org", full_name="Pat Lead")
    uid = hashlib.sha256(b"pat@work.example").hexdigest()[:32]
    SocialAccount.objects.create(user=lead, provider="loopback", uid=uid)

    page.goto(f"{live_server.url}{reverse('account_login')}")
    with page.expect_navigation():
        page.get_by_role("button", name=f"Sign in with {PROVIDER_NAME}").click()
    _at_provider(page, "pat@work.example", mfa=False)
    assert page.url.startswith(f"{live_server.url}{reverse('mfa_authenticate')}")
    check_axe(page)
