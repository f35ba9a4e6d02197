"""The live server serves our static files and the NHS.UK assets, so the pages look right."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.system.browser import NHS_BLUE, assert_focus_visible, check_axe

pytestmark = [pytest.mark.system, pytest.mark.xdist_group("browser")]


def test_stylesheet_scripts_and_assets_load(page, live_server):
    failed: list[str] = []
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda msg: (
            errors.append(f"{msg.text} ({msg.location.get('url')})")
            if msg.type == "error" and msg.location.get("url", "").startswith(live_server.url)
            else None
        ),
    )
    page.on(
        "response",
        lambda response: (
            failed.append(f"{response.status} {response.url}") if response.status >= 400 else None
        ),
    )
    page.goto(f"{live_server.url}{reverse('account_login')}")

    header = page.locator("header.nhsuk-header")
    assert header.evaluate("el => getComputedStyle(el).backgroundColor") == NHS_BLUE
    # The NHS.UK JavaScript ran (it marks the body) and our module script loaded without errors.
    assert "nhsuk-frontend-supported" in (page.locator("body").get_attribute("class") or "")
    assert not errors, errors
    # /assets/... comes from public/ through WhiteNoise (the favicon and the stylesheet's icons).
    favicon = page.request.get(f"{live_server.url}/assets/images/favicon.svg")
    assert favicon.status == 200
    assert "svg" in favicon.headers["content-type"]
    assert not failed, failed


def test_skip_link_is_the_first_tab_stop_and_shows_focus(page, live_server):
    page.goto(f"{live_server.url}{reverse('accessibility')}")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "nhsuk-skip-link"
    assert_focus_visible(page)
    check_axe(page)
