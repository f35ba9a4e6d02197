"""Onboarding workbooks built in tests (never committed as fixtures), and barriers.

``onboarding_rows()`` is a valid workbook's content as plain lists; tests change a cell or two
and build it with ``xlsx_bytes``, ``csv_zip_bytes`` or ``csv_files``.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from datetime import date
from typing import Any

import factory
import openpyxl
from django.utils import timezone
from factory.django import DjangoModelFactory

from organisations.models import Barrier, BarrierStep, BarrierStepKind
from organisations.onboarding import COLUMNS, SourceFile
from tests.factories import WardFactory

Rows = dict[str, list[list[Any]]]


def onboarding_rows() -> Rows:
    """Two new organisations, two wards, three new people: all valid."""
    return {
        "organisations": [
            ["RXA", "Alder Mental Health NHS Trust", "Y56", "nhs_trust"],
            ["NQX01", "Birch Independent Hospital", "North West", "independent"],
        ],
        "wards": [
            ["RXA", "W01", "Oak Ward", "10", 18, "nia.coach@example.org", "2025-04-01"],
            [
                "NQX01",
                "B2",
                "Birch Ward",
                "Adult psychiatric intensive care unit (PICU)",
                10,
                "",
                "",
            ],
        ],
        "people": [
            ["nia.coach@example.org", "Nia Coach", "qi_coach", "", "", "no"],
            ["ola.lead@example.org", "Ola Lead", "organisation_lead", "RXA", "", "yes"],
            ["ned.nurse@example.org", "Ned Nurse", "ward_member", "RXA", "W01", ""],
        ],
    }


def _headers(sheet: str, headers: dict[str, Sequence[str]] | None) -> list[str]:
    return list((headers or {}).get(sheet, COLUMNS[sheet]))


def xlsx_bytes(
    rows: Rows | None = None,
    *,
    headers: dict[str, Sequence[str]] | None = None,
    sheet_names: dict[str, str] | None = None,
) -> bytes:
    """An XLSX workbook with a sheet per key of ``rows`` (header on row 1)."""
    rows = onboarding_rows() if rows is None else rows
    book = openpyxl.Workbook()
    book.remove(book.active)
    for sheet, sheet_rows in rows.items():
        worksheet = book.create_sheet((sheet_names or {}).get(sheet, sheet))
        worksheet.append(_headers(sheet, headers))
        for row in sheet_rows:
            worksheet.append(row)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def _csv_text(sheet: str, sheet_rows: list[list[Any]], headers: Any) -> str:
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(_headers(sheet, headers))
    for row in sheet_rows:
        writer.writerow([v.isoformat() if isinstance(v, date) else v for v in row])
    return output.getvalue()


def csv_files(
    rows: Rows | None = None, *, headers: dict[str, Sequence[str]] | None = None
) -> list[SourceFile]:
    """The sheets as separate CSV files, named organisations.csv and so on."""
    rows = onboarding_rows() if rows is None else rows
    return [
        SourceFile(f"{sheet}.csv", _csv_text(sheet, sheet_rows, headers).encode("utf-8"))
        for sheet, sheet_rows in rows.items()
    ]


def csv_zip_bytes(rows: Rows | None = None, *, folder: str = "") -> bytes:
    """A ZIP of the CSV files (optionally inside a folder, as zipping a folder makes)."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        for source in csv_files(rows):
            archive.writestr(f"{folder}{source.name}", source.content)
    return output.getvalue()


# --- Barriers ------------------------------------------------------------------------------------


class BarrierFactory(DjangoModelFactory):
    """An open barrier a ward has just raised (its "raised" step included)."""

    class Meta:
        model = Barrier
        skip_postgeneration_save = True

    ward = factory.SubFactory(WardFactory)
    organisation = factory.SelfAttribute("ward.organisation")
    title = factory.Sequence(lambda n: f"Bank staff cannot be booked for protected time {n}")
    description = "Our community meeting needs two staff; the rostering rules say one."
    kind = "rostering"
    impact = 2
    raised_at = factory.LazyFunction(timezone.now)
    last_step_at = factory.SelfAttribute("raised_at")

    @factory.post_generation
    def raised_step(self, create, extracted, **kwargs):
        if create:
            BarrierStep.objects.create(
                organisation_id=self.organisation_id,
                ward_id=self.ward_id,
                barrier=self,
                kind=BarrierStepKind.RAISED,
                actor=self.raised_by,
                created_at=self.raised_at,
            )
