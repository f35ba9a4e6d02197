"""Uploads cannot sink a worker: the organisation's monthly upload goes through the same bounded
reader as onboarding (size, declared unpacked size, rows, cell size, malformed CSV), and the
problems shown are capped with a count of the rest."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from culture_of_care.improvement.models import DataPoint
from culture_of_care.improvement.tests.factories import ProjectFactory
from organisations import onboarding

pytestmark = pytest.mark.django_db

HEADER = "ward_code,measure_code,numerator,denominator\n"


@pytest.fixture
def upload(client_for, org_lead, ward):
    ProjectFactory(ward=ward)
    client = client_for(org_lead)
    url = reverse("improvement:upload", args=[ward.organisation.ods_code])

    def post(name: str, content: bytes):
        return client.post(
            url,
            {"month": "2026-03", "action": "check", "file": SimpleUploadedFile(name, content)},
        )

    return post


def _error_page(response) -> str:
    assert response.status_code == 200
    assert "nhsuk-error-summary" in response.text
    assert not DataPoint.objects.exists()
    return response.text


def test_a_file_over_the_size_limit_is_refused_unread(upload, settings):
    settings.UPLOAD_MAX_BYTES = 64 * 1024
    body = (HEADER + "W01,rp_all,1,100\n" * 10_000).encode()  # ~170 KB
    assert "must be smaller than" in _error_page(upload("big.csv", body))


def test_a_workbook_that_unpacks_to_too_much_is_refused_before_reading(upload, settings):
    settings.UPLOAD_MAX_UNZIPPED_BYTES = 1024 * 1024
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", " " * (5 * 1024 * 1024))
    assert len(buffer.getvalue()) < 64 * 1024
    assert "unpacks to more than" in _error_page(upload("bomb.xlsx", buffer.getvalue()))


def test_an_xlsx_with_too_many_rows_stops_at_the_limit(upload, settings):
    from openpyxl import Workbook

    settings.UPLOAD_MAX_ROWS = 500
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["ward_code", "measure_code", "numerator", "denominator"])
    for _ in range(2_000):
        sheet.append(["W01", "rp_all", 1, 100])
    buffer = io.BytesIO()
    book.save(buffer)
    assert "more than 500 rows" in _error_page(upload("rows.xlsx", buffer.getvalue()))


def test_a_csv_with_too_many_rows_stops_at_the_limit(upload, settings):
    settings.UPLOAD_MAX_ROWS = 100
    body = (HEADER + "W01,rp_all,1,100\n" * 101).encode()
    assert "more than 100 rows" in _error_page(upload("rows.csv", body))


def test_a_field_over_the_csv_limit_is_a_message_not_a_500(upload):
    body = (HEADER + "W01,rp_all,1," + "9" * 140_000 + "\n").encode()
    assert "longer than" in _error_page(upload("long.csv", body))


def test_a_long_cell_under_the_csv_limit_is_refused_too(upload, settings):
    settings.UPLOAD_MAX_FIELD_CHARS = 100
    body = (HEADER + "W01,rp_all,1," + "9" * 500 + "\n").encode()
    assert "at most 100" in _error_page(upload("long.csv", body))


def test_malformed_csv_is_a_message(upload):
    body = HEADER.encode() + b'W01,"rp_all\x00,1\n'
    _error_page(upload("bad.csv", body))


def test_the_summary_is_capped_and_every_problem_is_listed_below_it(upload, settings):
    settings.UPLOAD_MAX_PROBLEMS_SHOWN = 20
    body = (HEADER + "".join(f"X{n},rp_all,1,100\n" for n in range(300))).encode()
    page = _error_page(upload("wrong.csv", body))
    summary, rest = page.split("Every problem in the file (300)")
    assert summary.count("is not a ward code") == 20
    assert "And 280 more problems: every problem in the file is listed below." in summary
    # One upload shows them all (issue 15): no second upload to find the rest.
    assert rest.count("is not a ward code") == 300


def test_onboarding_uses_the_same_reader(settings):
    settings.UPLOAD_MAX_FIELD_CHARS = 50
    files = [onboarding.SourceFile("people.csv", b"email,full_name\n" + b"a" * 60 + b",x\n")]
    with pytest.raises(onboarding.ImportFileError, match="at most 50"):
        onboarding.read_upload(files)
    long = [onboarding.SourceFile("people.csv", b'email\n"' + b"a" * 140_000 + b'"\n')]
    with pytest.raises(onboarding.ImportFileError, match="longer than"):
        onboarding.read_upload(long)
