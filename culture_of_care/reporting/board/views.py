"""Board report pages: the list with "make this report now", live status, and the downloads."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from culture_of_care.access import has_role
from culture_of_care.accounts.roles import PROGRAMME_WIDE
from culture_of_care.reporting.board import selectors
from culture_of_care.reporting.board.forms import MakeReportForm
from culture_of_care.reporting.board.services import board_report_request
from culture_of_care.reporting.models import BoardReport

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@login_required
@require_http_methods(["GET", "POST"])
def board_reports(request: HttpRequest) -> HttpResponse:
    reports = selectors.reports_for(request.user)
    requestable = selectors.requestable_organisations(request.user)
    national = has_role(request.user, *PROGRAMME_WIDE)
    if not reports.exists() and not requestable and not national:
        raise PermissionDenied("Board reports are for organisation leads, executives and coaches.")
    form = None
    if requestable or national:
        form = MakeReportForm(
            request.POST if request.method == "POST" else None,
            organisations=requestable,
            national=national,
        )
        if request.method == "POST" and form.is_valid():
            report, queued = board_report_request(
                organisation=form.cleaned_data["subject"],
                month=form.cleaned_data["month"],
                actor=request.user,
            )
            if queued:
                messages.success(request, f"{report} is being made. This page updates itself.")
            else:
                messages.info(request, f"{report} is already being made.")
            return redirect("reporting:board_reports")
    elif request.method == "POST":
        raise PermissionDenied("You can read these reports but not ask for new ones.")
    return render(
        request,
        "reporting/board/list.html",
        {"reports": reports[:60], "form": form, "has_errors": bool(form and form.errors)},
    )


@login_required
def board_report_status(request: HttpRequest, pk: int) -> HttpResponse:
    """One row's status, polled by htmx while the report is queued or being made."""
    report = get_object_or_404(selectors.reports_for(request.user), pk=pk)
    return render(request, "reporting/board/_status.html", {"report": report})


@login_required
def board_report_download(request: HttpRequest, pk: int, fmt: str) -> FileResponse:
    report = get_object_or_404(selectors.reports_for(request.user), pk=pk)
    if fmt not in CONTENT_TYPES or report.status != BoardReport.Status.READY:
        raise Http404("Not found")
    file = getattr(report, fmt)
    if not file:
        raise Http404("Not found")
    return FileResponse(
        file.open("rb"),
        as_attachment=True,
        filename=file.name.rsplit("/", 1)[-1],
        content_type=CONTENT_TYPES[fmt],
    )
