"""An NCISH adviser records a quarter's self-assessment (refused at level 4 without evidence,
accepted with it), ticks a milestone and enters a care-record audit, and the cohort dashboard
shows each. Axe checks every page on the way."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from risk.models import Cohort
from risk.tests.factories import (
    RiskParticipationFactory,
    ensure_milestone_definitions,
    risk_theory_with_domains,
)
from tests.system.browser import check_axe, log_in_as, wait_for_error_summary_focus

pytestmark = [pytest.mark.system, pytest.mark.xdist_group("browser")]


def test_ncish_adviser_records_the_quarter(page, live_server, risk_lead, org):
    _theory, domains = risk_theory_with_domains()
    ensure_milestone_definitions()
    RiskParticipationFactory(organisation=org, cohort=Cohort.YEAR_ONE, adviser=risk_lead)
    today = timezone.localdate().isoformat()
    log_in_as(page, live_server, risk_lead)

    page.goto(f"{live_server.url}{reverse('risk:dashboard')}")
    assert page.locator("h1").inner_text() == "Risk: a personalised approach to safety"
    check_axe(page)
    page.click(f"text={org.name} >> nth=0")
    assert page.locator("h1").inner_text() == org.name
    check_axe(page)

    page.click("text=Record this quarter's self-assessment")
    for node in domains:
        page.check(f"#id_level_{node.code}_2")
    first = domains[0]
    page.check(f"#id_level_{first.code}_4")
    page.click("button:has-text('Save the self-assessment')")
    wait_for_error_summary_focus(page)
    assert page.title().startswith("Error: ")
    assert (
        f"Give the evidence for {first.text}" in page.locator(".nhsuk-error-summary").inner_text()
    )
    check_axe(page)
    page.fill(f"#id_evidence_{first.code}", "Policy approved by the board in March")
    page.click("button:has-text('Save the self-assessment')")
    page.wait_for_load_state("load")
    assert "Saved the self-assessment" in page.locator("body").inner_text()

    page.click("text=Update milestones and staff trained")
    check_axe(page)
    page.click("text=Clinical risk policy rewritten without stratification")
    page.check("#id_status_2")  # Done
    page.fill("#id_date", today)
    page.fill("#id_evidence", "Policy v3, approved by the quality committee")
    page.click("button:has-text('Save')")
    page.wait_for_load_state("load")
    assert "Updated: Clinical risk policy" in page.locator("body").inner_text()

    page.goto(f"{live_server.url}{reverse('risk:audit_new', args=[org.ods_code])}")
    check_axe(page)
    page.fill("#id_audit_date", today)
    for field, value in [
        ("sample_size", "40"),
        ("with_formulation", "30"),
        ("plan_with_person", "24"),
        ("shared_with_carers", "12"),
        ("reviewed_on_time", "20"),
        ("stratified_language", "6"),
    ]:
        page.fill(f"#id_{field}", value)
    page.click("button:has-text('Save the audit')")
    page.wait_for_load_state("load")
    assert page.locator("h1").inner_text() == "Care-record audits"
    assert page.locator("svg.app-chart[role='img']").count() == 5
    check_axe(page)

    page.goto(f"{live_server.url}{reverse('risk:dashboard')}")
    body = page.locator("body").inner_text()
    assert "Implementing" in body
    assert "1 of 8" in body
    assert "75%" in body
    check_axe(page)
