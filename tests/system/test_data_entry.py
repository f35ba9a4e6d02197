"""Entering data in a browser (issue 15, items 5 to 7): the ward's "this month" form, the full
grid (opens at the latest months, keeps the measure column in view, never widens the page),
the organisation's upload page and onboarding's pages, each at 1280 and 375 px with axe."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from culture_of_care.improvement.models import DataPoint, Measure
from culture_of_care.improvement.tests.factories import DataPointFactory, ProjectFactory
from culture_of_care.improvement.windows import last_closed_month
from tests.system.browser import check_axe, log_in_as, sign_in, wait_for_error_summary_focus

pytestmark = [pytest.mark.system, pytest.mark.xdist_group("browser")]

PASSWORD = "a-Strong-password-123"  # tests.factories.UserFactory
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # tests.factories.user_with_role


def assert_page_does_not_scroll_sideways(page) -> None:
    page.wait_for_load_state("load")
    width = page.evaluate("window.innerWidth")
    scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} is {scroll_width}px wide on a {width}px screen"


@pytest.fixture
def sizes(page, mobile_page):
    return [page, mobile_page]


def test_a_ward_enters_this_month_in_one_go(sizes, live_server, ward_member, ward):
    project = ProjectFactory(ward=ward)
    month = last_closed_month(timezone.localdate())
    rp = Measure.objects.get(code="rp_all")
    safe = Measure.objects.get(code="feel_safe")
    for tab in sizes:
        DataPoint.objects.all().delete()
        log_in_as(tab, live_server, ward_member)
        tab.goto(f"{live_server.url}{reverse('wards:detail', args=[ward.pk])}")
        assert "Ward code" in tab.locator("main").inner_text()
        with tab.expect_navigation():
            tab.get_by_role("button", name="Enter this month's data").click()
        assert tab.locator("h1").inner_text() == f"Enter the data for {month:%B %Y}"
        assert_page_does_not_scroll_sideways(tab)
        check_axe(tab)

        # A wrong value: nothing saved, the summary takes focus and links to the field.
        tab.fill(f"#n-{rp.id}-all", "2")
        tab.fill(f"#d-{rp.id}-all", "500")
        tab.fill(f"#n-{safe.id}-all", "12")
        tab.fill(f"#d-{safe.id}-all", "10")
        with tab.expect_navigation():
            tab.get_by_role("button", name=f"Save {month:%B %Y}").click()
        wait_for_error_summary_focus(tab)
        assert tab.title().startswith("Error: ")
        assert not DataPoint.objects.exists()
        tab.locator(".nhsuk-error-summary a").first.click()
        assert tab.evaluate("document.activeElement.id") == f"n-{safe.id}-all"
        assert_page_does_not_scroll_sideways(tab)
        check_axe(tab)

        # Corrected, with the ethnicity groups opened and filled in: all saved together.
        tab.fill(f"#n-{safe.id}-all", "8")
        tab.locator("summary", has_text="Restrictive practice").first.click()
        tab.fill(f"#n-{rp.id}-white", "2")
        assert_page_does_not_scroll_sideways(tab)
        check_axe(tab)
        with tab.expect_navigation():
            tab.get_by_role("button", name=f"Save {month:%B %Y}").click()
        assert tab.url.endswith(reverse("improvement:data", args=[project.pk]))
        assert DataPoint.objects.filter(period_start=month).count() == 3


def test_the_full_grid_opens_at_the_latest_months_with_the_measure_column_in_view(
    sizes, live_server, ward_member, ward
):
    project = ProjectFactory(ward=ward)
    DataPointFactory(ward=ward, period_start=date(2025, 1, 1), numerator=1, denominator=400)
    for tab in sizes:
        log_in_as(tab, live_server, ward_member)
        tab.goto(f"{live_server.url}{reverse('improvement:data', args=[project.pk])}")
        assert_page_does_not_scroll_sideways(tab)
        check_axe(tab)
        region = tab.locator(".app-data-grid")
        scrolled = region.evaluate(
            "el => ({left: el.scrollLeft, width: el.scrollWidth, client: el.clientWidth})"
        )
        assert scrolled["width"] > scrolled["client"], "expected a grid wider than the page"
        # Opened at the latest months: scrolled to the right-hand end.
        assert scrolled["left"] + scrolled["client"] >= scrolled["width"] - 1
        latest = last_closed_month(timezone.localdate())
        header = tab.locator("th", has_text=f"{latest:%b %Y}").first
        assert header.is_visible()
        box, region_box = header.bounding_box(), region.bounding_box()
        assert box["x"] + box["width"] <= region_box["x"] + region_box["width"] + 1
        # The measure column stays in view at the region's left edge.
        measure = tab.locator(".app-data-grid th.app-sticky-col", has_text="Restrictive").first
        assert abs(measure.bounding_box()["x"] - region_box["x"]) <= 2
        region.evaluate("el => { el.scrollLeft = el.scrollWidth / 2; }")
        assert abs(measure.bounding_box()["x"] - region_box["x"]) <= 2


def test_the_upload_page_offers_this_months_template(sizes, live_server, org_lead, ward):
    ProjectFactory(ward=ward)
    for tab in sizes:
        log_in_as(tab, live_server, org_lead)
        url = reverse("improvement:upload", args=[ward.organisation.ods_code])
        tab.goto(f"{live_server.url}{url}")
        links = tab.get_by_role("link", name="Download this month's template (CSV)")
        assert links.get_attribute("href") == reverse(
            "improvement:upload_template", args=[ward.organisation.ods_code, "csv"]
        )
        assert_page_does_not_scroll_sideways(tab)
        check_axe(tab)


def test_onboarding_offers_the_template_before_the_upload_box(sizes, live_server, admin):
    desktop, phone = sizes
    sign_in(desktop, live_server, admin.email, PASSWORD, totp_secret=TOTP_SECRET)
    # The same signed-in session on the phone (a security code is good for one sign-in only).
    phone.context.add_cookies(desktop.context.cookies())
    for tab in sizes:
        tab.goto(f"{live_server.url}{reverse('organisations:import')}")
        template = tab.locator("a", has_text="Download the template").bounding_box()
        upload = tab.locator(".nhsuk-file-upload").bounding_box()
        assert template["y"] < upload["y"]
        assert_page_does_not_scroll_sideways(tab)
        check_axe(tab)
