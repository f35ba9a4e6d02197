"""A ward team member sees what needs them (the count in the header), marks an action done,
turns a kind of e-mail off on their account page, and the next digest respects it. Axe checks
every page on the way."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from coaching.tests.factories import ActionFactory
from culture_of_care.accounts.models import NotificationPreference
from culture_of_care.notifications import services
from tests.system.browser import check_axe, log_in_as

pytestmark = [pytest.mark.system, pytest.mark.xdist_group("browser")]


def test_ward_member_deals_with_what_needs_them(page, live_server, ward, ward_member):
    today = timezone.localdate()
    ActionFactory(ward=ward, owner=ward_member, description="Print the huddle sheet", due_on=today)
    ActionFactory(
        ward=ward,
        owner=ward_member,
        description="Book the lived experience panel",
        due_on=today - timedelta(days=2),
    )
    log_in_as(page, live_server, ward_member)

    page.goto(f"{live_server.url}{reverse('home')}")
    badge = page.locator(".nhsuk-header__account .app-count-badge")
    badge.wait_for()
    assert badge.inner_text() == "2"
    check_axe(page)

    page.click("text=What needs you")
    assert page.locator("h1").inner_text() == "What needs you"
    assert "Print the huddle sheet" in page.locator("main").inner_text()
    check_axe(page)
    item = page.locator(".app-due-item", has_text="Print the huddle sheet")
    item.locator("button", has_text="Done").click()
    page.wait_for_load_state("load")
    assert "Marked as done." in page.locator("main").inner_text()
    assert "Print the huddle sheet" not in page.locator(".app-due-list").inner_text()
    assert page.locator(".nhsuk-header__account .app-count-badge").inner_text() == "1"

    page.click("text=Choose what we e-mail you and how often")
    assert page.locator("h1").inner_text() == "Your account"
    check_axe(page)
    page.check("#id_kind_actions_2")  # Never by e-mail
    page.click("button:has-text('Save reminder choices')")
    page.wait_for_load_state("load")
    assert "Your reminder choices are saved." in page.locator("main").inner_text()
    check_axe(page)
    assert NotificationPreference.objects.get(user=ward_member, kind="actions").frequency == "off"

    result = services.digest_send_chunk(user_ids=[ward_member.pk], day=today)
    assert result.sent == 0
    assert not [m for m in mail.outbox if "Book the lived experience panel" in m.body]
