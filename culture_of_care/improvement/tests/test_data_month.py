"""The "this month" form: one month, every measure of the ward and its ethnicity groups, saved
in one go (issue 15, item 5); and the codes a person can see on the ward and data pages."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from culture_of_care.improvement.models import DataPoint, Measure
from culture_of_care.improvement.tests.factories import DataPointFactory
from culture_of_care.improvement.windows import add_months, last_closed_month

pytestmark = pytest.mark.django_db


def _url(project, month=None):
    url = reverse("improvement:data_month", args=[project.pk])
    return f"{url}?month={month:%Y-%m}" if month else url


def _ids(project):
    rp = Measure.objects.get(code="rp_all")
    safe = Measure.objects.get(code="feel_safe")
    return rp.id, safe.id


def test_the_form_opens_at_the_latest_month_not_yet_entered(client_for, ward_member, project):
    latest = last_closed_month(timezone.localdate())
    for measure in Measure.objects.filter(code__in=["rp_all", "feel_safe"]):
        DataPointFactory(
            ward=project.ward, measure=measure, period_start=latest, numerator=1, denominator=400
        )
    response = client_for(ward_member).get(_url(project))
    previous = add_months(latest, -1)
    assert response.context["month"] == previous
    text = response.text
    assert f"Enter the data for {previous:%B %Y}" in text
    # Every measure, with its code, and the ethnicity groups of those entered by group.
    assert "Measure code rp_all" in text and "Measure code feel_safe" in text
    rp, safe = _ids(project)
    assert f'id="n-{rp}-white"' in text and f'id="d-{safe}-not_known"' in text
    # Any month of the window can be chosen; the entered ones say so.
    assert f"{latest:%B %Y} (entered)" in text
    assert f'value="{project.ward.coaching_start:%Y}-' in text


def test_every_measure_and_its_groups_are_saved_in_one_go(client_for, ward_member, project):
    rp, safe = _ids(project)
    month = last_closed_month(timezone.localdate())
    data = {
        f"n-{rp}-all": "3",
        f"d-{rp}-all": "500",
        f"n-{rp}-white": "2",
        f"n-{rp}-black": "1",
        f"n-{safe}-all": "8",
        f"d-{safe}-all": "10",
    }
    response = client_for(ward_member).post(_url(project, month), data)
    assert response.status_code == 302
    saved = DataPoint.objects.filter(ward=project.ward, period_start=month)
    assert saved.count() == 4
    assert saved.get(measure_id=rp, equity_group="white").numerator == 2


def test_one_wrong_value_saves_nothing_and_is_shown_beside_its_field(
    client_for, ward_member, project
):
    rp, safe = _ids(project)
    month = last_closed_month(timezone.localdate())
    data = {
        f"n-{rp}-all": "3",
        f"d-{rp}-all": "500",
        f"n-{rp}-white": "1",  # the groups add up to 1, not 3
        f"n-{safe}-all": "12",
        f"d-{safe}-all": "10",  # more who feel safe than were asked
    }
    response = client_for(ward_member).post(_url(project, month), data)
    assert response.status_code == 200
    assert not DataPoint.objects.exists()
    text = response.text
    assert "<title>Error: " in text
    assert "nhsuk-error-summary" in text
    assert f'href="#n-{safe}-all"' in text and f'href="#n-{rp}-all"' in text
    assert "cannot be more than patients answering the question (10)" in text
    assert "the ethnicity groups add up to 1 but the total is 3" in text
    # What was typed is kept, and the field is marked.
    assert (
        f'id="n-{safe}-all" name="n-{safe}-all" type="text" inputmode="decimal" value="12"' in text
    )
    assert "nhsuk-form-group--error" in text


def test_an_nhs_number_in_a_note_is_refused(client_for, ward_member, project):
    rp, _safe = _ids(project)
    month = last_closed_month(timezone.localdate())
    data = {f"n-{rp}-all": "1", f"d-{rp}-all": "500", f"note-{rp}": "see 943 476 5919"}
    response = client_for(ward_member).post(_url(project, month), data)
    assert "looks like it contains an NHS number" in response.text
    assert not DataPoint.objects.exists()


def test_a_month_outside_the_window_is_refused_with_the_window(client_for, ward_member, project):
    this_month = timezone.localdate().replace(day=1)
    response = client_for(ward_member).get(_url(project, this_month))
    assert "that month has not ended yet" in response.text
    assert response.context["month"] == last_closed_month(timezone.localdate())


def test_another_organisations_ward_is_not_found(client_for, other_org_member, project):
    assert client_for(other_org_member).get(_url(project)).status_code == 404


def test_the_ward_page_leads_with_enter_this_months_data_and_shows_the_code(
    client_for, ward_member, project
):
    page = client_for(ward_member).get(reverse("wards:detail", args=[project.ward.pk])).text
    assert f'href="{_url(project)}"' in page and "Enter this month&#x27;s data" not in page
    assert "Enter this month's data" in page
    assert "Ward code" in page and project.ward.code in page
    grid = client_for(ward_member).get(reverse("improvement:data", args=[project.pk])).text
    assert f"Ward code {project.ward.code}" in grid and "Code rp_all" in grid


def test_a_paste_into_the_grid_reports_every_problem_at_once(client_for, ward_member, project):
    month = last_closed_month(timezone.localdate())
    pasted = f"no_such\t{month:%Y-%m}\t1\t400\nrp_all\t{month:%Y-%m}\t-3\t400"
    url = reverse("improvement:data", args=[project.pk])
    text = client_for(ward_member).post(url, {"pasted": pasted}).text
    assert "Pasted row 1: &#x27;no_such&#x27; is not one of this ward&#x27;s measures" in text
    assert "Pasted row 2: " in text and "cannot be negative" in text
    assert not DataPoint.objects.exists()


def test_an_old_gap_does_not_send_the_form_years_back(client_for, ward_member, project, settings):
    """A ward up to date for the recent months opens at the last closed month, even when a
    month long ago was never entered (that is for the full grid)."""
    settings.DATA_MONTH_LOOKBACK_MONTHS = 3
    latest = last_closed_month(timezone.localdate())
    measures = list(project.measures.filter(is_active=True))
    for back in range(3):
        for measure in measures:
            DataPointFactory(
                ward=project.ward,
                measure=measure,
                period_start=add_months(latest, -back),
                numerator=1,
                denominator=400,
            )
    response = client_for(ward_member).get(_url(project))
    assert response.context["month"] == latest
