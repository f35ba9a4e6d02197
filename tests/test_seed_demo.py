"""The demo programme loads once, deterministically, with a login per role."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from culture_of_care.accounts.models import RoleAssignment, User
from culture_of_care.accounts.roles import Role
from organisations.models import Organisation, Region
from wards.models import Ward


@pytest.mark.xdist_group("seed")
def test_seed_demo_builds_the_programme_once(db, settings, tmp_path):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    text = out.getvalue()

    assert 55 <= Organisation.objects.count() <= 65
    assert set(Organisation.objects.values_list("region", flat=True)) == {
        code for code, _ in Region.choices
    }
    assert 210 <= Ward.objects.count() <= 230
    assert RoleAssignment.objects.filter(role=Role.EXECUTIVE).count() == 103
    for role in Role.values:
        assert RoleAssignment.objects.filter(role=role).exists(), role
    for local in ("admin", "lead", "coach", "orglead", "ward", "risk", "executive"):
        email = f"{local}@demo.cultureofcare.example"
        assert email in text
        assert User.objects.get(email=email).check_password("CultureOfCare-demo-2026")
    # Nobody shares a name (the organisation lead and the leadership coach once did).
    names = list(User.objects.filter(is_demo=True).values_list("full_name", flat=True))
    assert len(names) == len(set(names))
    # Aims are all three parts or none, and a ward aim's "how much" measures its "what".
    from culture_of_care.improvement.models import Project

    for project in Project.objects.all():
        parts = [bool(project.aim_what), bool(project.aim_how_much), bool(project.aim_by_when)]
        assert all(parts) or not any(parts), project.title
    # Beds sit within each service type's typical range.
    for ward in Ward.objects.select_related("service_type")[:50]:
        assert ward.service_type.typical_beds_min <= ward.beds <= ward.service_type.typical_beds_max

    # The monthly board report for the demo organisation lead's organisation (issue 12): a PDF
    # whose text holds its name and the MDC summary, and an XLSX that openpyxl opens.
    _board_report_of_the_demo(settings, tmp_path)

    with pytest.raises(CommandError, match="already has organisations"):
        call_command("seed_demo", stdout=StringIO())
    again = StringIO()
    call_command("seed_demo", "--if-empty", stdout=again)
    assert "demo not loaded" in again.getvalue()


def test_seed_demo_rejects_a_silly_scale(db):
    with pytest.raises(CommandError, match="between 1 and 20"):
        call_command("seed_demo", "--scale", "0", stdout=StringIO())


def _board_report_of_the_demo(settings, tmp_path) -> None:
    from io import BytesIO

    from django.core.files.storage import storages
    from openpyxl import load_workbook
    from pypdf import PdfReader

    from culture_of_care.reporting.models import BoardReport

    settings.STORAGES = {
        **settings.STORAGES,
        "reports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "reports")},
        },
    }
    storages._storages.pop("reports", None)
    lead = User.objects.get(email="orglead@demo.cultureofcare.example")
    organisation = Organisation.objects.get(
        pk=lead.role_assignments.filter(role=Role.ORGANISATION_LEAD).first().organisation_id
    )
    call_command("make_reports", "--organisation", organisation.ods_code, stdout=StringIO())
    report = BoardReport.objects.get(organisation=organisation)
    assert report.status == BoardReport.Status.READY
    with report.pdf.open("rb") as handle:
        text = "\n".join(p.extract_text() for p in PdfReader(BytesIO(handle.read())).pages)
    words = " ".join(text.split())  # the PDF wraps long names across lines
    assert organisation.name in words
    assert "MDC summary" in words
    with report.xlsx.open("rb") as handle:
        assert "MDC summary" in load_workbook(BytesIO(handle.read())).sheetnames
    storages._storages.pop("reports", None)
