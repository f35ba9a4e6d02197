"""An organisation lead invites a ward team member, who follows the e-mailed link to join."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from tests.system.browser import (
    assert_focus_visible,
    check_axe,
    press_and_wait,
    sign_in,
    type_into,
    wait_for_error_summary_focus,
)

pytestmark = [pytest.mark.system, pytest.mark.xdist_group("browser")]

PASSWORD = "a-Strong-password-123"  # tests.factories.UserFactory
NEW_PASSWORD = "Kindness-on-Willow-2026"


def test_org_lead_invites_a_ward_member_who_sets_a_password(
    page, new_page, live_server, org_lead, org, ward, mailoutbox
):
    sign_in(page, live_server, org_lead.email, PASSWORD)
    page.goto(f"{live_server.url}{reverse('organisations:detail', args=[org.ods_code])}")
    page.focus("text=Invite a ward team member")
    assert_focus_visible(page)
    press_and_wait(page)
    assert page.locator("h1").inner_text() == "Invite a ward team member"
    check_axe(page)

    # First try: no e-mail address. Typing in the name field and pressing Enter submits.
    page.focus("#id_ward")
    page.keyboard.type("Willow")
    assert page.locator("#id_ward").input_value() == str(ward.pk)
    page.focus("#id_lived_experience")
    page.keyboard.press("Space")
    assert page.locator("#id_lived_experience").is_checked()
    type_into(page, "#id_full_name", "Nia Newcomer")
    press_and_wait(page)

    wait_for_error_summary_focus(page)
    assert page.title().startswith("Error: ")
    assert_focus_visible(page)
    assert "Enter the person's e-mail address." in page.locator(".nhsuk-error-summary").inner_text()
    check_axe(page)
    # The summary links to the field: Tab to the link, Enter, and focus is in the field.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#id_email"
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'id_email'")
    assert_focus_visible(page)
    page.keyboard.type("nia.newcomer@example.nhs.uk")
    assert page.locator("#id_full_name").input_value() == "Nia Newcomer"
    press_and_wait(page)

    assert page.url == f"{live_server.url}{reverse('organisations:detail', args=[org.ods_code])}"
    assert "We have sent an invitation to nia.newcomer@example.nhs.uk" in page.content()
    check_axe(page)
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["nia.newcomer@example.nhs.uk"]
    link = re.search(r"https?://\S+/accounts/invitation/\S+/", email.body)
    assert link, email.body

    # The invited person, in their own browser, follows the link and chooses a password.
    invitee = new_page()
    invitee.goto(f"{live_server.url}{urlsplit(link.group(0)).path}")
    assert invitee.locator("h1").inner_text() == "Welcome to Culture of Care"
    check_axe(invitee)
    type_into(invitee, "#id_password1", NEW_PASSWORD)
    assert_focus_visible(invitee)
    type_into(invitee, "#id_password2", NEW_PASSWORD)
    press_and_wait(invitee)

    assert invitee.url == f"{live_server.url}/"
    assert invitee.title() == "Willow Ward - Culture of Care"
    assert invitee.locator("h1").inner_text() == "Willow Ward"
    assert "Your account is ready" in invitee.content()
    check_axe(invitee)
    # The link works once.
    invitee.goto(f"{live_server.url}{urlsplit(link.group(0)).path}")
    assert invitee.locator("h1").inner_text() == "This invitation link does not work"
