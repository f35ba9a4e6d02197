"""Phone-sized screens: pages reflow to 375px wide with no sideways scrolling (WCAG 1.4.10)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.system.browser import (
    assert_focus_visible,
    assert_no_horizontal_scroll,
    check_axe,
    log_in_as,
    sign_in,
)

pytestmark = [pytest.mark.system, pytest.mark.xdist_group("browser")]

PHONE_WIDTH = 375


def test_qi_coach_on_a_phone_sees_home_and_a_ward_without_scrolling_sideways(
    mobile_page, live_server, qi_coach, ward
):
    mobile_page.goto(f"{live_server.url}{reverse('account_login')}")
    assert_no_horizontal_scroll(mobile_page)
    sign_in(mobile_page, live_server, qi_coach.email, "a-Strong-password-123")

    assert mobile_page.locator("h1").inner_text() == "My wards"
    assert mobile_page.evaluate("window.innerWidth") == PHONE_WIDTH
    assert_no_horizontal_scroll(mobile_page)
    check_axe(mobile_page)

    with mobile_page.expect_navigation():
        mobile_page.get_by_role("link", name="Willow Ward").click()
    assert mobile_page.url == f"{live_server.url}{reverse('wards:detail', args=[ward.pk])}"
    assert mobile_page.locator("h1").inner_text() == "Willow Ward"
    assert_no_horizontal_scroll(mobile_page)
    check_axe(mobile_page)


@pytest.mark.parametrize("url_name", ["organisations:list", "wards:list"])
def test_a_table_too_wide_for_a_phone_scrolls_with_the_keyboard(
    mobile_page, live_server, org_lead, url_name
):
    # No matches: the table has no links, so only the scrolling region itself can take focus.
    log_in_as(mobile_page, live_server, org_lead)
    mobile_page.goto(f"{live_server.url}{reverse(url_name)}?q=no-such-place")
    assert_no_horizontal_scroll(mobile_page)
    check_axe(mobile_page)

    region = mobile_page.locator(".app-table-scroll")
    assert region.evaluate("el => el.scrollWidth > el.clientWidth"), "expected a wide table"
    region.focus()
    assert_focus_visible(mobile_page)
    mobile_page.keyboard.press("ArrowRight")
    mobile_page.wait_for_function(
        "() => document.querySelector('.app-table-scroll').scrollLeft > 0"
    )
