"""A ward team member reads their measures the Making Data Count way and reviews a signal;
an organisation lead reads the organisation's chart. Axe checks every page on the way."""

from __future__ import annotations

import pytest
from django.urls import reverse

from culture_of_care.improvement.models import Signal
from culture_of_care.improvement.tests.chart_factories import chart_scene
from tests.system.browser import check_axe, log_in_as

pytestmark = [pytest.mark.system, pytest.mark.xdist_group("browser")]


def test_ward_member_reads_a_chart_and_reviews_a_signal(page, live_server, ward_member, ward):
    measure = chart_scene(ward)
    log_in_as(page, live_server, ward_member)
    page.goto(f"{live_server.url}{reverse('wards:detail', args=[ward.pk])}")
    assert "1 signal to review" in page.locator("body").inner_text()
    page.click(f"text=Measures summary for {ward.name}")
    page.wait_for_url("**/charts/ward/**")
    assert page.locator("h1").inner_text() == "Measures summary"
    assert page.locator("table.app-mdc-summary").is_visible()
    check_axe(page)

    page.click(f"text={measure.name}")
    page.wait_for_url(f"**/measure/{measure.pk}/")
    assert page.locator("h1").inner_text() == measure.name
    summary = page.locator("#chart-summary").inner_text()
    assert summary.startswith("The last 7 months are below the average since January 2024")
    svg = page.locator("svg#spc-chart")
    assert svg.get_attribute("role") == "img"
    assert svg.get_attribute("aria-describedby") == "chart-summary"
    assert "Variation (L):" in page.locator(".app-mdc-icons").inner_text()
    assert page.locator("text=Rate ratio against White").count() == 1
    check_axe(page)

    page.click("text=Show as a run chart")
    page.wait_for_url("**?view=run")
    page.locator("text=Runs test:").wait_for()
    check_axe(page)

    page.goto(f"{live_server.url}{reverse('charts:ward_signals', args=[ward.pk])}")
    check_axe(page)
    page.locator("a", has_text="Review").first.click()
    page.wait_for_url("**/review/")
    assert page.locator("h1").inner_text().startswith("Review the signal in")
    check_axe(page)
    page.check("text=A known cause")
    page.fill("#id_text", "A new activities coordinator started.")
    page.click("button:has-text('Save the review')")
    page.wait_for_url(f"**/measure/{measure.pk}/")
    assert "A new activities coordinator started." in page.locator("body").inner_text()
    assert not Signal.objects.filter(ward=ward, reviewed_at__isnull=True).exists()

    page.click("text=Recalculate the limits (rebase)")
    page.wait_for_url("**/rebase/")
    # Nothing chosen and no reason: the form says what is missing.
    page.click("button:has-text('Recalculate the limits')")
    page.locator(".nhsuk-error-summary").wait_for()
    assert page.title().startswith("Error: ")
    check_axe(page)


def test_organisation_lead_reads_the_organisation_chart(page, live_server, org_lead, org, ward):
    measure = chart_scene(ward)
    log_in_as(page, live_server, org_lead)
    page.goto(f"{live_server.url}{reverse('organisations:detail', args=[org.ods_code])}")
    page.click(f"text=Measures summary for {org.name}")
    page.wait_for_url("**/charts/organisation/**")
    check_axe(page)
    page.click(f"text={measure.name}")
    page.wait_for_url(f"**/measure/{measure.pk}/")
    assert "all wards" in page.locator(".nhsuk-caption-l").inner_text()
    assert page.locator("svg#spc-chart title").count() == 1
    check_axe(page)
    # Printable: the print stylesheet hides navigation, keeps the chart and the table.
    page.emulate_media(media="print")
    assert not page.locator(".nhsuk-header").is_visible()
    assert page.locator("svg#spc-chart").is_visible()
    assert page.locator("table.app-chart-table").is_visible()
