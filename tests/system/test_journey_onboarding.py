"""Onboarding in a browser: a programme admin signs in with a security code, opens Onboarding,
uploads a workbook with one bad row (the dry run names sheet, row and column and saves nothing),
then the corrected workbook, commits it and sees what was created; the invitations go out.
Axe checks every page on the way."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from django.core import mail
from django.urls import reverse

from culture_of_care.accounts.models import Invitation, User
from organisations.models import Organisation
from tests.system.browser import assert_focus_visible, check_axe, press_and_wait, sign_in
from wards.models import Ward

pytestmark = [pytest.mark.system, pytest.mark.xdist_group("browser")]

PASSWORD = "a-Strong-password-123"  # tests.factories.UserFactory
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # tests.factories.user_with_role

HEADERS = {
    "organisations": ["ods_code", "name", "region", "provider_type"],
    "wards": [
        "organisation_ods_code",
        "ward_code",
        "name",
        "service_type",
        "beds",
        "qi_coach_email",
        "coaching_start",
    ],
    "people": [
        "email",
        "full_name",
        "role",
        "organisation_ods_code",
        "ward_code",
        "lived_experience",
    ],
}
INVITED = ["ned.nurse@example.org", "nia.coach@example.org", "ola.lead@example.org"]


def _rows(role_of_ned: str) -> dict[str, list[list]]:
    return {
        "organisations": [["RXA", "Alder Mental Health NHS Trust", "Y56", "nhs_trust"]],
        "wards": [["RXA", "W01", "Oak Ward", "10", 18, "nia.coach@example.org", "2025-04-01"]],
        "people": [
            ["nia.coach@example.org", "Nia Coach", "qi_coach", "", "", "no"],
            ["ola.lead@example.org", "Ola Lead", "organisation_lead", "RXA", "", "yes"],
            # Row 4 as the spreadsheet shows it (the header is row 1).
            ["ned.nurse@example.org", "Ned Nurse", role_of_ned, "RXA", "W01", ""],
        ],
    }


def _workbook(folder: Path, name: str, role_of_ned: str) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for sheet, rows in _rows(role_of_ned).items():
        worksheet = book.create_sheet(sheet)
        worksheet.append(HEADERS[sheet])
        for row in rows:
            worksheet.append(row)
    path = folder / name
    book.save(path)
    return path


def _upload(page, path: Path) -> None:
    """Choose the file, then submit with the keyboard.

    The NHS.UK file upload shows a "Choose files" button that keyboard users reach and that
    opens the system file chooser; a headless browser's chooser event after a key press is not
    reliable, so the file is given to the real input the button drives."""
    button = page.locator("button#id_files")
    button.focus()
    assert_focus_visible(page)
    page.set_input_files(".nhsuk-file-upload input[type=file]", str(path))
    page.locator(".nhsuk-file-upload").get_by_text(path.name).wait_for()
    page.focus("button:has-text('Check the workbook')")
    press_and_wait(page)
    page.wait_for_url("**/organisations/import/check/")


def test_admin_onboards_a_trust_from_a_workbook(page, live_server, admin, tmp_path):
    sign_in(page, live_server, admin.email, PASSWORD, totp_secret=TOTP_SECRET)
    assert page.locator("h1").inner_text() == "Programme overview"

    # The header's Onboarding link, followed with the keyboard.
    page.focus(".nhsuk-header__navigation-list a:has-text('Onboarding')")
    press_and_wait(page)
    assert page.url == f"{live_server.url}{reverse('organisations:import')}"
    assert page.locator("h1").inner_text() == "Upload the onboarding workbook"
    template = page.locator("a:has-text('Download the template')")
    assert template.get_attribute("href") == reverse("organisations:import_template")
    check_axe(page)

    # One bad row: the dry run names the sheet, the row and the column, and saves nothing.
    _upload(page, _workbook(tmp_path, "onboarding-draft.xlsx", role_of_ned="nurse"))
    assert page.title().startswith("Error: ")
    summary = page.locator(".nhsuk-error-summary").inner_text()
    assert "Nothing has been imported" in summary
    assert "people, row 4, column role: 'nurse' is not a role" in summary
    error_row = page.locator("#error-1 td")
    assert error_row.all_inner_texts()[:3] == ["people", "4", "role"]
    assert page.locator("button:has-text('Commit import')").count() == 0
    check_axe(page)
    assert not Organisation.objects.filter(ods_code="RXA").exists()
    assert not Ward.objects.filter(code="W01").exists()
    assert not User.objects.filter(email__in=INVITED).exists()
    assert mail.outbox == []

    # The corrected workbook: the dry run lists what will be created.
    page.click("text=Upload a corrected workbook")
    page.wait_for_url(f"**{reverse('organisations:import')}")
    _upload(page, _workbook(tmp_path, "onboarding.xlsx", role_of_ned="ward_member"))
    assert not page.title().startswith("Error: ")
    main = page.locator("main").inner_text()
    assert "found no problems" in main
    assert "3 new people will be e-mailed an invitation." in main
    organisations = page.locator("table:has(caption:has-text('Organisations')) tbody").inner_text()
    assert "Alder Mental Health NHS Trust" in organisations
    assert "Create" in organisations
    wards = page.locator("table:has(caption:has-text('Wards')) tbody").inner_text()
    assert "Oak Ward" in wards
    check_axe(page)
    assert not Organisation.objects.filter(ods_code="RXA").exists()

    page.focus("button:has-text('Commit import')")
    press_and_wait(page)
    page.wait_for_url(f"**{reverse('organisations:import_done')}")
    assert page.locator("h1").inner_text() == "Import complete"
    assert (
        page.locator(".nhsuk-panel__body").inner_text().strip()
        == "1 organisation, 1 ward and 3 people created"
    )
    assert "3 invitation e-mails are on their way." in page.locator("main").inner_text()
    check_axe(page)

    alder = Organisation.objects.get(ods_code="RXA")
    assert alder.name == "Alder Mental Health NHS Trust"
    oak = Ward.objects.get(organisation=alder, code="W01")
    assert oak.name == "Oak Ward"
    assert oak.qi_coach.email == "nia.coach@example.org"
    assert sorted(m.to[0] for m in mail.outbox) == INVITED
    assert Invitation.objects.filter(invited_by=admin).count() == 3
