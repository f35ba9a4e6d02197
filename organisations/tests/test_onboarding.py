"""Onboarding trusts from one workbook: the checks, the import, the command and the pages."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import openpyxl
import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from culture_of_care.accounts.models import Invitation, RoleAssignment, User
from culture_of_care.accounts.roles import Role
from culture_of_care.audit.models import AuditEntry
from organisations import onboarding
from organisations.models import Organisation, ProviderType, Region
from organisations.onboarding import SourceFile, plan_upload
from organisations.services import programme_import
from organisations.tests.factories import (
    csv_files,
    csv_zip_bytes,
    onboarding_rows,
    xlsx_bytes,
)
from wards.models import Ward

pytestmark = pytest.mark.django_db


def plan_for(rows=None, **kwargs) -> onboarding.ImportPlan:
    return plan_upload([SourceFile("onboarding.xlsx", xlsx_bytes(rows, **kwargs))])


def messages_of(plan: onboarding.ImportPlan) -> list[str]:
    return [str(e) for e in plan.errors]


@pytest.fixture
def run_import(django_capture_on_commit_callbacks):
    """Import a plan as an admin, running the e-mails that wait for the commit."""

    def run(plan, actor=None):
        with django_capture_on_commit_callbacks(execute=True):
            return programme_import(plan=plan, actor=actor)

    return run


# A bad row, corrected, imported twice ----------------------------------------------------


def test_one_bad_row_names_sheet_row_and_column_and_imports_nothing(run_import):
    rows = onboarding_rows()
    rows["people"][2][2] = "nurse"  # people sheet, row 4 as the spreadsheet shows it

    plan = plan_for(rows)

    assert not plan.is_valid
    assert messages_of(plan) == [
        "people, row 4, column role: 'nurse' is not a role; use one of programme_admin, "
        "programme_lead, qi_coach, leadership_coach, risk_lead, organisation_lead, "
        "ward_member, executive"
    ]
    with pytest.raises(ValueError):
        run_import(plan)
    assert not Organisation.objects.filter(ods_code="RXA").exists()
    assert not Ward.objects.exists()
    assert not User.objects.exists()
    assert mail.outbox == []


def test_corrected_workbook_imports_everything(run_import, admin):
    plan = plan_for()
    assert plan.is_valid, messages_of(plan)

    result = run_import(plan, actor=admin)

    assert (result.counts.organisations.created, result.counts.wards.created) == (2, 2)
    assert result.counts.people.created == 3
    assert result.counts.role_assignments.created == 4  # three people rows + the ward's coach
    alder = Organisation.objects.get(ods_code="RXA")
    birch = Organisation.objects.get(ods_code="NQX01")
    assert (alder.region, alder.provider_type) == ("Y56", "nhs_trust")
    assert (birch.region, birch.provider_type) == ("Y62", "independent")
    oak = Ward.objects.get(organisation=alder, code="W01")
    coach = User.objects.get(email="nia.coach@example.org")
    assert oak.qi_coach == coach
    assert (oak.coaching_start, oak.coaching_end) == (date(2025, 4, 1), date(2027, 4, 1))
    assert oak.service_type.code == "10" and oak.beds == 18
    assert Ward.objects.get(code="B2").service_type.code == "12"
    assert RoleAssignment.objects.filter(
        user=coach, role=Role.QI_COACH, ward=oak, organisation=alder
    ).exists()
    assert RoleAssignment.objects.filter(
        user__email="ola.lead@example.org",
        role=Role.ORGANISATION_LEAD,
        organisation=alder,
        ward=None,
    ).exists()
    assert RoleAssignment.objects.filter(
        user__email="ned.nurse@example.org", role=Role.WARD_MEMBER, ward=oak
    ).exists()
    assert User.objects.get(email="ola.lead@example.org").lived_experience is True
    assert User.objects.get(email="ned.nurse@example.org").lived_experience is False
    assert sorted(m.to[0] for m in mail.outbox) == [
        "ned.nurse@example.org",
        "nia.coach@example.org",
        "ola.lead@example.org",
    ]
    assert Invitation.objects.filter(invited_by=admin).count() == 3
    assert AuditEntry.objects.filter(action="organisation.create").count() == 2
    # Onboarding gives each ward its improvement project (with its team) and each organisation
    # its middle-tier project.
    from culture_of_care.improvement.models import Project

    oak_project = Project.objects.get(ward=oak, kind="ward")
    assert User.objects.get(email="ned.nurse@example.org") in oak_project.team.all()
    assert Project.objects.filter(ward=None, kind="organisation").count() == 2


def test_importing_the_same_file_again_creates_nothing_and_sends_no_invitations(run_import):
    run_import(plan_for())
    mail.outbox.clear()
    rows_before = (
        Organisation.objects.count(),
        Ward.objects.count(),
        User.objects.count(),
        RoleAssignment.objects.count(),
        Invitation.objects.count(),
    )

    again = plan_for()
    counts = again.counts()
    assert (counts.organisations.unchanged, counts.wards.unchanged, counts.people.unchanged) == (
        2,
        2,
        3,
    )
    assert counts.role_assignments.created == 0 and counts.invitations == 0
    result = run_import(again)

    assert result.counts.nothing_to_do
    assert result.counts.invitations == 0
    assert mail.outbox == []
    assert rows_before == (
        Organisation.objects.count(),
        Ward.objects.count(),
        User.objects.count(),
        RoleAssignment.objects.count(),
        Invitation.objects.count(),
    )


def test_changed_rows_update_what_exists_and_only_new_people_are_invited(run_import, org, ward):
    rows = onboarding_rows()
    rows["organisations"].append(["raa", "Riverside Renamed NHS Trust", "London", "NHS trust"])
    rows["wards"].append(["RAA", "w01", "Willow Ward", "10", 20, "", "2025-06-01"])
    rows["people"].append(["ned.nurse@example.org", "Ned Nurse", "ward_member", "RAA", "W01", ""])

    plan = plan_for(rows)
    assert plan.is_valid, messages_of(plan)
    result = run_import(plan)

    org.refresh_from_db()
    ward.refresh_from_db()
    assert org.name == "Riverside Renamed NHS Trust"
    assert (ward.code, ward.beds, ward.coaching_start, ward.coaching_end) == (
        "W01",
        20,
        date(2025, 6, 1),
        date(2027, 6, 1),
    )
    assert result.counts.organisations.updated == 1
    assert result.counts.wards.updated == 1
    # Ned is on two rows (two wards) but is one person with one invitation.
    assert [m.to[0] for m in mail.outbox].count("ned.nurse@example.org") == 1
    assert RoleAssignment.objects.filter(user__email="ned.nurse@example.org").count() == 2


def test_existing_people_are_not_invited_and_keep_unstated_lived_experience(
    run_import, leadership_coach, org
):
    rows = onboarding_rows()
    rows["people"].append(["LC@example.org", "Lia Coach", "leadership_coach", "RAA", "", ""])

    plan = plan_for(rows)
    assert plan.is_valid, messages_of(plan)
    run_import(plan)

    leadership_coach.refresh_from_db()
    assert leadership_coach.lived_experience is True
    assert "lc@example.org" not in [m.to[0] for m in mail.outbox]
    assert not Invitation.objects.filter(user=leadership_coach).exists()


# Reading files -----------------------------------------------------------------------------


def test_a_zip_of_csv_files_imports(run_import):
    plan = plan_upload([SourceFile("onboarding.zip", csv_zip_bytes(folder="onboarding/"))])
    assert plan.is_valid, messages_of(plan)

    result = run_import(plan)

    assert result.counts.wards.created == 2
    assert Ward.objects.get(code="W01").coaching_end == date(2027, 4, 1)


def test_three_csv_files_uploaded_together_import(run_import):
    plan = plan_upload(csv_files())
    assert plan.is_valid, messages_of(plan)
    assert run_import(plan).counts.people.created == 3


def test_headers_match_ignoring_case_and_spaces():
    headers = {
        "organisations": [" ODS_Code ", "NAME", "Region  ", "provider type"],
        "people": ["Email", " Full_Name", "ROLE", "organisation_ods_code", "Ward_Code", "x"],
    }
    rows = onboarding_rows()
    rows["organisations"][0] = ["  rxa ", "  Alder Mental Health NHS Trust", " y56", "NHS_TRUST "]

    plan = plan_for(rows, headers=headers, sheet_names={"people": " People "})

    assert plan.is_valid, messages_of(plan)
    assert plan.organisations[0].ods_code == "RXA"
    assert plan.organisations[0].name == "Alder Mental Health NHS Trust"
    assert any("x" in notice for notice in plan.notices)


def test_a_missing_column_is_named():
    headers = {"wards": ["organisation_ods_code", "ward_code", "name", "beds"]}

    plan = plan_for(headers=headers)

    assert "wards, row 1, column service_type: this column is missing" in messages_of(plan)[0]


@pytest.mark.parametrize(
    ("given", "expected"),
    [("Y62", "Y62"), ("North West", "Y62"), ("north east and yorkshire", "Y63"), ("y56", "Y56")],
)
def test_region_by_code_or_name(given, expected):
    rows = onboarding_rows()
    rows["organisations"][0][2] = given

    plan = plan_for(rows)

    assert plan.is_valid, messages_of(plan)
    assert plan.organisations[0].region == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [("12", "12"), (12, "12"), ("Adult eating disorders", "13"), ("mother and baby", "14")],
)
def test_service_type_by_code_or_name(given, expected):
    rows = onboarding_rows()
    rows["wards"][0][3] = given

    plan = plan_for(rows)

    assert plan.is_valid, messages_of(plan)
    assert plan.wards[0].service_type_code == expected


# Every role, and the scope each needs ----------------------------------------------------

ROLE_SCOPES = {
    Role.PROGRAMME_ADMIN: ("", ""),
    Role.PROGRAMME_LEAD: ("", ""),
    Role.QI_COACH: ("RXA", "W01"),
    Role.LEADERSHIP_COACH: ("RXA", ""),
    Role.RISK_LEAD: ("RXA", ""),
    Role.ORGANISATION_LEAD: ("RXA", ""),
    Role.WARD_MEMBER: ("RXA", "W01"),
    Role.EXECUTIVE: ("RXA", ""),
}


def test_the_role_list_covers_every_role():
    assert set(ROLE_SCOPES) == set(Role.values)


@pytest.mark.parametrize("role", list(ROLE_SCOPES))
def test_every_role_value_is_granted_with_its_scope(role, run_import):
    ods_code, ward_code = ROLE_SCOPES[role]
    rows = onboarding_rows()
    rows["people"].append(["new.person@example.org", "New Person", role, ods_code, ward_code, ""])

    plan = plan_for(rows)
    assert plan.is_valid, messages_of(plan)
    run_import(plan)

    assignment = RoleAssignment.objects.get(user__email="new.person@example.org")
    assert assignment.role == role
    assert (assignment.organisation.ods_code if assignment.organisation else "") == ods_code
    assert (assignment.ward.code if assignment.ward else "") == ward_code


@pytest.mark.parametrize(
    ("role", "ods_code", "ward_code", "column", "message"),
    [
        ("ward_member", "RXA", "", "ward_code", "a ward team member needs a ward"),
        ("organisation_lead", "", "", "organisation_ods_code", "needs an organisation"),
        ("executive", "", "", "organisation_ods_code", "an executive needs an organisation"),
        ("leadership_coach", "", "", "organisation_ods_code", "needs an organisation"),
        ("organisation_lead", "RXA", "W01", "ward_code", "is given a whole organisation"),
        ("programme_admin", "RXA", "", "organisation_ods_code", "leave this blank"),
        ("qi_coach", "", "W01", "organisation_ods_code", "ward codes are only unique"),
        ("ward_member", "RXA", "W99", "ward_code", "RXA has no ward W99"),
        ("executive", "ZZZ", "", "organisation_ods_code", "ZZZ is not in the organisations"),
    ],
)
def test_roles_missing_their_scope_are_refused(role, ods_code, ward_code, column, message):
    rows = onboarding_rows()
    rows["people"].append(["new.person@example.org", "New Person", role, ods_code, ward_code, ""])

    errors = plan_for(rows).errors

    assert [(e.sheet, e.row, e.column) for e in errors] == [("people", 5, column)]
    assert message in errors[0].message


def test_role_names_are_accepted_as_well_as_values():
    rows = onboarding_rows()
    rows["people"][2][2] = "Ward team member"

    plan = plan_for(rows)

    assert plan.is_valid, messages_of(plan)
    assert plan.people_rows[2].role == Role.WARD_MEMBER


# Other checks -------------------------------------------------------------------------------


def test_a_wards_qi_coach_must_be_in_the_people_sheet_or_have_an_account(qi_coach):
    rows = onboarding_rows()
    rows["wards"][0][5] = "stranger@example.org"
    rows["wards"][1][5] = qi_coach.email  # an existing user

    plan = plan_for(rows)

    assert [(e.sheet, e.row, e.column) for e in plan.errors] == [("wards", 2, "qi_coach_email")]
    assert "not in the people sheet as a qi_coach" in plan.errors[0].message
    rows["wards"][0][5] = "ola.lead@example.org"  # in the people sheet, but not as a coach
    assert "as organisation_lead, not qi_coach" in plan_for(rows).errors[0].message
    rows["wards"][0][5] = "nia.coach@example.org"
    plan = plan_for(rows)
    assert plan.is_valid, messages_of(plan)
    assert [w.qi_coach_source for w in plan.wards] == ["people sheet, row 2", "existing user"]


def test_a_coach_whose_people_row_is_wrong_is_reported_once():
    rows = onboarding_rows()
    rows["people"][0][2] = "coach"

    assert [(e.sheet, e.row, e.column) for e in plan_for(rows).errors] == [("people", 2, "role")]


def test_an_existing_coach_gets_the_ward_and_a_role_on_it(run_import, qi_coach):
    rows = onboarding_rows()
    rows["wards"][1][5] = "COACH@example.org"

    run_import(plan_for(rows))

    birch_ward = Ward.objects.get(code="B2")
    assert birch_ward.qi_coach == qi_coach
    assert RoleAssignment.objects.filter(
        user=qi_coach, role=Role.QI_COACH, ward=birch_ward
    ).exists()


@pytest.mark.parametrize(
    ("sheet", "index", "column", "value", "message"),
    [
        ("organisations", 0, "ods_code", "R-1", "'R-1' is not an ODS code"),
        ("organisations", 0, "ods_code", "TOOLONG", "is not an ODS code"),
        ("organisations", 0, "region", "Wales", "'Wales' is not a region; use one of Y56"),
        ("organisations", 0, "provider_type", "charity", "is not a provider type"),
        ("organisations", 0, "name", "", "this is blank"),
        ("organisations", 0, "name", "Trust 943 476 5919", "NHS number (943 *** ****)"),
        ("wards", 0, "beds", 0, "0 beds is not possible; a ward has 1 to 200 beds"),
        ("wards", 0, "beds", 201, "a ward has 1 to 200 beds"),
        ("wards", 0, "beds", "twelve", "is not a whole number of beds"),
        ("wards", 0, "coaching_start", "01/04/2025", "write it as year-month-day"),
        ("wards", 0, "service_type", "99", "'99' is not a service type"),
        ("wards", 0, "ward_code", "W 01", "is not a ward code"),
        ("people", 1, "email", "ola.lead", "is not an e-mail address"),
        ("people", 1, "lived_experience", "maybe", "is not yes or no"),
        ("people", 1, "full_name", "Ola 9434765919", "NHS number"),
    ],
)
def test_bad_values_are_explained_in_plain_english(sheet, index, column, value, message):
    rows = onboarding_rows()
    rows[sheet][index][onboarding.COLUMNS[sheet].index(column)] = value

    plan = plan_for(rows)

    located = [e for e in plan.errors if (e.sheet, e.row, e.column) == (sheet, index + 2, column)]
    assert len(located) == 1, messages_of(plan)
    assert message in located[0].message
    assert "9434765919" not in " ".join(messages_of(plan))


def test_repeated_rows_are_refused():
    rows = onboarding_rows()
    rows["organisations"].append(["rxa", "Alder again", "Y56", "nhs_trust"])
    rows["wards"].append(["RXA", "w01", "Oak again", "10", 18, "", ""])

    errors = messages_of(plan_for(rows))

    assert "organisations, row 4, column ods_code: RXA is already on row 2" in errors
    assert "wards, row 4, column ward_code: ward w01 of RXA is already on row 2" in errors


def test_a_person_must_have_one_name():
    rows = onboarding_rows()
    rows["people"].append(["ned.nurse@example.org", "Edward Nurse", "executive", "RXA", "", ""])

    errors = plan_for(rows).errors

    assert [(e.row, e.column) for e in errors] == [(5, "full_name")]


def test_dates_typed_as_excel_dates_are_read():
    rows = onboarding_rows()
    rows["wards"][0][6] = date(2025, 9, 30)

    plan = plan_for(rows)

    assert plan.is_valid, messages_of(plan)
    assert plan.wards[0].coaching_end == date(2027, 9, 30)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.txt", b"hello", "must be an Excel workbook (.xlsx)"),
        ("old.xls", b"\xd0\xcf\x11\xe0rest", "old Excel (.xls) file"),
        ("data.zip", b"not really a zip", "must be an Excel workbook"),
    ],
)
def test_files_that_are_not_workbooks_are_refused(name, content, message):
    with pytest.raises(onboarding.ImportFileError) as caught:
        plan_upload([SourceFile(name, content)])
    assert message in str(caught.value)


def test_a_zip_without_csv_files_is_refused():
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(onboarding.ImportFileError, match="must contain the CSV files"):
        plan_upload([SourceFile("data.zip", output.getvalue())])


def test_the_template_has_the_sheets_and_its_example_rows_are_valid():
    content = onboarding.template_workbook()

    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["organisations", "wards", "people", "notes"]
    assert [c.value for c in book["people"][1]] == list(onboarding.COLUMNS["people"])
    notes = [row[0] for row in book["notes"].iter_rows(values_only=True)]
    assert "Y56" in notes and "nhs_trust" in notes and "10" in notes and "executive" in notes
    assert book["organisations"]["A2"].value == "EXAMPLE"


def test_the_template_uploaded_unchanged_is_refused_with_a_specific_message(org):
    plan = plan_upload([SourceFile("template.xlsx", onboarding.template_workbook())])

    assert not plan.is_valid
    messages = messages_of(plan)
    example = "EXAMPLE is the template's example, not a real organisation; replace the example row"
    assert f"organisations, row 2, column ods_code: {example}" in " ".join(messages)
    assert any(
        m.startswith("wards, row 2, column organisation_ods_code: EXAMPLE is") for m in messages
    )
    assert any(
        m.startswith("people, row 2, column organisation_ods_code: EXAMPLE is") for m in messages
    )


def test_the_templates_coded_columns_offer_drop_downs_from_the_reference_data():
    from wards.models import ServiceType

    book = openpyxl.load_workbook(io.BytesIO(onboarding.template_workbook()))
    notes = book["notes"]

    def drop_down(sheet: str, column: str) -> list[str]:
        letter = openpyxl.utils.get_column_letter(onboarding.COLUMNS[sheet].index(column) + 1)
        (validation,) = [
            v
            for v in book[sheet].data_validations.dataValidation
            if f"{letter}2:{letter}1000" in str(v.sqref)
        ]
        assert validation.type == "list"
        sheet_name, cells = validation.formula1.split("!")
        first, last = (int(c.split("$")[-1]) for c in cells.split(":"))
        assert sheet_name == "notes"
        return [notes.cell(row=r, column=1).value for r in range(first, last + 1)]

    assert drop_down("organisations", "region") == [c for c, _ in Region.choices]
    assert drop_down("organisations", "provider_type") == [c for c, _ in ProviderType.choices]
    assert drop_down("wards", "service_type") == [s.code for s in ServiceType.objects.all()]
    assert drop_down("people", "role") == [c for c, _ in Role.choices]


# The command ---------------------------------------------------------------------------------


@pytest.fixture
def workbook_file(tmp_path):
    def write(rows=None):
        path = tmp_path / "onboarding.xlsx"
        path.write_bytes(xlsx_bytes(rows))
        return str(path)

    return write


def test_command_exits_non_zero_on_a_bad_file_and_writes_nothing(workbook_file):
    rows = onboarding_rows()
    rows["wards"][1][4] = 500
    err = io.StringIO()

    # manage.py turns a CommandError into its exit status; run_from_argv is not used here
    # because it closes the test's database connection when it finishes.
    with pytest.raises(CommandError) as failed:
        call_command("import_programme", workbook_file(rows), stderr=err)

    assert failed.value.returncode != 0
    assert "1 problem found; nothing was imported" in str(failed.value)
    assert "wards, row 3, column beds: 500 beds is not possible" in err.getvalue()
    assert not Organisation.objects.filter(ods_code="RXA").exists()
    assert not User.objects.exists()


def test_command_imports_a_good_file_and_prints_counts(workbook_file):
    out = io.StringIO()

    call_command("import_programme", workbook_file(), stdout=out)

    assert "Organisations: 2 created, 0 updated, 0 unchanged" in out.getvalue()
    assert "Invitations: 3 sent" in out.getvalue()
    assert Ward.objects.filter(code__in=["W01", "B2"]).count() == 2


def test_command_dry_run_writes_nothing(workbook_file):
    out = io.StringIO()

    call_command("import_programme", workbook_file(), "--dry-run", stdout=out)

    assert "Wards: 2 would be created" in out.getvalue()
    assert not Organisation.objects.filter(ods_code="RXA").exists()


def test_command_refuses_a_missing_file():
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_programme", "/no/such/file.xlsx")


# The pages ---------------------------------------------------------------------------------


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def test_admin_checks_then_commits_a_workbook(
    client_for, admin, django_capture_on_commit_callbacks
):
    client = client_for(admin)
    page = client.get(reverse("organisations:import"))
    assert page.status_code == 200
    assert reverse("organisations:import_template") in page.text

    response = client.post(
        reverse("organisations:import"), {"files": upload("onboarding.xlsx", xlsx_bytes())}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("organisations:import_review")

    review = client.get(reverse("organisations:import_review"))
    assert review.status_code == 200
    assert "Commit import" in review.text
    assert "Alder Mental Health NHS Trust" in review.text
    assert "<title>Check the import" in review.text
    assert not Organisation.objects.filter(ods_code="RXA").exists()  # a dry run writes nothing

    with django_capture_on_commit_callbacks(execute=True):
        committed = client.post(
            reverse("organisations:import_commit"), {"digest": review.context["digest"]}
        )
    assert committed.status_code == 302
    done = client.get(committed["Location"])
    assert done.status_code == 200
    assert "Import complete" in done.text
    assert done.context["counts"].wards.created == 2
    assert Organisation.objects.filter(ods_code__in=["RXA", "NQX01"]).count() == 2
    assert len(mail.outbox) == 3

    # Committing twice (a double click) imports nothing more.
    again = client.post(reverse("organisations:import_commit"), {"digest": "x"})
    assert again["Location"] == reverse("organisations:import")
    assert len(mail.outbox) == 3


def test_three_csv_files_can_be_uploaded_together(client_for, admin):
    client = client_for(admin)
    files = [upload(f.name, f.content) for f in csv_files()]

    response = client.post(reverse("organisations:import"), {"files": files})

    assert response.status_code == 302
    review = client.get(reverse("organisations:import_review"))
    assert review.context["counts"].people.created == 3


def test_dry_run_page_lists_errors_by_sheet_row_and_column(client_for, admin):
    client = client_for(admin)
    rows = onboarding_rows()
    rows["people"][2][2] = "nurse"
    client.post(reverse("organisations:import"), {"files": upload("bad.xlsx", xlsx_bytes(rows))})

    review = client.get(reverse("organisations:import_review"))

    assert review.status_code == 200
    assert "<title>Error: Check the import" in review.text
    assert "nhsuk-error-summary" in review.text
    assert "people, row 4, column role: &#x27;nurse&#x27; is not a role" in review.text
    assert "Commit import" not in review.text
    # Committing anyway is refused: the file is checked again.
    refused = client.post(
        reverse("organisations:import_commit"), {"digest": review.context["digest"]}
    )
    assert refused.status_code == 200
    assert "<title>Error: " in refused.text
    assert not Organisation.objects.filter(ods_code="RXA").exists()


def test_a_file_that_is_not_a_workbook_gets_a_clear_error(client_for, admin):
    client = client_for(admin)

    response = client.post(
        reverse("organisations:import"), {"files": upload("minutes.pdf", b"%PDF-1.4 ...")}
    )

    assert response.status_code == 200
    assert "<title>Error: Upload the onboarding workbook" in response.text
    assert "must be an Excel workbook (.xlsx), a ZIP file of CSV files" in response.text
    assert "nhsuk-form-group--error" in response.text


def test_uploading_nothing_asks_for_a_file(client_for, admin):
    response = client_for(admin).post(reverse("organisations:import"), {})

    assert response.status_code == 200
    assert "Select the workbook to upload." in response.text


def test_template_download_is_an_xlsx_file(client_for, admin):
    response = client_for(admin).get(reverse("organisations:import_template"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert "notes" in book.sheetnames


IMPORT_URLS = [
    ("get", "organisations:import"),
    ("post", "organisations:import"),
    ("get", "organisations:import_review"),
    ("post", "organisations:import_commit"),
    ("get", "organisations:import_done"),
    ("get", "organisations:import_template"),
]


@pytest.mark.parametrize("persona", ["org_lead", "ward_member", "programme_lead", "qi_coach"])
@pytest.mark.parametrize(("method", "name"), IMPORT_URLS)
def test_only_programme_admins_may_import(persona, method, name, request, client_for):
    client = client_for(request.getfixturevalue(persona))

    response = getattr(client, method)(reverse(name))

    assert response.status_code == 403


@pytest.mark.parametrize(("method", "name"), IMPORT_URLS)
def test_anonymous_is_sent_to_sign_in(method, name, client):
    response = getattr(client, method)(reverse(name))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_import_url_is_not_taken_for_an_ods_code():
    assert reverse("organisations:import") == "/organisations/import/"
    assert reverse("organisations:detail", args=["RAA"]) == "/organisations/RAA/"


def test_the_upload_page_offers_the_template_before_the_upload_box(client_for, admin):
    page = client_for(admin).get(reverse("organisations:import")).text
    assert page.index(reverse("organisations:import_template")) < page.index('type="file"')


def test_the_dry_run_shows_old_and_new_values_for_every_update(
    client_for, admin, org, ward, leadership_coach
):
    rows = onboarding_rows()
    rows["organisations"].append(["RAA", "Riverside Renamed NHS Trust", "North West", "NHS trust"])
    rows["wards"].append(["RAA", "W01", "Willow Ward", "10", 20, "", "2025-06-01"])
    rows["people"].append(
        [leadership_coach.email, "Lia Renamed", "leadership_coach", "RAA", "", "no"]
    )
    client = client_for(admin)
    client.post(reverse("organisations:import"), {"files": upload("o.xlsx", xlsx_bytes(rows))})
    review = client.get(reverse("organisations:import_review")).text

    assert "name: Riverside Mental Health NHS Trust to Riverside Renamed NHS Trust" in review
    assert "region: London to North West" in review
    assert "beds: 18 to 20" in review
    assert "coaching_start: 1 April 2025 to 1 June 2025" in review
    assert f"full_name: {leadership_coach.full_name} to Lia Renamed" in review
    assert "lived_experience: yes to no" in review
