"""Monthly measure data: reading what people type, paste or upload, and checking it.

Everything here is about *checking*; writing is ``services.data_points_save``. Each problem is a
plain-English message naming the measure, the month and what to do about it. Nothing is saved
when any value is wrong, so the functions collect every problem rather than stopping at the first.
"""

from __future__ import annotations

import calendar
import csv
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings

from culture_of_care.guards import find_nhs_numbers
from culture_of_care.improvement.models import (
    ALL_GROUPS,
    EQUITY_GROUPS,
    DataPoint,
    Measure,
    MeasureKind,
)
from culture_of_care.improvement.windows import window_problem
from culture_of_care.periods import days_in_month, month_label
from culture_of_care.uploads import (
    UploadError,
    UploadLimits,
    csv_rows,
    read_file,
    sheet_rows,
    xlsx_book,
)
from wards.models import Ward

GROUP_NAMES = dict(EQUITY_GROUPS)
MAX_VALUE = Decimal("99999999999")


def parse_month(text: str) -> date | None:
    """``2026-03``, ``2026-03-01``, ``03/2026`` or ``March 2026`` as the first of that month."""
    text = (text or "").strip()
    if not text:
        return None
    for sep in ("-", "/"):
        parts = text.split(sep)
        if len(parts) in (2, 3) and all(p.strip().isdigit() for p in parts):
            nums = [int(p) for p in parts]
            try:
                if nums[0] > 31:  # 2026-03 or 2026-03-01
                    return date(nums[0], nums[1], 1)
                if len(nums) == 2:  # 03/2026
                    return date(nums[1], nums[0], 1)
                return date(nums[2], nums[1], 1)  # 01/03/2026
            except ValueError:
                return None
    words = text.replace(",", " ").split()
    if len(words) == 2 and words[1].isdigit():
        names = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
        names.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
        month = names.get(words[0].lower())
        if month:
            return date(int(words[1]), month, 1)
    return None


@dataclass
class Entry:
    """One value as typed: numbers still text, so the checks can say what was wrong."""

    ward: Ward
    measure: Measure
    period: date
    numerator: Any
    denominator: Any = None
    group: str = ALL_GROUPS
    where: str = ""
    delete: bool = False
    # Why an unusual value is right (lets implausibly few bed days through, and is kept).
    note: str = ""
    # The row of an uploaded file it came from (named in problems about several rows).
    row: int | None = None

    @property
    def key(self) -> tuple[int, int, date, str]:
        return (self.ward.id, self.measure.id, self.period, self.group)

    def label(self) -> str:
        group = f", {GROUP_NAMES.get(self.group, self.group)}" if self.group else ""
        prefix = f"{self.where}: " if self.where else ""
        return f"{prefix}{self.measure.name}, {month_label(self.period)}{group}"


@dataclass
class CleanEntry:
    ward: Ward
    measure: Measure
    period: date
    group: str
    numerator: Decimal | None
    denominator: Decimal | None
    delete: bool = False
    note: str = ""
    where: str = ""
    row: int | None = None

    @property
    def key(self) -> tuple[int, int, date, str]:
        return (self.ward.id, self.measure.id, self.period, self.group)


@dataclass
class CheckResult:
    entries: list[CleanEntry] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # The (ward, measure, period, group) of each value with a problem, to mark it on the page.
    error_keys: set[tuple] = field(default_factory=set)
    # Each problem by the value it is about, so a form can show it beside that value.
    messages_by_key: dict[tuple, list[str]] = field(default_factory=dict)

    def fail(self, entry: Entry | CleanEntry, message: str) -> None:
        self.add(entry.key, message)

    def add(self, key: tuple, message: str) -> None:
        self.errors.append(message)
        self.error_keys.add(key)
        self.messages_by_key.setdefault(key, []).append(message)


def _number(raw: Any) -> tuple[Decimal | None, bool]:
    """(value, ok). Blank is (None, True). Accepts 1,234 and spaces."""
    if raw is None:
        return None, True
    if isinstance(raw, int | float | Decimal):
        value = Decimal(str(raw))
    else:
        text = str(raw).strip().replace(",", "").replace(" ", "")
        if text == "":
            return None, True
        try:
            value = Decimal(text)
        except InvalidOperation:
            return None, False
    if not value.is_finite() or abs(value) > MAX_VALUE:
        return None, False
    return value, True


def bed_days_min_share() -> float:
    return float(getattr(settings, "DATA_BED_DAYS_MIN_SHARE", 0.3))


def bed_days_lower_bound(beds: int, period: date) -> int:
    """The fewest occupied bed days that are plausible without a note explaining them."""
    return math.ceil(beds * days_in_month(period) * bed_days_min_share())


def check_entries(entries: list[Entry], *, today: date) -> CheckResult:
    """Check each value, then that ethnicity groups add up to the totals; collect every problem."""
    result = CheckResult()
    seen: set[tuple] = set()
    for entry in entries:
        label = entry.label()
        if entry.key in seen:
            result.fail(entry, f"{label} appears more than once. Enter each month once.")
            continue
        seen.add(entry.key)
        problem = window_problem(entry.ward, entry.period, today=today, label=label)
        if problem:
            result.fail(entry, problem)
            continue
        if entry.group and entry.group not in GROUP_NAMES:
            result.fail(
                entry,
                f"{label}: '{entry.group}' is not an ethnicity group. Use one of "
                f"{', '.join(GROUP_NAMES)}.",
            )
            continue
        if entry.group and not entry.measure.disaggregated:
            result.fail(entry, f"{label}: this measure is not entered by ethnicity group.")
            continue
        if entry.note and find_nhs_numbers(entry.note):
            result.fail(
                entry,
                f"{label}: the note looks like it contains an NHS number. Notes must not identify "
                f"patients; remove it.",
            )
            continue
        if entry.delete:
            result.entries.append(
                CleanEntry(
                    entry.ward,
                    entry.measure,
                    entry.period,
                    entry.group,
                    None,
                    None,
                    True,
                    where=entry.where,
                    row=entry.row,
                )
            )
            continue
        numerator, num_ok = _number(entry.numerator)
        denominator, den_ok = _number(entry.denominator)
        measure = entry.measure
        problems = []
        if not num_ok:
            problems.append(f"{label}: {measure.numerator_label.lower()} must be a number, like 12")
        if not den_ok:
            problems.append(
                f"{label}: {(measure.denominator_label or 'the denominator').lower()} must be "
                f"a number, like 540"
            )
        if problems:
            for problem in problems:
                result.fail(entry, problem)
            continue
        if numerator is None:
            result.fail(entry, f"{label}: enter {measure.numerator_label.lower()}.")
            continue
        if numerator < 0:
            result.fail(entry, f"{label}: {measure.numerator_label.lower()} cannot be negative.")
            continue
        if measure.has_denominator and denominator is None and entry.group:
            pass  # a group's own denominator (its bed days) is welcome but not required
        elif measure.has_denominator:
            if denominator is None:
                result.fail(
                    entry,
                    f"{label}: enter {(measure.denominator_label or 'the denominator').lower()}.",
                )
                continue
            if denominator < 0:
                result.fail(
                    entry, f"{label}: {measure.denominator_label.lower()} cannot be negative."
                )
                continue
            if denominator == 0 and numerator > 0:
                result.fail(
                    entry,
                    f"{label}: {measure.denominator_label.lower()} cannot be 0 when "
                    f"{measure.numerator_label.lower()} is more than 0.",
                )
                continue
            if measure.kind == MeasureKind.PERCENTAGE and numerator > denominator:
                result.fail(
                    entry,
                    f"{label}: {measure.numerator_label.lower()} ({numerator:g}) cannot be more "
                    f"than {measure.denominator_label.lower()} ({denominator:g}).",
                )
                continue
            if measure.uses_bed_days:
                most = entry.ward.beds * days_in_month(entry.period)
                if denominator > most:
                    result.fail(
                        entry,
                        f"{label}: occupied bed days ({denominator:g}) cannot be more than "
                        f"{most:,} ({entry.ward.beds} beds x {days_in_month(entry.period)} days).",
                    )
                    continue
                least = bed_days_lower_bound(entry.ward.beds, entry.period)
                if denominator < least and not entry.note.strip() and not entry.group:
                    result.fail(
                        entry,
                        f"{label}: occupied bed days ({denominator:g}) look too few: at least "
                        f"{least:,} expected ({bed_days_min_share():.0%} of {entry.ward.beds} beds "
                        f"x {days_in_month(entry.period)} days). If the figure is right, add a note "
                        f"saying why (for example, the ward was closed for refurbishment).",
                    )
                    continue
        else:
            denominator = None
        result.entries.append(
            CleanEntry(
                entry.ward,
                measure,
                entry.period,
                entry.group,
                numerator,
                denominator,
                note=entry.note.strip(),
                where=entry.where,
                row=entry.row,
            )
        )
    # The groups-add-up check runs in the same pass (one upload shows every problem), for each
    # month of a measure whose values were all fine on their own: a value already refused
    # would only make the sums look wrong as well.
    refused = {key[:3] for key in result.error_keys}
    for key, message in _check_group_totals(
        [e for e in result.entries if e.key[:3] not in refused]
    ):
        result.add(key, message)
    return result


def _check_group_totals(entries: list[CleanEntry]) -> list[tuple[tuple, str]]:
    """For measures entered by ethnicity group, the groups must add up to the month's total,
    taking what is already saved together with what is being entered now."""
    affected = {(e.ward.id, e.measure.id, e.period): e for e in entries if e.measure.disaggregated}
    if not affected:
        return []
    final: dict[tuple, dict[str, tuple[Decimal | None, Decimal | None]]] = defaultdict(dict)
    ward_ids = {k[0] for k in affected}
    measure_ids = {k[1] for k in affected}
    periods = {k[2] for k in affected}
    existing = DataPoint.objects.filter(  # access: allowed (the caller checked the wards)
        ward_id__in=ward_ids, measure_id__in=measure_ids, period_start__in=periods
    ).values_list(
        "ward_id", "measure_id", "period_start", "equity_group", "numerator", "denominator"
    )
    for ward_id, measure_id, period, group, num, den in existing:
        key = (ward_id, measure_id, period)
        if key in affected:
            final[key][group] = (num, den)
    for e in entries:
        key = (e.ward.id, e.measure.id, e.period)
        if key not in affected:
            continue
        if e.delete:
            final[key].pop(e.group, None)
        else:
            final[key][e.group] = (e.numerator, e.denominator)
    errors = []
    for key, values in final.items():
        groups = {g: v for g, v in values.items() if g}
        if not groups:
            continue
        sample = affected[key]
        rows = sorted(
            {e.row for e in entries if e.row and (e.ward.id, e.measure.id, e.period) == key}
        )
        prefix = ""
        if rows:
            prefix = f"Row{'s' if len(rows) > 1 else ''} {', '.join(map(str, rows))}, "
        label = (
            f"{prefix}{sample.ward.name} ({sample.ward.code}), {sample.measure.name}, "
            f"{month_label(sample.period)}"
        )
        total = values.get(ALL_GROUPS)
        if total is None:
            errors.append(
                (
                    (*key, ALL_GROUPS),
                    f"{label}: enter the total for all groups as well as each group.",
                )
            )
            continue
        group_sum = sum((v[0] or 0 for v in groups.values()), Decimal(0))
        if group_sum != total[0]:
            errors.append(
                (
                    (*key, ALL_GROUPS),
                    f"{label}: the ethnicity groups add up to {group_sum:g} but the total is "
                    f"{total[0]:g}. Make the groups add up to the total.",
                )
            )
        dens = [v[1] for v in groups.values()]
        if (
            total[1] is not None
            and all(d is not None for d in dens)
            and len(groups) == len(GROUP_NAMES)
        ):
            den_sum = sum(dens, Decimal(0))
            if den_sum != total[1]:
                errors.append(
                    (
                        (*key, ALL_GROUPS),
                        f"{label}: the groups' {sample.measure.denominator_label.lower()} add "
                        f"up to {den_sum:g} but the total is {total[1]:g}.",
                    )
                )
    return errors


# --- Paste and upload ---------------------------------------------------------------------

UPLOAD_COLUMNS = ["ward_code", "measure_code", "numerator", "denominator", "equity_group"]


def read_pasted(text: str) -> list[list[str]]:
    """Rows pasted from a spreadsheet: tab-separated (commas also work); blank lines skipped."""
    rows = []
    for line in text.splitlines():
        if not line.strip():
            continue
        cells = line.split("\t") if "\t" in line else next(csv.reader([line]))
        rows.append([c.strip() for c in cells])
    return rows


def read_upload(uploaded: Any) -> tuple[list[dict[str, str]], list[str]]:
    """The rows of an uploaded CSV or XLSX file as dictionaries keyed by lower-case header.

    Read through the shared bounded reader (culture_of_care/uploads.py): size, unpacked size,
    rows and cell length are limited, so no file can sink the worker reading it.
    """
    name = (getattr(uploaded, "name", "") or "").lower()
    limits = UploadLimits.from_settings()
    raw_rows: list[list[Any]]
    try:
        if name.endswith(".xlsx"):
            book = xlsx_book(read_file(uploaded, limits), limits)
            try:
                if not book.worksheets:
                    return [], ["The workbook has no sheets."]
                sheet = book.worksheets[0]
                raw_rows = [cells for _, cells in sheet_rows(sheet, "The first sheet", limits)]
            finally:
                book.close()
        elif name.endswith(".csv"):
            content = read_file(uploaded, limits)
            raw_rows = [cells for _, cells in csv_rows(content, "The file", limits)]
        else:
            return [], ["The file must be a CSV or an Excel workbook (.xlsx)."]
    except UploadError as exc:
        return [], [str(exc)]
    raw_rows = [r for r in raw_rows if any(c not in (None, "") for c in r)]
    if not raw_rows:
        return [], ["The file is empty."]
    header = [str(c or "").strip().lower() for c in raw_rows[0]]
    missing = [c for c in UPLOAD_COLUMNS[:3] if c not in header]
    if missing:
        return [], [
            f"The first row must name the columns {', '.join(UPLOAD_COLUMNS[:4])} (and "
            f"optionally equity_group and note). Missing: {', '.join(missing)}."
        ]
    out = []
    for row in raw_rows[1:]:
        values = ["" if c is None else str(c).strip() for c in row]
        values += [""] * (len(header) - len(values))
        out.append(dict(zip(header, values, strict=False)))
    return out, []
