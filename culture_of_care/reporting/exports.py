"""Dashboard tables as rows for CSV (the one writer, ``culture_of_care.downloads``) and XLSX
(openpyxl).

The same rows the page shows, through the same suppression, for the same people (the views
resolve the scope exactly as the page does). Cells that a spreadsheet would read as a formula
are neutralised in both formats (``downloads.neutralise``).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from culture_of_care.downloads import neutralise


def to_xlsx(title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31] or "Data"
    sheet.append([neutralise(h) for h in headers])
    for row in rows:
        # Text is written as text (never a formula), numbers as numbers.
        cells = [neutralise(v) for v in row]
        sheet.append(cells)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def ward_table_rows(rows: list[dict], measures: list[Any]) -> tuple[list[str], list[list[Any]]]:
    headers = [
        "Ward",
        "Organisation",
        "ODS code",
        "Service type",
        "Status",
        "Restrictive practice per 1,000 occupied bed days (12 months)",
        *[f"{m.name}: variation" for m in measures],
        *[f"{m.name}: assurance" for m in measures],
        "Progress score (coach)",
        "Progress score (team)",
        "Last month reported",
        "Last coaching contact",
    ]
    out = []
    for r in rows:
        out.append(
            [
                r["name"],
                r["organisation"],
                r["ods"],
                r["service_type_name"],
                r["status_label"],
                r["rate"],
                *[c["variation_text"] for c in r["icon_cells"]],
                *[c["assurance_text"] for c in r["icon_cells"]],
                r["coach_score"],
                r["team_score"],
                r["last_reported_label"],
                r["last_contact_label"],
            ]
        )
    return headers, out


def measure_rows(figures: list[Any]) -> tuple[list[str], list[list[Any]]]:
    headers = [
        "Measure",
        "Month",
        "Wards reported",
        "Status",
        "Numerator",
        "Denominator",
        "Value",
        "Mean",
        "Signal",
    ]
    out = []
    for f in figures:
        for row in f.table:
            out.append(
                [
                    f.measure.name,
                    row["label"],
                    row["coverage"],
                    "Complete" if row["status"] == "complete" else "Incomplete (not used)",
                    row["numerator"],
                    row["denominator"],
                    row["value"],
                    row["mean"],
                    row["signal"],
                ]
            )
    return headers, out


def currency_rows(missing: list[dict]) -> tuple[list[str], list[list[Any]]]:
    headers = ["Ward", "Organisation", "QI coach", "Last month reported"]
    return headers, [
        [m["name"], m["organisation"], m["coach"], m["last_reported"]] for m in missing
    ]
