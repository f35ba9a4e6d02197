"""The one bounded reader for uploaded spreadsheets (onboarding and the monthly data upload).

Nothing an upload holds can make a worker use unbounded memory or time: the file's size is
checked before it is read, a ZIP (an .xlsx is one) is refused on its declared unpacked size before
anything is unpacked, rows are counted as they stream and reading stops at the limit, every cell
is bounded, and a malformed CSV is a message, never a 500. ``UploadError`` carries a message fit
to show the person who uploaded the file.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings


class UploadError(ValueError):
    """The upload cannot be read within the limits; the message says why, for its uploader."""


@dataclass(frozen=True)
class UploadLimits:
    max_bytes: int
    max_unzipped_bytes: int
    max_rows: int
    max_field_chars: int
    max_zip_members: int = 5000

    @classmethod
    def from_settings(cls, *, max_rows: int | None = None) -> UploadLimits:
        return cls(
            max_bytes=settings.UPLOAD_MAX_BYTES,
            max_unzipped_bytes=settings.UPLOAD_MAX_UNZIPPED_BYTES,
            max_rows=max_rows or settings.UPLOAD_MAX_ROWS,
            max_field_chars=settings.UPLOAD_MAX_FIELD_CHARS,
        )


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


def read_file(uploaded: Any, limits: UploadLimits) -> bytes:
    """The bytes of an uploaded file, refused before reading when it is too big."""
    size = getattr(uploaded, "size", None)
    if size is not None and size > limits.max_bytes:
        raise UploadError(f"The selected file must be smaller than {_megabytes(limits.max_bytes)}.")
    content = uploaded.read(limits.max_bytes + 1)
    if len(content) > limits.max_bytes:
        raise UploadError(f"The selected file must be smaller than {_megabytes(limits.max_bytes)}.")
    return content


def check_size(total: int, limits: UploadLimits) -> None:
    if total > limits.max_bytes:
        raise UploadError(
            f"The selected files must be smaller than {_megabytes(limits.max_bytes)} in total."
        )


def open_zip(content: bytes, limits: UploadLimits) -> zipfile.ZipFile:
    """A ZIP archive (or .xlsx) whose declared unpacked size is within the limit (a small file
    that unpacks into gigabytes is refused before anything is unpacked)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UploadError("The selected file is damaged and cannot be opened.") from exc
    if (
        len(infos) > limits.max_zip_members
        or sum(i.file_size for i in infos) > limits.max_unzipped_bytes
    ):
        raise UploadError(
            f"The selected file unpacks to more than {_megabytes(limits.max_unzipped_bytes)}: "
            "it is too big."
        )
    return archive


def _cell_checked(value: Any, limits: UploadLimits, where: str) -> Any:
    if isinstance(value, str) and len(value) > limits.max_field_chars:
        raise UploadError(
            f"{where} has a cell of {len(value):,} characters; cells may hold at most "
            f"{limits.max_field_chars:,}."
        )
    return value


def _too_many_rows(name: str, limits: UploadLimits) -> UploadError:
    return UploadError(
        f"{name} has more than {limits.max_rows:,} rows: split it into smaller files."
    )


def decode_text(content: bytes, name: str) -> str:
    if b"\x00" in content:
        raise UploadError(f"{name} is not a text CSV file.")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in its own encoding rather than UTF-8.
        return content.decode("cp1252", errors="replace")


def csv_rows(content: bytes, name: str, limits: UploadLimits) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) for each non-blank row of a CSV file, the header included."""
    text = decode_text(content, name)
    counted = 0
    try:
        for number, values in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            if not any(str(v).strip() for v in values):
                continue
            counted += 1
            if counted > limits.max_rows + 1:  # the header plus max_rows rows
                raise _too_many_rows(name, limits)
            yield number, [_cell_checked(v, limits, f"Row {number} of {name}") for v in values]
    except csv.Error as exc:
        message = str(exc)
        if "field larger than field limit" in message:
            raise UploadError(
                f"{name} has a cell longer than {limits.max_field_chars:,} characters (or an "
                "opening quote that is never closed)."
            ) from exc
        raise UploadError(f"{name} cannot be read as CSV: {message}.") from exc


def xlsx_book(content: bytes, limits: UploadLimits) -> Any:
    """An openpyxl workbook in read-only mode, after the ZIP checks."""
    import openpyxl

    open_zip(content, limits).close()
    try:
        return openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of error for a damaged file
        raise UploadError(
            "The selected Excel file is damaged or is not an Excel workbook (.xlsx)."
        ) from exc


def sheet_rows(worksheet: Any, name: str, limits: UploadLimits) -> Iterator[tuple[int, list[Any]]]:
    """(row number, cells) for each non-blank row of a worksheet, the header included."""
    # Some programmes write wrong sheet sizes; forget them and read every row (bounded below).
    worksheet.reset_dimensions()
    counted = 0
    for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        counted += 1
        if counted > limits.max_rows + 1:
            raise _too_many_rows(name, limits)
        yield number, [_cell_checked(v, limits, f"Row {number} of {name}") for v in values]


def cap_problems(problems: list[str], limit: int | None = None) -> list[str]:
    """The first ``limit`` problems, and one line counting the rest (a page stays readable)."""
    limit = limit or settings.UPLOAD_MAX_PROBLEMS_SHOWN
    if len(problems) <= limit:
        return problems
    rest = len(problems) - limit
    return [
        *problems[:limit],
        f"And {rest:,} more problem{'s' if rest != 1 else ''} not shown here. Correct these and "
        "upload the file again to see the rest.",
    ]
