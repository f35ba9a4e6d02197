"""Signing in with the keyboard: ward members, wrong passwords, and the programme roles' MFA."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from tests.system.browser import (
    assert_focus_visible,
    check_axe,
    press_and_wait,
    sign_in,
    totp_code,
    type_into,
    wait_for_error_summary_focus,
)

pytestmark = [pytest.mark.system, pytest.mark.xdist_group("browser")]

PASSWORD = "a-Strong-password-123"  # tests.factories.UserFactory
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # tests.factories.user_with_role


def test_ward_member_signs_in_with_the_keyboard_and_lands_on_my_ward(
    page, live_server, ward_member
):
    page.goto(f"{live_server.url}{reverse('account_login')}")
    check_axe(page)
    type_into(page, "#id_login", ward_member.email)
    assert_focus_visible(page)
    type_into(page, "#id_password", PASSWORD)
    assert_focus_visible(page)
    press_and_wait(page)

    assert page.url == f"{live_server.url}/"
    # The ward's own home, named for the ward.
    assert page.title() == "Willow Ward - Culture of Care"
    assert page.locator("h1").inner_text() == "Willow Ward"
    # Keyboard users reach the home's first call, "Enter this month's data", and it shows focus.
    page.focus("main a.nhsuk-button")
    assert_focus_visible(page)
    check_axe(page)


def test_wrong_password_shows_an_error_summary_that_takes_focus(page, live_server, ward_member):
    sign_in(page, live_server, ward_member.email, "not-the-password")

    assert page.url.startswith(f"{live_server.url}{reverse('account_login')}")
    wait_for_error_summary_focus(page)
    assert page.title().startswith("Error: ")
    summary = page.locator(".nhsuk-error-summary")
    assert "There is a problem" in summary.inner_text()
    assert_focus_visible(page)
    check_axe(page)


def test_programme_admin_signs_in_with_a_security_code(page, live_server, admin):
    sign_in(page, live_server, admin.email, PASSWORD)
    assert page.url.startswith(f"{live_server.url}{reverse('mfa_authenticate')}")
    assert page.locator("h1").inner_text() == "Enter your security code"
    check_axe(page)

    type_into(page, "#id_code", totp_code(TOTP_SECRET))
    assert_focus_visible(page)
    press_and_wait(page)

    assert page.url == f"{live_server.url}/"
    assert page.locator("h1").inner_text() == "Programme overview"
    check_axe(page)


def test_programme_lead_signs_in_with_the_sign_in_helper(page, live_server, programme_lead):
    sign_in(page, live_server, programme_lead.email, PASSWORD, totp_secret=TOTP_SECRET)
    assert page.locator("h1").inner_text() == "Programme overview"


def test_programme_admin_without_an_authenticator_is_sent_to_set_one_up(page, live_server, admin):
    Authenticator.objects.filter(user=admin).delete()
    set_up = f"{live_server.url}{reverse('mfa_activate_totp')}"

    sign_in(page, live_server, admin.email, PASSWORD)
    # Straight to set-up: having just signed in, nobody is asked for their password again.
    assert page.url == set_up
    assert page.locator("h1").inner_text() == "Set up two-factor authentication"
    check_axe(page)
    # Every other page sends them back to set-up until they have done it.
    page.goto(f"{live_server.url}{reverse('organisations:list')}")
    assert page.url == set_up

    secret = page.locator("#authenticator_secret").inner_text().strip()
    type_into(page, "#id_code", totp_code(secret))
    assert_focus_visible(page)
    press_and_wait(page)
    assert Authenticator.objects.filter(user=admin, type=Authenticator.Type.TOTP).exists()
    check_axe(page)  # the recovery codes they are shown next
    page.goto(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "Programme overview"
