"""Issue 15 (items 8, 10, 14) in a browser at desktop and phone width, axe on every page: a plan
with NHS.UK date inputs (a wrong date says which part to put right, and the error summary moves
to it), lived-experience involvement asked, the measures a cycle aims to move; a cycle stuck at
a stage; the signals list with one row per run and its filters."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from culture_of_care.improvement.models import CycleStatus, PDSACycle
from tests.system.browser import check_axe, log_in_as

pytestmark = [pytest.mark.system, pytest.mark.xdist_group("browser")]

VIEWPORTS = ["page", "mobile_page"]


def _submit(page, text: str) -> None:
    page.click(f"button:has-text('{text}')")
    page.wait_for_load_state("load")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_planning_a_cycle_with_nhs_date_inputs(request, viewport, live_server, ward_member, ward):
    from culture_of_care.improvement.tests.factories import qi_scene

    page = request.getfixturevalue(viewport)
    scene = qi_scene(ward)
    idea = scene["idea"]
    log_in_as(page, live_server, ward_member)
    page.goto(f"{live_server.url}{reverse('improvement:cycle_add', args=[idea.pk])}")
    check_axe(page)
    assert page.locator("legend", has_text="Planned start").count() == 1
    assert page.locator("input[type=date]").count() == 0
    # Nothing is chosen for involvement until the team answers.
    assert page.locator("input[name=involvement]:checked").count() == 0

    page.fill("#id_objective", "See whether an evening meeting helps")
    page.fill("#id_predictions", "Calmer evenings")
    page.fill("#id_planned_start_day", "2")
    page.fill("#id_planned_start_year", "2026")
    page.get_by_label(scene["measure"].name, exact=True).check()
    _submit(page, "Save the plan")
    summary = page.locator(".nhsuk-error-summary").inner_text()
    assert "Planned start must include a month." in summary
    assert "Say how people with lived experience are involved in this cycle." in summary
    check_axe(page)
    page.click(".nhsuk-error-summary >> text=Planned start must include a month.")
    assert page.evaluate("document.activeElement.id") == "id_planned_start_month"
    assert page.locator("#id_planned_start_day").input_value() == "2"

    page.fill("#id_planned_start_month", "3")
    page.check("text=Co-designed")
    _submit(page, "Save the plan")
    cycle = PDSACycle.objects.filter(change_idea=idea).latest("number")
    assert [m.pk for m in cycle.measures.all()] == [scene["measure"].pk]
    main = page.locator("main").inner_text()
    assert "From 2 March 2026, end not planned yet" in main
    assert scene["measure"].name in main
    check_axe(page)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_stuck_cycle_is_flagged(request, viewport, live_server, ward_member, ward):
    from culture_of_care.improvement.tests.factories import qi_scene

    page = request.getfixturevalue(viewport)
    scene = qi_scene(ward)
    cycle = scene["cycle"]
    PDSACycle.objects.filter(pk=cycle.pk).update(
        status=CycleStatus.DO, created_at=timezone.now() - timedelta(days=90)
    )
    log_in_as(page, live_server, ward_member)
    page.goto(f"{live_server.url}{reverse('improvement:cycles', args=[scene['project'].pk])}")
    assert page.locator(".nhsuk-tag", has_text="Waiting since").count() == 1
    check_axe(page)
    page.goto(f"{live_server.url}{reverse('improvement:cycle', args=[cycle.pk])}")
    assert "Waiting a long time at this stage" in page.locator("main").inner_text()
    check_axe(page)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_signals_list_has_one_row_per_run_and_filters(
    request, viewport, live_server, qi_coach, ward
):
    from culture_of_care.improvement.tests.chart_factories import (
        MeasureFactory,
        chart_scene,
        month,
        signal_for,
    )

    page = request.getfixturevalue(viewport)
    measure = chart_scene(ward)  # a shift of 7: seven flagged points, one run
    other = MeasureFactory(name="Seclusion episodes")
    signal_for(other, ward, month(20))
    log_in_as(page, live_server, qi_coach)
    page.goto(f"{live_server.url}{reverse('charts:my_signals')}")
    rows = page.locator("table.nhsuk-table tbody tr")
    assert rows.count() == 2
    assert "7 points in a row" in page.locator("main").inner_text()
    check_axe(page)
    page.select_option("#filter-measure", label=measure.name)
    _submit(page, "Show signals")
    assert rows.count() == 1
    assert measure.name in rows.first.inner_text()
    check_axe(page)
