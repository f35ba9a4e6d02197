"""The QI method in a browser: a ward team member adds a change idea, plans a cycle (the start is
refused until there is a prediction), carries it through do, study and act, adapts it into the
next cycle, enters a month of data with a mistake and then correctly; the coach records a
progress score. Axe checks every page on the way."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from culture_of_care.improvement.models import DataPoint, Measure, PDSACycle, ProgressScore
from culture_of_care.periods import add_months, month_start
from tests.system.browser import check_axe, log_in_as

pytestmark = [pytest.mark.system, pytest.mark.xdist_group("browser")]


def _submit(page, text: str) -> None:
    page.click(f"button:has-text('{text}')")
    page.wait_for_load_state("load")


def test_ward_member_runs_a_pdsa_cycle_and_enters_data(page, live_server, ward_member, ward):
    from culture_of_care.improvement import services
    from culture_of_care.improvement.tests.factories import ensure_reference_data

    ensure_reference_data()
    project = services.ward_project_ensure(ward=ward)
    url = live_server.url
    log_in_as(page, live_server, ward_member)

    page.goto(f"{url}{reverse('wards:detail', args=[ward.pk])}")
    page.click("text=The ward's improvement project")
    assert page.locator("h1").inner_text() == project.title
    check_axe(page)

    page.click("text=Add a change idea")
    check_axe(page)
    page.select_option("#id_national_node", label="a daily community meeting chaired by a patient")
    _submit(page, "Add the change idea")
    assert page.locator("h1").inner_text() == "A daily community meeting chaired by a patient"
    check_axe(page)

    page.click("text=Plan a new cycle")
    page.fill("#id_objective", "See whether a patient-chaired meeting calms the mornings")
    page.check("text=Co-designed")
    _submit(page, "Save the plan")
    _submit(page, "Start the cycle")
    assert page.title().startswith("Error: ")
    assert "what you predict will happen" in page.locator(".nhsuk-error-summary").inner_text()
    check_axe(page)

    page.click(".nhsuk-task-list >> text=Plan")
    page.fill("#id_predictions", "Fewer incidents before lunch")
    _submit(page, "Save the plan")
    _submit(page, "Start the cycle")
    assert "Doing" in page.locator("main").inner_text()
    check_axe(page)

    page.click(".nhsuk-task-list >> text=Do")
    page.check("#id_carried_out_as_planned_0")
    page.fill("#id_what_happened", "Held on four days out of five")
    _submit(page, "Save and move on to study")
    # "Save and move on" opens the study, which shows the predictions to compare against.
    assert page.locator("h1").inner_text() == "Study: what you learned"
    assert "Fewer incidents before lunch" in page.locator(".app-predictions").inner_text()
    check_axe(page)
    page.fill("#id_results", "Two incidents instead of five")
    page.fill("#id_learning", "Timing matters")
    _submit(page, "Save and decide what next")
    assert page.locator("h1").inner_text() == "Act: what next"
    check_axe(page)
    page.check("text=Adapt: change it and test again in the next cycle")
    page.fill("#id_next_step", "Move the meeting to 10am")
    _submit(page, "Save the decision")
    second = PDSACycle.objects.get(number=2)
    assert second.previous.number == 1
    assert page.locator("#id_objective").input_value() == "Move the meeting to 10am"

    # A month of data: one impossible value first, then the right ones.
    rp = Measure.objects.get(code="rp_all")
    month = add_months(month_start(timezone.localdate()), -1)
    key = f"{rp.pk}-{month:%Y-%m}"
    page.goto(f"{url}{reverse('improvement:data', args=[project.pk])}")
    check_axe(page)
    page.fill(f"#n-{key}", "4")
    page.fill(f"#d-{key}", "99999")
    _submit(page, "Save the data")
    assert page.title().startswith("Error: ")
    assert "cannot be more than" in page.locator(".nhsuk-error-summary").inner_text()
    assert not DataPoint.objects.exists()
    check_axe(page)
    page.fill(f"#d-{key}", "480")
    _submit(page, "Save the data")
    assert DataPoint.objects.get(ward=ward, measure=rp).denominator == 480
    assert "Wyn Ward" in page.locator("main").inner_text()  # the change history


def test_coach_records_a_progress_score(page, live_server, qi_coach, ward):
    from culture_of_care.improvement import services
    from culture_of_care.improvement.tests.factories import ensure_reference_data

    ensure_reference_data()
    project = services.ward_project_ensure(ward=ward)
    log_in_as(page, live_server, qi_coach)
    page.goto(f"{live_server.url}{reverse('improvement:scores', args=[project.pk])}")
    assert "Suggested from the evidence" in page.locator("main").inner_text()
    check_axe(page)
    # A coach can only score as the coach: the form states it rather than offering one radio.
    assert page.locator("#id_scored_by").get_attribute("type") == "hidden"
    assert page.locator("#id_scored_by").get_attribute("value") == "coach"
    page.check("text=2.0 Activity, but no changes")
    page.fill("#id_rationale", "Baseline under way")
    _submit(page, "Record the score")
    assert ProgressScore.objects.get(project=project).scored_by == "coach"
    assert "Baseline under way" in page.locator("table").inner_text()
