"""In a real browser: the CSP is enforced and reported, the API docs work under it, and an idle
session warns, can be extended, and keeps what was typed when it ends (issue 16)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.system.browser import (
    CSP_LISTENER,
    check_axe,
    csp_violations,
    log_in_as,
    sign_in,
    type_into,
)

pytestmark = [pytest.mark.system, pytest.mark.xdist_group("browser")]


def test_the_csp_blocks_inline_styles_and_scripts_and_the_tests_see_it(browser, live_server):
    """The check every browser test relies on can fail: an inline style and script are blocked
    and reported. (Its own context, so the page fixtures do not fail on what is meant here.)"""
    context = browser.new_context()
    context.add_init_script(script=CSP_LISTENER)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}{reverse('accessibility')}")
        assert csp_violations(page) == []
        page.evaluate(
            """() => {
                const box = document.createElement('div');
                box.innerHTML = '<p style="color: red">x</p>';
                document.body.appendChild(box);
                const script = document.createElement('script');
                script.textContent = 'window.__inlineRan = true';
                document.body.appendChild(script);
            }"""
        )
        page.wait_for_function("window.__cspViolations.length >= 2")
        blocked = csp_violations(page)
        assert any("style-src" in line for line in blocked), blocked
        assert any("script-src" in line for line in blocked), blocked
        assert page.evaluate("window.__inlineRan === undefined")
    finally:
        context.close()


def test_api_docs_work_under_the_csp(page, live_server, ward_member, ward):
    log_in_as(page, live_server, ward_member)
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".opblock-tag", timeout=20_000)
    assert page.locator("text=/api/v1/wards/").count() > 0
    assert csp_violations(page) == []


def test_idle_session_warns_extends_and_keeps_what_was_typed(
    page, live_server, ward_member, settings
):
    settings.SESSION_IDLE_TIMEOUT = 30
    settings.SESSION_IDLE_WARNING = 25
    sign_in(page, live_server, ward_member.email, "a-Strong-password-123")
    page.goto(f"{live_server.url}{reverse('tokens:list')}")
    type_into(page, "#id_name", "Nightly warehouse export")
    dialog = page.locator("#session-warning")
    dialog.wait_for(state="visible", timeout=15_000)
    assert "You will be signed out soon" in dialog.inner_text()
    check_axe(page)
    page.keyboard.press("Enter")  # focus is on "Stay signed in"
    dialog.wait_for(state="hidden")
    assert page.input_value("#id_name") == "Nightly warehouse export"

    # Nobody touches the page again: the session ends and the sign-in page explains why.
    page.wait_for_url(f"**{reverse('account_login')}**", timeout=60_000)
    assert "had not used Culture of Care" in page.content()
    type_into(page, "#id_login", ward_member.email)
    type_into(page, "#id_password", "a-Strong-password-123")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(reverse("tokens:list"))
    assert page.input_value("#id_name") == "Nightly warehouse export"
    assert "put back what you had typed" in page.content()
    check_axe(page)
