"""A programme lead drills from the national dashboard to one ward, on a desktop and on a phone;
axe checks every page, and on a phone the funnel plot and tables scroll rather than shrink."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from culture_of_care.improvement.windows import last_closed_month
from culture_of_care.reporting import services as snapshots
from culture_of_care.reporting.tests.factories import programme
from tests.system.browser import check_axe, press_and_wait, sign_in

pytestmark = [pytest.mark.system, pytest.mark.xdist_group("browser")]

PASSWORD = "a-Strong-password-123"  # tests.factories.UserFactory
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # tests.factories.user_with_role


@pytest.fixture
def dashboards_scene(db):
    orgs, wards = programme(
        organisations=2, wards_each=3, last=last_closed_month(timezone.localdate())
    )
    snapshots.snapshots_refresh()
    return orgs, wards


def test_programme_lead_drills_from_national_to_a_ward(
    page, live_server, programme_lead, dashboards_scene
):
    orgs, wards = dashboards_scene
    sign_in(page, live_server, programme_lead.email, PASSWORD, totp_secret=TOTP_SECRET)
    page.goto(f"{live_server.url}{reverse('dashboards:national')}")
    assert page.locator("h1").inner_text() == "National dashboard"
    assert page.locator(".app-coverage").first.inner_text().startswith("6 of 6 wards reported")
    assert page.locator("svg.app-funnel").count() == 1
    check_axe(page)

    page.focus("main a:has-text('London')")
    press_and_wait(page)
    assert "London: regional dashboard" in page.locator("h1").inner_text()
    check_axe(page)

    page.focus(f"main a:has-text('{orgs[0].name}')")
    press_and_wait(page)
    assert page.locator("h1").inner_text() == orgs[0].name
    check_axe(page)

    page.focus(f"#wards a:has-text('{wards[0].name}')")
    press_and_wait(page)
    assert page.url == f"{live_server.url}{reverse('dashboards:ward', args=[wards[0].pk])}"
    assert page.locator("h1").inner_text() == wards[0].name
    page.locator("summary:has-text('Data table: Restrictive practice')").first.click()
    assert page.locator("table:visible").count() >= 1
    check_axe(page)


def test_dashboards_on_a_phone_scroll_rather_than_shrink(
    mobile_page, live_server, programme_lead, dashboards_scene
):
    orgs, wards = dashboards_scene
    sign_in(mobile_page, live_server, programme_lead.email, PASSWORD, totp_secret=TOTP_SECRET)
    for url in (
        reverse("dashboards:national"),
        reverse("dashboards:ward", args=[wards[0].pk]),
    ):
        mobile_page.goto(f"{live_server.url}{url}")
        chart = mobile_page.locator(".app-chart-wrap svg").first
        assert chart.bounding_box()["width"] >= 600  # kept its size: the wrapper scrolls
        wrap = mobile_page.locator(".app-chart-wrap").first
        assert wrap.evaluate("el => el.scrollWidth > el.clientWidth")
        if url == reverse("dashboards:national"):
            funnel = mobile_page.locator(".app-funnel-wrap")
            assert funnel.evaluate("el => el.scrollWidth > el.clientWidth")
        check_axe(mobile_page)
