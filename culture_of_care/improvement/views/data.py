"""Monthly measure data: the ward's grid (with paste from a spreadsheet), values by ethnicity
group, and an organisation's upload of one month for all its wards."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from culture_of_care.access import (
    Domain,
    can_edit,
    ensure_may_change_in,
    get_editable_or_403,
    get_visible_or_404,
)
from culture_of_care.downloads import csv_download
from culture_of_care.improvement import selectors, services, windows
from culture_of_care.improvement.data_entry import (
    EQUITY_GROUPS,
    Entry,
    parse_month,
    read_pasted,
    read_upload,
)
from culture_of_care.improvement.forms import GridWindowForm, PasteForm, UploadForm
from culture_of_care.improvement.models import (
    ALL_GROUPS,
    Measure,
    Project,
    ProjectKind,
)
from culture_of_care.improvement.services import DataEntryError
from culture_of_care.improvement.views.common import no_project, visible_project
from culture_of_care.periods import month_label
from culture_of_care.uploads import cap_problems
from organisations.models import Organisation
from wards.models import Ward

CELL = re.compile(r"^(?P<part>[nd])-(?P<measure>\d+)-(?P<period>\d{4}-\d{2})$")


def _show(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = f"{value.normalize():f}"
    return text


def _same(raw: str, value: Decimal | None) -> bool:
    raw = (raw or "").strip().replace(",", "")
    if raw == "":
        return value is None
    if value is None:
        return False
    try:
        return Decimal(raw) == value
    except InvalidOperation:
        return False


def _ward_project(request: HttpRequest, pk: int) -> Project:
    project = visible_project(request, pk)
    if project.ward_id is None:
        raise Http404("Data is entered for a ward's project")
    return project


@login_required
def data_grid(request: HttpRequest, pk: int) -> HttpResponse:
    project = _ward_project(request, pk)
    ward = project.ward
    editable = can_edit(project, request.user)
    window = GridWindowForm(request.GET or None)
    start = window.cleaned_data.get("start") if window.is_valid() else None
    periods = selectors.grid_periods(ward, start=start)
    measures = selectors.project_measures(project)
    values = selectors.grid_values(ward, measures, periods)
    submitted: dict[str, str] = {}
    errors: list[str] = []
    error_cells: set[tuple[int, date]] = set()
    paste_form = PasteForm(request.POST or None)
    if request.method == "POST":
        if not editable:
            get_editable_or_403(Project, request.user, pk=project.pk)
        submitted = {k: v for k, v in request.POST.items() if CELL.match(k)}
        entries, errors = _grid_entries(submitted, measures, ward, values)
        if paste_form.is_valid() and paste_form.cleaned_data["pasted"].strip():
            pasted, paste_errors = _pasted_entries(
                paste_form.cleaned_data["pasted"], measures, ward
            )
            entries += pasted
            errors += paste_errors
        if errors and entries:
            # One pass: the values that could be read are checked too, so every problem shows.
            try:
                services.data_points_check(entries=entries)
            except DataEntryError as exc:
                errors += exc.problems
                error_cells = {(k[1], k[2]) for k in exc.keys}
        if not errors:
            try:
                result = services.data_points_save(entries=entries, actor=request.user)
            except DataEntryError as exc:
                errors = exc.problems
                error_cells = {(k[1], k[2]) for k in exc.keys}
            else:
                if result.total:
                    messages.success(
                        request,
                        f"Saved: {result.created} new, {result.updated} changed and "
                        f"{result.deleted} removed value{'s' if result.total != 1 else ''}.",
                    )
                else:
                    messages.info(request, "Nothing had changed, so nothing was saved.")
                target = request.path
                if start:
                    target += f"?start={start:%Y-%m}"
                return redirect(target)
    rows = []
    for measure in measures:
        cells = []
        for period in periods:
            point = values.get((measure.id, period))
            key = f"{measure.id}-{period:%Y-%m}"
            cells.append(
                {
                    "period": period,
                    "key": key,
                    "num": submitted.get(f"n-{key}", _show(point.numerator) if point else ""),
                    "den": submitted.get(f"d-{key}", _show(point.denominator) if point else ""),
                    "error": (measure.id, period) in error_cells,
                    "baseline": ward.coaching_start is not None
                    and period < ward.coaching_start.replace(day=1),
                }
            )
        rows.append({"measure": measure, "cells": cells})
    return render(
        request,
        "improvement/data_grid.html",
        {
            "project": project,
            "ward": ward,
            "periods": periods,
            "rows": rows,
            "can_edit": editable,
            "errors": errors,
            "has_errors": bool(errors),
            "paste_form": paste_form,
            "window": window,
            "start": start,
            "history": selectors.data_history(ward),
            "disaggregated": [m for m in measures if m.disaggregated],
            "recent_periods": list(reversed(periods[-3:])),
        },
    )


@dataclass
class MonthField:
    """One value of the "this month" form: a measure's total, or one ethnicity group's."""

    measure: Measure
    group: str
    label: str
    num: str
    den: str
    errors: list[str]

    @property
    def key(self) -> str:
        return f"{self.measure.id}-{self.group or 'all'}"


def _month_fields(
    measures: list[Measure],
    existing: dict[tuple[int, str], Any],
    submitted: dict[str, str],
    by_key: dict[tuple[int, str], list[str]],
) -> list[dict[str, Any]]:
    """The form's measures, each with its total and (when entered by group) its groups."""
    out = []
    for measure in measures:
        groups = [(ALL_GROUPS, "All groups (the total)")]
        if measure.disaggregated:
            groups += EQUITY_GROUPS
        fields = []
        for code, label in groups:
            point = existing.get((measure.id, code))
            key = f"{measure.id}-{code or 'all'}"
            fields.append(
                MonthField(
                    measure,
                    code,
                    label,
                    submitted.get(f"n-{key}", _show(point.numerator) if point else ""),
                    submitted.get(f"d-{key}", _show(point.denominator) if point else ""),
                    by_key.get((measure.id, code), []),
                )
            )
        total, *by_group = fields
        note_point = existing.get((measure.id, ALL_GROUPS))
        out.append(
            {
                "measure": measure,
                "total": total,
                "groups": by_group,
                "groups_open": any(f.num or f.den or f.errors for f in by_group),
                "note": submitted.get(f"note-{measure.id}", note_point.note if note_point else ""),
            }
        )
    return out


@login_required
def data_month(request: HttpRequest, pk: int) -> HttpResponse:
    """One month for the ward, every measure and its ethnicity groups on one page, saved in one
    go (all or nothing). Opens at the latest month not yet entered; any month of the ward's data
    window (``windows.ward_window``) can be chosen."""
    project = _ward_project(request, pk)
    ward = project.ward
    get_editable_or_403(Project, request.user, pk=project.pk)
    measures = selectors.project_measures(project)
    window = windows.ward_window(ward, today=timezone.localdate())
    months = window.months()
    entered = selectors.entered_months(ward, measures, months)
    month = parse_month(request.GET.get("month", "")) if request.GET.get("month") else None
    month_error = ""
    if month is not None and month not in months:
        month_error = (
            windows.window_problem(ward, month, today=timezone.localdate())
            or "Choose a month from the list."
        )
        month = None
    if month is None:
        month = selectors.month_to_enter(ward, measures, months)
    context: dict[str, Any] = {
        "project": project,
        "ward": ward,
        "window": window,
        "month": month,
        "month_error": month_error,
        "month_choices": [
            (m, f"{month_label(m)}{' (entered)' if m in entered else ''}") for m in reversed(months)
        ],
        "measures": measures,
    }
    if month is None:
        return render(request, "improvement/data_month.html", context)
    existing = selectors.month_values(ward, measures, month)
    submitted: dict[str, str] = {}
    errors: list[dict[str, str]] = []
    by_key: dict[tuple[int, str], list[str]] = {}
    if request.method == "POST":
        submitted = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
        entries = _month_entries(submitted, measures, ward, month, existing)
        try:
            result = services.data_points_save(entries=entries, actor=request.user)
        except DataEntryError as exc:
            for key, problems in exc.by_key.items():
                by_key.setdefault((key[1], key[3]), []).extend(problems)
            anchors = {
                problem: f"n-{key[1]}-{key[3] or 'all'}"
                for key, problems in exc.by_key.items()
                for problem in problems
            }
            errors = [
                {"text": p, "href": f"#{anchors[p]}" if p in anchors else ""} for p in exc.problems
            ]
        else:
            if result.total:
                messages.success(
                    request,
                    f"Saved {month_label(month)}: {result.created} new, {result.updated} "
                    f"changed and {result.deleted} removed value"
                    f"{'s' if result.total != 1 else ''}.",
                )
            else:
                messages.info(request, "Nothing had changed, so nothing was saved.")
            return redirect("improvement:data", pk=project.pk)
    context.update(
        {
            "rows": _month_fields(measures, existing, submitted, by_key),
            "errors": errors,
            "has_errors": bool(errors),
        }
    )
    return render(request, "improvement/data_month.html", context)


def _month_entries(
    submitted: dict[str, str],
    measures: list[Measure],
    ward: Ward,
    month: date,
    existing: dict[tuple[int, str], Any],
) -> list[Entry]:
    entries = []
    for measure in measures:
        groups = (
            [ALL_GROUPS, *(g for g, _ in EQUITY_GROUPS)] if measure.disaggregated else [ALL_GROUPS]
        )
        for group in groups:
            key = f"{measure.id}-{group or 'all'}"
            num = submitted.get(f"n-{key}", "")
            den = submitted.get(f"d-{key}", "") if measure.has_denominator else ""
            note = submitted.get(f"note-{measure.id}", "").strip() if not group else ""
            point = existing.get((measure.id, group))
            if not num.strip() and not den.strip():
                if point is not None:
                    entries.append(Entry(ward, measure, month, None, None, group, delete=True))
                continue
            unchanged = (
                point is not None
                and _same(num, point.numerator)
                and (not measure.has_denominator or _same(den, point.denominator))
                and note == (point.note or "")
            )
            if unchanged:
                continue
            entries.append(Entry(ward, measure, month, num, den, group, note=note))
    return entries


def _grid_entries(
    submitted: dict[str, str], measures: list[Measure], ward: Ward, values: dict
) -> tuple[list[Entry], list[str]]:
    by_id = {m.id: m for m in measures}
    cells: dict[tuple[int, date], dict[str, str]] = {}
    for name, raw in submitted.items():
        match = CELL.match(name)
        measure_id = int(match["measure"])
        period = parse_month(match["period"])
        if measure_id not in by_id or period is None:
            continue
        cells.setdefault((measure_id, period), {})[match["part"]] = raw
    entries = []
    for (measure_id, period), parts in cells.items():
        measure = by_id[measure_id]
        num, den = parts.get("n", ""), parts.get("d", "")
        point = values.get((measure_id, period))
        if not num.strip() and not den.strip():
            if point is not None:
                entries.append(Entry(ward, measure, period, None, None, delete=True))
            continue
        unchanged_den = not measure.has_denominator or _same(
            den, point.denominator if point else None
        )
        if point is not None and _same(num, point.numerator) and unchanged_den:
            continue
        entries.append(Entry(ward, measure, period, num, den))
    return entries, []


def _find_measure(text: str, measures: list[Measure]) -> Measure | None:
    text = text.strip().lower()
    for measure in measures:
        if text and text in (measure.code.lower(), measure.name.lower()):
            return measure
    return None


def _pasted_entries(
    text: str, measures: list[Measure], ward: Ward
) -> tuple[list[Entry], list[str]]:
    entries, errors = [], []
    for number, cells in enumerate(read_pasted(text), start=1):
        where = f"Pasted row {number}"
        if len(cells) < 3:
            errors.append(
                f"{where}: needs a measure code, a month and a numerator (and a denominator)."
            )
            continue
        measure = _find_measure(cells[0], measures)
        if measure is None:
            if number == 1 and not parse_month(cells[1]):
                continue  # a header row
            errors.append(f"{where}: '{cells[0]}' is not one of this ward's measures.")
            continue
        period = parse_month(cells[1])
        if period is None:
            errors.append(f"{where}: '{cells[1]}' is not a month. Use a form like 2026-03.")
            continue
        group = cells[4].strip().lower() if len(cells) > 4 else ALL_GROUPS
        entries.append(
            Entry(
                ward,
                measure,
                period,
                cells[2],
                cells[3] if len(cells) > 3 else "",
                group=group,
                where=where,
                note=cells[5] if len(cells) > 5 else "",
            )
        )
    return entries, errors


@login_required
def data_groups(request: HttpRequest, pk: int, measure_pk: int, period: str) -> HttpResponse:
    """One month of a measure entered by ethnicity group (the groups add up to the total)."""
    project = _ward_project(request, pk)
    ward = project.ward
    month = parse_month(period)
    measure = project.measures.filter(pk=measure_pk, disaggregated=True).first()
    if measure is None or month is None:
        raise Http404("Not found")
    editable = can_edit(project, request.user)
    existing = selectors.group_values(ward, measure, month)
    groups = [(ALL_GROUPS, "All groups (the total)"), *EQUITY_GROUPS]
    submitted: dict[str, str] = {}
    errors: list[str] = []
    if request.method == "POST":
        if not editable:
            get_editable_or_403(Project, request.user, pk=project.pk)
        submitted = dict(request.POST.items())
        entries = []
        for code, _label in groups:
            name = code or "all"
            num = submitted.get(f"n-{name}", "")
            den = submitted.get(f"d-{name}", "")
            point = existing.get(code)
            if not num.strip() and not den.strip():
                if point is not None:
                    entries.append(Entry(ward, measure, month, None, None, code, delete=True))
                continue
            if point is not None and _same(num, point.numerator) and _same(den, point.denominator):
                continue
            entries.append(Entry(ward, measure, month, num, den, code))
        try:
            services.data_points_save(entries=entries, actor=request.user)
        except DataEntryError as exc:
            errors = exc.problems
        else:
            messages.success(
                request, f"Saved {measure.name} by ethnicity group for {month_label(month)}."
            )
            return redirect("improvement:data", pk=project.pk)
    rows = []
    for code, label in groups:
        name = code or "all"
        point = existing.get(code)
        rows.append(
            {
                "name": name,
                "label": label,
                "num": submitted.get(f"n-{name}", _show(point.numerator) if point else ""),
                "den": submitted.get(f"d-{name}", _show(point.denominator) if point else ""),
            }
        )
    return render(
        request,
        "improvement/data_groups.html",
        {
            "project": project,
            "ward": ward,
            "measure": measure,
            "month": month,
            "rows": rows,
            "errors": errors,
            "has_errors": bool(errors),
            "can_edit": editable,
        },
    )


SESSION_KEY = "improvement-upload-{}"


@login_required
def organisation_upload(request: HttpRequest, ods_code: str) -> HttpResponse:
    """Upload one month for all the organisation's wards: check first, then save all or none."""
    organisation = get_visible_or_404(Organisation, request.user, ods_code=ods_code.upper())
    ensure_may_change_in(organisation, request.user, Domain.QI)
    key = SESSION_KEY.format(organisation.id)
    form = UploadForm(initial={"month": windows.last_closed_month(timezone.localdate())})
    context: dict[str, Any] = {
        "organisation": organisation,
        "template_month": windows.last_closed_month(timezone.localdate()),
    }
    if request.method == "POST" and request.POST.get("action") == "save":
        stored = request.session.get(key)
        if not stored:
            messages.error(request, "Upload and check the file again before saving.")
            return redirect("improvement:upload", ods_code=organisation.ods_code)
        entries, problems = _stored_entries(request, organisation, stored)
        if not problems:
            try:
                result = services.data_points_save(entries=entries, actor=request.user)
            except DataEntryError as exc:
                problems = exc.problems
            else:
                del request.session[key]
                messages.success(
                    request,
                    f"Saved {result.created} new and {result.updated} changed values for "
                    f"{stored['month_label']}.",
                )
                return redirect("organisations:detail", ods_code=organisation.ods_code)
        context["problems"] = cap_problems(problems)
        context["has_errors"] = True
    elif request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            rows, problems = read_upload(form.cleaned_data["file"])
            month = form.cleaned_data["month"]
            entries: list[Entry] = []
            if not problems:
                entries, problems = _upload_entries(request, organisation, rows, month)
                # One pass: the rows that name a known ward and measure are checked too, so
                # the person sees every problem in the file at once.
                if entries:
                    try:
                        services.data_points_check(entries=entries)
                    except DataEntryError as exc:
                        problems = _in_row_order(problems + exc.problems)
            if problems:
                context.update(_problem_lists(problems))
            else:
                request.session[key] = {
                    "month": month.isoformat(),
                    "month_label": month_label(month),
                    "rows": [
                        [
                            e.ward.id,
                            e.measure.id,
                            e.group,
                            str(e.numerator),
                            str(e.denominator or ""),
                            e.note,
                        ]
                        for e in entries
                    ],
                }
                context["checked"] = {
                    "month": month,
                    "entries": entries,
                    "wards": len({e.ward.id for e in entries}),
                }
    else:
        request.session.pop(key, None)
    context["form"] = form
    return render(request, "improvement/upload.html", context)


def _problem_lists(problems: list[str]) -> dict[str, Any]:
    """The error summary's problems (at most ``UPLOAD_MAX_PROBLEMS_SHOWN``) and, when there are
    more, every problem for the list below it: one upload finds them all. The upload's row
    limit bounds the list."""
    limit = settings.UPLOAD_MAX_PROBLEMS_SHOWN
    if len(problems) <= limit:
        return {"problems": problems, "has_errors": True}
    rest = len(problems) - limit
    return {
        "problems": [
            *problems[:limit],
            f"And {rest:,} more problem{'s' if rest != 1 else ''}: every problem in the file "
            "is listed below.",
        ],
        "all_problems": problems,
        "has_errors": True,
    }


def _org_wards(request: HttpRequest, organisation: Organisation) -> dict[str, Ward]:
    return {
        w.code.lower(): w
        for w in Ward.objects.where_may_change(request.user, Domain.QI).filter(
            organisation=organisation
        )
    }


def _org_measures(
    request: HttpRequest, organisation: Organisation
) -> tuple[dict[int, dict[str, Measure]], dict[str, Measure]]:
    """Each ward's measures by lower-case code (national codes, and local ones)."""
    out: dict[int, dict[str, Measure]] = {}
    national = {m.code.lower(): m for m in Measure.objects.national().filter(is_active=True)}
    projects = Project.objects.editable_by(request.user).filter(
        organisation=organisation, kind=ProjectKind.WARD
    )
    local = Measure.objects.visible_to(request.user).filter(project__in=projects, is_active=True)
    for ward_id in projects.values_list("ward_id", flat=True):
        out[ward_id] = dict(national)
    for measure in local.select_related("project"):
        if measure.code:
            out.setdefault(measure.project.ward_id, dict(national))[measure.code.lower()] = measure
    return out, national


def _upload_entries(
    request: HttpRequest, organisation: Organisation, rows: list[dict[str, str]], month: date
) -> tuple[list[Entry], list[str]]:
    wards = _org_wards(request, organisation)
    measures, national = _org_measures(request, organisation)
    entries, problems = [], []
    for number, row in enumerate(rows, start=2):
        where = f"Row {number}"
        ward = wards.get(row.get("ward_code", "").strip().lower())
        if not row.get("numerator", "").strip() and not row.get("denominator", "").strip():
            continue  # a row of the month's template left blank: nothing to enter
        if ward is None:
            problems.append(
                f"{where}: '{row.get('ward_code', '')}' is not a ward code of {organisation.name}."
            )
            continue
        where = f"{where}, {ward.name} ({ward.code})"
        code = row.get("measure_code", "").strip().lower()
        measure = measures.get(ward.id, national).get(code)
        if measure is None:
            problems.append(
                f"{where}: '{row.get('measure_code', '')}' is not a measure code of this ward."
            )
            continue
        group = row.get("equity_group", "").strip().lower()
        if group == "all":
            group = ALL_GROUPS
        entries.append(
            Entry(
                ward,
                measure,
                month,
                row.get("numerator", ""),
                row.get("denominator", ""),
                group=group,
                where=where,
                note=row.get("note", ""),
                row=number,
            )
        )
    if not entries and not problems:
        problems.append("The file has no rows of data under its header.")
    return entries, problems


ROW_NUMBER = re.compile(r"^Rows? (\d+)")


def _in_row_order(problems: list[str]) -> list[str]:
    """Problems about rows in the order of the file (the rest, about the file, first)."""

    def row(problem: str) -> int:
        match = ROW_NUMBER.match(problem)
        return int(match[1]) if match else 0

    return sorted(problems, key=row)


def _stored_entries(
    request: HttpRequest, organisation: Organisation, stored: dict[str, Any]
) -> tuple[list[Entry], list[str]]:
    """The checked upload, re-read against what the user may still change."""
    wards = {w.id: w for w in _org_wards(request, organisation).values()}
    measures = {
        m.id: m
        for m in Measure.objects.visible_to(request.user).filter(
            id__in={row[1] for row in stored["rows"]}
        )
    }
    month = date.fromisoformat(stored["month"])
    entries, problems = [], []
    for ward_id, measure_id, group, num, den, *rest in stored["rows"]:
        if ward_id not in wards or measure_id not in measures:
            problems.append("The checked file no longer matches your wards. Upload it again.")
            break
        note = rest[0] if rest else ""
        entries.append(
            Entry(wards[ward_id], measures[measure_id], month, num, den, group, note=note)
        )
    return entries, problems


TEMPLATE_COLUMNS = [
    "ward_code",
    "ward_name",
    "measure_code",
    "measure_name",
    "numerator",
    "denominator",
    "equity_group",
    "note",
]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload_template_rows(request: HttpRequest, organisation: Organisation) -> list[list[str]]:
    """One row for each value the organisation's wards enter in a month: each ward's measures
    (by code and name), and for measures entered by ethnicity group, a row for each group.
    The names are for the reader; the upload goes by the codes and ignores the name columns."""
    projects = (
        Project.objects.editable_by(request.user)
        .filter(organisation=organisation, kind=ProjectKind.WARD, ward__isnull=False)
        .select_related("ward")
        .order_by("ward__name", "ward__code")
    )
    rows = []
    for project in projects:
        ward = project.ward
        for measure in selectors.project_measures(project):
            groups = (
                [ALL_GROUPS, *(g for g, _ in EQUITY_GROUPS)]
                if measure.disaggregated
                else [ALL_GROUPS]
            )
            for group in groups:
                rows.append([ward.code, ward.name, measure.code, measure.name, "", "", group, ""])
    return rows


@login_required
def upload_template(request: HttpRequest, ods_code: str, kind: str) -> HttpResponse:
    """This month's upload template for the organisation, with its wards and measures."""
    if kind not in ("csv", "xlsx"):
        raise Http404("Not found")
    organisation = get_visible_or_404(Organisation, request.user, ods_code=ods_code.upper())
    ensure_may_change_in(organisation, request.user, Domain.QI)
    month = windows.last_closed_month(timezone.localdate())
    rows = upload_template_rows(request, organisation)
    filename = f"{organisation.ods_code}-data-{month:%Y-%m}"
    if kind == "csv":
        return csv_download(TEMPLATE_COLUMNS, rows, f"{filename}.csv")
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = f"{month:%Y-%m}"
    sheet.append(TEMPLATE_COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for index, width in enumerate((12, 28, 16, 40, 12, 14, 14, 30), start=1):
        sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width = width
    sheet.freeze_panes = "E2"
    output = io.BytesIO()
    book.save(output)
    response = HttpResponse(output.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


@login_required
def ward_data(request: HttpRequest, ward_pk: int) -> HttpResponse:
    return _to_ward_project(request, ward_pk, "improvement:data")


@login_required
def ward_data_month(request: HttpRequest, ward_pk: int) -> HttpResponse:
    """A ward's "this month" form, reached by the ward (home pages link here)."""
    return _to_ward_project(request, ward_pk, "improvement:data_month")


def _to_ward_project(request: HttpRequest, ward_pk: int, url_name: str) -> HttpResponse:
    """Redirect to ``url_name`` of the ward's project, or say the ward has none yet."""
    ward = get_visible_or_404(Ward, request.user, pk=ward_pk)
    project = selectors.ward_project(ward)
    if project is None:
        return no_project(request, ward)
    return redirect(url_name, pk=project.pk)
