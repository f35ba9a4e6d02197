"""Onboarding trusts from one workbook: read the upload, check every row, plan the import.

A programme admin uploads one workbook with the sheets ``organisations``, ``wards`` and
``people``: an Excel file (.xlsx), a ZIP of three CSV files, or the three CSV files together.
This module turns that upload into an ``ImportPlan``: what would be created, updated or left
alone, and every problem found, each named by sheet, row (as the spreadsheet shows it, the
header being row 1) and column, in plain English. It reads the database to find what already
exists but never writes; ``organisations.services.programme_import`` carries a valid plan out.

Reading is two steps: ``read_upload`` turns files into raw sheets (and raises
``ImportFileError`` when the upload is not a workbook at all); ``plan_import`` checks the rows
and compares them with the database. ``plan_upload`` does both.

Rules worth knowing (also written on the template's ``notes`` sheet):

* organisations are matched by ODS code, wards by (organisation, ward code) ignoring case,
  people by e-mail address ignoring case; importing the same file twice changes nothing;
* a blank ``qi_coach_email`` or ``coaching_start`` leaves an existing ward's value as it is;
  a blank ``lived_experience`` means "no" for a new person and "as before" for an existing one;
* a ward's coaching ends two years after it starts (``Ward.default_coaching_end``);
* a ward's QI coach must be in the people sheet with the role ``qi_coach``, or already have an
  account; either way they are given the ``qi_coach`` role on that ward.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower

from culture_of_care.accounts.models import RoleAssignment, User
from culture_of_care.accounts.roles import NEEDS_ORGANISATION, NEEDS_WARD, PROGRAMME_WIDE, Role
from culture_of_care.guards import find_nhs_numbers
from culture_of_care.uploads import (
    UploadError,
    UploadLimits,
    check_size,
    csv_rows,
    open_zip,
    sheet_rows,
    xlsx_book,
)
from organisations.models import Organisation, ProviderType, Region
from wards.models import ServiceType, Ward

# Limits that keep a hostile or mistaken upload from exhausting the server (applied by the shared
# bounded reader, culture_of_care/uploads.py; the row limit is the ONBOARDING_MAX_ROWS setting).
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_ZIP_MEMBERS = 20

ORGANISATIONS = "organisations"
WARDS = "wards"
PEOPLE = "people"
NOTES = "notes"

# Each sheet's columns in template order, and those a file may leave out altogether.
COLUMNS: dict[str, tuple[str, ...]] = {
    ORGANISATIONS: ("ods_code", "name", "region", "provider_type"),
    WARDS: (
        "organisation_ods_code",
        "ward_code",
        "name",
        "service_type",
        "beds",
        "qi_coach_email",
        "coaching_start",
    ),
    PEOPLE: (
        "email",
        "full_name",
        "role",
        "organisation_ods_code",
        "ward_code",
        "lived_experience",
    ),
}
OPTIONAL_COLUMNS: dict[str, frozenset[str]] = {
    ORGANISATIONS: frozenset(),
    WARDS: frozenset({"qi_coach_email", "coaching_start"}),
    PEOPLE: frozenset({"organisation_ods_code", "ward_code", "lived_experience"}),
}

CREATE = "create"
UPDATE = "update"
UNCHANGED = "unchanged"
ACTION_LABELS = {CREATE: "Create", UPDATE: "Update", UNCHANGED: "No change"}

# The template's example rows use this code: clearly not a real organisation, and refused on
# upload, so a template uploaded unchanged can never create or rename anything.
EXAMPLE_ODS_CODE = "EXAMPLE"
ODS_CODE = re.compile(r"^[A-Z0-9]{3,5}$")
WARD_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]*$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0"}
NAME_MAX = 200
EMAIL_MAX = 254
WARD_CODE_MAX = 20
BEDS_MIN, BEDS_MAX = 1, 200


class ImportFileError(UploadError):
    """The upload cannot be read as a workbook at all (wrong type, damaged or too big)."""


def _limits() -> UploadLimits:
    """Onboarding's limits for the shared bounded reader (culture_of_care/uploads.py)."""
    return UploadLimits(
        max_bytes=MAX_UPLOAD_BYTES,
        max_unzipped_bytes=MAX_UNCOMPRESSED_BYTES,
        max_rows=settings.ONBOARDING_MAX_ROWS,
        max_field_chars=settings.UPLOAD_MAX_FIELD_CHARS,
    )


# Reading files -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceFile:
    """One uploaded file: its name as given and its bytes."""

    name: str
    content: bytes


@dataclass
class RawSheet:
    """A sheet as read: the header cells and the rows below it, numbered as shown."""

    name: str
    header: list[Any]
    rows: list[tuple[int, list[Any]]]


@dataclass
class Workbook:
    """The recognised sheets of an upload, plus notes about anything that was ignored."""

    sheets: dict[str, RawSheet]
    notices: list[str] = field(default_factory=list)


def read_upload(files: Sequence[SourceFile]) -> Workbook:
    """Read an XLSX workbook, a ZIP of CSV files, or CSV files into raw sheets.

    Raises ``ImportFileError`` with a message fit to show the person who uploaded the file.
    """
    try:
        return _read_upload(files)
    except ImportFileError:
        raise
    except UploadError as exc:
        raise ImportFileError(str(exc)) from exc


def _read_upload(files: Sequence[SourceFile]) -> Workbook:
    files = [f for f in files if f.content or f.name]
    if not files:
        raise ImportFileError("Select the workbook to upload.")
    check_size(sum(len(f.content) for f in files), _limits())
    if len(files) == 1 and not _looks_like_csv(files[0]):
        source = files[0]
        if source.content.startswith(b"\xd0\xcf\x11\xe0"):
            raise ImportFileError(
                "The selected file is an old Excel (.xls) file. Save it as an Excel Workbook "
                "(.xlsx) and upload it again."
            )
        if not zipfile.is_zipfile(io.BytesIO(source.content)):
            raise ImportFileError(_WRONG_TYPE)
        return _read_zip(source)
    for source in files:
        if not _looks_like_csv(source):
            raise ImportFileError(
                "Upload either one Excel workbook (.xlsx) or ZIP file, or the three CSV files "
                f"together. {source.name} is not a CSV file."
            )
    return _read_csv_files(files)


_WRONG_TYPE = (
    "The selected file must be an Excel workbook (.xlsx), a ZIP file of CSV files, or the "
    "three CSV files (organisations.csv, wards.csv and people.csv)."
)


def _looks_like_csv(source: SourceFile) -> bool:
    return source.name.lower().endswith(".csv")


def _read_zip(source: SourceFile) -> Workbook:
    # A small file that unpacks into gigabytes (a "zip bomb") is refused before it is read.
    archive = open_zip(source.content, _limits())
    infos = archive.infolist()
    names = {i.filename for i in infos}
    if "xl/workbook.xml" in names:
        return _read_xlsx(source.content)
    members = [
        i
        for i in infos
        if not i.is_dir()
        and not i.filename.startswith("__MACOSX/")
        and not PurePosixPath(i.filename).name.startswith(".")
    ]
    csv_members = [i for i in members if i.filename.lower().endswith(".csv")]
    if not csv_members or len(members) > MAX_ZIP_MEMBERS:
        raise ImportFileError(
            "The ZIP file must contain the CSV files organisations.csv, wards.csv and people.csv."
        )
    try:
        files = [SourceFile(PurePosixPath(i.filename).name, archive.read(i)) for i in csv_members]
    except (zipfile.BadZipFile, OSError, RuntimeError) as exc:
        raise ImportFileError("The ZIP file is damaged or protected by a password.") from exc
    return _read_csv_files(files)


def _read_xlsx(content: bytes) -> Workbook:
    limits = _limits()
    book = xlsx_book(content, limits)
    sheets: dict[str, RawSheet] = {}
    notices: list[str] = []
    try:
        for worksheet in book.worksheets:
            key = _normalise_sheet_name(worksheet.title)
            if key == NOTES:
                continue
            if key not in COLUMNS:
                notices.append(
                    f"The sheet '{worksheet.title}' was ignored: only the sheets organisations, "
                    "wards and people are imported."
                )
                continue
            if key in sheets:
                raise ImportFileError(f"The workbook has two sheets called {key}.")
            header: list[Any] = []
            rows: list[tuple[int, list[Any]]] = []
            for number, values in sheet_rows(worksheet, f"The {key} sheet", limits):
                if number == 1:
                    header = list(values)
                    continue
                rows.append((number, list(values)))
            sheets[key] = RawSheet(key, header, rows)
    finally:
        book.close()
    return _finish(sheets, notices)


def _read_csv_files(files: Iterable[SourceFile]) -> Workbook:
    sheets: dict[str, RawSheet] = {}
    notices: list[str] = []
    for source in files:
        key = _sheet_for_filename(source.name)
        if key is None:
            notices.append(
                f"The file '{source.name}' was ignored: name the files organisations.csv, "
                "wards.csv and people.csv."
            )
            continue
        if key in sheets:
            raise ImportFileError(f"There are two files for the {key} sheet. Upload only one.")
        header: list[Any] = []
        rows: list[tuple[int, list[Any]]] = []
        for number, values in csv_rows(source.content, source.name, _limits()):
            if number == 1:
                header = list(values)
                continue
            rows.append((number, list(values)))
        sheets[key] = RawSheet(key, header, rows)
    return _finish(sheets, notices)


def _finish(sheets: dict[str, RawSheet], notices: list[str]) -> Workbook:
    if not sheets:
        raise ImportFileError(
            "No organisations, wards or people sheet was found. Use the template: its sheets "
            "(or CSV files) are called organisations, wards and people."
        )
    return Workbook(sheets=sheets, notices=notices)


def _normalise_sheet_name(name: str) -> str:
    return " ".join(str(name).split()).lower()


def _sheet_for_filename(name: str) -> str | None:
    stem = _normalise_sheet_name(PurePosixPath(name.replace("\\", "/")).stem)
    if stem in COLUMNS:
        return stem
    # "Programme onboarding - people.csv" and the like, as spreadsheet programs export them.
    match = re.search(r"(?:^|[^a-z])(organisations|wards|people)$", stem)
    return match.group(1) if match else None


def _is_blank(values: Iterable[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _normalise_header(value: Any) -> str:
    return "_".join(str(value or "").split()).lower()


# The plan -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One problem, placed by sheet, row (header = row 1) and column."""

    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.column:
            return f"{self.sheet}, row {self.row}, column {self.column}: {self.message}"
        return f"{self.sheet}, row {self.row}: {self.message}"


@dataclass
class OrganisationPlan:
    """An organisation row that is valid, and what importing it will do."""

    row: int
    ods_code: str
    name: str
    region: str
    provider_type: str
    action: str = CREATE
    changes: list[str] = field(default_factory=list)
    # Each change as the dry run shows it: the field, its old value and its new one.
    change_details: list[str] = field(default_factory=list)

    @property
    def region_label(self) -> str:
        return Region(self.region).label

    @property
    def provider_type_label(self) -> str:
        return ProviderType(self.provider_type).label

    @property
    def action_label(self) -> str:
        return ACTION_LABELS[self.action]


@dataclass
class WardPlan:
    """A ward row that is valid, and what importing it will do."""

    row: int
    organisation_ods_code: str
    code: str
    name: str
    service_type_code: str
    service_type_name: str
    beds: int
    qi_coach_email: str = ""
    qi_coach_source: str = ""
    coaching_start: date | None = None
    coaching_end: date | None = None
    action: str = CREATE
    changes: list[str] = field(default_factory=list)
    change_details: list[str] = field(default_factory=list)

    @property
    def action_label(self) -> str:
        return ACTION_LABELS[self.action]


@dataclass
class PersonPlan:
    """One person (one e-mail address, perhaps on several rows) and what importing does."""

    row: int
    email: str
    full_name: str
    # None: not stated in the file (an existing person keeps what they had).
    lived_experience: bool | None
    organisation_ods_code: str = ""
    action: str = CREATE
    changes: list[str] = field(default_factory=list)
    change_details: list[str] = field(default_factory=list)

    @property
    def action_label(self) -> str:
        return {CREATE: "New: will be invited", UPDATE: "Update", UNCHANGED: "Has an account"}[
            self.action
        ]


@dataclass
class RolePlan:
    """A role to grant: from a people row, or the QI coach named on a ward row."""

    sheet: str
    row: int
    email: str
    role: str
    organisation_ods_code: str = ""
    ward_code: str = ""
    action: str = CREATE
    person: PersonPlan | None = None

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.email, self.role, self.organisation_ods_code, self.ward_code.lower())

    @property
    def role_label(self) -> str:
        return Role(self.role).label

    @property
    def scope_label(self) -> str:
        if self.ward_code:
            return f"Ward {self.ward_code} of {self.organisation_ods_code}"
        if self.organisation_ods_code:
            return f"Organisation {self.organisation_ods_code}"
        if self.role in PROGRAMME_WIDE or self.role == Role.RISK_LEAD:
            return "Whole programme"
        return "No organisation or ward (a QI coach reaches the wards they coach)"

    @property
    def action_label(self) -> str:
        return {CREATE: "Grant", UNCHANGED: "Already held"}[self.action]


@dataclass
class Tally:
    """How many rows of one kind are created, updated and left as they were."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, action: str) -> None:
        if action == CREATE:
            self.created += 1
        elif action == UPDATE:
            self.updated += 1
        else:
            self.unchanged += 1


@dataclass
class ImportCounts:
    """Counts for a dry run (what would happen) or a committed import (what did)."""

    organisations: Tally = field(default_factory=Tally)
    wards: Tally = field(default_factory=Tally)
    people: Tally = field(default_factory=Tally)
    role_assignments: Tally = field(default_factory=Tally)
    invitations: int = 0

    def rows(self) -> list[tuple[str, Tally]]:
        """(label, tally) pairs for tables and command output."""
        return [
            ("Organisations", self.organisations),
            ("Wards", self.wards),
            ("People", self.people),
            ("Role assignments", self.role_assignments),
        ]

    @property
    def nothing_to_do(self) -> bool:
        return not any(t.created or t.updated for _, t in self.rows())


@dataclass
class ImportPlan:
    """Everything a dry run shows and a commit needs; valid only when ``errors`` is empty."""

    organisations: list[OrganisationPlan] = field(default_factory=list)
    wards: list[WardPlan] = field(default_factory=list)
    people: list[PersonPlan] = field(default_factory=list)
    roles: list[RolePlan] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def people_rows(self) -> list[RolePlan]:
        """The people sheet's rows (one role each), for the dry-run table."""
        return [r for r in self.roles if r.sheet == PEOPLE]

    def errors_by_sheet(self) -> dict[str, list[RowError]]:
        grouped: dict[str, list[RowError]] = {}
        for error in self.errors:
            grouped.setdefault(error.sheet, []).append(error)
        return grouped

    def counts(self) -> ImportCounts:
        """What committing this plan would do."""
        counts = ImportCounts()
        for organisation in self.organisations:
            counts.organisations.add(organisation.action)
        for ward in self.wards:
            counts.wards.add(ward.action)
        for person in self.people:
            counts.people.add(person.action)
        for role in self.roles:
            counts.role_assignments.add(role.action)
        counts.invitations = counts.people.created
        return counts


def plan_upload(files: Sequence[SourceFile]) -> ImportPlan:
    """Read the upload and plan its import (``ImportFileError`` if it cannot be read)."""
    return plan_import(read_upload(files))


def plan_import(workbook: Workbook) -> ImportPlan:
    """Check every row of the workbook against the rules and the database."""
    return _Planner(workbook).build()


# Parsing single values -------------------------------------------------------------------


class _Invalid(Exception):
    """A cell's value is wrong; the message says why in plain English."""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    # Non-breaking spaces come in from copying out of web pages and Word.
    return " ".join(str(value).replace("\xa0", " ").split())


def _shown(value: Any) -> str:
    """A value as the dry run shows it: dates as 1 April 2025, yes/no, blank as 'blank'."""
    if value is None or value == "":
        return "blank"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return f"{value.day} {value:%B %Y}"
    return str(value)


def _change(column: str, old: Any, new: Any) -> str:
    """One update as the dry run lists it: ``beds: 18 to 20``."""
    return f"{column}: {_shown(old)} to {_shown(new)}"


def _quoted(value: Any) -> str:
    text = _text(value)
    return f"'{text[:60]}…'" if len(text) > 60 else f"'{text}'"


def _parse_ods_code(value: Any) -> str:
    code = _text(value).upper()
    if code == EXAMPLE_ODS_CODE:
        raise _Invalid(
            f"{EXAMPLE_ODS_CODE} is the template's example, not a real organisation; replace the "
            "example row with your own (or delete it)"
        )
    if not ODS_CODE.match(code):
        raise _Invalid(
            f"{_quoted(value)} is not an ODS code; use 3 to 5 letters or digits, for example "
            "RV3 or NQM01"
        )
    return code


def _parse_ward_code(value: Any) -> str:
    code = _text(value)
    if len(code) > WARD_CODE_MAX or not WARD_CODE.match(code):
        raise _Invalid(
            f"{_quoted(value)} is not a ward code; use up to {WARD_CODE_MAX} letters, digits, "
            "dashes or underscores, for example W01"
        )
    return code


def _parse_name(value: Any) -> str:
    name = _text(value)
    if len(name) > NAME_MAX:
        raise _Invalid(f"this is {len(name)} characters long; use {NAME_MAX} or fewer")
    return name


def _lookup(choices: Iterable[tuple[str, str]], value: Any) -> str | None:
    """The choice whose value or label matches ``value`` ignoring case and spacing."""
    wanted = _text(value).casefold()
    for code, label in choices:
        if wanted in (code.casefold(), " ".join(label.split()).casefold()):
            return code
    return None


def _parse_region(value: Any) -> str:
    region = _lookup(Region.choices, value)
    if region is None:
        options = ", ".join(f"{code} ({label})" for code, label in Region.choices)
        raise _Invalid(f"{_quoted(value)} is not a region; use one of {options}")
    return region


def _parse_provider_type(value: Any) -> str:
    provider_type = _lookup(ProviderType.choices, value)
    if provider_type is None:
        options = " or ".join(ProviderType.values)
        raise _Invalid(f"{_quoted(value)} is not a provider type; use {options}")
    return provider_type


def _parse_role(value: Any) -> str:
    text = _text(value)
    role = _lookup(Role.choices, text) or _lookup(Role.choices, text.replace(" ", "_"))
    if role is None:
        raise _Invalid(f"{_quoted(value)} is not a role; use one of {', '.join(Role.values)}")
    return role


def _parse_email(value: Any) -> str:
    email = _text(value).lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise _Invalid(
            f"{_quoted(value)} is not an e-mail address; write it like name@example.nhs.uk"
        ) from exc
    if len(email) > EMAIL_MAX:
        raise _Invalid(f"this e-mail address is longer than {EMAIL_MAX} characters")
    return email


def _parse_beds(value: Any) -> int:
    if isinstance(value, bool):
        raise _Invalid(f"{_quoted(value)} is not a number of beds")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _text(value)
    if not re.fullmatch(r"\d{1,4}", text):
        raise _Invalid(
            f"{_quoted(value)} is not a whole number of beds; write a number from "
            f"{BEDS_MIN} to {BEDS_MAX}"
        )
    beds = int(text)
    if not BEDS_MIN <= beds <= BEDS_MAX:
        raise _Invalid(f"{beds} beds is not possible; a ward has {BEDS_MIN} to {BEDS_MAX} beds")
    return beds


def _parse_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if ISO_DATE.match(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise _Invalid(f"{_quoted(value)} is not a date; write it as year-month-day, like 2025-04-01")


def _parse_yes_no(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if not text:
        return None
    if text in YES:
        return True
    if text in NO:
        return False
    raise _Invalid(f"{_quoted(value)} is not yes or no; write yes, no, or leave it blank")


# Checking rows ---------------------------------------------------------------------------


@dataclass
class _Row:
    """A row's cells by column name, and what parsed cleanly."""

    sheet: str
    number: int
    cells: dict[str, Any]
    values: dict[str, Any] = field(default_factory=dict)
    ok: bool = True
    # Cells already refused (an NHS number): not parsed, so not reported twice.
    refused: set[str] = field(default_factory=set)


class _Planner:
    """Builds one ``ImportPlan``; holds the rows and database state while it does."""

    def __init__(self, workbook: Workbook) -> None:
        self.workbook = workbook
        self.plan = ImportPlan(notices=list(workbook.notices))
        self.rows: dict[str, list[_Row]] = {ORGANISATIONS: [], WARDS: [], PEOPLE: []}
        self.people_roles: list[RolePlan] = []
        self.ward_roles: list[RolePlan] = []

    # Errors

    def error(self, row: _Row, column: str, message: str) -> None:
        self.plan.errors.append(RowError(row.sheet, row.number, column, message))
        row.ok = False

    def parse(self, row: _Row, column: str, parser: Any, *, required: bool = True) -> Any:
        """Parse one cell, recording a problem against it; None when blank or wrong."""
        if column in row.refused:
            return None
        raw = row.cells.get(column)
        if _text(raw) == "":
            if required:
                self.error(row, column, "this is blank; fill it in")
            return None
        try:
            value = parser(raw)
        except _Invalid as exc:
            self.error(row, column, str(exc))
            return None
        row.values[column] = value
        return value

    # The whole plan

    def build(self) -> ImportPlan:
        for name, sheet in self.workbook.sheets.items():
            self.rows[name] = self.read_sheet(sheet)
        for rows in self.rows.values():
            for row in rows:
                self.guard_free_text(row)
        self.load_database()
        self.check_organisations()
        self.check_people_cells()
        self.check_wards()
        self.check_people()
        self.plan.errors.sort(key=lambda e: (list(COLUMNS).index(e.sheet), e.row))
        return self.plan

    def read_sheet(self, sheet: RawSheet) -> list[_Row]:
        header_row = _Row(sheet.name, 1, {})
        positions: dict[str, int] = {}
        for index, cell in enumerate(sheet.header):
            column = _normalise_header(cell)
            if not column:
                continue
            if column in positions:
                self.error(header_row, column, "this column appears twice; keep one")
            positions[column] = index
        missing = [
            c
            for c in COLUMNS[sheet.name]
            if c not in positions and c not in OPTIONAL_COLUMNS[sheet.name]
        ]
        for column in missing:
            self.error(
                header_row,
                column,
                "this column is missing; row 1 must name the columns "
                + ", ".join(COLUMNS[sheet.name]),
            )
        unknown = [c for c in positions if c not in COLUMNS[sheet.name]]
        if unknown:
            self.plan.notices.append(
                f"In the {sheet.name} sheet these columns were ignored: {', '.join(unknown)}."
            )
        if missing or not header_row.ok:
            return []
        rows = []
        for number, values in sheet.rows:
            cells = {
                column: values[index] if index < len(values) else None
                for column, index in positions.items()
                if column in COLUMNS[sheet.name]
            }
            rows.append(_Row(sheet.name, number, cells))
        return rows

    def guard_free_text(self, row: _Row) -> None:
        """No cell may carry an NHS number, whatever its column."""
        for column, raw in row.cells.items():
            if raw is not None and not isinstance(raw, bool | date):
                numbers = find_nhs_numbers(_text(raw))
                if numbers:
                    self.error(
                        row,
                        column,
                        f"this looks like it contains an NHS number ({numbers[0][:3]} *** ****); "
                        "remove it: no patient-identifiable information may be imported",
                    )
                    # Forget the value, so no other message repeats the number.
                    row.cells[column] = None
                    row.refused.add(column)

    def load_database(self) -> None:
        """Fetch what already exists for every code and address the file mentions."""
        ods_codes: set[str] = set()
        emails: set[str] = set()
        for sheet, rows in self.rows.items():
            column = "ods_code" if sheet == ORGANISATIONS else "organisation_ods_code"
            for row in rows:
                ods_codes.add(_text(row.cells.get(column)).upper())
                for email_column in ("email", "qi_coach_email"):
                    if row.cells.get(email_column) is not None:
                        emails.add(_text(row.cells[email_column]).lower())
        ods_codes.discard("")
        emails.discard("")
        self.db_organisations = {
            o.ods_code: o
            for o in Organisation.objects.filter(  # access: allowed (admin-only import plan)
                ods_code__in=ods_codes
            )
        }
        self.db_wards: dict[tuple[str, str], Ward] = {
            (w.organisation.ods_code, w.code.lower()): w
            for w in Ward.objects.filter(  # access: allowed (admin-only import plan)
                organisation__ods_code__in=ods_codes
            ).select_related("organisation", "service_type")
        }
        self.db_users = {
            u.email_lower: u
            for u in User.objects.annotate(email_lower=Lower("email")).filter(
                email_lower__in=emails
            )
        }
        self.db_roles = set(
            RoleAssignment.objects.filter(user__in=list(self.db_users.values())).values_list(
                "user_id", "role", "organisation_id", "ward_id"
            )
        )
        self.service_types = list(ServiceType.objects.all())

    # organisations

    def check_organisations(self) -> None:
        self.sheet_organisations: dict[str, int] = {}
        for row in self.rows[ORGANISATIONS]:
            ods_code = self.parse(row, "ods_code", _parse_ods_code)
            name = self.parse(row, "name", _parse_name)
            region = self.parse(row, "region", _parse_region)
            provider_type = self.parse(row, "provider_type", _parse_provider_type)
            if ods_code:
                first = self.sheet_organisations.get(ods_code)
                if first:
                    self.error(row, "ods_code", f"{ods_code} is already on row {first}")
                    continue
                self.sheet_organisations[ods_code] = row.number
            if not row.ok:
                continue
            item = OrganisationPlan(row.number, ods_code, name, region, provider_type)
            existing = self.db_organisations.get(ods_code)
            if existing is not None:
                for f, v, show in (
                    ("name", name, str),
                    ("region", region, lambda c: Region(c).label),
                    ("provider_type", provider_type, lambda c: ProviderType(c).label),
                ):
                    if getattr(existing, f) != v:
                        item.changes.append(f)
                        item.change_details.append(_change(f, show(getattr(existing, f)), show(v)))
                item.action = UPDATE if item.changes else UNCHANGED
            self.plan.organisations.append(item)

    def organisation_known(self, ods_code: str) -> bool:
        return ods_code in self.sheet_organisations or ods_code in self.db_organisations

    # people (cells first: the wards sheet needs to know who the QI coaches are)

    def check_people_cells(self) -> None:
        self.coach_rows: dict[str, int] = {}
        self.person_rows: dict[str, tuple[int, str | None]] = {}
        for row in self.rows[PEOPLE]:
            email = self.parse(row, "email", _parse_email)
            self.parse(row, "full_name", _parse_name)
            role = self.parse(row, "role", _parse_role)
            self.parse(row, "organisation_ods_code", _parse_ods_code, required=False)
            self.parse(row, "ward_code", _parse_ward_code, required=False)
            self.parse(row, "lived_experience", _parse_yes_no, required=False)
            if email and role == Role.QI_COACH:
                self.coach_rows.setdefault(email, row.number)
            if email:
                self.person_rows.setdefault(email, (row.number, role))

    # wards

    def check_wards(self) -> None:
        self.sheet_wards: dict[tuple[str, str], int] = {}
        service_lookup = [(s.code, s.name) for s in self.service_types]
        services = {s.code: s for s in self.service_types}
        for row in self.rows[WARDS]:
            ods_code = self.parse(row, "organisation_ods_code", _parse_ods_code)
            code = self.parse(row, "ward_code", _parse_ward_code)
            name = self.parse(row, "name", _parse_name)
            service_code = self.parse(
                row, "service_type", lambda v: self.parse_service_type(v, service_lookup)
            )
            beds = self.parse(row, "beds", _parse_beds)
            coach_email = self.parse(row, "qi_coach_email", _parse_email, required=False)
            start = self.parse(row, "coaching_start", _parse_date, required=False)
            if ods_code and not self.organisation_known(ods_code):
                self.error(
                    row,
                    "organisation_ods_code",
                    f"{ods_code} is not in the organisations sheet and is not an organisation "
                    "in the programme yet; add it to the organisations sheet",
                )
            if ods_code and code:
                key = (ods_code, code.lower())
                first = self.sheet_wards.get(key)
                if first:
                    self.error(
                        row, "ward_code", f"ward {code} of {ods_code} is already on row {first}"
                    )
                    continue
                self.sheet_wards[key] = row.number
            coach_source = self.check_coach(row, coach_email) if coach_email else ""
            if not row.ok:
                continue
            service = services[service_code]
            item = WardPlan(
                row=row.number,
                organisation_ods_code=ods_code,
                code=code,
                name=name,
                service_type_code=service.code,
                service_type_name=service.name,
                beds=beds,
                qi_coach_email=coach_email or "",
                qi_coach_source=coach_source,
                coaching_start=start,
                coaching_end=Ward.default_coaching_end(start) if start else None,
            )
            existing = self.db_wards.get((ods_code, code.lower()))
            if existing is not None:
                item.code = existing.code  # matched ignoring case; the stored code stays
                self.compare_ward(item, existing)
            self.plan.wards.append(item)
            if coach_email:
                self.ward_roles.append(
                    RolePlan(WARDS, row.number, coach_email, Role.QI_COACH, ods_code, item.code)
                )

    def parse_service_type(self, value: Any, choices: list[tuple[str, str]]) -> str:
        code = _lookup(choices, value)
        if code is None:
            raise _Invalid(
                f"{_quoted(value)} is not a service type; use an MHSDS bed type code or name, "
                "for example 10 or Acute adult mental health care (the notes sheet of the "
                "template lists them all)"
            )
        return code

    def check_coach(self, row: _Row, email: str) -> str:
        """Where a ward's QI coach comes from, or a problem if they cannot be found."""
        if email in self.coach_rows:
            return f"people sheet, row {self.coach_rows[email]}"
        user = self.db_users.get(email)
        if user is not None:
            if not user.is_active:
                self.error(row, "qi_coach_email", f"{email} has an account that is switched off")
                return ""
            return "existing user"
        if email in self.person_rows:
            number, role = self.person_rows[email]
            if role is None:
                return ""  # their people row has a problem of its own; one message is enough
            self.error(
                row,
                "qi_coach_email",
                f"{email} is in the people sheet (row {number}) as {role}, not qi_coach; add a "
                "row giving them the role qi_coach",
            )
        else:
            self.error(
                row,
                "qi_coach_email",
                f"{email} is not in the people sheet as a qi_coach and has no account yet; add "
                "them to the people sheet with the role qi_coach",
            )
        return ""

    def compare_ward(self, item: WardPlan, existing: Ward) -> None:
        changes = []
        details = item.change_details
        if existing.name != item.name:
            changes.append("name")
            details.append(_change("name", existing.name, item.name))
        if existing.service_type.code != item.service_type_code:
            changes.append("service_type")
            details.append(
                _change(
                    "service_type",
                    f"{existing.service_type.code}: {existing.service_type.name}",
                    f"{item.service_type_code}: {item.service_type_name}",
                )
            )
        if existing.beds != item.beds:
            changes.append("beds")
            details.append(_change("beds", existing.beds, item.beds))
        if item.qi_coach_email:
            current = existing.qi_coach.email.lower() if existing.qi_coach_id else ""
            if current != item.qi_coach_email:
                changes.append("qi_coach")
                details.append(_change("qi_coach", current, item.qi_coach_email))
        if item.coaching_start and existing.coaching_start != item.coaching_start:
            changes.append("coaching_start")
            details.append(_change("coaching_start", existing.coaching_start, item.coaching_start))
        else:
            # Blank, or the same start: the ward keeps its dates (an end set by hand stays).
            item.coaching_start = existing.coaching_start
            item.coaching_end = existing.coaching_end
        item.changes = changes
        item.action = UPDATE if changes else UNCHANGED

    def ward_known(self, ods_code: str, code: str) -> bool:
        key = (ods_code, code.lower())
        return key in self.sheet_wards or key in self.db_wards

    # people (scope, references and consistency)

    def check_people(self) -> None:
        people: dict[str, PersonPlan] = {}
        stated: dict[str, tuple[int, bool]] = {}
        seen: dict[tuple[str, str, str, str], int] = {}
        for row in self.rows[PEOPLE]:
            email = row.values.get("email")
            role = row.values.get("role")
            ods_code = row.values.get("organisation_ods_code", "")
            ward_code = row.values.get("ward_code", "")
            if role:
                self.check_scope(row, role)
            if ods_code and not self.organisation_known(ods_code):
                self.error(
                    row,
                    "organisation_ods_code",
                    f"{ods_code} is not in the organisations sheet and is not an organisation "
                    "in the programme yet; add it to the organisations sheet",
                )
            elif ods_code and ward_code and not self.ward_known(ods_code, ward_code):
                self.error(
                    row,
                    "ward_code",
                    f"{ods_code} has no ward {ward_code} in the wards sheet or in the programme; "
                    "add it to the wards sheet",
                )
            if not email:
                continue
            full_name = row.values.get("full_name")
            lived = row.values.get("lived_experience")
            person = people.get(email)
            if person is not None and full_name and person.full_name != full_name:
                self.error(
                    row,
                    "full_name",
                    f"'{full_name}' differs from the name given for {email} on row "
                    f"{person.row} ('{person.full_name}'); use the same name on every row",
                )
            if lived is not None:
                first = stated.get(email)
                if first and first[1] != lived:
                    self.error(
                        row,
                        "lived_experience",
                        f"this differs from row {first[0]} for {email}; give the same answer "
                        "on every row, or leave it blank",
                    )
                stated.setdefault(email, (row.number, lived))
            if role:
                key = (email, role, ods_code, ward_code.lower())
                if key in seen:
                    self.error(row, "role", f"this repeats row {seen[key]}; remove one of them")
                seen.setdefault(key, row.number)
            if not row.ok:
                continue
            if person is None:
                person = PersonPlan(row.number, email, full_name, None, ods_code)
                people[email] = person
            person.organisation_ods_code = person.organisation_ods_code or ods_code
            role_plan = RolePlan(PEOPLE, row.number, email, role, ods_code, ward_code)
            role_plan.person = person
            if ods_code and ward_code:
                existing_ward = self.db_wards.get((ods_code, ward_code.lower()))
                if existing_ward is not None:
                    role_plan.ward_code = existing_ward.code
            self.people_roles.append(role_plan)
        # A QI coach named on a ward and given the same role in the people sheet is one grant.
        people_keys = {r.key for r in self.people_roles}
        ward_roles = {r.key: r for r in self.ward_roles if r.key not in people_keys}
        self.plan.roles = self.people_roles + list(ward_roles.values())
        for email, person in people.items():
            if email in stated:
                person.lived_experience = stated[email][1]
            self.compare_person(person)
            self.plan.people.append(person)
        for role_plan in self.plan.roles:
            if role_plan.person is None:
                role_plan.person = people.get(role_plan.email)
            self.compare_role(role_plan)

    def check_scope(self, row: _Row, role: str) -> None:
        # Whether a cell is filled in, right or wrong: a wrong code has its own error already.
        ods_code = _text(row.cells.get("organisation_ods_code"))
        ward_code = _text(row.cells.get("ward_code"))
        label = Role(role).label
        article = "an" if label[0].lower() in "aeiou" else "a"
        if role in PROGRAMME_WIDE:
            for column, value in (("organisation_ods_code", ods_code), ("ward_code", ward_code)):
                if value:
                    self.error(
                        row,
                        column,
                        f"leave this blank: {article} {label.lower()} works across the whole "
                        "programme",
                    )
            return
        if ward_code and not ods_code:
            self.error(
                row,
                "organisation_ods_code",
                "give the organisation's ODS code as well as the ward code: ward codes are "
                "only unique within an organisation",
            )
        if role in NEEDS_WARD and not ward_code:
            self.error(
                row, "ward_code", f"{article} {label.lower()} needs a ward; give its ward code"
            )
        if role in NEEDS_ORGANISATION and not ods_code:
            self.error(
                row,
                "organisation_ods_code",
                f"{article} {label.lower()} needs an organisation; give its ODS code",
            )
        if (role in NEEDS_ORGANISATION or role == Role.RISK_LEAD) and ward_code:
            self.error(
                row,
                "ward_code",
                f"leave this blank: {article} {label.lower()} is given a whole organisation",
            )

    def compare_person(self, person: PersonPlan) -> None:
        user = self.db_users.get(person.email)
        if user is None:
            person.action = CREATE
            return
        changes = []
        if user.full_name != person.full_name:
            changes.append("full_name")
            person.change_details.append(_change("full_name", user.full_name, person.full_name))
        if person.lived_experience is not None and user.lived_experience != person.lived_experience:
            changes.append("lived_experience")
            person.change_details.append(
                _change("lived_experience", user.lived_experience, person.lived_experience)
            )
        person.changes = changes
        person.action = UPDATE if changes else UNCHANGED

    def compare_role(self, role_plan: RolePlan) -> None:
        user = self.db_users.get(role_plan.email)
        organisation = self.db_organisations.get(role_plan.organisation_ods_code)
        ward = None
        if role_plan.ward_code:
            ward = self.db_wards.get((role_plan.organisation_ods_code, role_plan.ward_code.lower()))
            if ward is None:
                return
        if user is None or (role_plan.organisation_ods_code and organisation is None):
            return
        key = (
            user.id,
            role_plan.role,
            organisation.id if organisation else None,
            ward.id if ward else None,
        )
        if key in self.db_roles:
            role_plan.action = UNCHANGED


# The template ---------------------------------------------------------------------------------

EXAMPLE_ROWS: dict[str, list[Any]] = {
    ORGANISATIONS: [
        EXAMPLE_ODS_CODE,
        "Example Mental Health NHS Foundation Trust (replace this row)",
        "Y60",
        "nhs_trust",
    ],
    WARDS: [
        EXAMPLE_ODS_CODE,
        "EXAMPLE-W01",
        "Example Ward (replace this row)",
        "10",
        18,
        "example.coach@example.nhs.uk",
        date(2025, 4, 1),
    ],
    PEOPLE: [
        "example.coach@example.nhs.uk",
        "Example Coach (replace this row)",
        "qi_coach",
        EXAMPLE_ODS_CODE,
        "EXAMPLE-W01",
        "no",
    ],
}
# Drop-down lists on the template's sheets: (sheet, column) -> the notes heading whose codes
# the cell may hold. Excel shows the list; the upload still accepts a code or its name.
DROP_DOWNS: dict[tuple[str, str], str] = {
    (ORGANISATIONS, "region"): "region",
    (ORGANISATIONS, "provider_type"): "provider_type",
    (WARDS, "service_type"): "service_type",
    (PEOPLE, "role"): "role",
}
TEMPLATE_ROWS = 1000  # rows of each sheet that carry the drop-downs


def template_workbook() -> bytes:
    """An XLSX template: the three sheets with headers and an example row (with a code that
    an upload refuses), drop-down lists for the coded columns, and a notes sheet."""
    import openpyxl
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = openpyxl.Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    sheets = {}
    for name, columns in COLUMNS.items():
        sheet = book.create_sheet(name)
        sheets[name] = sheet
        sheet.append(list(columns))
        sheet.append(EXAMPLE_ROWS[name])
        for cell in sheet[1]:
            cell.font = bold
        for index, column in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(16, len(column) + 4)
        if name == WARDS:
            sheet.cell(row=2, column=7).number_format = "yyyy-mm-dd"
    notes = book.create_sheet(NOTES)
    notes.column_dimensions["A"].width = 28
    notes.column_dimensions["B"].width = 60
    notes.column_dimensions["C"].width = 40
    lists: dict[str, tuple[int, int]] = {}  # notes heading -> first and last row of its codes
    heading = ""
    for line in _notes_lines():
        notes.append(line)
        row = notes.max_row
        if len(line) == 1:
            notes.cell(row=row, column=1).font = bold
            heading = line[0].split(":")[0]
        elif line and heading in DROP_DOWNS.values():
            first, _last = lists.get(heading, (row, row))
            lists[heading] = (first, row)
    for (sheet_name, column), heading in DROP_DOWNS.items():
        first, last = lists[heading]
        letter = get_column_letter(COLUMNS[sheet_name].index(column) + 1)
        validation = DataValidation(
            type="list",
            formula1=f"{NOTES}!$A${first}:$A${last}",
            allow_blank=True,
            showDropDown=False,  # (openpyxl's name is inverted: False shows the arrow)
            showErrorMessage=False,  # a name instead of a code is still accepted on upload
            promptTitle=column,
            prompt=f"Choose a {column.replace('_', ' ')} from the list (see the notes sheet).",
            showInputMessage=True,
        )
        validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS}")
        sheets[sheet_name].add_data_validation(validation)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def _notes_lines() -> list[list[str]]:
    lines: list[list[str]] = [
        ["How to fill in this workbook"],
        ["Headers", "Keep row 1 as it is. Capitals and spaces around names do not matter."],
        [
            "Example rows",
            f"Row 2 of each sheet is an example (organisation code {EXAMPLE_ODS_CODE}). Replace "
            "it with your own rows: an upload refuses the example code.",
        ],
        [
            "Drop-down lists",
            "region, provider_type, service_type and role offer a list of the codes below; "
            "the names are accepted too.",
        ],
        [
            "Matching",
            "Organisations match by ODS code, wards by organisation and ward code, "
            "people by e-mail address. Importing the same file twice changes nothing.",
        ],
        [
            "Blank cells",
            "A blank qi_coach_email or coaching_start keeps an existing ward's "
            "value. A blank lived_experience means no for a new person.",
        ],
        [
            "Dates",
            "Write dates as year-month-day, like 2025-04-01. Coaching ends two years "
            "after it starts.",
        ],
        ["beds", f"A whole number from {BEDS_MIN} to {BEDS_MAX}."],
        [
            "qi_coach_email",
            "Someone in the people sheet with the role qi_coach, or someone who "
            "already has an account. They become the ward's QI coach.",
        ],
        ["lived_experience", "yes or no; record it only with the person's consent."],
        [
            "Invitations",
            "Each new person is e-mailed one invitation link when the import is committed.",
        ],
        [],
        ["region: the ODS region code or its name"],
        *([code, label] for code, label in Region.choices),
        [],
        ["provider_type"],
        *([code, label] for code, label in ProviderType.choices),
        [],
        ["service_type: the MHSDS bed type code or its name"],
        *([s.code, s.name] for s in ServiceType.objects.all()),
        [],
        ["role"],
    ]
    for code, label in Role.choices:
        if code in PROGRAMME_WIDE:
            scope = "leave organisation and ward blank"
        elif code in NEEDS_WARD:
            scope = "needs organisation_ods_code and ward_code"
        elif code in NEEDS_ORGANISATION:
            scope = "needs organisation_ods_code; leave ward blank"
        elif code == Role.RISK_LEAD:
            scope = "organisation optional (blank: national); leave ward blank"
        else:
            scope = "organisation optional; ward optional (with organisation)"
        lines.append([code, label, scope])
    return lines
