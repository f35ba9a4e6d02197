"""An organisation's monthly upload (dry run, then all or nothing) and the data points API."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

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


def test_upload_reports_every_problem_in_one_pass_naming_ward_and_row(
    client_for, org_lead, project, second_ward
):
    client = client_for(org_lead)
    url = reverse("improvement:upload", args=[project.organisation.ods_code])
    ward = project.ward
    body = (
        "ward_code,measure_code,numerator,denominator,equity_group\n"
        f"{ward.code},rp_all,4,500,\n"
        "W02,rp_all,2,9999,\n"  # 10 beds x 31 days = 310
        "W77,rp_all,1,100,\n"
        "W02,no_such_measure,1,100,\n"
        f"{ward.code},rp_all,3,,white\n"  # the groups add up to 3, the total is 4
    )
    response = client.post(url, {"month": "2026-03", "file": _csv(body), "action": "check"})
    text = response.text
    assert "<title>Error: " in text
    # Every problem at once: the unknown ward, the unknown measure, the value and the sums.
    assert "Row 4: &#x27;W77&#x27; is not a ward code" in text
    assert "Row 5, Rowan Ward (W02): &#x27;no_such_measure&#x27; is not a measure code" in text
    assert "Row 3, Rowan Ward (W02): " in text and "cannot be more than 310" in text
    assert f"Rows 2, 6, {ward.name} ({ward.code}), " in text
    assert "the ethnicity groups add up to 3 but the total is 4" in text
    assert client.post(url, {"action": "save"}).status_code == 302  # nothing stored to save
    assert not DataPoint.objects.exists()


def test_upload_skips_rows_left_blank(client_for, org_lead, project, second_ward):
    client = client_for(org_lead)
    url = reverse("improvement:upload", args=[project.organisation.ods_code])
    body = (
        "ward_code,ward_name,measure_code,measure_name,numerator,denominator\n"
        f"{project.ward.code},{project.ward.name},rp_all,Restrictive practice,4,500\n"
        "W02,Rowan Ward,rp_all,Restrictive practice,,\n"
    )
    response = client.post(url, {"month": "2026-03", "file": _csv(body), "action": "check"})
    assert "The file is fine: 1 value for 1 ward" in response.text


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


def test_this_months_template_lists_the_wards_and_measures_and_uploads_back(
    client_for, org_lead, project, second_ward
):
    import csv

    from culture_of_care.improvement.models import EQUITY_GROUPS
    from culture_of_care.improvement.windows import last_closed_month

    client = client_for(org_lead)
    ods = project.organisation.ods_code
    page = client.get(reverse("improvement:upload", args=[ods]))
    assert "Download this month's template" in page.text
    response = client.get(reverse("improvement:upload_template", args=[ods, "csv"]))
    month = last_closed_month(timezone.localdate())
    assert f"{ods}-data-{month:%Y-%m}.csv" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    ward = project.ward
    mine = [r for r in rows if r["ward_code"] == ward.code]
    assert {r["measure_code"] for r in rows} == {"rp_all", "feel_safe"}
    assert {r["ward_code"] for r in rows} == {ward.code, "W02"}
    assert mine[0]["ward_name"] == ward.name
    # Restrictive practice is entered by ethnicity group: the total and a row for each group.
    assert len([r for r in mine if r["measure_code"] == "rp_all"]) == 1 + len(EQUITY_GROUPS)

    # Filled in for one ward's total only, the rest left blank, it uploads as it is.
    for row in rows:
        if (row["ward_code"], row["measure_code"], row["equity_group"]) == (
            ward.code,
            "rp_all",
            "",
        ):
            row.update(numerator="4", denominator="500")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    upload = SimpleUploadedFile("t.csv", ("\ufeff" + out.getvalue()).encode())
    url = reverse("improvement:upload", args=[ods])
    checked = client.post(url, {"month": f"{month:%Y-%m}", "file": upload, "action": "check"})
    assert "The file is fine: 1 value for 1 ward" in checked.text
    client.post(url, {"action": "save"})
    assert DataPoint.objects.get(ward=ward, period_start=month).numerator == 4


def test_this_months_template_as_excel(client_for, org_lead, project):
    from openpyxl import load_workbook

    client = client_for(org_lead)
    ods = project.organisation.ods_code
    response = client.get(reverse("improvement:upload_template", args=[ods, "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:4] == ("ward_code", "ward_name", "measure_code", "measure_name")
    assert (project.ward.code, project.ward.name, "feel_safe") == values[-1][:3]


def test_another_organisations_template_is_not_found(client_for, org_lead, other_ward):
    client = client_for(org_lead)
    ods = other_ward.organisation.ods_code
    for kind in ("csv", "xlsx"):
        response = client.get(reverse("improvement:upload_template", args=[ods, kind]))
        assert response.status_code == 404


def test_an_upload_with_many_problems_still_lists_every_one(
    client_for, org_lead, project, settings
):
    settings.UPLOAD_MAX_PROBLEMS_SHOWN = 2
    client = client_for(org_lead)
    url = reverse("improvement:upload", args=[project.organisation.ods_code])
    body = "ward_code,measure_code,numerator,denominator\n" + "".join(
        f"W7{n},rp_all,1,100\n" for n in range(3)
    )
    text = client.post(url, {"month": "2026-03", "file": _csv(body), "action": "check"}).text
    assert "And 1 more problem: every problem in the file is listed below." in text
    assert "Every problem in the file (3)" in text
    assert "Row 4: &#x27;W72&#x27; is not a ward code" in text
