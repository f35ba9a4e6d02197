"""File downloads shared by every app: CSV that spreadsheet programs open correctly."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

from django.http import StreamingHttpResponse

# Excel reads a CSV as the local code page unless it starts with a UTF-8 byte order mark, and
# then names such as "Ysbyty Gwynedd" or "Zoë" arrive garbled.
UTF8_BOM = "\ufeff"


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_download(rows: Iterable[Iterable[Any]], filename: str) -> StreamingHttpResponse:
    """Stream ``rows`` (the header first) as a CSV attachment that starts with a UTF-8 BOM."""
    writer = csv.writer(_Echo())

    def lines() -> Iterable[str]:
        yield UTF8_BOM
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
