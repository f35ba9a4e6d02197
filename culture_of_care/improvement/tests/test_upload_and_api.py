"""An organisation's monthly upload (dry run, then all or nothing) and the data points API."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from culture_of_care.improvement.models import DataPoint, Measure, Signal
from culture_of_care.improvement.tests.factories import (
    ChangeIdeaFactory,
    DataPointFactory,
    PDSACycleFactory,
    ProjectFactory,
)
from tests.factories import WardFactory

pytestmark = pytest.mark.django_db


def _csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("march.csv", text.encode(), content_type="text/csv")


@pytest.fixture
def second_ward(org):
    ward = WardFactory(organisation=org, code="W02", name="Rowan Ward", beds=10)
    ProjectFactory(ward=ward)
    return ward


def test_upload_checks_first_then_saves_everything(client_for, org_lead, project, second_ward):
    client = client_for(org_lead)
    url = reverse("improvement:upload", args=[project.organisation.ods_code])
    body = "ward_code,measure_code,numerator,denominator\nW01,rp_all,4,500\nW02,rp_all,2,280\n"
    response = client.post(url, {"month": "2026-03", "file": _csv(body), "action": "check"})
    assert "The file is fine: 2 values for 2 wards" in response.text
    assert not DataPoint.objects.exists()

    response = client.post(url, {"action": "save"})
    assert response.status_code == 302
    assert DataPoint.objects.filter(period_start=date(2026, 3, 1)).count() == 2


def test_upload_with_a_bad_row_saves_nothing_and_names_the_row(
    client_for, org_lead, project, second_ward
):
    client = client_for(org_lead)
    url = reverse("improvement:upload", args=[project.organisation.ods_code])
    body = (
        "ward_code,measure_code,numerator,denominator\n"
        "W01,rp_all,4,500\n"
        "W02,rp_all,2,9999\n"  # 10 beds x 31 days = 310
        "W77,rp_all,1,100\n"
    )
    response = client.post(url, {"month": "2026-03", "file": _csv(body), "action": "check"})
    assert "Row 4: &#x27;W77&#x27; is not a ward code" in response.text
    assert "<title>Error: " in response.text
    response = client.post(
        url, {"month": "2026-03", "file": _csv(body.replace("W77,rp_all,1,100\n", ""))}
    )
    assert "Row 3 (W02)" in response.text and "cannot be more than 310" in response.text
    assert client.post(url, {"action": "save"}).status_code == 302  # nothing stored to save
    assert not DataPoint.objects.exists()


def test_upload_reads_excel(client_for, org_lead, project):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["ward_code", "measure_code", "numerator", "denominator", "equity_group"])
    sheet.append(["W01", "rp_all", 3, 400, ""])
    sheet.append(["W01", "rp_all", 3, None, "white"])
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("m.xlsx", buffer.getvalue())
    client = client_for(org_lead)
    url = reverse("improvement:upload", args=[project.organisation.ods_code])
    response = client.post(url, {"month": "2026-02", "file": upload})
    assert "The file is fine: 2 values" in response.text
    client.post(url, {"action": "save"})
    assert DataPoint.objects.filter(equity_group="white", numerator=3).exists()


def test_saving_data_refreshes_the_chart_signals_on_commit(
    ward_member, project, django_capture_on_commit_callbacks
):
    from culture_of_care.improvement import services
    from culture_of_care.improvement.data_entry import Entry

    rp = Measure.objects.get(code="rp_all")
    for month in range(1, 13):
        DataPointFactory(
            ward=project.ward, period_start=date(2025, month, 1), numerator=10, denominator=500
        )
    entries = [Entry(project.ward, rp, date(2026, 1, 1), "60", "500")]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.data_points_save(entries=entries, actor=ward_member)
    # One signal refresh, plus the dashboard snapshot refresh reporting listens for.
    assert len(callbacks) == 2
    assert Signal.objects.filter(
        ward=project.ward, measure=rp, period_start=date(2026, 1, 1)
    ).exists()


def test_bulk_api_upserts_all_or_nothing(client_for, ward_member, project, other_ward):
    client = client_for(ward_member)
    url = "/api/v1/data-points/bulk/"
    good = {
        "ward": project.ward_id,
        "measure": "rp_all",
        "period_start": "2026-01-01",
        "numerator": "3",
        "denominator": "400",
    }
    response = client.post(
        url,
        {"data_points": [good, {**good, "period_start": "2026-02-01", "numerator": "-2"}]},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "cannot be negative" in response.json()["errors"][0]
    assert not DataPoint.objects.exists()

    response = client.post(url, {"data_points": [good]}, content_type="application/json")
    assert response.json() == {"created": 1, "updated": 0, "unchanged": 0}
    response = client.post(
        url, {"data_points": [{**good, "numerator": "4"}]}, content_type="application/json"
    )
    assert response.json()["updated"] == 1

    foreign = {**good, "ward": other_ward.pk}
    response = client.post(url, {"data_points": [foreign]}, content_type="application/json")
    assert response.status_code == 400
    assert not DataPoint.objects.filter(ward=other_ward).exists()


def test_read_endpoints_only_show_what_the_user_may_see(
    client_for, ward_member, project, other_project, django_assert_max_num_queries
):
    for p in (project, project, other_project):
        PDSACycleFactory(change_idea=ChangeIdeaFactory(project=p))
    DataPointFactory(ward=project.ward)
    DataPointFactory(ward=project.ward, period_start=date(2026, 2, 1))
    DataPointFactory(ward=other_project.ward)
    client = client_for(ward_member)
    for url, expected in (
        ("/api/v1/projects/", 1),
        ("/api/v1/change-ideas/", 2),
        ("/api/v1/pdsa-cycles/", 2),
        ("/api/v1/data-points/", 2),
    ):
        with django_assert_max_num_queries(10):
            body = client.get(url).json()
        assert body["count"] == expected, url
    measures = client.get("/api/v1/measures/").json()
    assert measures["count"] == Measure.objects.national().count()
