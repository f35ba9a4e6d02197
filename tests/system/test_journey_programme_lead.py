"""A programme lead in a browser: signs in with a security code, reads the programme overview,
goes from the organisations list to an organisation, one of its wards, the ward's measures
summary and one chart, then the coaching coverage page, which shows counts and never the
confidential notes of an executive session. Axe checks every page on the way."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coaching.models import SessionKind
from coaching.tests.factories import CoachingSessionFactory, ExecutiveSessionFactory
from culture_of_care.improvement.tests.chart_factories import chart_scene
from tests.system.browser import check_axe, press_and_wait, sign_in

pytestmark = [pytest.mark.system, pytest.mark.xdist_group("browser")]

PASSWORD = "a-Strong-password-123"  # tests.factories.UserFactory
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # tests.factories.user_with_role
CONFIDENTIAL = "The chief executive is worried about the board chair (confidential)."


def _counts(page) -> list[str]:
    """The overview's headline figures, each as one line ("2 organisations")."""
    texts = page.locator(".nhsuk-card-group .nhsuk-card__description").all_inner_texts()
    return [" ".join(text.split()) for text in texts]


def test_programme_lead_reads_an_organisation_a_ward_its_charts_and_coverage(
    page, live_server, programme_lead, org, ward, other_ward
):
    measure = chart_scene(ward)
    CoachingSessionFactory(ward=ward, kind=SessionKind.WARD_QI, coaches=[programme_lead])
    ExecutiveSessionFactory(
        organisation=org,
        confidential_notes=CONFIDENTIAL,
        shared_summary="Board culture and psychological safety.",
    )

    sign_in(page, live_server, programme_lead.email, PASSWORD, totp_secret=TOTP_SECRET)
    assert page.url == f"{live_server.url}/"
    assert page.locator("h1").inner_text() == "Programme overview"
    counts = _counts(page)
    assert counts[0] == "2 organisations"
    assert counts[1] == "2 wards (2 active)"
    assert counts[2] == "36 beds"
    check_axe(page)

    # Organisations list, then the organisation, with the keyboard.
    page.focus(".nhsuk-header__navigation-list a:has-text('Organisations')")
    press_and_wait(page)
    assert page.url.startswith(f"{live_server.url}{reverse('organisations:list')}")
    assert "Hilltop Partnership NHS Trust" in page.locator("main table").inner_text()
    check_axe(page)
    page.focus(f"main table a:has-text('{org.name}')")
    press_and_wait(page)
    assert page.url == f"{live_server.url}{reverse('organisations:detail', args=[org.ods_code])}"
    assert page.locator("h1").inner_text() == org.name
    check_axe(page)

    page.click(f"main a:has-text('{ward.name}')")
    page.wait_for_url(f"**{reverse('wards:detail', args=[ward.pk])}")
    assert page.locator("h1").inner_text() == ward.name
    check_axe(page)

    page.click(f"text=Measures summary for {ward.name}")
    page.wait_for_url("**/charts/ward/**")
    assert page.locator("h1").inner_text() == "Measures summary"
    summary = page.locator("table.app-mdc-summary")
    assert measure.name in summary.inner_text()
    check_axe(page)

    page.click(f"table.app-mdc-summary a:has-text('{measure.name}')")
    page.wait_for_url(f"**/measure/{measure.pk}/")
    assert page.locator("h1").inner_text() == measure.name
    assert page.locator("svg#spc-chart").get_attribute("role") == "img"
    assert page.locator("#chart-summary").inner_text()
    check_axe(page)

    # Coaching coverage: counts only; the executive session's notes never appear.
    page.goto(f"{live_server.url}{reverse('coaching:coverage')}")
    assert page.locator("h1").inner_text() == "Coaching coverage"
    kinds = page.locator("table:has(caption:has-text('Logged sessions by kind'))")
    executive_row = kinds.locator("tbody tr", has_text="Executive coaching")
    ward_row = kinds.locator("tbody tr", has_text="Ward QI coaching")
    assert executive_row.locator("td").last.inner_text() == "1"
    assert ward_row.locator("td").last.inner_text() == "1"
    assert ward.name in page.locator("main").inner_text()
    assert CONFIDENTIAL not in page.content()
    assert "board chair" not in page.content()
    check_axe(page)
