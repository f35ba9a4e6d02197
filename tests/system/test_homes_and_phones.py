"""Issue 15, items 11 to 13 in a real browser: every role's home shows its own work; at 375 px
the main table pages never scroll sideways and their key controls are in view; charts scroll
rather than shrink; the coaching session form narrows executives to the chosen organisation
and keeps its topics collapsed. Axe checks at 1280 and 375 px on every page."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching.tests.factories import (
    ActionFactory,
    CoachPairFactory,
    ExecutiveFactory,
    ExecutiveSessionFactory,
)
from culture_of_care.improvement.models import Measure
from culture_of_care.improvement.tests.factories import DataPointFactory, ensure_reference_data
from risk.tests.factories import risk_scene
from tests.factories import RoleAssignmentFactory
from tests.system.browser import assert_no_horizontal_scroll, check_axe, log_in_as
from tests.system.conftest import DESKTOP, MOBILE

pytestmark = [pytest.mark.system, pytest.mark.xdist_group("browser")]


def _a_year_of_data(ward) -> None:
    ensure_reference_data()
    measure = Measure.objects.get(code="rp_all")
    for n in range(12):
        DataPointFactory(
            ward=ward, measure=measure, period_start=date(2025, n + 1, 1), numerator=5 + n % 3
        )


def _in_view(page, locator) -> bool:
    """The element's whole width is on the screen without scrolling sideways."""
    box = locator.bounding_box()
    return (
        box is not None and box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]
    )


def _both_sizes(new_page, live_server, user, path: str):
    """The page at 1280 and at 375 px: axe passes and nothing scrolls sideways."""
    pages = []
    for viewport in (DESKTOP, MOBILE):
        page = new_page(viewport=viewport)
        log_in_as(page, live_server, user)
        page.goto(f"{live_server.url}{path}")
        assert_no_horizontal_scroll(page)
        check_axe(page)
        pages.append(page)
    return pages


def test_every_role_lands_on_its_own_work(
    new_page, live_server, org, ward, ward_member, org_lead, leadership_coach, risk_lead, executive
):
    _a_year_of_data(ward)
    risk_scene(org, adviser=risk_lead)
    ActionFactory(ward=ward, description="Book the bank staff", due_on=date(2025, 1, 1))
    pair = CoachPairFactory(organisation=org, lived_experience_coach=leadership_coach)
    record = ExecutiveFactory(organisation=org, user=executive, name="Eve Exec", coach_pair=pair)
    session = ExecutiveSessionFactory(organisation=org)
    session.executives.add(record)
    ActionFactory(organisation=org, session=session, description="Walk the wards monthly")

    expected = [
        (ward_member, "Enter this month's data", "Your charts at a glance"),
        (org_lead, "Overdue actions", "Book the bank staff"),
        (leadership_coach, "Executives you coach", "Eve Exec"),
        (risk_lead, "Self-assessments due", org.name),
        (executive, "Your actions", "Walk the wards monthly"),
    ]
    for user, first, second in expected:
        for page in _both_sizes(new_page, live_server, user, reverse("home")):
            main = page.locator("main").inner_text()
            assert first in main and second in main, (user, main[:400])
            assert "signals to review" not in main
            assert "Wards in the programme" not in main
            page.context.close()


def test_main_table_pages_fit_a_phone_with_their_key_controls_in_view(
    new_page, live_server, org, ward, org_lead, qi_coach
):
    from culture_of_care.improvement.tests.chart_factories import chart_scene

    measure = chart_scene(ward)
    risk_scene(org)
    RoleAssignmentFactory(user=qi_coach, role="risk_lead", organisation=org)
    for n in range(3):
        ActionFactory(
            ward=ward,
            owner=qi_coach,
            description=f"A long description of something agreed in coaching, number {n}",
            due_on=timezone.localdate() + timedelta(days=n),
        )
    # The actions list: its status and "mark done" come first, in view on a phone.
    desktop, phone = _both_sizes(new_page, live_server, qi_coach, reverse("coaching:action_list"))
    first_row = phone.locator("tbody tr").first
    assert _in_view(phone, first_row.locator(".nhsuk-tag"))
    assert _in_view(phone, first_row.get_by_role("button", name="Mark done"))

    # The MDC summary: each measure's icons are in view beside its name.
    _, phone = _both_sizes(
        new_page, live_server, org_lead, reverse("charts:ward_summary", args=[ward.pk])
    )
    row = phone.locator("tbody tr", has_text=measure.name)
    assert _in_view(phone, row.locator(".app-mdc-icon").first)

    # A chart scrolls in its own region rather than shrinking its text.
    _, phone = _both_sizes(
        new_page, live_server, org_lead, reverse("charts:ward_chart", args=[ward.pk, measure.pk])
    )
    region = phone.locator(".app-chart-scroll").first
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")
    assert phone.locator(".app-chart-scroll > svg").first.evaluate(
        "el => el.getBoundingClientRect().width >= 600"
    )

    # The risk dashboard: in-page navigation, and a heat map that scrolls, not cut off.
    _, phone = _both_sizes(new_page, live_server, qi_coach, reverse("risk:dashboard"))
    assert phone.locator("nav.nhsuk-contents-list").is_visible()
    heat = phone.locator(".app-heat-map").first
    assert heat.evaluate("el => el.scrollWidth > el.clientWidth")
    assert heat.evaluate("el => getComputedStyle(el).overflowX") == "auto"

    # The other main tables: no sideways scrolling at 375 px, axe passes.
    for path in (
        reverse("coaching:session_list"),
        reverse("charts:my_signals"),
        reverse("wards:list"),
        reverse("organisations:list"),
    ):
        _both_sizes(new_page, live_server, org_lead, path)


def test_session_form_narrows_executives_and_collapses_topics(
    new_page, live_server, org, other_org, leadership_coach
):
    RoleAssignmentFactory(user=leadership_coach, role="leadership_coach", organisation=other_org)
    ExecutiveFactory(organisation=org, name="Ada Ours")
    ExecutiveFactory(organisation=other_org, name="Bo Theirs")
    for page in _both_sizes(
        new_page, live_server, leadership_coach, reverse("coaching:session_new")
    ):
        assert page.locator("#id_date").input_value() == timezone.localdate().isoformat()
        topics = page.locator("details.app-checkbox-group")
        assert topics.count() >= 1
        assert not topics.first.evaluate("el => el.open")
        page.get_by_label("Executive coaching").check()
        page.select_option("#id_organisation", str(org.pk))
        assert page.get_by_label("Ada Ours, Chief Nurse").is_visible()
        assert not page.get_by_label("Bo Theirs, Chief Nurse").is_visible()
        page.select_option("#id_organisation", str(other_org.pk))
        assert page.get_by_label("Bo Theirs, Chief Nurse").is_visible()
        assert not page.get_by_label("Ada Ours, Chief Nurse").is_visible()
        assert_no_horizontal_scroll(page)
        check_axe(page)
