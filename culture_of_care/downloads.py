"""File downloads shared by every app: the one CSV writer.

Every CSV the service offers (dashboards, equity, coaching sessions...) goes through
``csv_download``: it streams, starts with a UTF-8 byte order mark (Excel reads a CSV as the local
code page without one, and names such as "Ysbyty Gwynedd" or "Zoë" arrive garbled) and
neutralises every cell a spreadsheet would run as a formula. XLSX exports use ``neutralise`` too.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import StreamingHttpResponse

UTF8_BOM = "\ufeff"

# A cell starting like this is read by spreadsheet programs as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A cell that cannot run as a formula: text starting with = + - @ (or a tab or carriage
    return) gets a leading apostrophe; numbers, dates and other text are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(headers: Sequence[Any], rows: Iterable[Iterable[Any]]) -> Iterable[str]:
    """The CSV text, line by line: the BOM, the header, then each row (``None`` as empty)."""
    writer = csv.writer(_Echo())
    yield UTF8_BOM
    yield writer.writerow([neutralise(h) for h in headers])
    for row in rows:
        yield writer.writerow([neutralise("" if v is None else v) for v in row])


def csv_download(
    headers: Sequence[Any], rows: Iterable[Iterable[Any]], filename: str
) -> StreamingHttpResponse:
    """Stream ``rows`` under ``headers`` as a CSV attachment named ``filename``."""
    response = StreamingHttpResponse(
        csv_lines(headers, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
