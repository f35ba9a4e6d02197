"""Issue 15 in a browser: what new users tripped on, tried as each of them would."""

from __future__ import annotations

import re

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.urls import reverse

from culture_of_care.accounts.roles import Role
from culture_of_care.accounts.services import invitation_create
from tests.factories import RoleAssignmentFactory, UserFactory
from tests.system.browser import check_axe, press_and_wait, totp_code, type_into

pytestmark = [pytest.mark.system, pytest.mark.xdist_group("browser")]

NEW_PASSWORD = "Tulips-and-tea-42"


def test_invited_lead_sets_up_mfa_straight_away_and_cannot_turn_it_off(page, live_server, db):
    lead = UserFactory(email="newlead@example.org", full_name="Nell Lead", password=None)
    RoleAssignmentFactory(user=lead, role=Role.PROGRAMME_LEAD)
    invitation_create(user=lead)  # a live-server test commits, so the e-mail goes at once
    token = re.search(r"/accounts/invitation/(\S+)/", mail.outbox[-1].body).group(1)

    page.goto(f"{live_server.url}{reverse('invitation_accept', args=[token])}")
    type_into(page, "#id_password1", NEW_PASSWORD)
    type_into(page, "#id_password2", NEW_PASSWORD)
    press_and_wait(page)
    # No "confirm it is you" seconds after choosing a password: straight to set-up.
    assert page.url == f"{live_server.url}{reverse('mfa_activate_totp')}"
    secret = page.locator("#authenticator_secret").inner_text().strip()
    type_into(page, "#id_code", totp_code(secret))
    press_and_wait(page)
    assert Authenticator.objects.filter(user=lead, type=Authenticator.Type.TOTP).exists()
    check_axe(page)

    page.goto(f"{live_server.url}{reverse('mfa_index')}")
    assert page.locator("h1").inner_text() == "Two-factor authentication"
    assert "cannot be turned off" in page.locator("main").inner_text()
    assert page.locator(f"a[href='{reverse('mfa_deactivate_totp')}']").count() == 0
    check_axe(page)
    page.set_viewport_size({"width": 375, "height": 812})
    check_axe(page)


def test_error_pages_have_the_header_and_a_way_back(page, mobile_page, live_server, ward_member):
    from tests.system.browser import assert_no_horizontal_scroll, log_in_as

    for viewport in (page, mobile_page):
        log_in_as(viewport, live_server, ward_member)
        viewport.goto(f"{live_server.url}/accounts/email/")  # allauth's, not offered here
        assert viewport.locator("h1").inner_text() == "Page not found"
        assert viewport.locator("header.nhsuk-header").is_visible()
        check_axe(viewport)
        viewport.goto(f"{live_server.url}{reverse('reporting:programme_summary')}")
        assert viewport.locator("h1").inner_text() == "You cannot do this"
        check_axe(viewport)
        viewport.get_by_role("link", name="Go to your home page").click()
        viewport.wait_for_load_state()
        assert viewport.url == f"{live_server.url}/"
    assert_no_horizontal_scroll(mobile_page)


def test_executive_reads_their_coaching_and_marks_an_action_done(
    page, mobile_page, live_server, org, executive, leadership_coach
):
    from coaching.models import Action, ActionStatus
    from coaching.tests.factories import ActionFactory, ExecutiveFactory, ExecutiveSessionFactory
    from tests.system.browser import assert_no_horizontal_scroll, log_in_as

    me = ExecutiveFactory(organisation=org, user=executive, name="Eve Exec")
    session = ExecutiveSessionFactory(organisation=org)
    session.executives.set([me])
    action = ActionFactory(
        organisation=org, session=session, description="Walk the wards monthly", owner_role=""
    )

    log_in_as(page, live_server, executive)
    page.goto(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "My coaching"
    check_axe(page)
    page.locator(f"#action-{action.pk} button", has_text="Mark done").click()
    page.locator(f"#action-{action.pk}").get_by_text("Done", exact=True).wait_for()
    assert Action.objects.get(pk=action.pk).status == ActionStatus.DONE

    page.get_by_role("link", name=f"Executive coaching, {session.date:%-d %B %Y}").click()
    main = page.locator("main").inner_text()
    assert "Board culture and psychological safety" in main
    assert "board chair" not in main
    check_axe(page)

    log_in_as(mobile_page, live_server, executive)
    mobile_page.goto(f"{live_server.url}/")
    check_axe(mobile_page)
    assert_no_horizontal_scroll(mobile_page)


def test_org_lead_deactivates_a_leaver_without_the_django_admin(
    page, mobile_page, live_server, org, org_lead, ward_member
):
    from tests.system.browser import assert_no_horizontal_scroll, log_in_as

    log_in_as(mobile_page, live_server, org_lead)
    mobile_page.goto(f"{live_server.url}{reverse('organisations:people', args=[org.ods_code])}")
    check_axe(mobile_page)
    assert_no_horizontal_scroll(mobile_page)

    log_in_as(page, live_server, org_lead)
    page.goto(f"{live_server.url}{reverse('organisations:detail', args=[org.ods_code])}")
    page.get_by_role("link", name="People and their roles").click()
    check_axe(page)
    page.get_by_role("link", name="Wyn Ward").click()
    assert page.locator("h1").inner_text() == "Wyn Ward"
    check_axe(page)
    page.get_by_role("link", name="Deactivate Wyn Ward").click()
    check_axe(page)
    page.get_by_role("button", name="Deactivate").click()
    page.wait_for_load_state()
    assert "Wyn Ward no longer has any role" in page.locator("main").inner_text()
    ward_member.refresh_from_db()
    assert not ward_member.is_active


def test_pages_ask_no_other_host_for_fonts_or_anything_else(page, live_server, ward_member):
    from tests.system.browser import log_in_as

    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{live_server.url}{reverse('account_login')}")
    log_in_as(page, live_server, ward_member)
    page.goto(f"{live_server.url}/")
    page.wait_for_load_state("networkidle")
    outside = [url for url in requested if not url.startswith((live_server.url, "data:"))]
    assert outside == []
    # The text falls back to the stylesheet's next font, not a downloaded Frutiger.
    assert page.evaluate("document.fonts.size") == 0
