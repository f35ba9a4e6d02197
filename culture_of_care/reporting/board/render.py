"""A board report's content as a PDF (WeasyPrint) and an XLSX workbook (openpyxl).

The PDF is laid out from an HTML template with its own stylesheet and Debian's fonts; nothing is
fetched while rendering (the URL fetcher refuses every address), so a report renders the same
offline as online.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string

from culture_of_care.reporting.board.selectors import BoardReportContent

STYLESHEET = Path(__file__).with_name("report.css")


def _no_fetching(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError(f"Board reports fetch nothing (asked for {url[:80]})")


def render_pdf(content: BoardReportContent) -> bytes:
    from weasyprint import CSS, HTML

    html = render_to_string("reporting/board/report_pdf.html", {"report": content})
    document = HTML(string=html, url_fetcher=_no_fetching, base_url=str(STYLESHEET.parent))
    return document.write_pdf(stylesheets=[CSS(filename=str(STYLESHEET))])


def _sheet(workbook: Any, title: str, header: list[str], rows: list[list[Any]], note: str) -> None:
    from openpyxl.styles import Font

    sheet = workbook.create_sheet(title)
    sheet.append([note])
    sheet.append([])
    sheet.append(header)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for index, _ in enumerate(header, start=1):
        sheet.column_dimensions[chr(64 + index)].width = 22 if index > 1 else 40


def render_xlsx(content: BoardReportContent) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    cover = workbook.active
    cover.title = "Report"
    cover.append([content.title])
    cover.append(
        [content.organisation_name + (f" ({content.ods_code})" if content.ods_code else "")]
    )
    cover.append([content.source_line])
    for note in content.notes:
        cover.append([note])
    cover.column_dimensions["A"].width = 100
    _sheet(
        workbook,
        "MDC summary",
        [
            "Measure",
            "Latest month",
            "Value",
            "Target",
            "Mean",
            "Limits",
            "Variation",
            "Assurance",
            "What the chart shows",
        ],
        [
            [
                line.measure,
                line.latest_month,
                line.value,
                line.target,
                line.mean,
                line.limits,
                line.variation,
                line.assurance,
                line.variation_words,
            ]
            for line in content.summary
        ],
        content.source_line,
    )
    equity_rows = []
    for block in content.equity:
        for row in block.rows:
            equity_rows.append(
                [
                    block.measure,
                    f"{block.first} to {block.last}",
                    row["group"],
                    row["count"],
                    row["rate"],
                    row["ratio"],
                    row["interval"],
                ]
            )
    _sheet(
        workbook,
        "Equity",
        ["Measure", "Months", "Group", "Count", "Rate", "Rate ratio", "95% interval"],
        equity_rows,
        "Rate ratios against the White group, 95% confidence interval by the log rate-ratio method.",
    )
    _sheet(
        workbook,
        "PDSA and coaching",
        ["Figure", "Value"],
        [[key.replace("_", " ").capitalize(), value] for key, value in content.pdsa.items()]
        + [[key.replace("_", " ").capitalize(), value] for key, value in content.coaching.items()],
        "Counts only: coaching notes are never included.",
    )
    if content.barriers:
        _sheet(
            workbook,
            "Barriers",
            ["Barrier", "Ward", "Kind", "Where it stands", "Weeks open", "On the board's list"],
            [
                [
                    b["title"],
                    b["ward"],
                    b["kind"],
                    b["status"],
                    b["weeks_open"],
                    "Yes" if b["on_board_list"] else "No",
                ]
                for b in content.barriers["open"]
            ]
            + [
                [b["title"], b["ward"], "", f"{b['status']}: {b['outcome']}", "", ""]
                for b in content.barriers["closed"]
            ],
            "Open barriers, then those resolved or closed in the last three months. No names.",
        )
    if content.risk:
        _sheet(
            workbook,
            "Risk",
            ["Figure", "Value"],
            [
                [key.replace("_", " ").capitalize(), str(value)]
                for key, value in content.risk.items()
            ],
            "Progress on personalised, collaborative safety planning.",
        )
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
