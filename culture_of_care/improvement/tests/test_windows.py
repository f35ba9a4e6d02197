"""A data point is accepted only inside the ward's window, on every path (issue 11, item 2).

The window runs from the ward's baseline start (12 months before coaching starts) to the last
closed month. The clock is set in each test: on 10 December 2026 the last closed month is
November 2026; the test ward starts coaching in April 2025, so its baseline starts April 2024.
"""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from culture_of_care.improvement import windows
from culture_of_care.improvement.models import DataPoint, Measure
from tests.factories import WardFactory

pytestmark = pytest.mark.django_db

TODAY = "2026-12-10 12:00 +0000"
WINDOW = "from April 2024 to November 2026"


@pytest.fixture
def clock():
    with time_machine.travel(TODAY, tick=False):
        yield


def test_window_runs_from_baseline_to_last_closed_month(ward):
    window = windows.ward_window(ward, today=date(2026, 12, 10))
    assert (window.first, window.last) == (date(2024, 4, 1), date(2026, 11, 1))
    assert window.label == WINDOW
    assert windows.window_problem(ward, date(2026, 11, 1), today=date(2026, 12, 10)) is None
    running = windows.window_problem(ward, date(2026, 12, 1), today=date(2026, 12, 10))
    assert "has not ended yet" in running and WINDOW in running
    early = windows.window_problem(ward, date(2019, 3, 1), today=date(2026, 12, 10))
    assert "12-month baseline began" in early and WINDOW in early


def test_a_ward_without_a_coaching_start_is_told_why(org):
    ward = WardFactory(organisation=org, coaching_start=None, coaching_end=None)
    problem = windows.window_problem(ward, date(2026, 1, 1), today=date(2026, 12, 10))
    assert "no coaching start date" in problem


def test_submission_deadline_is_the_15th_of_the_next_month(settings):
    assert windows.submission_deadline(date(2026, 11, 1)) == date(2026, 12, 15)
    assert not windows.counts_above_ward(date(2026, 11, 1), today=date(2026, 12, 15))
    assert windows.counts_above_ward(date(2026, 11, 1), today=date(2026, 12, 16))
    assert windows.latest_reportable_month(date(2026, 12, 10)) == date(2026, 10, 1)
    settings.DATA_SUBMISSION_DEADLINE_DAY = 5
    assert windows.latest_reportable_month(date(2026, 12, 10)) == date(2026, 11, 1)


@pytest.mark.parametrize(
    ("month", "why"),
    [("2026-12", "has not ended yet"), ("2019-06", "12-month baseline began")],
)
def test_grid_refuses_months_outside_the_window(
    clock, client_for, ward_member, project, month, why
):
    measure = Measure.objects.get(code="rp_all")
    response = client_for(ward_member).post(
        reverse("improvement:data", args=[project.pk]),
        {f"n-{measure.pk}-{month}": "3", f"d-{measure.pk}-{month}": "400"},
    )
    assert why in response.text and WINDOW in response.text
    assert not DataPoint.objects.exists()


def test_grid_shows_only_the_window(clock, client_for, ward_member, project):
    response = client_for(ward_member).get(reverse("improvement:data", args=[project.pk]))
    periods = response.context["periods"]
    assert (periods[0], periods[-1]) == (date(2024, 4, 1), date(2026, 11, 1))


@pytest.mark.parametrize(
    ("month", "why"),
    [("2026-12", "has not ended yet"), ("2019-06", "12-month baseline began")],
)
def test_paste_refuses_months_outside_the_window(
    clock, client_for, ward_member, project, month, why
):
    response = client_for(ward_member).post(
        reverse("improvement:data", args=[project.pk]),
        {"pasted": f"rp_all\t{month}\t3\t400\nrp_all\t2026-10\t2\t400"},
    )
    assert "Pasted row 1" in response.text and why in response.text
    assert WINDOW in response.text
    assert not DataPoint.objects.exists()  # all or nothing: the good row is not saved either


@pytest.mark.parametrize(
    ("month", "why"),
    [("2026-12", "has not ended yet"), ("2019-06", "12-month baseline began")],
)
def test_upload_refuses_months_outside_the_window(clock, client_for, org_lead, project, month, why):
    body = "ward_code,measure_code,numerator,denominator\nW01,rp_all,4,500\n"
    upload = SimpleUploadedFile("m.csv", body.encode(), content_type="text/csv")
    response = client_for(org_lead).post(
        reverse("improvement:upload", args=[project.organisation.ods_code]),
        {"month": month, "file": upload, "action": "check"},
    )
    assert why in response.text and WINDOW in response.text
    assert not DataPoint.objects.exists()


@pytest.mark.parametrize(
    ("month", "why"),
    [("2026-12-01", "has not ended yet"), ("2019-06-01", "12-month baseline began")],
)
def test_api_refuses_months_outside_the_window(clock, client_for, ward_member, project, month, why):
    row = {"ward": project.ward_id, "measure": "rp_all", "numerator": "3", "denominator": "400"}
    response = client_for(ward_member).post(
        "/api/v1/data-points/bulk/",
        {"data_points": [{**row, "period_start": month}]},
        content_type="application/json",
    )
    assert response.status_code == 400
    message = response.json()["errors"][0]
    assert why in message and WINDOW in message
    assert not DataPoint.objects.exists()


def test_too_few_bed_days_need_a_note(clock, client_for, ward_member, project):
    # 18 beds x 30 days in November: fewer than 30% of 540 (162) needs a reason.
    row = {
        "ward": project.ward_id,
        "measure": "rp_all",
        "period_start": "2026-11-01",
        "numerator": "1",
        "denominator": "60",
    }
    client = client_for(ward_member)
    url = "/api/v1/data-points/bulk/"
    response = client.post(url, {"data_points": [row]}, content_type="application/json")
    assert response.status_code == 400
    message = response.json()["errors"][0]
    assert "look too few: at least 162 expected (30% of 18 beds x 30 days)" in message
    assert "add a note" in message

    noted = {**row, "note": "Ward closed for two weeks for refurbishment."}
    response = client.post(url, {"data_points": [noted]}, content_type="application/json")
    assert response.status_code == 200, response.json()
    assert DataPoint.objects.get().note == "Ward closed for two weeks for refurbishment."


def test_pasted_note_lets_low_bed_days_through(clock, client_for, ward_member, project):
    client = client_for(ward_member)
    url = reverse("improvement:data", args=[project.pk])
    response = client.post(url, {"pasted": "rp_all\t2026-11\t1\t60"})
    assert "look too few" in response.text
    response = client.post(url, {"pasted": "rp_all\t2026-11\t1\t60\t\tWard half closed"})
    assert response.status_code == 302
    assert DataPoint.objects.get().note == "Ward half closed"


def test_bed_days_lower_bound_is_a_setting(settings, clock, client_for, ward_member, project):
    settings.DATA_BED_DAYS_MIN_SHARE = 0.05
    response = client_for(ward_member).post(
        reverse("improvement:data", args=[project.pk]), {"pasted": "rp_all\t2026-11\t1\t60"}
    )
    assert response.status_code == 302


def test_upload_note_lets_low_bed_days_through(clock, client_for, org_lead, project):
    url = reverse("improvement:upload", args=[project.organisation.ods_code])
    body = "ward_code,measure_code,numerator,denominator,note\nW01,rp_all,1,60,{}\n"
    client = client_for(org_lead)

    def check(note: str):
        upload = SimpleUploadedFile("m.csv", body.format(note).encode(), content_type="text/csv")
        return client.post(url, {"month": "2026-11", "file": upload, "action": "check"})

    assert "look too few" in check("").text
    assert "The file is fine" in check("Ward closed for a fortnight").text
    assert client.post(url, {"action": "save"}).status_code == 302
    assert DataPoint.objects.get().note == "Ward closed for a fortnight"
