"""A QI coach logs a ward session with two actions on a phone, leaves and returns to the draft,
marks an action done and sees the caseload change; a programme lead reads coverage without ever
seeing a confidential note. Axe checks every page on the way."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching.models import Action, ActionStatus, CoachingSession, SessionStatus
from coaching.tests.factories import ExecutiveFactory, ExecutiveSessionFactory
from tests.system.browser import check_axe, log_in_as

pytestmark = [pytest.mark.system, pytest.mark.xdist_group("browser")]


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_qi_coach_logs_a_session_on_a_phone(mobile_page, live_server, qi_coach, ward):
    page = mobile_page
    today = timezone.localdate()
    log_in_as(page, live_server, qi_coach)
    page.goto(f"{live_server.url}{reverse('coaching:index')}")
    assert page.locator("h1").inner_text() == "My caseload"
    check_axe(page)

    page.click("text=Log a session >> nth=0")
    assert page.locator("h1").inner_text() == "Log a coaching session"
    assert no_sideways_scroll(page)
    check_axe(page)
    page.select_option("#id_ward", str(ward.pk))
    page.fill("#id_shared_summary", "Reviewed the night huddle test.")
    page.locator("#id_shared_summary").blur()
    page.wait_for_selector("text=Draft saved")

    # Leave the page, come back, and continue the draft.
    page.goto(f"{live_server.url}{reverse('coaching:caseload')}")
    page.click("text=Continue your draft")
    assert page.locator("#id_shared_summary").input_value() == "Reviewed the night huddle test."

    page.fill("#id_date", (today - timedelta(days=1)).isoformat())
    page.fill("#id_duration_minutes", "60")
    page.fill("#id_attendee_count", "6")
    page.fill("#id_lived_experience_attendee_count", "2")
    page.fill("#id_actions-0-description", "Run the huddle on nights")
    page.fill("#id_actions-0-owner_role", "Ward manager")
    page.fill("#id_actions-0-due_on", (today - timedelta(days=0)).isoformat())
    page.fill("#id_actions-1-description", "Share the run chart")
    page.fill("#id_actions-1-owner_role", "Peer support worker")
    page.fill("#id_actions-1-due_on", (today + timedelta(days=10)).isoformat())
    page.click("button:has-text('Log the session')")
    page.wait_for_load_state("load")
    assert "Session logged." in page.locator("body").inner_text()
    check_axe(page)
    session = CoachingSession.objects.get()
    assert session.status == SessionStatus.LOGGED
    assert Action.objects.filter(session=session).count() == 2

    page.goto(f"{live_server.url}{reverse('coaching:caseload')}")
    assert page.locator("text=2 open actions for").count() == 1

    page.goto(f"{live_server.url}{reverse('coaching:action_list')}")
    check_axe(page)
    page.locator("button:has-text('Mark done')").first.click()
    page.wait_for_selector("strong.nhsuk-tag--green")
    assert Action.objects.filter(status=ActionStatus.DONE).count() == 1

    page.goto(f"{live_server.url}{reverse('coaching:caseload')}")
    assert page.locator("text=1 open actions for").count() == 1


def test_programme_lead_sees_coverage_never_confidential_notes(
    page, live_server, programme_lead, org
):
    for _ in range(6):
        executive = ExecutiveFactory(organisation=org)
        ExecutiveSessionFactory(organisation=org).executives.add(executive)
    log_in_as(page, live_server, programme_lead)
    page.goto(f"{live_server.url}{reverse('coaching:index')}")
    assert page.locator("h1").inner_text() == "Coaching coverage"
    assert "6 of 6" in page.locator("body").inner_text()
    check_axe(page)
    page.goto(f"{live_server.url}{reverse('coaching:session_list')}")
    body = page.locator("body").inner_text()
    assert "Executive coaching" in body
    assert "worried about the board chair" not in body
    assert "Board culture" not in body
    check_axe(page)
    with page.expect_navigation():
        page.locator("table a").first.click()
    page.get_by_text("This session is confidential.").wait_for()
    assert "worried about the board chair" not in page.content()
    check_axe(page)
