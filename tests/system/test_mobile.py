"""Phone-sized screens: pages reflow to 375px wide with no sideways scrolling (WCAG 1.4.10)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.system.browser import assert_no_horizontal_scroll, check_axe, sign_in

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
