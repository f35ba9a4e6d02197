"""The middle tier's loop in a browser: a ward team member raises a barrier (refused first
without a summary), the organisation lead acknowledges and resolves it from their queue, and
the ward sees the response on its page. Axe checks every page on the way."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.system.browser import check_axe, log_in_as, wait_for_error_summary_focus

pytestmark = [pytest.mark.system, pytest.mark.xdist_group("browser")]

TITLE = "Bank staff cannot be booked for the community meeting"


def test_ward_raises_a_barrier_the_organisation_answers_and_the_ward_sees_it(
    page, new_page, live_server, ward, ward_member, org_lead
):
    ward_url = f"{live_server.url}{reverse('wards:detail', args=[ward.pk])}"
    log_in_as(page, live_server, ward_member)
    page.goto(ward_url)
    assert "Barriers: you said, we did" in page.locator("#you-said-we-did").inner_text()
    check_axe(page)

    page.click("text=Raise a barrier")
    assert page.locator("h1").inner_text() == "Raise a barrier"
    page.click("button:has-text('Raise the barrier')")
    wait_for_error_summary_focus(page)
    assert page.title().startswith("Error: ")
    summary = page.locator(".nhsuk-error-summary").inner_text()
    assert "Say in a few words what gets in the way." in summary
    check_axe(page)
    page.fill("#id_title", TITLE)
    page.fill(
        "#id_description",
        "The community meeting needs two staff; the roster only allows bank cover for gaps.",
    )
    page.check("input[name='kind'][value='rostering']")
    page.check("input[name='impact'][value='3']")
    page.check("#id_with_lived_experience")
    page.click("button:has-text('Raise the barrier')")
    page.wait_for_load_state("load")
    section = page.locator("#you-said-we-did").inner_text()
    assert TITLE in section
    assert "No response yet" in section
    check_axe(page)

    lead = new_page()
    log_in_as(lead, live_server, org_lead)
    lead.goto(
        f"{live_server.url}{reverse('organisations:barrier_queue', args=[ward.organisation.ods_code])}"
    )
    assert lead.locator("h1").inner_text() == "Barriers raised by wards"
    check_axe(lead)
    lead.click(f"text={TITLE}")
    assert lead.locator("h1").inner_text() == TITLE
    check_axe(lead)
    lead.click("a:has-text('Acknowledge')")
    lead.fill("#id_note", "The workforce lead is looking at the bank rules.")
    lead.click("button:has-text('Acknowledge')")
    lead.wait_for_load_state("load")
    assert "Acknowledged: the ward can see you have heard." in lead.locator("body").inner_text()
    lead.click("a:has-text('Resolve')")
    lead.click("button:has-text('Resolve')")
    wait_for_error_summary_focus(lead)
    check_axe(lead)
    lead.fill("#id_what_changed", "Two staff may now be rostered for the community meeting.")
    lead.click("button:has-text('Resolve')")
    lead.wait_for_load_state("load")
    assert "Resolved: the ward can see what changed." in lead.locator("body").inner_text()
    check_axe(lead)

    page.goto(ward_url)
    section = page.locator("#you-said-we-did").inner_text()
    assert "Two staff may now be rostered for the community meeting." in section
    assert "Resolved" in section
    check_axe(page)


def test_board_list_and_programme_themes_pass_axe(
    page, new_page, live_server, ward, ward_member, executive, programme_lead
):
    from datetime import timedelta

    from django.utils import timezone

    from organisations.tests.factories import BarrierFactory

    BarrierFactory(ward=ward, raised_by=ward_member, raised_at=timezone.now() - timedelta(weeks=9))
    log_in_as(page, live_server, executive)
    page.goto(
        f"{live_server.url}{reverse('organisations:barrier_board', args=[ward.organisation.ods_code])}"
    )
    assert page.locator("h1").inner_text() == "The board's list of barriers"
    assert ward_member.full_name not in page.locator("main").inner_text()
    check_axe(page)

    lead = new_page()
    log_in_as(lead, live_server, programme_lead)
    lead.goto(f"{live_server.url}{reverse('organisations:barrier_themes')}")
    assert lead.locator("h1").inner_text() == "Barriers across the programme"
    check_axe(lead)
    lead.goto(f"{live_server.url}{reverse('home')}")
    assert "Barriers raised by wards" in lead.locator("main").inner_text()
    check_axe(lead)
